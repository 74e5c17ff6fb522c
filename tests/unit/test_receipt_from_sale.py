"""The receipt of a checked-out sale shows the engine's prices, savings and points."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from pos_app.demo import generate_demo_store
from pos_app.printing.escpos_output import render_escpos
from pos_app.printing.receipt import layout_receipt
from pos_app.printing.sale_receipt import receipt_from_sale

CART = [
    {"id": "L1", "sku": "STAPLER", "qty": 1, "unit_price": "30.00", "categories": ["office"]},
    {"id": "L2", "sku": "BANANA", "qty": "0.532", "unit_price": "1.29", "weighted": True},
]
PROMOTIONS = [
    {"id": "P1", "name": "10% off office supplies", "reward": {"type": "percent", "value": "10", "target": "items"}},
    {"id": "P9", "name": "Double points", "kind": "points", "reward": {"type": "points_multiplier", "value": "2"}},
]
RESULT = {
    "currency": "USD",
    "subtotal": "30.69",
    "discount_total": "3.00",
    "points_value": "1.00",
    "total": "26.69",
    "points_earned": 52,
    "lines": [
        {"id": "L1", "subtotal": "30.00", "discount": "3.00", "points_value": "0.98", "total": "26.02",
         "allocations": {"P1": "3.00"}},
        {"id": "L2", "subtotal": "0.69", "discount": "0.00", "points_value": "0.02", "total": "0.67",
         "allocations": {}},
    ],
    "applied": [{"id": "P1", "amount": "3.00", "points": 0}, {"id": "P9", "amount": "0.00", "points": 26}],
    "rejected": [],
    "codes": [],
    "redemption": {"requested": 100, "redeemed": 100, "value": "1.00", "limited_by": None},
    "nudges": [],
    "optimal": True,
}


def a_sale_receipt(**changes):
    values = dict(
        promotions=PROMOTIONS,
        item_names={"STAPLER": "Heavy-duty stapler", "BANANA": "Bananas"},
        store_name="Corner Market",
        register="R1",
        cashier="Sam",
        order_number="S1-R1-000042",
        issued_at=datetime(2026, 11, 23, 9, 5),
        customer_name="José García",
        points_before=1350,
        next_visit_code="NV-Q7K2M",
    )
    values.update(changes)
    return receipt_from_sale(CART, RESULT, **values)


def test_lines_show_the_engine_prices_and_discounts():
    receipt = a_sale_receipt()
    stapler, bananas = receipt.lines
    assert (stapler.name, stapler.qty, stapler.unit_price, stapler.discount, stapler.net) == (
        "Heavy-duty stapler", 1, 3000, 300, 2700)
    assert (bananas.qty, bananas.net, bananas.weighted) == ("0.532", 69, True)
    assert (receipt.subtotal, receipt.discount_total, receipt.points_value, receipt.total) == (3069, 300, 100, 2669)


def test_promotions_are_named_and_points_add_up_to_the_new_balance():
    receipt = a_sale_receipt()
    assert [(p.name, p.amount, p.points) for p in receipt.promotions] == [
        ("10% off office supplies", 300, 0), ("Double points", 0, 26)]
    assert receipt.points.earned == 52
    assert receipt.points.redeemed == 100 and receipt.points.redeemed_value == 100
    assert receipt.points.balance == 1350 - 100 + 52


def test_the_printed_slip_reads_right():
    text = "\n".join(layout_receipt(a_sale_receipt()))
    assert "Heavy-duty stapler" in text and "0.532 kg x 1.29" in text
    assert "TOTAL USD" in text and "26.69" in text
    assert "1302" in text and "NV-Q7K2M" in text


def test_an_anonymous_sale_prints_no_points():
    receipt = a_sale_receipt(customer_name=None, points_before=None, next_visit_code=None)
    assert receipt.points is None
    assert [code.value for code in receipt.barcodes] == ["S1-R1-000042"]


def test_an_unknown_sku_prints_as_its_code():
    receipt = a_sale_receipt(item_names={})
    assert receipt.lines[0].name == "STAPLER"


def test_a_demo_sale_through_the_engine_prints_end_to_end():
    scenario_json = pytest.importorskip("pos_app.domain.scenario_json")
    engine_module = pytest.importorskip("pos_app.domain.engine")

    store = generate_demo_store(customers=50)
    water = store.products_tagged("sparkling")[0]
    cart = store.cart((water, 3))
    parsed = scenario_json.load_scenario_text(json.dumps(store.scenario(cart, customer_id="C00001")))
    result = scenario_json.result_to_json(
        engine_module.PromotionEngine(parsed.settings, parsed.promotions).evaluate(parsed.sale))

    zoe = store.customer("C00001")
    receipt = receipt_from_sale(cart, result, promotions=store.promotions, item_names={water.sku: water.name},
                                store_name=store.store.name, register="R1", cashier="Sam",
                                order_number="S1-R1-000001", issued_at=datetime(2026, 11, 23, 11, 0),
                                customer_name=zoe.name, points_before=zoe.points, next_visit_code="NV-TEST1")
    data = render_escpos(receipt)
    assert water.name.encode()[:12] in data
    assert b"-0.00" not in data
    assert b"3 sparkling waters for $3" in data
    assert b"{BNV-TEST1" in data and b"{BS1-R1-000001" in data  # the next visit's code and the return's
