"""A hostile or broken register cannot write through a refused push, block itself, or mint points.

Each test pushes what a register could send (over real HTTP to a real central service) and checks the
answer and what the central service holds afterwards.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from sync.client import SyncLoop
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, EntryKind, LedgerEntry

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def entry(register_id: str, seq: int, kind: str, customer: str | None, points: int, **fields: object) -> LedgerEntry:
    return LedgerEntry.build(register_id=register_id, seq=seq, kind=EntryKind(kind), customer_id=customer,
                             points=points, created_at_register=NOW, **fields)


def raw_push(central, client, entries: list[dict]) -> httpx.Response:
    body = json.dumps({"register_id": client.register_id, "entries": entries})  # ASCII: "\ud800" stays escaped
    return httpx.post(f"{central.url}/v1/push", content=body,
                      headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {client.token}",
                               "Content-Type": "application/json"})


def customers(central) -> int:
    return central.scalar("SELECT COUNT(*) FROM customers")


def test_a_refused_push_writes_nothing_not_even_a_customer(central):
    client = central.client("S1", "R1")
    other = central.client("S1", "R2")
    before = customers(central)
    gap = entry(client.register_id, 5, "accrual", "NEW-1", 10, order_id="O1", order_total_minor=1000)
    foreign = entry(other.register_id, 1, "accrual", "NEW-2", 10, order_id="O2", order_total_minor=1000)

    assert raw_push(central, client, [gap.model_dump(mode="json")]).status_code == 422  # seq gap
    assert raw_push(central, client, [foreign.model_dump(mode="json")]).status_code == 403  # another register's
    first = entry(client.register_id, 1, "accrual", "NEW-3", 10, order_id="O3", order_total_minor=1000)
    assert raw_push(central, client, [first.model_dump(mode="json")]).status_code == 200
    changed = first.model_copy(update={"points": 11}).model_dump(mode="json")
    changed["payload_hash"] = LedgerEntry.build(**{k: v for k, v in changed.items()
                                                    if k not in ("payload_hash",)}).payload_hash
    assert raw_push(central, client, [changed]).status_code == 409  # the same id, another payload

    assert customers(central) == before + 1  # only NEW-3, whose push was taken
    assert central.scalar("SELECT COUNT(*) FROM customers WHERE id IN ('NEW-1', 'NEW-2')") == 0


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("points", 2**63, "bad_entry: points"),
    ("points", -(10**12), "bad_entry: points"),
    ("note", "a NUL \x00 here", "bad_entry: note"),
    ("reason", "lone \ud800 surrogate", "bad_entry: reason"),
    ("id", "00000000-0000-0000-0000-000000000000", "bad_entry: id"),
])
def test_an_entry_the_server_cannot_store_is_rejected_and_the_entries_behind_it_go_on(
        central, field, value, reason):
    client = central.client("S1", "R1")
    bad = entry(client.register_id, 1, "accrual", "C1", 10, order_id="O1", order_total_minor=1000)
    raw = bad.model_dump(mode="json")
    raw[field] = value
    good = entry(client.register_id, 2, "accrual", "C1", 7, order_id="O2", order_total_minor=700)

    answer = raw_push(central, client, [raw, good.model_dump(mode="json")])

    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert results[0]["status"] == "rejected" and results[0]["reason"].startswith(reason)
    assert results[1]["status"] == "created"
    assert answer.json()["acked_through_seq"] == 2
    assert central.balance("C1") == 7
    assert raw_push(central, client, [raw]).json()["results"][0]["status"] == "rejected"  # the same answer again


def test_a_register_cannot_mint_points(central, make_store):
    client = central.client("S1", "R1")
    store = make_store(client.register_id)
    store.record("accrual", "C1", 100)  # an order of 100.00 earns 100 points
    store.record("code_use", "C1", 1_000_000, code="SPRING", discount_minor=500)
    store.record("transfer", "C2", 500, counterpart_id="C1", group_id=str(uuid.uuid4()))  # one side only
    store.record("adjustment", "C1", 9 * 10**8, reason="goodwill")  # beyond the register's daily limit
    store.record("accrual", "C2", 5_000, order_id="O-SMALL", order_total_minor=1000)  # 10.00 cannot earn 5,000
    store.record("accrual", "C2", 300, order_id=None, order_total_minor=None)  # a gift from nowhere: refused
    group = str(uuid.uuid4())
    store.record("transfer", "C1", -40, counterpart_id="C2", group_id=group)
    store.record("transfer", "C2", 40, counterpart_id="C1", group_id=group)

    assert SyncLoop(client, store, store).run_once()

    answers = dict(store._conn.execute("SELECT seq, COALESCE(reason, status) FROM outbox ORDER BY seq").fetchall())
    assert answers == {1: "created", 2: "code_use_carries_points", 3: "one_sided_transfer", 4: "adjustment_limit",
                       5: "accrual_above_order", 6: "accrual_without_order", 7: "created", 8: "created"}
    assert central.balance("C1") == 60 and central.balance("C2") == 40


def test_a_transfer_pair_is_never_split_across_pushes(central, make_store):
    client = central.client("S1", "R1")
    store = make_store(client.register_id)
    store.record("accrual", "C1", 100)
    group = str(uuid.uuid4())
    store.record("transfer", "C1", -30, counterpart_id="C2", group_id=group)
    store.record("transfer", "C2", 30, counterpart_id="C1", group_id=group)

    assert SyncLoop(client, store, store, batch_size=2).run_once()  # the pair straddles two batches

    assert central.balance("C1") == 70 and central.balance("C2") == 30
    statuses = [r[0] for r in store._conn.execute("SELECT status FROM outbox ORDER BY seq")]
    assert statuses == ["created", "created", "created"]


def test_rejected_entries_are_listed_at_the_central(central, make_store, capsys):
    client = central.client("S1", "R1")
    store = make_store(client.register_id)
    store.record("code_use", "C1", 5, code="X", discount_minor=0)
    assert SyncLoop(client, store, store).run_once()

    from sync.central.cli import main as pos_central

    assert pos_central(["conflicts", "--db", central.db_url]) == 0
    out = capsys.readouterr().out
    assert "REJECTED" in out and "code_use_carries_points" in out and client.register_id in out
    assert json.loads(central.rows("SELECT payload FROM rejected_entries")[0][0])["points"] == 5


def test_a_transfer_whose_other_side_is_refused_is_refused_whole(central, make_store):
    client = central.client("S1", "R1")
    store = make_store(client.register_id)
    store.record("accrual", "C1", 100)
    group = str(uuid.uuid4())
    store.record("transfer", None, -40, counterpart_id="C2", group_id=group)  # no member: refused
    store.record("transfer", "C2", 40, counterpart_id="C1", group_id=group)

    assert SyncLoop(client, store, store).run_once()

    answers = [r[0] for r in store._conn.execute("SELECT COALESCE(reason, status) FROM outbox ORDER BY seq")]
    assert answers == ["created", "customer_required", "customer_required"]
    assert central.balance("C2") == 0
