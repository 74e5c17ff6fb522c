"""The demo's rewards catalogue: what a member may claim with points at the till.

Each reward is a code-gated promotion (FORMAT.md section 2) that a claim
unlocks with a personal single-use code, and a catalogue entry naming its
price in points. The promotions carry one spent seed code so they stay
code-gated until a claim issues a real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pos_app.demo.catalog import DemoProduct
from pos_app.demo.promotions import money, promotion


@dataclass(frozen=True, slots=True)
class DemoReward:
    id: str
    name: str
    points: int
    promotion_id: str


def generate_rewards(products: Sequence[DemoProduct], today: date) -> tuple[tuple[DemoReward, ...],
                                                                          tuple[dict[str, Any], ...]]:
    """The rewards and the promotions they unlock, in force from a year ago to a year ahead."""
    season = {"from": (today - timedelta(days=365)).isoformat(), "to": (today + timedelta(days=365)).isoformat()}
    pastries = [p.sku for p in products if "pastry" in p.tags]
    coffee = [p.sku for p in products if "coffee" in p.tags]
    mugs = [p.sku for p in products if "mug" in p.tags]

    def seed(reward_id: str) -> list[dict[str, Any]]:
        return [{"code": f"SEED-{reward_id}", "customer": None, "uses_left": 0}]

    promotions = (
        promotion("RW1", "Reward: a free pastry", {"type": "percent", "value": "100", "target": "cheapest"},
                  priority=5, valid=season, codes=seed("RW1"), conditions={"items": {"skus": pastries}}),
        promotion("RW2", "Reward: free coffee beans", {"type": "percent", "value": "100", "target": "cheapest"},
                  priority=5, valid=season, codes=seed("RW2"), conditions={"items": {"skus": coffee}}),
        promotion("RW3", "Reward: half-price mug", {"type": "percent", "value": "50", "target": "cheapest"},
                  priority=5, valid=season, codes=seed("RW3"), conditions={"items": {"skus": mugs}}),
        promotion("RW4", "Reward: $5 voucher", {"type": "amount", "value": money(500), "target": "order"},
                  priority=5, valid=season, codes=seed("RW4"), conditions={"min_subtotal": money(1000)}),
    )
    rewards = (
        DemoReward("FREE-PASTRY", "A free pastry", 250, "RW1"),
        DemoReward("HALF-MUG", "Half-price mug", 400, "RW3"),
        DemoReward("VOUCHER-5", "$5 voucher (orders of $10+)", 600, "RW4"),
        DemoReward("FREE-COFFEE", "Free coffee beans", 1200, "RW2"),
    )
    return rewards, promotions


__all__ = ["DemoReward", "generate_rewards"]
