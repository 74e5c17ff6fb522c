"""`kill -9` of the register at random points of checkout, push and pull.

A forked child runs the register: checkouts (each one local transaction that
writes an entry with its id and seq), pushes and pulls, in a seeded random
order; the parent SIGKILLs it after a random delay, then starts the next
child on the same files. At the end one clean sync must leave 0 lost and 0
duplicated entries and equal balances on both sides.
"""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from sync.client import RetryPolicy, SyncClient, SyncLoop
from sync.client.reference_store import ReferenceRegisterStore

SEEDS = int(os.environ.get("POS_SYNC_KILL_SEEDS", "200"))


def _register_child(db_path, url: str, token: str, seed: int) -> None:
    rng = random.Random(seed)
    store = ReferenceRegisterStore(db_path, "S1.R1")
    client = SyncClient(url, token=token, register_id="S1.R1", read_timeout=2,
                        retry=RetryPolicy(base=0.01, cap=0.05, max_attempts=2))
    loop = SyncLoop(client, store, store, batch_size=rng.randint(1, 9), page_size=rng.randint(1, 6))
    while True:
        roll = rng.random()
        if roll < 0.55:
            store.record("accrual", f"C{rng.randrange(4)}", rng.randint(1, 20), order_id=f"O{seed}-{rng.random()}")
        elif roll < 0.8:
            loop.push_pending()
        else:
            loop.pull_changes()


@pytest.mark.slow
def test_register_killed_at_random_points_loses_and_duplicates_nothing(central, tmp_path):
    db_path = tmp_path / "register.db"
    client = central.client("S1", "R1")
    ReferenceRegisterStore(db_path, "S1.R1").close()
    rng = random.Random(2026)
    killed_with_pending = 0
    for seed in range(SEEDS):
        pid = os.fork()
        if pid == 0:  # the register process
            try:
                _register_child(db_path, central.url, client.token, seed)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.002, 0.08))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        if seed % 20 == 0:
            probe = ReferenceRegisterStore(db_path, "S1.R1")
            killed_with_pending += probe.pending_count() > 0
            probe.close()

    store = ReferenceRegisterStore(db_path, "S1.R1")
    try:
        loop = SyncLoop(client, store, store)
        assert loop.run_once()
        local = store._conn.execute("SELECT id, customer_id, points, status FROM outbox ORDER BY seq").fetchall()
        seqs = [r[0] for r in store._conn.execute("SELECT seq FROM outbox ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))  # gapless
        assert len(local) >= min(SEEDS, 20)  # the children did real work
        assert all(status in ("created", "exists") for *_, status in local)
        server_ids = [r[0] for r in central.rows("SELECT id FROM ledger_entries WHERE register_id = 'S1.R1'")]
        assert len(server_ids) == len(set(server_ids))  # 0 duplicated
        assert set(server_ids) == {r[0] for r in local}  # 0 lost, nothing extra
        local_sums: dict[str, int] = {}
        for _, customer, points, _ in local:
            local_sums[customer] = local_sums.get(customer, 0) + points
        assert central.balances() == local_sums == central.ledger_sums()
        assert {c: store.record_of("customer", c)["balance"] for c in local_sums} == local_sums
        assert killed_with_pending > 0
    finally:
        store.close()
