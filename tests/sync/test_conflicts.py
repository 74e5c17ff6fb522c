"""The conflict policy decided at the central service, and refusals that must leave nothing behind."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from sync.central import imports, operations
from sync.central.cli import main
from sync.client import (
    AuthError,
    PayloadConflict,
    ProtocolUnsupported,
    SyncClient,
    SyncLoop,
)
from sync.protocol import PROTOCOL_HEADER, EntryStatus, LedgerEntry


def _ledger_state(central):
    return (central.scalar("SELECT COUNT(*) FROM ledger_entries"), central.balances(), central.ledger_sums())


def test_same_id_different_payload_is_409_no_change_and_alert(central, make_store, capsys):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    entry = store.record("accrual", "C1", 50)
    client.push([entry])
    before = _ledger_state(central)
    forged = LedgerEntry.build(**{**entry.model_dump(exclude={"payload_hash"}), "points": 5000})
    assert forged.id == entry.id and forged.payload_hash != entry.payload_hash

    with pytest.raises(PayloadConflict) as info:
        client.push([forged])

    assert info.value.status == 409
    assert _ledger_state(central) == before
    alerts = central.rows("SELECT kind, register_id, entry_id FROM alerts")
    assert alerts == [("payload_conflict", "S1.R1", entry.id)]
    assert main(["conflicts", "--db", central.db_url]) == 0
    assert f"ALERT payload_conflict register=S1.R1 entry={entry.id}" in capsys.readouterr().out


def test_another_id_on_a_held_seq_is_409(central, make_store):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    entry = store.record("accrual", "C1", 50)
    client.push([entry])
    other = LedgerEntry.build(**{**entry.model_dump(exclude={"payload_hash", "id"})})
    with pytest.raises(PayloadConflict):
        client.push([other])
    assert central.balance("C1") == 50


def test_reversal_of_a_reversal_and_double_reversal_are_refused(central, make_store):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    sale = store.record("accrual", "C1", 100)
    reversal = store.record("reversal", "C1", -100, reverses=sale.id)
    undo_reversal = store.record("reversal", "C1", 100, reverses=reversal.id)
    second_reversal = store.record("reversal", "C1", -100, reverses=sale.id)
    response = client.push(store.pending_batch(10))
    store.mark_acknowledged(response.results)

    statuses = [(r.status, r.reason) for r in response.results]
    assert statuses == [
        (EntryStatus.CREATED, None),
        (EntryStatus.CREATED, None),
        (EntryStatus.REJECTED, "reversal_of_reversal"),
        (EntryStatus.REJECTED, "already_reversed"),
    ]
    assert central.balance("C1") == 0
    assert central.ledger_sums() == {"C1": 0}
    # The same refusals come back for a resend, and a later register cannot reverse again either.
    again = client.push([undo_reversal, second_reversal])
    assert [r.status for r in again.results] == [EntryStatus.REJECTED, EntryStatus.REJECTED]
    other = central.client("S1", "R2")
    other_store = make_store("S1.R2")
    late = other_store.record("reversal", "C1", -100, reverses=sale.id)
    assert other.push([late]).results[0].reason == "already_reversed"
    assert central.balance("C1") == 0


def test_single_use_code_redeemed_offline_on_three_registers_has_exactly_one_winner(central, make_store, tmp_path):
    promo = {"id": "P-ONCE", "name": "5 off once", "kind": "discount", "codes": [
        {"code": "ONCE-5", "customer": None, "uses_left": 1}], "reward": {"type": "amount", "value": "5.00",
                                                                          "target": "order"}}
    path = tmp_path / "promos.json"
    path.write_text(json.dumps([promo]))
    with central.session() as s, s.begin():
        assert imports.import_promotions(s, path).errors == []
    registers = []
    for i in range(3):
        client = central.client("S1", f"R{i}")
        store = make_store(f"S1.R{i}")
        # Offline: each register believes the code is unused and grants the discount.
        store.record("code_use", f"C{i}", 0, code=" once-5 ", discount_minor=500 + i, order_id=f"O{i}")
        registers.append((client, store))
    barrier = threading.Barrier(3)

    def push(client, store):
        barrier.wait()
        client.push(store.pending_batch(10))

    threads = [threading.Thread(target=push, args=r) for r in registers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    rows = central.rows("SELECT id, customer_id, flags, discount_minor FROM ledger_entries ORDER BY server_seq")
    winners = [r for r in rows if r.flags == ""]
    losers = [r for r in rows if r.flags == "code_already_used"]
    assert len(winners) == 1 and len(losers) == 2
    # First committed at the server wins, whatever the register clocks said.
    assert rows[0].flags == ""
    conflicts = central.rows("SELECT kind, entry_id, leakage_minor FROM conflicts")
    assert sorted(c.entry_id for c in conflicts) == sorted(r.id for r in losers)
    assert {c.kind for c in conflicts} == {"code_already_used"}
    with central.session() as s:
        assert operations.leakage_total(s) == sum(r.discount_minor for r in losers)
    assert central.scalar("SELECT used FROM codes WHERE code = 'ONCE-5'") == 1


def test_online_entry_never_drives_a_balance_negative(central, make_store):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.record("accrual", "C1", 30)
    store.record("redemption", "C1", -50, online=True)
    store.record("redemption", "C1", -30, online=True)
    results = client.push(store.pending_batch(10)).results
    assert [(r.status, r.reason) for r in results] == [
        (EntryStatus.CREATED, None), (EntryStatus.REJECTED, "insufficient_balance"), (EntryStatus.CREATED, None)]
    assert central.balance("C1") == 0


def test_old_client_gets_426_with_a_message_and_nothing_is_written(central, make_store):
    code = central.pairing_code("S1", "R1")
    old = SyncClient(central.url, protocol_version=0)
    with pytest.raises(ProtocolUnsupported) as info:
        old.pair(code)
    assert info.value.status == 426 and "not supported" in str(info.value)
    current = SyncClient(central.url)
    current.pair(code)
    store = make_store("S1.R1")
    store.record("accrual", "C1", 10)
    old.token, old.register_id = current.token, current.register_id
    with pytest.raises(ProtocolUnsupported):
        old.push(store.pending_batch(10))
    raw = requests.post(f"{central.url}/v1/push", data=current.encode_push(store.pending_batch(10)),
                        headers={"Authorization": f"Bearer {current.token}"}, timeout=5)
    assert raw.status_code == 426 and raw.json()["code"] == "protocol_unsupported"
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == 0
    assert central.scalar("SELECT COUNT(*) FROM customers") == 0
    assert requests.get(f"{central.url}/docs", timeout=5).status_code == 200
    assert PROTOCOL_HEADER in raw.headers


def test_revoked_register_is_refused_and_registers_hear_of_it(central, make_store):
    client = central.client("S1", "R1")
    watcher = central.client("S1", "R2")
    watcher_store = make_store("S1.R2")
    with central.session() as s, s.begin():
        from sync.central import registers

        registers.revoke(s, "S1.R1")
    store = make_store("S1.R1")
    store.record("accrual", "C1", 10)
    with pytest.raises(AuthError) as info:
        client.push(store.pending_batch(10))
    assert info.value.status == 403
    bogus = SyncClient(central.url, token="S1.R1:nope", register_id="S1.R1")
    with pytest.raises(AuthError) as info:
        bogus.push(store.pending_batch(10))
    assert info.value.status == 401
    SyncLoop(watcher, watcher_store, watcher_store).run_once()
    assert watcher_store.record_of("register", "S1.R1")["revoked"] is True
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == 0


def test_clock_skew_beyond_300s_is_warned(central, make_store):
    code = central.pairing_code("S1", "R1")
    skewed = SyncClient(central.url, clock=lambda: datetime.now(UTC) + timedelta(seconds=400))
    skewed.pair(code)
    store = make_store("S1.R1")
    store.record("accrual", "C1", 10)
    loop = SyncLoop(skewed, store, store)
    assert loop.run_once()
    assert "ahead" in loop.status.clock_warning
    response = skewed.push(store.pending_batch(10) or [])
    assert response.clock_skew_seconds > 300
    # The server's own timestamp is authoritative.
    received = central.scalar("SELECT received_at FROM ledger_entries")
    assert received is not None


def test_ledger_is_append_only(central, make_store):
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.record("accrual", "C1", 10)
    client.push(store.pending_batch(10))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), central.engine.begin() as conn:
        conn.execute(sa.text("UPDATE ledger_entries SET points = 1000"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), central.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM ledger_entries"))
    assert central.ledger_sums() == {"C1": 10}


def test_anonymous_code_use_and_audit_details(central, make_store, tmp_path):
    path = tmp_path / "promos.json"
    path.write_text(json.dumps([
        {"id": "P-U", "codes": [{"code": "ANY1", "customer": None, "uses_left": 1}],
         "reward": {"type": "amount", "value": "1.00", "target": "order"}},
        {"id": "P-C", "codes": [{"code": "MINE", "customer": "C9", "uses_left": 1}],
         "reward": {"type": "amount", "value": "1.00", "target": "order"}},
    ]))
    with central.session() as s, s.begin():
        assert imports.import_promotions(s, path).errors == []
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.record("code_use", None, 0, code="any1", discount_minor=100, order_id="O1")
    store.record("code_use", None, 0, code="mine", discount_minor=100, order_id="O2")
    store.record("redemption", None, -10)
    store.record("adjustment", "C1", 25, reason="goodwill", actor_id="M1", note="late delivery")
    results = client.push(store.pending_batch(10)).results
    assert [(r.status, r.flags or r.reason) for r in results] == [
        (EntryStatus.CREATED, None),
        (EntryStatus.CREATED_FLAGGED, ["code_not_owner"]),
        (EntryStatus.REJECTED, "customer_required"),
        (EntryStatus.CREATED, None),
    ]
    assert central.scalar("SELECT used FROM codes WHERE code = 'ANY1'") == 1
    assert json.loads(central.scalar("SELECT details FROM ledger_entries WHERE customer_id = 'C1'")) == {
        "actor_id": "M1", "note": "late delivery", "reason": "goodwill"}
