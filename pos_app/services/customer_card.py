"""The customer card: what the register shows about the customer at the till.

Once a customer is identified the cashier sees their name and tier, how much
more spend this year reaches the next tier, their points (confirmed by the
central service, pending sync, held until a return window closes, and those
expiring soon), the offers meant for them and a birthday badge.

A register paired with a central service shows the chain's figures, never
its own partial view: the tier is the central service's (decided each night
over every store), the spend still needed is counted from the chain-wide
rolling spend it was decided on plus this register's sales since, a tier
kept after the spend fell below it shows until when, and the points
expiring are the central ledger's lots less what this register took from
them since. A register without those figures (not paired, or before the
central service's first run) counts its own sales and lots. Offers are
the customer's own usable codes, then the promotions in force whose audience
takes them in (a tier, a segment or their id), decided by the engine's own
rule (`Audience.includes`); public offers are for everyone and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pos_app.domain.customer import Customer
from pos_app.domain.customer_profile import ChainFigures, CustomerProfile, ExpiringLot
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.tiers import next_tier
from pos_app.services.outcome import Refused
from pos_app.services.pricing import (
    PersonalPromotion,
    PricingEngineCache,
    personal_promotions,
    to_engine_customer,
)
from pos_app.services.tiers import rolling_year_start
from pos_app.storage.unit_of_work import UnitOfWork

EXPIRING_SOON_DAYS = 30  # lots expiring within this many days are worth telling the customer about
BIRTHDAY_WEEK_DAYS = 7  # the badge shows this many days either side of the birthday


@dataclass(frozen=True, slots=True)
class PersonalOffer:
    """An offer for this customer: a personal code (`code` set) or a tier/segment promotion (`code` "")."""

    code: str
    name: str
    uses_left: int | None
    promotion_id: str = ""


@dataclass(frozen=True, slots=True)
class CustomerCard:
    """Everything the customer panel shows about one customer."""

    customer: CustomerProfile
    confirmed: int
    pending: int
    held: int
    offers: tuple[PersonalOffer, ...]
    birthday_week: bool
    expiring_soon: int = 0
    expiring_on: date | None = None
    next_tier: str | None = None
    to_next_tier: int = 0  # minor units of spend still needed for `next_tier`
    currency: str = "USD"
    expiring: tuple[tuple[int, date], ...] = ()  # (points, day they expire) within EXPIRING_SOON_DAYS
    tier_kept_until: date | None = None  # the tier is kept through this day although the spend is below it
    chain_figures: bool = False  # spend and expiring points are the central service's, over every store


def customer_card(uow: UnitOfWork, customer_id: str, now: datetime) -> CustomerCard | Refused:
    """The card of one cached customer at `now` (local store time), or `unknown_customer`."""
    with uow:
        return card_in(uow, customer_id, now)


def card_in(
    uow: UnitOfWork, customer_id: str, now: datetime, settings: LoyaltySettings | None = None, *,
    cache: PricingEngineCache | None = None,
) -> CustomerCard | Refused:
    """`customer_card` inside a unit of work the caller has entered (it sees the caller's own writes).

    `settings`: the program's settings when the caller has them at hand (a priced sale's); `cache`: the
    application's pricing cache, which keeps the promotions that may be personal offers per pricing revision.
    """
    today = now.date()
    balance = uow.ledger.balance(customer_id, today)
    profile = uow.customers.get(customer_id)
    if balance is None or profile is None:
        return Refused("unknown_customer", f"no customer {customer_id!r}")
    settings = settings or uow.settings.get()
    chain = uow.customers.chain_figures(customer_id) or ChainFigures()
    if chain.spend_minor is not None and chain.spend_until is not None:
        spend = chain.spend_minor + uow.orders.spend_between(customer_id, chain.spend_until, now)
    else:
        spend = uow.orders.spend_between(customer_id, rolling_year_start(now), now)
    if chain.lots_at is not None:
        lots = _chain_lots(chain.expiring, uow.ledger.points_taken_since(customer_id, chain.lots_at), today)
    else:
        lots = [(lot.expires_on, lot.remaining) for lot in uow.ledger.open_lots(customer_id, today)]
    customer = to_engine_customer(profile, balance.available)
    offers = _personal_codes(uow, customer_id)
    in_force = cache.personal_offers(uow, now) if cache is not None else personal_promotions(uow, now)
    offers += _audience_offers(in_force, customer, {o.name for o in offers})
    soon = [(on, points) for on, points in lots if (on - today).days <= EXPIRING_SOON_DAYS]
    upcoming = next_tier(settings.tiers, spend, profile.tier)
    return CustomerCard(
        customer=profile,
        confirmed=balance.confirmed,
        pending=balance.pending,
        held=balance.held,
        offers=offers,
        birthday_week=customer.birthday_within(today, BIRTHDAY_WEEK_DAYS),
        expiring_soon=sum(points for _, points in soon),
        expiring_on=min((on for on, _ in soon), default=None),
        expiring=_by_day(soon),
        next_tier=upcoming.name if upcoming else None,
        to_next_tier=upcoming.threshold_minor - spend if upcoming else 0,
        currency=settings.currency,
        tier_kept_until=chain.tier_kept_until,
        chain_figures=chain.spend_minor is not None,
    )


def _chain_lots(expiring: tuple[ExpiringLot, ...], taken: int, today: date) -> list[tuple[date, int]]:
    """The central ledger's first lots, less what this register took since (first to expire first),
    without those already past their day (the central service's next run expires them)."""
    left = []
    for lot in sorted(expiring, key=lambda lot: lot.on):
        take = min(taken, lot.points)
        taken -= take
        if lot.points - take > 0 and lot.on >= today:
            left.append((lot.on, lot.points - take))
    return left


def customer_by_id(uow: UnitOfWork, customer_id: str) -> CustomerProfile | Refused:
    """One cached customer by their id (a manager may type it), or `unknown_customer`."""
    with uow:
        profile = uow.customers.get(customer_id)
    return profile if profile is not None else Refused("unknown_customer", f"no customer {customer_id!r}")


def _personal_codes(uow: UnitOfWork, customer_id: str) -> tuple[PersonalOffer, ...]:
    """The customer's own codes that still have a use, with their promotion's name."""
    offers = []
    for code in uow.promotions.codes_of_customer(customer_id):
        if code.uses_left is not None and code.uses_left <= 0:
            continue
        promotion = uow.promotions.get(code.promotion_id)
        if promotion is None:
            continue
        offers.append(PersonalOffer(code.display or code.code, _name(promotion), code.uses_left, promotion["id"]))
    return tuple(offers)


def _audience_offers(
    in_force: list[PersonalPromotion], customer: Customer, listed: set[str]
) -> tuple[PersonalOffer, ...]:
    """Promotions in force whose audience takes the customer in; code-gated ones are listed by their code."""
    offers = []
    for personal in in_force:
        promotion, audience = personal.promotion, personal.audience
        if audience is None or promotion.get("codes") or promotion.get("name") in listed:
            continue
        if audience.includes(customer.id, customer.tier, customer.segments):
            offers.append(PersonalOffer("", _name(promotion), None, promotion["id"]))
    return tuple(offers)


def _by_day(lots: list[tuple[date, int]]) -> tuple[tuple[int, date], ...]:
    """Points of the lots expiring soon, added up per day, soonest first."""
    days: dict[date, int] = {}
    for on, points in lots:
        days[on] = days.get(on, 0) + points
    return tuple((points, day) for day, points in sorted(days.items()) if points > 0)


def _name(promotion: dict[str, Any]) -> str:
    return promotion.get("name", promotion["id"])


__all__ = ["CustomerCard", "PersonalOffer", "card_in", "customer_by_id", "customer_card"]
