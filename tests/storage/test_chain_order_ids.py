"""Order ids unique across the chain (`S1-R1-000042`), and a register's old ids (`R1-000042`) migrated."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.returns import find_order
from pos_app.services.sale import attach_customer, new_sale
from pos_app.storage.migrations import current_revision, downgrade_to, head_revision, upgrade_to_head
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import MUG, NOW, scan, stock


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict) -> UnitOfWorkFactory:
    stock(uow)
    return uow


def _sell(uow: UnitOfWorkFactory, customer: str | None = None) -> CompletedSale:
    draft = scan(uow, new_sale(), MUG)
    if customer:
        draft = attach_customer(draft, customer)
    sale = checkout(uow(), draft, now=NOW, cashier_id="K1")
    assert isinstance(sale, CompletedSale), sale
    return sale


def _ids(engine: Engine, sql: str) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


def test_order_ids_carry_the_store_and_the_register_as_paired(engine: Engine, shop, people) -> None:
    store2 = UnitOfWorkFactory(engine, register_id="R1", store_id="S2")
    paired_elsewhere = UnitOfWorkFactory(engine, register_id="R1", store_id="S3", register_name="R7")

    assert _sell(shop).order_number == "S1-R1-000001"
    assert _sell(shop).order_number == "S1-R1-000002"
    assert _sell(store2).order_number == "S2-R1-000003"  # one register's counter, another store's prefix
    assert _sell(paired_elsewhere).order.id == "S3-R7-000004"


def test_an_upgraded_register_keeps_its_orders_under_chain_wide_ids(engine: Engine, shop, people) -> None:
    sold = _sell(shop, "C2")
    assert sold.order_number == "S1-R1-000001"
    downgrade_to(engine, "0005")  # the previous release's schema: order ids without their store
    assert _ids(engine, "SELECT id FROM orders") == {"R1-000001"}
    assert _ids(engine, "SELECT DISTINCT order_id FROM ledger_entries WHERE order_id IS NOT NULL") == {"R1-000001"}

    upgrade_to_head(engine)

    assert current_revision(engine) == head_revision()
    for sql in ("SELECT id FROM orders", "SELECT DISTINCT order_id FROM order_lines",
                "SELECT DISTINCT order_id FROM ledger_entries WHERE order_id IS NOT NULL"):
        assert _ids(engine, sql) == {"S1-R1-000001"}, sql
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # The ledger is append-only again after the migration's one rewrite.
    with engine.begin() as connection:
        try:
            connection.execute(text("UPDATE ledger_entries SET points = points + 1"))
            raise AssertionError("the ledger accepted an update")
        except IntegrityError as exc:
            assert "append-only" in str(exc)
    # A receipt printed before the upgrade still finds its order; numbering goes on after it.
    found = find_order(shop(read_only=True), "R1-000001")
    assert getattr(found, "id", None) == "S1-R1-000001", found
    assert _sell(shop).order_number == "S1-R1-000002"
