"""The demo's walkthrough through the real promotion engine: each persona sees what the README promises."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pos_app.demo import generate_demo_store

scenario_json = pytest.importorskip("pos_app.domain.scenario_json")
engine_module = pytest.importorskip("pos_app.domain.engine")

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture(scope="module")
def store():
    return generate_demo_store(today=TODAY)


def evaluate(scenario: dict) -> dict:
    parsed = scenario_json.load_scenario_text(json.dumps(scenario))
    engine = engine_module.PromotionEngine(parsed.settings, parsed.promotions)
    return scenario_json.result_to_json(engine.evaluate(parsed.sale))


def product(store, name_part: str):
    return next(p for p in store.products if name_part in p.name)


def applied_ids(result: dict) -> list[str]:
    return [a["id"] for a in result["applied"]]


def test_the_engine_accepts_the_whole_demo_program(store):
    cart = store.cart(*[(p, "1.250" if p.weighted else 1) for p in store.products])
    result = evaluate(store.scenario(cart, customer_id="C00001", codes=["SAVE5"]))
    assert result["total"]
    assert result["discount_total"] != "0.00"


def test_zoe_gets_her_birthday_offer(store):
    cart = store.cart((product(store, "olive oil"), 3),
                      (product(store, "Comté"), 2))
    result = evaluate(store.scenario(cart, customer_id="C00001"))
    assert "P20" in applied_ids(result)


def test_jose_redeems_his_win_back_code(store):
    [code] = [c for c in store.codes_of("C00002") if c.startswith("WB-")]
    cart = store.cart((product(store, "Laundry liquid 1.5L"), 3), (product(store, "Toilet paper x9"), 2))
    result = evaluate(store.scenario(cart, customer_id="C00002", codes=[code.lower()]))
    assert "P17" in applied_ids(result)
    assert result["codes"][0]["status"] == "applied"


def test_someone_elses_win_back_code_is_refused(store):
    [code] = [c for c in store.codes_of("C00002") if c.startswith("WB-")]
    cart = store.cart((product(store, "Laundry liquid 1.5L"), 3))
    result = evaluate(store.scenario(cart, customer_id="C00005", codes=[code]))
    assert result["codes"][0]["status"] == "not_owner"


def test_aoife_gets_the_welcome_offer_and_bonus_on_her_first_order(store):
    cart = store.cart((product(store, "Laundry liquid 1.5L"), 2), (product(store, "Shampoo"), 2))
    result = evaluate(store.scenario(cart, customer_id="C00003"))
    assert {"P21", "P23"} <= set(applied_ids(result))
    assert result["points_earned"] >= 200


def test_lukasz_has_too_few_points_to_redeem(store):
    cart = store.cart((product(store, "Heavy-duty stapler"), 1))
    result = evaluate(store.scenario(cart, customer_id="C00004", redeem_points="max"))
    assert result["redemption"]["redeemed"] == 0
    assert result["redemption"]["limited_by"] == "minimum"


def test_three_sparkling_waters_cost_three_dollars(store):
    water = store.products_tagged("sparkling")[0]
    result = evaluate(store.scenario(store.cart((water, 3))))
    assert result["lines"][0]["total"] == "3.00"


def test_the_staff_code_never_discounts_tobacco(store):
    cigarettes = product(store, "Cigarettes")
    notebook = next(p for p in store.products if "Notebook" in p.name and "clearance" not in p.tags)
    cart = store.cart((cigarettes, 1), (notebook, 1))
    result = evaluate(store.scenario(cart, codes=["STAFF25"]))
    assert applied_ids(result) == ["P14"]
    tobacco_line = next(line for line in result["lines"] if line["id"] == "L1")
    assert tobacco_line["discount"] == "0.00"
