"""Network faults between a register and the central service, through a loopback fault proxy.

Pass criteria (SYNC.md): no duplicate entry whatever the fault, sync resumes
within the backoff cap + 10 s of the network healing, and with 20% of calls
failing every entry is accepted eventually while no call blocks past its
timeout.
"""

from __future__ import annotations

import os
import random
import threading
import time

import pytest
from faultproxy import FaultProxy, wait_for

from sync.client import RetryPolicy, SyncClient, SyncLoop, SyncState

BACKOFF_CAP = 1.0


def _assert_no_duplicates(central, store, expected: int) -> None:
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == expected
    assert central.scalar("SELECT COUNT(DISTINCT id) FROM ledger_entries") == expected
    assert central.scalar("SELECT COUNT(DISTINCT seq) FROM ledger_entries WHERE register_id = 'S1.R1'") == expected
    assert store.pending_count() == 0


@pytest.mark.parametrize("fault", ["drop_request", "drop_response", "stall", "stall_response", "cut"])
def test_fault_then_heal_no_duplicate_and_resumes_within_cap(central, make_store, fault):
    proxy = FaultProxy(central.port, stall_seconds=5)
    client = central.client("S1", "R1", url=proxy.url, read_timeout=0.5)
    store = make_store("S1.R1")
    for i in range(30):
        store.record("accrual", f"C{i % 4}", 5)
    healed = threading.Event()
    proxy.policy = lambda r: "pass" if healed.is_set() or r.path != "/v1/push" else fault
    loop = SyncLoop(client, store, store, batch_size=10, interval=30,
                    backoff=RetryPolicy(base=0.2, cap=BACKOFF_CAP, max_attempts=None), call_attempts=1)
    loop.start()
    try:
        assert wait_for(lambda: proxy.counts[fault] >= 3, 20)
        assert loop.status.state is SyncState.OFFLINE
        assert loop.status.offline_since is not None
        healed.set()
        healed_at = time.monotonic()
        assert wait_for(lambda: loop.status.state is SyncState.ONLINE and store.pending_count() == 0,
                        BACKOFF_CAP + 10)
        assert time.monotonic() - healed_at <= BACKOFF_CAP + 10
    finally:
        loop.stop()
        proxy.close()
    _assert_no_duplicates(central, store, 30)
    assert central.ledger_sums() == {"C0": 40, "C1": 40, "C2": 35, "C3": 35}


def test_network_down_shows_offline_since_and_recovers(central, make_store):
    proxy = FaultProxy(central.port)
    client = central.client("S1", "R1", url=proxy.url, read_timeout=0.5)
    store = make_store("S1.R1")
    seen = []
    loop = SyncLoop(client, store, store, interval=30, call_attempts=1, on_status=seen.append,
                    backoff=RetryPolicy(base=0.1, cap=0.5, max_attempts=None))
    proxy.policy = lambda r: "drop_request"
    loop.start()
    try:
        store.record("accrual", "C1", 10)
        loop.sync_now()
        assert wait_for(lambda: loop.status.state is SyncState.OFFLINE and loop.status.pending == 1, 10)
        assert loop.status.unsynced_for() >= 0
        proxy.policy = lambda r: "pass"
        assert wait_for(lambda: loop.status.state is SyncState.ONLINE and loop.status.pending == 0, 10.5)
        store.record("accrual", "C1", 5)
        loop.sync_now()
        assert wait_for(lambda: central.balance("C1") == 15 and loop.status.state is SyncState.ONLINE, 5)
    finally:
        loop.stop()
        proxy.close()
    assert [s.state for s in seen][-2:] == [SyncState.SYNCING, SyncState.ONLINE]
    assert SyncState.OFFLINE in {s.state for s in seen}
    assert loop.status.offline_since is None


FAULT_ENTRIES = int(os.environ.get("POS_SYNC_FAULT_ENTRIES", "10000"))


@pytest.mark.slow
def test_twenty_percent_failing_calls_every_entry_accepted_and_no_call_blocks(central, make_store):
    rng = random.Random(7)
    proxy = FaultProxy(central.port, stall_seconds=5)
    proxy.policy = lambda r: rng.choice(["500", "503", "stall", "drop_response"]) if rng.random() < 0.2 else "pass"
    connect_timeout, read_timeout = 1.0, 0.4
    code = central.pairing_code("S1", "R1")
    client = SyncClient(proxy.url, connect_timeout=connect_timeout, read_timeout=read_timeout,
                        retry=RetryPolicy(base=0.01, cap=0.05, max_attempts=3))
    while True:  # pairing is not retried (a code is single-use); the proxy may eat it
        try:
            client.pair(code)
            break
        except Exception:  # noqa: BLE001
            code = central.pairing_code("S1", "R1")
    durations: list[float] = []
    original = client.session.request

    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return original(*args, **kwargs)
        finally:
            durations.append(time.monotonic() - started)

    client.session.request = timed  # type: ignore[method-assign]
    store = make_store("S1.R1", synchronous="NORMAL")
    for i in range(FAULT_ENTRIES):
        store.record("accrual", f"C{i % 50}", 1 + i % 7)
    loop = SyncLoop(client, store, store, batch_size=100, call_attempts=3,
                    backoff=RetryPolicy(base=0.01, cap=0.05, max_attempts=None))
    deadline = time.monotonic() + 120
    while not loop.run_once():
        assert time.monotonic() < deadline
    proxy.close()

    _assert_no_duplicates(central, store, FAULT_ENTRIES)
    assert sum(central.ledger_sums().values()) == sum(1 + i % 7 for i in range(FAULT_ENTRIES))
    assert central.ledger_sums() == central.balances()
    injected = sum(proxy.counts[a] for a in ("500", "503", "stall", "drop_response"))
    assert injected >= 0.1 * sum(proxy.counts.values())
    assert max(durations) < read_timeout + connect_timeout + 0.5


def test_unanswered_batch_is_resent_byte_for_byte_even_after_new_sales(central, make_store):
    proxy = FaultProxy(central.port)
    try:
        client = central.client("S1", "R1", url=proxy.url)
        store = make_store("S1.R1")
        for _ in range(3):
            store.record("accrual", "C1", 10)
        loop = SyncLoop(client, store, store, batch_size=10, call_attempts=1)
        proxy.policy = lambda r: "drop_response"
        assert not loop.run_once()
        store.record("accrual", "C1", 5)  # a sale while the answer is missing
        proxy.policy = lambda r: "pass"
        assert loop.run_once()
        first, retry, *rest = proxy.push_bodies
        assert retry == first
        assert len(rest) == 1
        assert central.balance("C1") == 35
        assert {s for s, _ in store.answers().values()} == {"created", "exists"}
    finally:
        proxy.close()
