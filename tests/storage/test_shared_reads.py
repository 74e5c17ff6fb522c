"""A series of lookups may share one read transaction: `UnitOfWorkFactory.reads()`."""

from __future__ import annotations

from sqlalchemy import text

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
