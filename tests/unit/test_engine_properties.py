"""Invariants of the engine on random carts and promotions (hypothesis).

`best` is checked against a brute force that tries every subset of the
promotions, evaluating each subset in `priority` mode: a subset is a valid
selection exactly when every one of its members applies there.
"""

from __future__ import annotations

import itertools
import json
import random
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.domain.engine import PromotionEngine
from pos_app.domain.scenario_json import parse_scenario, result_to_json

CATEGORIES = ["a", "b", "c"]


def cents(n: int) -> str:
    return f"{n // 100}.{n % 100:02d}"


@st.composite
def lines(draw, i: int, floors: bool = False) -> dict:
    price = draw(st.integers(1, 5000))
    weighted = draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans())
    line = {
        "id": f"L{i}",
        "sku": f"S{i}",
        "qty": f"{draw(st.integers(1, 3000)) / 1000:.3f}" if weighted else draw(st.integers(1, 4)),
        "unit_price": cents(price),
        "categories": draw(st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True)),
    }
    if weighted:
        line["weighted"] = True
    if draw(st.integers(0, 9)) == 0:
        line["no_discount"] = True
    if draw(st.integers(0, 1 if floors else 4)) == 0:
        line["min_unit_price"] = cents(draw(st.integers(0, price)))
    return line


@st.composite
def rewards(draw, unit_picking: bool = False) -> dict:
    if unit_picking:  # the rewards whose amount can grow when a floor stops being in the way
        kind = draw(st.sampled_from(["cheapest", "bundle", "buy_get", "percent", "amount"]))
        if kind == "cheapest":
            return {"type": "percent", "value": str(draw(st.sampled_from([50, 100]))), "target": "cheapest"}
    else:
        kind = draw(st.sampled_from(["percent", "amount", "fixed_price", "bundle", "buy_get"]))
    if kind == "percent":
        r = {"type": "percent", "value": str(draw(st.sampled_from([5, 10, 15, 25, 33, 50, 90, 100]))),
             "target": draw(st.sampled_from(["items", "cheapest", "order"]))}
        if draw(st.integers(0, 4)) == 0:
            r["max_amount"] = cents(draw(st.integers(1, 3000)))
        return r
    if kind == "amount":
        return {"type": "amount", "value": cents(draw(st.integers(1, 2000))),
                "target": draw(st.sampled_from(["order", "per_unit"]))}
    if kind == "fixed_price":
        return {"type": "fixed_price", "value": cents(draw(st.integers(0, 3000)))}
    if kind == "bundle":
        return {"type": "bundle", "qty": draw(st.integers(2, 3)), "value": cents(draw(st.integers(100, 6000)))}
    r = {"type": "buy_get", "buy": draw(st.integers(1, 2)), "get": 1, "value": draw(st.sampled_from(["50", "100"]))}
    if draw(st.booleans()) and draw(st.booleans()):
        r["get_items"] = {"categories": [draw(st.sampled_from(CATEGORIES))]}
    return r


@st.composite
def promotions(draw, i: int, unit_picking: bool = False) -> dict:
    p: dict = {"id": f"P{i}", "priority": draw(st.integers(0, 3)), "reward": draw(rewards(unit_picking))}
    cond: dict = {}
    if draw(st.booleans()):
        cond["items"] = {"categories": [draw(st.sampled_from(CATEGORIES))]}
    if draw(st.integers(0, 3)) == 0:
        cond["min_subtotal"] = cents(draw(st.integers(1, 8000)))
    if draw(st.integers(0, 5)) == 0:
        cond["min_qty"] = draw(st.integers(1, 5))
    if cond:
        p["conditions"] = cond
    if draw(st.integers(0, 6)) == 0:
        p["exclusive"] = True
    if draw(st.integers(0, 6)) == 0:
        p["stop"] = True
    if draw(st.integers(0, 3)) == 0:
        p["group"] = draw(st.sampled_from(["g1", "g2"]))
    return p


@st.composite
def points_promotions(draw, i: int) -> dict:
    if draw(st.booleans()):
        reward = {"type": "points_bonus", "value": draw(st.integers(0, 300))}
    else:
        reward = {"type": "points_multiplier", "value": draw(st.sampled_from(["1", "1.5", "2", "3"]))}
    p = {"id": f"X{i}", "kind": "points", "priority": draw(st.integers(0, 3)), "reward": reward}
    if draw(st.booleans()):
        p["conditions"] = {"items": {"categories": [draw(st.sampled_from(CATEGORIES))]}}
    if draw(st.integers(0, 4)) == 0:
        p["group"] = "pg"
    if draw(st.integers(0, 6)) == 0:
        p["exclusive"] = True
    return p


@st.composite
def scenarios(draw, max_promotions: int = 5, arbitration: str | None = None, floors: bool = False) -> dict:
    n_lines = draw(st.integers(1, 4))
    n_promos = draw(st.integers(1, max_promotions))
    n_points = draw(st.integers(0, 2))
    customer = None
    if draw(st.integers(0, 3)) > 0:
        customer = {"id": "C1", "tier": draw(st.sampled_from([None, "silver"])), "points": draw(st.integers(0, 5000))}
    return {
        "now": "2026-11-23T14:30:00",
        "settings": {
            "currency": "USD",
            "rounding": draw(st.sampled_from(["half_up", "half_even"])),
            "arbitration": arbitration or draw(st.sampled_from(["best", "priority"])),
            "max_discount_share": draw(st.sampled_from(["1", "0.5", "0.25"])),
            "points": {
                "earn_rate": draw(st.sampled_from(["1", "2", "0.5"])),
                "earn_on": draw(st.sampled_from(["net", "gross"])),
                "redeem_value": draw(st.sampled_from(["0.01", "0.05"])),
                "min_redeem": draw(st.sampled_from([0, 100])),
                "redeem_step": draw(st.sampled_from([1, 50])),
                "max_redeem_share": draw(st.sampled_from(["1", "0.5"])),
                "tiers": [{"name": "silver", "multiplier": "1.25"}],
            },
        },
        "customer": customer,
        "cart": [draw(lines(i, floors)) for i in range(n_lines)],
        "redeem_points": draw(st.sampled_from([0, 150, 1000, "max"])),
        "promotions": [draw(promotions(i, floors)) for i in range(n_promos)]
        + [draw(points_promotions(i)) for i in range(n_points)],
    }


