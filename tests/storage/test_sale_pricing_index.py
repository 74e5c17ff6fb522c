"""Pricing a cart against only the promotions that concern its items answers as against all of them.

`PricingEngineCache` evaluates each cart against the promotions its
`PromotionIndex` returns (plus those whose codes were entered). For random
promotions and carts, the prices, promotions applied, points, code statuses
and nudges must equal an evaluation against every promotion; the refusals
kept are a subset with the same reasons.
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.cart import CartLine
from pos_app.domain.customer import Customer
from pos_app.domain.engine import PromotionEngine, Sale
from pos_app.domain.money import Currency
from pos_app.domain.promotion_index import PromotionIndex
from pos_app.domain.scenario_json import parse_promotions, parse_settings

USD = Currency.of("USD")
SKUS = ("A", "B", "C", "D", "E", "F")
CATEGORIES = ("food", "home", "office")
BRANDS = ("acme", "globex")
TAGS = ("new", "sale")
NOW = datetime(2026, 11, 23, 14, 30)


@st.composite
def item_filters(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["all", "skus", "categories", "brands", "tags", "mixed", "exclude"]))
    if kind == "all":
        return {}
    if kind == "exclude":
        return {
            "exclude": {"skus": draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=2, unique=True))}
        }
    if kind == "mixed":
        return {"skus": [draw(st.sampled_from(SKUS))], "brands": [draw(st.sampled_from(BRANDS))]}
    pool = {"skus": SKUS, "categories": CATEGORIES, "brands": BRANDS, "tags": TAGS}[kind]
    return {kind: draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))}


REWARDS = (
    {"type": "percent", "value": "10", "target": "items"},
    {"type": "percent", "value": "50", "target": "cheapest"},
    {"type": "amount", "value": "1.00", "target": "per_unit"},
    {"type": "amount", "value": "5.00", "target": "order"},
    {"type": "fixed_price", "value": "2.00"},
    {"type": "bundle", "qty": 2, "value": "7.00"},
    {"type": "buy_get", "buy": 1, "get": 1, "value": "100"},
)


@st.composite
def promotion_lists(draw: st.DrawFn) -> list[dict]:
    promotions = []
    for k in range(draw(st.integers(1, 9))):
        p: dict = {
            "id": f"P{k}",
            "priority": draw(st.integers(0, 3)),
            "conditions": {"items": draw(item_filters())},
        }
        if draw(st.integers(0, 5)) == 0:
            p["kind"] = "points"
            p["reward"] = draw(
                st.sampled_from(
                    [{"type": "points_bonus", "value": 25}, {"type": "points_multiplier", "value": "2"}]
                )
            )
        else:
            p["reward"] = dict(draw(st.sampled_from(REWARDS)))
        extra = draw(st.integers(0, 8))
        if extra == 1:
            p["codes"] = [{"code": f"CODE{k}"}]
        elif extra == 2:
            p["conditions"]["min_qty"] = 3
        elif extra == 3:
            p["conditions"]["min_subtotal"] = "20.00"
        elif extra == 4:
            p["exclusive"] = True
        elif extra == 5:
            p["group"] = "g"
        elif extra == 6:
            p["stop"] = True
        promotions.append(p)
    return promotions


carts = st.lists(
    st.tuples(
        st.sampled_from(SKUS),
        st.integers(1, 3),
        st.integers(100, 2000),
        st.sampled_from(CATEGORIES),
        st.sampled_from((*BRANDS, None)),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(
    promotions=promotion_lists(),
    cart=carts,
    codes=st.lists(st.sampled_from([f"CODE{k}" for k in range(9)]), max_size=2),
    redeem=st.sampled_from([0, 100, "max"]),
    arbitration=st.sampled_from(["best", "priority"]),
)
def test_the_relevant_promotions_price_a_cart_as_all_of_them(
    promotions: list[dict], cart: list, codes: list[str], redeem: object, arbitration: str
) -> None:
    program = parse_settings({"currency": "USD", "arbitration": arbitration}, "settings")
    parsed = parse_promotions(promotions, "promotions", USD)
    lines = tuple(
        CartLine(f"L{i}", sku, qty, price, frozenset({category}), brand, frozenset({"new"} if tagged else ()))
        for i, (sku, qty, price, category, brand, tagged) in enumerate(cart)
    )
    sale = Sale(NOW, lines, Customer("C1", points=500), tuple(codes), redeem)  # type: ignore[arg-type]
    with_codes = {p.id for p in parsed if any(c.key in {x.upper() for x in codes} for c in p.codes)}
    chosen = PromotionIndex(parsed).relevant(lines) | with_codes

    full = PromotionEngine(program, parsed).evaluate(sale)
    narrow = PromotionEngine(program, [p for p in parsed if p.id in chosen]).evaluate(sale)

    assert narrow.lines == full.lines
    assert [(a.id, a.amount, a.points) for a in narrow.applied] == [
        (a.id, a.amount, a.points) for a in full.applied
    ]
    assert narrow.redemption == full.redemption
    assert narrow.points_earned == full.points_earned
    assert narrow.codes == full.codes
    assert narrow.nudges == full.nudges
    full_reasons = {r.id: r.reason for r in full.rejected}
    assert {r.id: r.reason for r in narrow.rejected}.items() <= full_reasons.items()
