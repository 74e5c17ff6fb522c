"""Loading a generated demo store into the register's local store.

`pos-companion --demo` generates a `DemoStore` (plain values) and calls
`load_demo_store` once, on a fresh database: program settings and tiers,
the product catalogue, the loyalty members, the promotions with their codes,
the rewards catalogue (`pos_app.demo.rewards`), and two accounts (a cashier and a manager) whose PINs the window shows. It is
one transaction, so a half-loaded demo never exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.demo.history import RegisterPart
from pos_app.demo.promotions import NEXT_VISIT_MIN_TOTAL_MINOR, NEXT_VISIT_PROMOTION_ID
from pos_app.demo.rewards import generate_rewards
from pos_app.demo.store import DemoStore
from pos_app.domain.account import Role, UserAccount
from pos_app.domain.loyalty_settings import LoyaltySettings, TierRule
from pos_app.services.accounts import PIN_HASHER
from pos_app.storage.rewards import Reward
from pos_app.storage.unit_of_work import UnitOfWork

DEMO_CASHIER = ("cashier", "Sam Cashier", "1111")
DEMO_MANAGER = ("manager", "Alex Manager", "246810")

# The demo tiers by rolling 12-month spend (minor units) and their earn multipliers.
_TIER_SPEND = {"bronze": 0, "silver": 100_000, "gold": 500_000}


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    """The demo's user ids and PINs, to show on the first-run hint."""

    cashier_id: str
    cashier_pin: str
    manager_id: str
    manager_pin: str


@dataclass(frozen=True, slots=True)
class DemoLoaded:
    products: int
    customers: int
    promotions: int
    accounts: DemoAccounts


def demo_settings(store: DemoStore) -> LoyaltySettings:
    """The demo's FORMAT.md settings as the register's typed settings record."""
    s = store.settings
    points = s["points"]
    multipliers = {t["name"]: t["multiplier"] for t in points.get("tiers", [])}
    return LoyaltySettings(
        currency=s["currency"],
        rounding=s["rounding"],
        arbitration=s["arbitration"],
        max_discount_share=s["max_discount_share"],
        earn_rate=points["earn_rate"],
        earn_on=points["earn_on"],
        redeem_value=points["redeem_value"],
        min_redeem=points["min_redeem"],
        redeem_step=points["redeem_step"],
        max_redeem_share=points["max_redeem_share"],
        tiers=tuple(TierRule(name, spend, multipliers.get(name, "1")) for name, spend in _TIER_SPEND.items()),
        welcome_points=100,
        welcome_promotion_id="P21",
        next_visit_promotion_id=NEXT_VISIT_PROMOTION_ID,
        next_visit_min_total_minor=NEXT_VISIT_MIN_TOTAL_MINOR,
    )


def load_demo_store(uow: UnitOfWork, store: DemoStore, now: datetime) -> DemoLoaded:
    """Write the whole demo store in one transaction (the database should be empty)."""
    with uow:
        uow.settings.save(demo_settings(store))
        uow.catalog.upsert_many(p.to_catalog_item() for p in store.products)
        uow.customers.upsert_many(c.to_profile() for c in store.customers)
        uow.promotions.upsert_many(store.promotions)
        rewards, reward_promotions = generate_rewards(store.products, store.today)
        uow.promotions.upsert_many(reward_promotions)
        uow.rewards.upsert_many(Reward(r.id, r.name, r.points, r.promotion_id) for r in rewards)
        for (user_id, name, pin), role in ((DEMO_CASHIER, Role.CASHIER), (DEMO_MANAGER, Role.MANAGER)):
            if uow.users.get(user_id) is None:
                uow.users.add(UserAccount(user_id, name, role), PIN_HASHER.hash(pin), now)
                uow.audit.append(None, "user_created", {"user": user_id, "role": role.value}, now)
        uow.commit()
    return DemoLoaded(
        len(store.products),
        len(store.customers),
        len(store.promotions),
        DemoAccounts(DEMO_CASHIER[0], DEMO_CASHIER[2], DEMO_MANAGER[0], DEMO_MANAGER[2]),
    )


def load_demo_history(uow: UnitOfWork, part: RegisterPart) -> int:
    """Give the demo register its year (`pos_app.demo.history.register_part`), already synced; one transaction."""
    with uow:
        uow.history.orders(part.orders)
        uow.history.synced_entries(part.entries)
        uow.history.order_counter(part.last_number)
        uow.history.enrolled_here(part.enrolled_here)
        uow.commit()
    return len(part.orders)


__all__ = ["DEMO_CASHIER", "DEMO_MANAGER", "DemoAccounts", "DemoLoaded", "demo_settings", "load_demo_history",
           "load_demo_store"]
