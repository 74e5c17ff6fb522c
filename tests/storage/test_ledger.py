"""The ledger: append-only entries, gapless seq, outbox bytes, lots spent first-to-expire-first."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pos_app.domain.ledger import EntryKind, PointsBalance, canonical_json
from pos_app.storage.ledger import NewLot

from .conftest import NOW


def test_entries_get_time_ordered_uuid7_ids_and_a_gapless_seq(uow, people) -> None:
    with uow() as work:
        first = work.ledger.append(EntryKind.ACCRUAL, "C1", 120, at=NOW)
        second = work.ledger.append(EntryKind.REDEMPTION, "C1", -100, at=NOW)
        work.commit()

    assert uuid.UUID(first.id).version == 7 and uuid.UUID(second.id).version == 7
    assert first.id < second.id
    assert (first.seq, second.seq) == (1, 2)


def test_a_rolled_back_entry_leaves_no_hole_in_the_sequence(uow, people) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C1", 10, at=NOW)
        work.commit()
    with uow() as work:  # the cashier's action fails before commit
        work.ledger.append(EntryKind.ACCRUAL, "C1", 99, at=NOW)
    with uow() as work:
        entry = work.ledger.append(EntryKind.ACCRUAL, "C1", 20, at=NOW)
        work.commit()

    assert entry.seq == 2
    with uow() as work:
        assert [e.points for e in work.ledger.entries_of("C1")] == [10, 20]
        assert work.ledger.last_seq() == 2


def test_the_outbox_holds_the_exact_bytes_to_push_in_seq_order(uow, people) -> None:
    with uow() as work:
        entries = [work.ledger.append(EntryKind.ACCRUAL, c, 5, at=NOW) for c in ("C1", "C2", "C3")]
        work.commit()

    with uow(read_only=True) as work:
        items = work.ledger.pending_outbox(limit=10)

    assert [i.seq for i in items] == [1, 2, 3]
    assert items[0].payload == canonical_json(entries[0].to_wire())
    assert json.loads(items[1].payload) == {
        "id": entries[1].id, "register": "R1", "seq": 2, "kind": "accrual", "customer": "C2", "points": 5,
        "created_at": "2026-11-23T14:30:00+00:00", "reverses": None, "order": None, "code": None,
        "reason": None, "actor": None, "counterpart": None, "group": None, "note": None,
    }


def test_balance_is_shown_confirmed_and_pending_and_acknowledgement_moves_points_across(uow, people) -> None:
    with uow() as work:
        accrual = work.ledger.append(EntryKind.ACCRUAL, "C1", 200, at=NOW)
        work.ledger.append(EntryKind.REDEMPTION, "C1", -50, at=NOW)
        work.commit()

    with uow() as work:
        assert work.ledger.balance("C1", NOW.date()) == PointsBalance("C1", confirmed=1500, pending=150)
        assert work.ledger.balance("C1", NOW.date()).available == 1650

    with uow() as work:  # the central service answered `created` for the accrual
        assert work.ledger.acknowledge([accrual.id], NOW) == 1
        assert work.ledger.acknowledge([accrual.id], NOW) == 0  # a repeated answer changes nothing
        work.commit()

    with uow() as work:
        assert work.ledger.balance("C1", NOW.date()) == PointsBalance("C1", confirmed=1700, pending=-50)
        assert [i.seq for i in work.ledger.pending_outbox()] == [2]
        assert work.ledger.outbox_size() == 1


def test_points_held_until_the_return_window_closes_are_not_spendable(uow, people) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C2", 100, at=NOW, available_on=NOW.date() + timedelta(days=30))
        work.commit()
    with uow() as work:
        today = work.ledger.balance("C2", NOW.date())
        later = work.ledger.balance("C2", NOW.date() + timedelta(days=30))

    assert (today.available, today.held, today.spendable) == (400, 100, 300)
    assert (later.held, later.spendable) == (0, 400)


def test_spending_takes_the_lots_that_expire_first(uow, people) -> None:
    with uow() as work:
        late = work.ledger.append(EntryKind.ACCRUAL, "C3", 100, at=NOW, lots=[NewLot(100, date(2027, 12, 31))])
        soon = work.ledger.append(EntryKind.ACCRUAL, "C3", 100, at=NOW, lots=[NewLot(100, date(2027, 1, 31))])
        work.ledger.append(EntryKind.REDEMPTION, "C3", -150, at=NOW)
        work.commit()

    with uow() as work:
        remaining = {lot.entry_id: lot.remaining for lot in work.ledger.lots("C3")}

    assert remaining == {soon.id: 0, late.id: 50}


def test_accruals_expire_after_the_programs_months(uow, people) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C3", 10, at=NOW)
        work.commit()
    with uow() as work:
        assert [lot.expires_on for lot in work.ledger.lots("C3")] == [date(2027, 11, 23)]


def test_a_reversal_gives_back_exactly_the_lots_it_took(uow, people) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C3", 100, at=NOW, lots=[NewLot(100, date(2027, 1, 31))])
        spent = work.ledger.append(EntryKind.REDEMPTION, "C3", -80, at=NOW)
        work.ledger.append(EntryKind.REVERSAL, "C3", 80, at=NOW, reverses=spent.id)
        work.commit()
    with uow() as work:
        assert [lot.remaining for lot in work.ledger.lots("C3")] == [100]
        assert work.ledger.ledger_sum("C3") == 100


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET points = 1000000",
        "UPDATE ledger_entries SET kind = 'adjustment'",
        "DELETE FROM ledger_entries",
        "UPDATE point_lots SET points = 999",
        "DELETE FROM lot_consumptions",
        "UPDATE outbox SET payload = x'00'",
        "DELETE FROM outbox",
    ],
)
def test_the_database_refuses_to_edit_or_delete_ledger_rows(engine, uow, people, statement) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C1", 100, at=NOW)
        work.ledger.append(EntryKind.REDEMPTION, "C1", -10, at=NOW)
        work.commit()

    with pytest.raises(IntegrityError, match="append-only|immutable|cannot be deleted"):
        with engine.begin() as connection:
            connection.execute(text(statement))

    with uow() as work:
        assert [e.points for e in work.ledger.entries_of("C1")] == [100, -10]


def test_the_database_itself_refuses_a_second_reversal_and_a_reversal_of_a_reversal(uow, people) -> None:
    with uow() as work:
        entry = work.ledger.append(EntryKind.ACCRUAL, "C1", 100, at=NOW)
        reversal = work.ledger.append(EntryKind.REVERSAL, "C1", -100, at=NOW, reverses=entry.id)
        work.commit()

    with pytest.raises(IntegrityError, match="UNIQUE"), uow() as work:
        work.ledger.append(EntryKind.REVERSAL, "C1", -100, at=NOW, reverses=entry.id)
    with pytest.raises(IntegrityError, match="a reversal cannot be reversed"), uow() as work:
        work.ledger.append(EntryKind.REVERSAL, "C1", 100, at=NOW, reverses=reversal.id)
    with pytest.raises(IntegrityError, match="CHECK"), uow() as work:
        work.ledger.append(EntryKind.ADJUSTMENT, "C1", 5, at=NOW, reverses=entry.id)

    with uow() as work:
        assert work.ledger.last_seq() == 2
        assert work.ledger.ledger_sum("C1") == 0


def test_acknowledged_outbox_rows_may_be_pruned_but_not_changed(engine, uow, people) -> None:
    with uow() as work:
        entry = work.ledger.append(EntryKind.ACCRUAL, "C1", 100, at=NOW)
        work.ledger.acknowledge([entry.id], NOW)
        work.commit()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox WHERE acknowledged_at IS NOT NULL"))
    with uow() as work:
        assert work.ledger.get(entry.id) is not None
        assert work.ledger.outbox_size() == 0


def test_an_entry_read_back_is_the_entry_written_and_its_payload_matches(uow, people) -> None:
    from datetime import timezone

    paris = timezone(timedelta(hours=1))
    with uow() as work:
        written = work.ledger.append(EntryKind.ACCRUAL, "C1", 7, at=NOW.astimezone(paris), note="café ☕")
        work.commit()
    with uow() as work:
        read = work.ledger.get(written.id)
        (item,) = work.ledger.pending_outbox()
    assert read == written
    assert item.payload == canonical_json(read.to_wire())
    assert json.loads(item.payload)["created_at"] == "2026-11-23T14:30:00+00:00"


def test_writers_on_several_threads_queue_and_the_sequence_stays_gapless(uow, people) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def cashier(n: int) -> None:
        for _ in range(15):
            with uow() as work:  # one session per unit of work, created on this thread
                work.ledger.append(EntryKind.ACCRUAL, f"C{n % 4 + 1}", 1, at=NOW)
                work.commit()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(cashier, range(4)))

    with uow(read_only=True) as work:
        assert work.ledger.last_seq() == 60
        assert sorted(i.seq for i in work.ledger.pending_outbox(limit=100)) == list(range(1, 61))
        assert sum(work.customers.get(f"C{n}").pending_points for n in range(1, 5)) == 60


def test_a_points_statement_shows_balance_lots_and_history(uow, people) -> None:
    from pos_app.services.balances import PointsStatement, points_statement
    from pos_app.services.outcome import Refused

    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C4", 100, at=NOW, lots=[NewLot(100, date(2027, 2, 28))])
        work.ledger.append(EntryKind.REDEMPTION, "C4", -40, at=NOW)
        work.commit()

    statement = points_statement(uow(read_only=True), "C4", NOW.date())

    assert isinstance(statement, PointsStatement)
    assert (statement.balance.confirmed, statement.balance.pending, statement.balance.available) == (50, 60, 110)
    assert [(lot.remaining, lot.expires_on) for lot in statement.lots] == [(60, date(2027, 2, 28))]
    assert [e.points for e in statement.entries] == [100, -40]
    assert points_statement(uow(), "C404", NOW.date()) == Refused("unknown_customer", "no customer 'C404'")