def run(data: dict) -> dict:
    s = parse_scenario(data)
    return result_to_json(PromotionEngine(s.settings, s.promotions).evaluate(s.sale))


def minor(text: str) -> int:
    return int(Decimal(text) * 100)


PROPERTY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios())
def test_money_adds_up_and_nothing_goes_below_its_floor(data):
    result = run(data)
    assert minor(result["total"]) >= 0
    assert minor(result["discount_total"]) == sum(minor(ln["discount"]) for ln in result["lines"])
    assert minor(result["points_value"]) == sum(minor(ln["points_value"]) for ln in result["lines"])
    for applied in result["applied"]:
        parts = sum(minor(ln["allocations"].get(applied["id"], "0")) for ln in result["lines"])
        assert parts == minor(applied["amount"])
    by_id = {ln["id"]: ln for ln in data["cart"]}
    for ln in result["lines"]:
        src = by_id[ln["id"]]
        assert minor(ln["total"]) >= 0
        assert minor(ln["discount"]) == sum(minor(a) for a in ln["allocations"].values())
        after_promotions = minor(ln["subtotal"]) - minor(ln["discount"])
        if "min_unit_price" in src:
            floor = Fraction(Decimal(str(src["qty"]))) * minor(src["min_unit_price"])
            assert after_promotions >= min(minor(ln["subtotal"]), floor)  # a subtotal may round below it
        if src.get("no_discount"):
            assert ln["discount"] == "0.00" and ln["points_value"] == "0.00"
    share = Fraction(Decimal(data["settings"]["max_discount_share"]))
    assert minor(result["discount_total"]) <= share * minor(result["subtotal"])


@PROPERTY
@given(scenarios())
def test_points_are_never_negative_and_respect_every_cut(data):
    result = run(data)
    rules = data["settings"]["points"]
    red = result["redemption"]
    assert result["points_earned"] >= 0
    assert red["redeemed"] >= 0
    if red["redeemed"]:
        assert data["customer"] is not None
        assert red["redeemed"] <= data["customer"]["points"]
        assert red["redeemed"] % rules["redeem_step"] == 0
        assert red["redeemed"] >= rules["min_redeem"]
        redeemable = sum(
            minor(ln["subtotal"]) - minor(ln["discount"])
            for ln, src in zip(result["lines"], data["cart"], strict=True)
            if not src.get("no_discount")
        )
        cap = Fraction(redeemable, 100) * Fraction(Decimal(rules["max_redeem_share"])) / Fraction(
            Decimal(rules["redeem_value"])
        )
        assert red["redeemed"] <= cap
    for a in result["applied"]:
        assert a["points"] >= 0


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_promotions_in_the_input_does_not_matter(data, rnd: random.Random):
    shuffled = json.loads(json.dumps(data))
    rnd.shuffle(shuffled["promotions"])
    assert run(shuffled) == run(data)


def subset_discount(data: dict, ids: tuple[str, ...]) -> int | None:
    """The discount of a selection, or None when it is not a valid selection (FORMAT.md 4.2)."""
    trial = json.loads(json.dumps(data))
    trial["settings"]["arbitration"] = "priority"
    trial["promotions"] = [p for p in trial["promotions"] if p["id"] in ids]
    trial["redeem_points"] = 0
    result = run(trial)
    applied = {a["id"] for a in result["applied"] if a["points"] == 0 and a["id"] in ids}
    if applied != set(ids):
        return None
    return minor(result["discount_total"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(scenarios(max_promotions=6, arbitration="best"),
                 scenarios(max_promotions=5, arbitration="best", floors=True)))
def test_best_matches_a_brute_force_search(data):
    result = run(data)
    discount_ids = [p["id"] for p in data["promotions"] if p.get("kind") != "points"]
    best_key = None
    for size in range(len(discount_ids) + 1):
        for ids in itertools.combinations(discount_ids, size):
            amount = subset_discount(data, ids) if ids else 0
            if amount is None:
                continue
            key = (-amount, len(ids), sorted(ids))
            if best_key is None or key < best_key:
                best_key = key
    got = sorted(a["id"] for a in result["applied"] if a["id"] in discount_ids)
    assert minor(result["discount_total"]) == -best_key[0]
    assert got == best_key[2]
    assert result["optimal"] is True


@PROPERTY
@given(scenarios(arbitration="best"))
def test_best_never_gives_less_than_priority_or_any_single_promotion(data):
    best = minor(run(data)["discount_total"])
    as_priority = json.loads(json.dumps(data))
    as_priority["settings"]["arbitration"] = "priority"
    assert best >= minor(run(as_priority)["discount_total"])
    for p in data["promotions"]:
        if p.get("kind") == "points":
            continue
        alone = subset_discount(data, (p["id"],))
        if alone is not None:
            assert best >= alone
