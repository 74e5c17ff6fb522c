"""The demo store's loyalty program: settings and promotions in the engine's JSON shape.

Everything here is scenarios/FORMAT.md data (section 1.1 `settings`,
section 2 promotions): money as strings with the currency's two decimals,
percentages and multipliers as strings, points as integers. The promotions
are chosen to show every feature once: each reward type (percent on items,
the cheapest unit or the order; an amount off the order or per unit; a fixed
price; a bundle; buy-x-get-y, also across products; points bonus and
multiplier), arbitration flags (`exclusive`, `stop`, `group`), validity
windows (dates, weekdays, hours, stores), personal audiences by segment and
tier, automatic promotions and codes (universal and personal, single- and
multi-use), a birthday offer, a welcome offer, a win-back code, and a
next-visit offer whose codes the receipt prints.

Dates are relative to `today` so the demo's promotions are in force on the
day it is generated (one is deliberately over, to show a refusal).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from pos_app.demo.catalog import DemoProduct
from pos_app.demo.customers import DemoCustomer

CURRENCY = "USD"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed

# The next-visit offer (LoyaltySettings): a member paying $10 or more gets a personal P22 code on the receipt.
NEXT_VISIT_PROMOTION_ID = "P22"
NEXT_VISIT_MIN_TOTAL_MINOR = 1000

TIER_RULES: tuple[dict[str, Any], ...] = (
    {"name": "bronze", "min_points_12m": 0},
    {"name": "silver", "min_points_12m": 1000},
    {"name": "gold", "min_points_12m": 5000},
)


def program_settings() -> dict[str, Any]:
    """FORMAT.md 1.1 settings of the demo program."""
    return {
        "currency": CURRENCY,
        "rounding": "half_up",
        "arbitration": "best",
        "max_discount_share": "0.6",
        "points": {
            "earn_rate": "1",
            "earn_on": "net",
            "redeem_value": "0.01",
            "min_redeem": 100,
            "redeem_step": 10,
            "max_redeem_share": "0.5",
            "tiers": [
                {"name": "silver", "multiplier": "1.25"},
                {"name": "gold", "multiplier": "1.5"},
            ],
        },
    }


def money(minor: int) -> str:
    """Integer cents as a FORMAT.md money string ("12.50")."""
    return f"{minor // 100}.{minor % 100:02d}"


def promotion(
    id: str,
    name: str,
    reward: dict[str, Any],
    *,
    kind: str | None = None,
    priority: int = 10,
    audience: str | dict[str, list[str]] = "public",
    codes: Sequence[dict[str, Any]] = (),
    valid: dict[str, Any] | None = None,
    stores: list[str] | None = None,
    limit_per_customer: int | None = None,
    conditions: dict[str, Any] | None = None,
    exclusive: bool = False,
    stop: bool = False,
    group: str | None = None,
) -> dict[str, Any]:
    """One promotion with every top-level field of FORMAT.md section 2 spelled out."""
    points_reward = reward["type"] in ("points_bonus", "points_multiplier")
    return {
        "id": id,
        "name": name,
        "kind": kind or ("points" if points_reward else "discount"),
        "priority": priority,
        "audience": audience,
        "codes": list(codes),
        "valid": valid or {},
        "stores": stores,
        "limit_per_customer": limit_per_customer,
        "conditions": conditions or {},
        "reward": reward,
        "exclusive": exclusive,
        "stop": stop,
        "group": group,
    }


def make_code(rng: random.Random, prefix: str, taken: set[str], length: int = 6) -> str:
    """A fresh code like "WB-7KQ2MX", unique among `taken` (which it joins)."""
    while True:
        code = f"{prefix}-{''.join(rng.choices(CODE_ALPHABET, k=length))}"
        if code not in taken:
            taken.add(code)
            return code


def _skus(products: Iterable[DemoProduct], *, tag: str | None = None, aisle: str | None = None) -> list[str]:
    return [
        p.sku
        for p in products
        if (tag is None or tag in p.tags) and (aisle is None or p.categories[-1] == aisle) and not p.no_discount
    ]


def generate_promotions(
    rng: random.Random,
    products: Sequence[DemoProduct],
    customers: Sequence[DemoCustomer],
    today: date,
) -> tuple[dict[str, Any], ...]:
    """The demo's promotions, codes included, valid around `today`."""
    taken: set[str] = set()
    season = {"from": (today - timedelta(days=30)).isoformat(), "to": (today + timedelta(days=90)).isoformat()}
    lapsed = [c for c in customers if "lapsed_60d" in c.segments]
    top = [c for c in customers if "top_spenders" in c.segments]
    regulars = [c for c in customers if not c.first_order]

    yogurts = _skus(products, tag="yogurt")
    waters = _skus(products, tag="sparkling")
    chips = _skus(products, tag="chips")
    coffee = _skus(products, tag="coffee")
    mugs = _skus(products, tag="mug")

    return (
        # -- automatic promotions: every discount reward type ------------------------------------------
        promotion("P01", "10% off office supplies", {"type": "percent", "value": "10", "target": "items"},
                  valid=season, conditions={"items": {"categories": ["office"]}, "min_qty": 2}),
        promotion("P02", "Buy 3 snacks, the cheapest is half price",
                  {"type": "percent", "value": "50", "target": "cheapest"},
                  priority=20, valid=season, conditions={"items": {"categories": ["snacks"]}, "min_qty": 3}),
        promotion("P03", "5% off orders of $100 or more (up to $15)",
                  {"type": "percent", "value": "5", "target": "order", "max_amount": money(1500)},
                  priority=50, valid=season, conditions={"min_subtotal": money(10000)}, group="order-discount"),
        promotion("P04", "$10 off orders of $75 or more", {"type": "amount", "value": money(1000), "target": "order"},
                  priority=50, valid=season, conditions={"min_subtotal": money(7500)}, group="order-discount"),
        promotion("P05", "50¢ off every yogurt", {"type": "amount", "value": money(50), "target": "per_unit"},
                  valid=season, conditions={"items": {"skus": yogurts}}),
        promotion("P06", "Any pastry $1.99", {"type": "fixed_price", "value": money(199)},
                  valid=season,
                  conditions={"items": {"categories": ["bakery"], "exclude": {"tags": ["bread"]}}}),
        promotion("P07", "3 sparkling waters for $3", {"type": "bundle", "qty": 3, "value": money(300)},
                  valid=season, conditions={"items": {"skus": waters}}),
        promotion("P08", "Chips: buy 2, get 1 free (twice per order)",
                  {"type": "buy_get", "buy": 2, "get": 1, "value": "100", "max_times": 2},
                  valid=season, conditions={"items": {"skus": chips}}),
        promotion("P09", "Buy coffee, get a mug half price",
                  {"type": "buy_get", "buy": 1, "get": 1, "value": "50", "get_items": {"skus": mugs}},
                  valid=season, conditions={"items": {"skus": coffee}}),
        # -- arbitration flags and validity windows ---------------------------------------------------
        promotion("P10", "Clearance: 30% off, no other offers on top",
                  {"type": "percent", "value": "30", "target": "items"},
                  priority=1, valid=season, conditions={"items": {"tags": ["clearance"]}}, stop=True),
        promotion("P11", "Happy hour: 20% off beer, weekdays 4-7 pm",
                  {"type": "percent", "value": "20", "target": "items"},
                  valid={**season, "days": [1, 2, 3, 4, 5], "hours": ["16:00", "19:00"]},
                  conditions={"items": {"categories": ["beer"]}}),
        promotion("P12", "Downtown store: 15% off fresh produce",
                  {"type": "percent", "value": "15", "target": "items"},
                  valid=season, stores=["S2"], conditions={"items": {"categories": ["produce"]}}),
        promotion("P13", "Summer sale: 20% off drinks", {"type": "percent", "value": "20", "target": "items"},
                  valid={"from": (today - timedelta(days=150)).isoformat(),
                         "to": (today - timedelta(days=60)).isoformat()},
                  conditions={"items": {"categories": ["beverages"]}}),
        # -- codes ------------------------------------------------------------------------------------
        promotion("P14", "Staff day: 25% off everything (nothing else applies)",
                  {"type": "percent", "value": "25", "target": "items"},
                  valid=season, codes=[{"code": "STAFF25", "customer": None, "uses_left": None}], exclusive=True),
        promotion("P15", "SAVE5: $5 off $30", {"type": "amount", "value": money(500), "target": "order"},
                  priority=60, valid=season, conditions={"min_subtotal": money(3000)}, group="order-discount",
                  codes=[{"code": "SAVE5", "customer": None, "uses_left": None}]),
        promotion("P16", "Flyer voucher: $15 off $50, one use per voucher",
                  {"type": "amount", "value": money(1500), "target": "order"},
                  priority=60, valid=season, conditions={"min_subtotal": money(5000)},
                  codes=[{"code": make_code(rng, "FLY", taken), "customer": None, "uses_left": 1}
                         for _ in range(20)]),
        # -- personal promotions ----------------------------------------------------------------------
        promotion("P17", "We missed you: 20% off your next order (up to $25)",
                  {"type": "percent", "value": "20", "target": "order", "max_amount": money(2500)},
                  priority=40, audience={"segments": ["lapsed_60d"], "tiers": [], "customers": []},
                  valid=season, limit_per_customer=1,
                  codes=[{"code": make_code(rng, "WB", taken), "customer": c.id, "uses_left": 1} for c in lapsed]),
        promotion("P18", "VIP: 15% off personal care, three times",
                  {"type": "percent", "value": "15", "target": "items"},
                  audience={"segments": ["top_spenders"], "tiers": [], "customers": []}, valid=season,
                  conditions={"items": {"categories": ["personal care"]}},
                  codes=[{"code": make_code(rng, "VIP", taken), "customer": c.id, "uses_left": 3} for c in top]),
        promotion("P19", "Gold members: 5% off every order", {"type": "percent", "value": "5", "target": "order"},
                  priority=55, audience={"segments": [], "tiers": ["gold"], "customers": []}, valid=season),
        promotion("P20", "Happy birthday: 15% off (up to $20), once",
                  {"type": "percent", "value": "15", "target": "order", "max_amount": money(2000)},
                  priority=30, valid=season, limit_per_customer=1, conditions={"birthday_days": 7},
                  group="celebration"),
        promotion("P21", "Welcome: $5 off your first order of $20 or more",
                  {"type": "amount", "value": money(500), "target": "order"},
                  priority=30, valid=season, limit_per_customer=1,
                  conditions={"first_order": True, "min_subtotal": money(2000)}, group="celebration"),
        promotion(NEXT_VISIT_PROMOTION_ID, "10% off your next visit (up to $10)",
                  {"type": "percent", "value": "10", "target": "order", "max_amount": money(1000)},
                  priority=45, valid=season,
                  codes=[{"code": make_code(rng, "NV", taken, 5), "customer": c.id, "uses_left": 1}
                         for c in rng.sample(regulars, min(50, len(regulars)))]),
        # -- points -------------------------------------------------------------------------------------
        promotion("P23", "Welcome bonus: 200 points", {"type": "points_bonus", "value": 200},
                  valid=season, limit_per_customer=1, conditions={"first_order": True}),
        promotion("P24", "100 bonus points on new products", {"type": "points_bonus", "value": 100},
                  valid=season, conditions={"items": {"tags": ["new"]}}, group="bonus-points"),
        promotion("P25", "Weekend: triple points on household", {"type": "points_multiplier", "value": "3"},
                  valid={**season, "days": [6, 7]}, conditions={"items": {"categories": ["household"]}},
                  group="bonus-points"),
        promotion("P26", "Silver & gold: double points on fresh produce",
                  {"type": "points_multiplier", "value": "2"},
                  audience={"segments": [], "tiers": ["silver", "gold"], "customers": []}, valid=season,
                  conditions={"items": {"categories": ["produce"]}}),
        promotion("P27", "Come back bonus: 500 points on $40", {"type": "points_bonus", "value": 500},
                  audience={"segments": ["lapsed_60d"], "tiers": [], "customers": []}, valid=season,
                  limit_per_customer=1, conditions={"min_subtotal": money(4000)}),
    )


__all__ = [
    "CURRENCY",
    "NEXT_VISIT_MIN_TOTAL_MINOR",
    "NEXT_VISIT_PROMOTION_ID",
    "TIER_RULES",
    "generate_promotions",
    "make_code",
    "money",
    "program_settings",
    "promotion",
]
