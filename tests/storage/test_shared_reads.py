"""A series of lookups may share one read transaction: `UnitOfWorkFactory.reads()`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, text

from pos_app.services.identification import Identified, identify_by_card


def test_lookups_in_shared_reads_use_one_transaction_and_see_one_snapshot(uow, people) -> None:
    with uow.reads() as reads:
        first = identify_by_card(reads(read_only=True), "2000000000015")
        with uow() as writer:  # another register's sale lands meanwhile
            writer.customers.set_confirmed_points("C1", 9_999)
            writer.commit()
        with reads(read_only=True) as inner, reads(read_only=True) as same:
            assert inner is same
            again = inner.customers.get("C1")

    assert isinstance(first, Identified) and first.customer.points == 1500
    assert again is not None and again.points == 1500  # the same snapshot for the whole series
    with uow(read_only=True) as after:
        assert after.customers.get("C1").points == 9_999


def test_writing_units_of_work_stay_their_own(uow, people) -> None:
    with uow.reads() as reads:
        writer = reads()
        with writer:
            writer.customers.set_confirmed_points("C2", 7)
            writer.commit()
        with reads(read_only=True) as reader:
            assert reader.customers.get("C2").points == 7  # the shared read had not started yet
    with uow.engine.connect() as connection:
        assert connection.execute(text("SELECT confirmed_points FROM customers WHERE id = 'C2'")).scalar() == 7


def statements_run(engine) -> list[str]:  # noqa: ANN001
    """The SQL statements the engine runs from now on (the list fills as they run)."""
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: seen.append(sql))
    return seen


def test_what_a_till_reads_twice_in_one_inquire_is_read_once(uow, people) -> None:
    with uow.reads() as reads:
        shared = reads(read_only=True)
        with shared:
            found = identify_by_card(shared, "2000000000015")  # the member by card: their whole row
            seen = statements_run(uow.engine)
            profile = shared.customers.get("C1")  # pricing, then the member's card, ask again
            balance = shared.ledger.balance("C1", date(2026, 11, 23))
            figures = shared.customers.chain_figures("C1")
            revision = shared.promotions.pricing_revision()
            shared.ledger.open_lots("C1", date(2026, 11, 23))
            assert shared.promotions.pricing_revision() == revision
            assert shared.ledger.balance("C1", date(2026, 11, 23)) == balance
            shared.ledger.open_lots("C1", date(2026, 11, 23))

    assert isinstance(found, Identified) and profile == found.customer
    assert balance is not None and balance.confirmed == 1500 and figures is not None
    assert len([sql for sql in seen if "store_revisions" in sql]) == 1
    assert len([sql for sql in seen if "point_lots" in sql]) == 1
    assert not [sql for sql in seen if "FROM customers" in sql]


def test_a_shared_read_rolled_back_reads_afresh(uow, people) -> None:
    with uow.reads() as reads, reads(read_only=True) as shared:
        assert shared.customers.get("C1").points == 1500
        with uow() as writer:
            writer.customers.set_confirmed_points("C1", 9_999)
            writer.commit()
        shared.rollback()  # the snapshot ends: what it remembered goes with it
        assert shared.customers.get("C1").points == 9_999


def test_a_writing_unit_of_work_sees_its_own_writes(uow, people) -> None:
    with uow() as writer:
        before = writer.ledger.balance("C1", date(2026, 11, 23))
        writer.customers.add_pending_points("C1", 25)
        after = writer.ledger.balance("C1", date(2026, 11, 23))
        assert writer.customers.get("C1").pending_points == before.pending + 25
    assert after.pending == before.pending + 25
