"""A whole demo store in one value: shelves, members, program, promotions.

`generate_demo_store(seed, today=...)` is deterministic: the same seed and
day give the same store, down to every code. The composition root passes
the real date (so the promotions are in force) and loads the result into the
local store and the embedded central service; nothing here touches a
database, the network or Qt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pos_app.demo.catalog import DemoProduct, generate_products
from pos_app.demo.customers import FEATURED, DemoCustomer, generate_customers
from pos_app.demo.promotions import TIER_RULES, generate_promotions, money, program_settings

DEFAULT_SEED = 2026
DEMO_DAY = date(2026, 11, 23)


@dataclass(frozen=True, slots=True)
class DemoStoreInfo:
    id: str = "S1"
    name: str = "Corner Market"
    address: tuple[str, ...] = ("12 High Street", "Springfield")
    registers: tuple[str, ...] = ("R1", "R2")
    currency: str = "USD"


@dataclass(frozen=True)
class DemoStore:
    """Everything the demo needs, as plain values and FORMAT.md-shaped dicts."""

    seed: int
    today: date
    store: DemoStoreInfo
    products: tuple[DemoProduct, ...]
    customers: tuple[DemoCustomer, ...]
    settings: dict[str, Any]
    promotions: tuple[dict[str, Any], ...]
    tier_rules: tuple[dict[str, Any], ...] = field(default=TIER_RULES)

    def product_by_barcode(self, barcode: str) -> DemoProduct | None:
        return next((p for p in self.products if p.barcode == barcode), None)

    def customer(self, customer_id: str) -> DemoCustomer:
        return next(c for c in self.customers if c.id == customer_id)

    def codes_of(self, customer_id: str) -> list[str]:
        """The personal codes issued to one customer (what their app or receipt would show)."""
        return [
            code["code"]
            for promo in self.promotions
            for code in promo["codes"]
            if code["customer"] == customer_id
        ]

    @property
    def featured_customers(self) -> tuple[tuple[DemoCustomer, str], ...]:
        """The walkthrough's personas with what each one shows."""
        return tuple((self.customers[i], persona.shows) for i, persona in enumerate(FEATURED))

    def products_tagged(self, tag: str) -> tuple[DemoProduct, ...]:
        return tuple(p for p in self.products if tag in p.tags)

    def cart(self, *items: tuple[DemoProduct, int | str]) -> list[dict[str, Any]]:
        """FORMAT.md cart lines L1, L2, ... for (product, qty) pairs; a weighed qty is a string ("0.532")."""
        return [product.cart_line(f"L{n}", qty, money) for n, (product, qty) in enumerate(items, start=1)]

    def to_json(self) -> dict[str, Any]:
        """The whole store as JSON-ready plain data (money as strings in promotions, minor units elsewhere)."""
        return {
            "seed": self.seed,
            "today": self.today.isoformat(),
            "store": {
                "id": self.store.id,
                "name": self.store.name,
                "address": list(self.store.address),
                "registers": list(self.store.registers),
                "currency": self.store.currency,
            },
            "settings": self.settings,
            "tier_rules": [dict(rule) for rule in self.tier_rules],
            "promotions": list(self.promotions),
            "products": [p.to_json() for p in self.products],
            "customers": [c.to_json() for c in self.customers],
        }

    def scenario(self, cart: list[dict[str, Any]], *, customer_id: str | None = None, codes: list[str] | None = None,
                 now: str | None = None, redeem_points: int | str = 0) -> dict[str, Any]:
        """A FORMAT.md scenario in this store: its settings and promotions, a customer and a cart."""
        return {
            "now": now or f"{self.today.isoformat()}T11:00:00",
            "store": self.store.id,
            "settings": self.settings,
            "customer": self.customer(customer_id).to_scenario() if customer_id else None,
            "cart": cart,
            "codes": codes or [],
            "redeem_points": redeem_points,
            "promotions": list(self.promotions),
        }


def generate_demo_store(seed: int = DEFAULT_SEED, *, today: date = DEMO_DAY, customers: int = 5000,
                        products: int = 200) -> DemoStore:
    """The demo store for `seed`, with promotions in force on `today`."""
    rng = random.Random(seed)
    shelf = generate_products(random.Random(rng.random()), products)
    members = generate_customers(random.Random(rng.random()), customers, today)
    promotions = generate_promotions(random.Random(rng.random()), shelf, members, today)
    return DemoStore(
        seed=seed,
        today=today,
        store=DemoStoreInfo(),
        products=shelf,
        customers=members,
        settings=program_settings(),
        promotions=promotions,
    )


__all__ = ["DEFAULT_SEED", "DEMO_DAY", "DemoStore", "DemoStoreInfo", "generate_demo_store"]
