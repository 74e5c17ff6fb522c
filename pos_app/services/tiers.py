"""Tier recomputation from rolling 12-month spend, for a register that works alone.

A customer's tier is the highest tier whose spend threshold their net spend
(paid orders less refunds) of the last 12 months reaches. A register alone
knows every sale of its program, so it recomputes the customers who bought
here in that window (or the ones named).

A register that follows a central service never does: it knows only its own
store's sales, and a tier decided from them would demote a member who buys
at other stores. There the central service decides tiers over every store
(`sync.central.tiers`) and the register shows them (refused
`central_decides_tiers`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.ledger import add_months
from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class TierChange:
    customer_id: str
    old: str | None
    new: str | None
    spend_minor: int


@dataclass(frozen=True, slots=True)
class TierRun:
    checked: int
    changes: tuple[TierChange, ...]


def rolling_year_start(now: datetime) -> datetime:
    """The same moment 12 months earlier (29 February steps back to 28 February)."""
    day = add_months(now.date(), -12)
    return now.replace(year=day.year, month=day.month, day=day.day)


def recompute_tiers(uow: UnitOfWork, *, now: datetime, customer_ids: Iterable[str] | None = None
                    ) -> TierRun | Refused:
    start = rolling_year_start(now)
    with uow:
        if uow.sync_state.follows_central():
            return Refused("central_decides_tiers",
                           "the central service decides tiers over every store; this register shows them")
        settings = uow.settings.get()
        ids = sorted(
            set(customer_ids)
            if customer_ids is not None
            else set(uow.orders.customers_with_orders_since(start))
        )
        changes = []
        for customer_id in ids:
            customer = uow.customers.get(customer_id)
            if customer is None:
                continue
            spend = uow.orders.spend_between(customer_id, start, now)
            tier = settings.tier_for_spend(spend)
            if tier != customer.tier:
                uow.customers.set_tier(customer_id, tier)
                changes.append(TierChange(customer_id, customer.tier, tier, spend))
        uow.commit()
        return TierRun(len(ids), tuple(changes))


__all__ = ["TierChange", "TierRun", "recompute_tiers", "rolling_year_start"]
