"""Delivery faults: the server dying after its commit, and batches delivered many times out of order."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from harness import CentralServer, sqlite_url

from sync.client import RetryPolicy, SeqGap, SyncClient, SyncLoop, TransientError
from sync.protocol import EntryStatus

HERE = Path(__file__).parent


def _start_central(db_url: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, str(HERE / "central_process.py"), db_url, *extra],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    return proc, f"http://127.0.0.1:{int(line.split()[1])}"


def test_server_commits_then_dies_before_replying_retry_answers_exists(tmp_path, make_store):
    db_url = sqlite_url(tmp_path / "central.db")
    proc, url = _start_central(db_url, "--die-after-push")
    try:
        with CentralServer.pairing_session(db_url) as s:
            code = CentralServer.issue_code(s, "S1", "R1")
        client = SyncClient(url, read_timeout=5, retry=RetryPolicy(base=0.01, cap=0.05, max_attempts=1))
        client.pair(code)
        store = make_store("S1.R1")
        for i in range(20):
            store.record("accrual", f"C{i % 3}", 10 + i)
        body = client.encode_push(store.pending_batch(100))
        with pytest.raises(TransientError):
            client.push(body)
        assert proc.wait(10) == 137
        assert store.pending_count() == 20  # nothing acknowledged without an answer
    finally:
        proc.kill()
        proc.wait()

    proc, url = _start_central(db_url)
    try:
        client.base_url = url
        response = client.push(body)  # byte-for-byte the same request
        assert {r.status for r in response.results} == {EntryStatus.EXISTS}
        assert response.acked_through_seq == 20
        store.mark_acknowledged(response.results)
        assert store.pending_count() == 0
    finally:
        proc.terminate()
        proc.wait(10)
    server = CentralServer(db_url)
    try:
        assert server.scalar("SELECT COUNT(*) FROM ledger_entries") == 20
        assert server.scalar("SELECT COUNT(DISTINCT id) FROM ledger_entries") == 20
        assert server.ledger_sums() == server.balances()
    finally:
        server.stop()


def _workload(store, register_index: int, rng: random.Random, count: int) -> None:
    """Sales, offline redemptions (some beyond the balance), reversals and double reversals.

    No online-marked entries: whether one may spend depends on what other
    registers pushed before it, so its answer legitimately depends on arrival
    order (an online register pushes it at once; see test_conflicts).
    """
    recorded = []
    reversed_ = []
    for _ in range(count):
        customer = f"C{rng.randrange(5)}"
        roll = rng.random()
        if roll < 0.5:
            recorded.append(store.record("accrual", customer, rng.randint(1, 60)))
        elif roll < 0.75:
            store.record("redemption", customer, -rng.randint(1, 80))
        elif roll < 0.82 and reversed_:
            target = rng.choice(reversed_)
            store.record("reversal", target.customer_id, -target.points, reverses=target.id)
        elif recorded:
            target = recorded.pop(rng.randrange(len(recorded)))
            reversed_.append(target)
            store.record("reversal", target.customer_id, -target.points, reverses=target.id)
        else:
            store.record("adjustment", customer, rng.choice([-5, 5]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batches_delivered_one_to_five_times_reordered_give_the_clean_balances(tmp_path, make_store, seed):
    rng = random.Random(seed)
    clean = CentralServer(sqlite_url(tmp_path / "clean.db"))
    chaos = CentralServer(sqlite_url(tmp_path / "chaos.db"))
    try:
        deliveries: list[tuple[SyncClient, bytes]] = []
        for r in range(3):
            store = make_store(f"S1.R{r}")
            _workload(store, r, rng, 60)
            clean_client = clean.client("S1", f"R{r}")
            chaos_client = chaos.client("S1", f"R{r}")
            entries = store.pending_batch(1000)
            for start in range(0, len(entries), 8):
                batch = entries[start : start + 8]
                clean_client.push(batch)
                body = chaos_client.encode_push(batch)
                deliveries += [(chaos_client, body)] * rng.randint(1, 5)
            # After the chaos the register's own loop resends whatever is still unanswered.
            deliveries.append((chaos_client, b""))
        rng.shuffle(deliveries)
        gaps = 0
        for client, body in deliveries:
            if body:
                try:
                    client.push(body, attempts=1)
                except SeqGap:
                    gaps += 1
        for r in range(3):
            client = next(c for c, _ in deliveries if c.register_id == f"S1.R{r}")
            store = make_store(f"S1.R{r}")
            assert SyncLoop(client, store, store).run_once()

        assert chaos.balances() == clean.balances()
        assert chaos.ledger_sums() == clean.ledger_sums() == chaos.balances()
        assert chaos.scalar("SELECT COUNT(*) FROM ledger_entries") == clean.scalar("SELECT COUNT(*) FROM ledger_entries")
        assert chaos.rows("SELECT id, reason FROM rejected_entries ORDER BY id") == clean.rows(
            "SELECT id, reason FROM rejected_entries ORDER BY id")
        assert chaos.scalar("SELECT COUNT(*) FROM rejected_entries") > 0
        assert gaps > 0  # some batches did arrive before their predecessors
    finally:
        clean.stop()
        chaos.stop()
