"""Builders for engine tests: scenarios written the way FORMAT.md writes them."""

from __future__ import annotations

from typing import Any

from pos_app.domain.engine import PromotionEngine
from pos_app.domain.scenario_json import parse_scenario, result_to_json


def line(id: str, unit_price: str, qty: int | str = 1, sku: str | None = None, **extra: Any) -> dict:
    return {"id": id, "sku": sku or id, "qty": qty, "unit_price": unit_price, **extra}


def promo(id: str, reward: dict, **extra: Any) -> dict:
    return {"id": id, "name": id, "reward": reward, **extra}


def percent(value: str, target: str = "items", **extra: Any) -> dict:
    return {"type": "percent", "value": value, "target": target, **extra}


def scenario(cart: list[dict], promotions: list[dict] | None = None, *, settings: dict | None = None,
             customer: dict | None = None, codes: list[str] | None = None, redeem_points: Any = 0,
             now: str = "2026-11-23T14:30:00", store: str | None = None) -> dict:
    return {
        "now": now,
        "store": store,
        "settings": {"currency": "USD", **(settings or {})},
        "customer": customer,
        "cart": cart,
        "codes": codes or [],
        "redeem_points": redeem_points,
        "promotions": promotions or [],
    }


def evaluate(cart: list[dict], promotions: list[dict] | None = None, **kw: Any) -> dict:
    """Parse and evaluate a scenario; returns the FORMAT.md result JSON."""
    s = parse_scenario(scenario(cart, promotions, **kw))
    return result_to_json(PromotionEngine(s.settings, s.promotions).evaluate(s.sale))


def applied(result: dict) -> dict[str, str]:
    return {a["id"]: a["amount"] for a in result["applied"]}


def reasons(result: dict) -> dict[str, str]:
    return {r["id"]: r["reason"] for r in result["rejected"]}


def line_of(result: dict, line_id: str) -> dict:
    return next(ln for ln in result["lines"] if ln["id"] == line_id)
