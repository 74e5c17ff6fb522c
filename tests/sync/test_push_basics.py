"""Pushing entries: created, exists on resend, flags, refusals, and the answer's acked seq."""

from __future__ import annotations

from sync.client import SyncLoop
from sync.protocol import EntryStatus


def test_pair_push_and_resend_answers_exists(central, make_store):
    client = central.client("S1", "R1")
    assert client.register_id == "S1.R1"
    store = make_store("S1.R1")
    store.record("accrual", "C1", 120, order_id="O1", order_total_minor=12000)
    store.record("redemption", "C1", -20)
    batch = store.pending_batch(10)

    first = client.push(batch)
    again = client.push(batch)

    assert [r.status for r in first.results] == [EntryStatus.CREATED, EntryStatus.CREATED]
    assert [r.status for r in again.results] == [EntryStatus.EXISTS, EntryStatus.EXISTS]
    assert first.acked_through_seq == again.acked_through_seq == 2
    assert central.balance("C1") == 100
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == 2
    assert client.customer("C1")["balance"] == 100  # what an online redemption checks first


def test_loop_drains_outbox_and_pulls_confirmed_balance(central, make_store):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    for i in range(25):
        store.record("accrual", f"C{i % 3}", 10)
    loop = SyncLoop(client, store, store, batch_size=10)

    assert loop.run_once()

    assert store.pending_count() == 0
    assert loop.status.state == "online"
    assert store.record_of("customer", "C0")["balance"] == 90
    assert store.available_points("C0") == 90
