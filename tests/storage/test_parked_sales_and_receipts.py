"""A sale put aside survives a restart and comes back re-priced; every receipt can be printed again.

The shop of `test_sale_shop`: coffee, mugs, bananas by weight; Ana (C1) holds 1,500 points.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from pos_app.printing.receipt import layout_receipt
from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.parked_sales import Recalled, park_sale, parked_sales, recall_sale
from pos_app.services.receipts import (
    ReceiptHeader,
    find_receipt,
    keep_return_receipt,
    last_receipt,
    return_receipt,
)
from pos_app.services.returns import ReturnResult, return_items
from pos_app.services.sale import attach_customer, change_quantity, new_sale
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import BANANAS, COFFEE, MUG, NOW, scan, stock

HEADER = ReceiptHeader("Corner Market", "R1", "Kim Cashier", ("12 High Street",))


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict) -> UnitOfWorkFactory:
    stock(uow)
    return uow


def park(shop, draft, label="Ana", at=NOW):
    return park_sale(shop(), draft, now=at, cashier_id="K1", label=label, item_count=len(draft.lines),
                     total_minor=999, currency="USD")


def test_several_parked_sales_wait_and_survive_a_restart(shop, engine, tmp_path) -> None:
    ana = attach_customer(scan(shop, new_sale(), MUG, MUG, COFFEE), "C1")
    weighed = scan(shop, new_sale(), BANANAS)
    weighed = change_quantity(weighed, weighed.lines[0].line_id, "0.532")
    park(shop, ana)
    park(shop, weighed, label="Anonymous sale", at=NOW + timedelta(minutes=1))

    engine.dispose()  # the register is switched off and on again
    again = UnitOfWorkFactory(open_store(tmp_path / "register.db"), "R1")
    waiting = parked_sales(again())
    assert [(p.label, p.item_count, p.cashier_id) for p in waiting] == [("Ana", 2, "K1"), ("Anonymous sale", 1, "K1")]

    back = recall_sale(again(), waiting[0].id)
    assert isinstance(back, Recalled) and back.missing == ()
    assert back.draft.sale_id == ana.sale_id and back.draft.customer_id == "C1"
    assert [(line.sku, line.qty) for line in back.draft.lines] == [(line.sku, line.qty) for line in ana.lines]
    weighed_back = recall_sale(again(), waiting[1].id)
    assert weighed_back.draft.lines[0].qty == "0.532"
    assert parked_sales(again()) == []
    assert recall_sale(again(), waiting[0].id).reason == "not_parked"  # recalled once


def test_a_product_withdrawn_while_parked_is_left_out_and_named(shop) -> None:
    draft = scan(shop, new_sale(), MUG, COFFEE)
    parked = park(shop, draft)
    with shop() as work:
        work.catalog.deactivate(draft.lines[1].sku)
        work.commit()

    back = recall_sale(shop(), parked.id)
    assert [line.sku for line in back.draft.lines] == [draft.lines[0].sku]
    assert back.missing == (draft.lines[1].name,)


def test_an_empty_sale_is_not_parked(shop) -> None:
    assert park(shop, new_sale()).reason == "empty_sale"


def test_a_sale_keeps_its_receipt_and_any_receipt_prints_again_by_its_barcode(shop) -> None:
    first = checkout(shop(), attach_customer(scan(shop, new_sale(), MUG), "C1"), now=NOW, cashier_id="K1",
                     receipt=HEADER)
    second = checkout(shop(), scan(shop, new_sale(), COFFEE), now=NOW, cashier_id="K1", receipt=HEADER)
    assert isinstance(first, CompletedSale) and isinstance(second, CompletedSale)

    assert last_receipt(shop).latest == second.receipt
    kept = find_receipt(shop(read_only=True), first.order_number.lower())  # a scanner in lower case
    assert kept.latest == first.receipt
    assert "Customer: Ana" in "\n".join(layout_receipt(kept.latest))
    assert find_receipt(shop(read_only=True), "R1-999999").reason == "no_receipt"


def test_a_return_has_its_own_slip_kept_with_the_order(shop) -> None:
    done = checkout(shop(), attach_customer(scan(shop, new_sale(), MUG, MUG), "C1"), now=NOW, cashier_id="K1",
                    receipt=HEADER)
    back = return_items(shop(), done.order_number, {"L1": 1}, now=NOW, cashier_id="K1")
    assert isinstance(back, ReturnResult)
    with shop(read_only=True) as work:
        order = work.orders.get(done.order_number)
    slip = return_receipt(order, back, HEADER, NOW, customer_name="Ana", approved_by=None)
    keep_return_receipt(shop(), slip, NOW)

    kept = find_receipt(shop(read_only=True), done.order_number)
    assert [r.kind for r in kept.receipts] == ["sale", "return"]
    text_lines = layout_receipt(kept.latest)
    assert any(line.startswith("REFUND USD") and line.endswith(f"{back.refund_minor / 100:.2f}")
               for line in text_lines)


def test_the_receipt_is_written_with_the_sale(shop, engine) -> None:
    done = checkout(shop(), scan(shop, new_sale(), MUG), now=NOW, cashier_id="K1", receipt=HEADER)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT order_id, kind FROM receipts")).all()
    assert kept == [(done.order_number, "sale")]
