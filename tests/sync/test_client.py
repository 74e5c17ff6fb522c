"""The register client's own rules: backoff, Retry-After, no retry of other 4xx, unpairing, offline caps."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from faultproxy import FaultProxy
from harness import CentralServer, sqlite_url

from sync.client import (
    ClientError,
    ExposureLimits,
    ExposureState,
    OfflineExposure,
    OutboxNotEmpty,
    RetryPolicy,
    SyncClient,
    SyncLoop,
)
from sync.client.http import parse_retry_after


def test_full_jitter_backoff_stays_within_the_cap():
    policy = RetryPolicy(base=0.5, cap=4.0)
    rng = random.Random(1)
    delays = [[policy.delay(attempt, rng) for _ in range(200)] for attempt in range(10)]
    assert all(0 <= d <= min(4.0, 0.5 * 2**a) for a, row in enumerate(delays) for d in row)
    assert max(delays[9]) > 3.0 and min(delays[9]) < 1.0  # full jitter spreads over [0, cap]


def test_retry_after_as_seconds_or_http_date():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), lambda: now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("100000") == 300.0  # capped


def test_client_waits_what_retry_after_asks_and_never_retries_other_4xx(central, make_store):
    proxy = FaultProxy(central.port)
    try:
        waits: list[float] = []
        code = central.pairing_code("S1", "R1")
        client = SyncClient(proxy.url, read_timeout=2, sleep=waits.append,
                            retry=RetryPolicy(base=0.01, cap=0.02, max_attempts=5))
        client.pair(code)
        store = make_store("S1.R1")
        store.record("accrual", "C1", 10)
        proxy.retry_after = "3"
        calls = {"n": 0}

        def first_push_busy(request):
            calls["n"] += 1
            return "503" if calls["n"] == 1 else "pass"

        proxy.policy = first_push_busy
        client.push(store.pending_batch(10))
        assert waits == [3.0]

        proxy.policy = lambda r: "pass"
        before = sum(proxy.counts.values())
        with pytest.raises(ClientError) as info:
            client._request("GET", "/v1/customers/NOBODY")
        assert info.value.status == 404
        assert sum(proxy.counts.values()) - before == 1
    finally:
        proxy.close()


def test_unpairing_is_refused_while_the_outbox_holds_entries(central, make_store):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.record("accrual", "C1", 10)
    with pytest.raises(OutboxNotEmpty):
        client.unpair(store)
    assert client.token is not None
    SyncLoop(client, store, store).run_once()
    client.unpair(store)
    assert client.token is None


def test_server_restored_from_backup_gets_the_acknowledged_entries_again(tmp_path, make_store):
    first = CentralServer(sqlite_url(tmp_path / "first.db"))
    store = make_store("S1.R1")
    client = first.client("S1", "R1")
    for i in range(12):
        store.record("accrual", "C1", 1 + i)
    assert SyncLoop(client, store, store).run_once()
    first.stop()
    restored = CentralServer(sqlite_url(tmp_path / "restored.db"))  # lost everything from this register
    try:
        client = restored.client("S1", "R1")
        for _ in range(3):
            store.record("accrual", "C1", 100)
        loop = SyncLoop(client, store, store, batch_size=5)
        assert loop.run_once()  # the old cursor is ahead of the restored feed: 410, then a snapshot
        assert restored.scalar("SELECT COUNT(*) FROM ledger_entries") == 15
        assert restored.balance("C1") == sum(range(1, 13)) + 300
        assert store.snapshot_count() == 1 and store.record_of("customer", "C1")["balance"] == 378
    finally:
        restored.stop()


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_age_survives_a_restart_and_ignores_the_wall_clock():
    clock = FakeMonotonic()
    exposure = OfflineExposure(ExposureLimits(max_cache_age_seconds=3600), monotonic=clock)
    clock.now += 3000
    saved = exposure.state()
    assert not exposure.too_old()
    # A restart: the monotonic clock starts again, the consumed age is restored from storage.
    clock.now = 5.0
    restarted = OfflineExposure(exposure.limits, ExposureState(**vars(saved)), monotonic=clock)
    clock.now += 601
    assert restarted.too_old() and restarted.cache_age() == pytest.approx(3601)
    restarted.mark_synced()
    assert not restarted.too_old() and restarted.cache_age() == 0
