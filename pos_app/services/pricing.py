"""Pricing a draft: the promotion engine's answer for the sale as it stands.

`price_sale` builds the engine's `Sale` from a `SaleDraft` (the customer as
cached, with confirmed + pending points less what is held or already
claimed) and evaluates it. This runs after every scan, so the engine is not
rebuilt each time: a `PricingEngineCache` keeps one `PromotionEngine` per
pricing revision (a counter that triggers bump when promotions, settings or
tiers change, see migration 0002) and local day. Codes are not part of the
cached engine: a code-gated promotion carries a placeholder code nobody can
type, and each pricing adds the current state of the codes actually entered
(a few primary-key lookups), so using or issuing codes never invalidates
the cache. Each cart is evaluated against the promotions that concern its
items (`domain.promotion_index`: an item filter that names one of its SKUs,
categories, brands or tags, or takes every item) plus those whose codes were
entered: the same prices, points, nudges and code statuses as against all
promotions, without the engine refusing hundreds of promotions about other
items on every scan. One cache serves one store; it is safe to share
between threads.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from pos_app.domain.cart import CartLine
from pos_app.domain.customer import Customer
from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.engine import EvaluationResult, LineResult, PromotionEngine, Sale
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.promotion import Audience, PromoCode, Promotion
from pos_app.domain.promotion_code import normalise_code
from pos_app.domain.promotion_index import PromotionIndex
from pos_app.domain.scenario_json import parse_promotion, parse_settings
from pos_app.domain.settings import ProgramSettings
from pos_app.services.outcome import Refused
from pos_app.services.sale import SaleDraft
from pos_app.storage.promotions import in_force_at
from pos_app.storage.unit_of_work import UnitOfWork

# A code no scanner or keyboard produces: keeps a code-gated promotion code-gated in the cached engine.
_PLACEHOLDER = "\x00locked"


@dataclass(frozen=True, slots=True)
class PricedSale:
    """A draft with the engine's answer. Amounts are minor units (`result.currency` formats them)."""

    draft: SaleDraft
    result: EvaluationResult
    settings: LoyaltySettings
    customer: CustomerProfile | None = None
    points_spendable: int = 0  # the customer's spendable points before this sale and its claims
    engine_sale: Sale | None = None

    @property
    def total(self) -> int:
        return self.result.total

    def line(self, line_id: str) -> LineResult | None:
        return next((line for line in self.result.lines if line.id == line_id), None)

    @property
    def points_after(self) -> int | None:
        """The customer's points once paid (held accruals included), or None for an anonymous sale."""
        if self.customer is None:
            return None
        return (
            self.customer.points
            - self.draft.reward_points
            - self.result.redemption.redeemed
            + self.result.points_earned
        )


@dataclass(slots=True)
class _Built:
    key: tuple[int, date]
    settings: LoyaltySettings
    program: ProgramSettings
    promotions: dict[str, Promotion]
    index: PromotionIndex
    engine: PromotionEngine  # every promotion in force that day
    boundaries: list[datetime]  # moments of the day at which a promotion starts or stops applying


class PricingEngineCache:
    """The promotions in force for the current pricing revision and day, parsed and indexed, and engines.

    `engine_for` costs one indexed read when nothing changed, plus building
    a small engine for a set of promotions not seen recently. A rebuild
    re-parses only the promotions whose JSON changed since the last build.
    `relevant_only=False` evaluates every cart against every promotion.
    """

    def __init__(self, max_variants: int = 64, *, relevant_only: bool = True) -> None:
        self._lock = threading.Lock()
        self._built: _Built | None = None
        self._parsed: dict[str, tuple[str, Promotion]] = {}
        self._variants: OrderedDict[tuple[object, ...], PromotionEngine] = OrderedDict()
        self._max_variants = max_variants
        self.relevant_only = relevant_only
        self._results: OrderedDict[tuple[object, ...], tuple[PromotionEngine, EvaluationResult]] = (
            OrderedDict()
        )
        self._personal: tuple[int, list[tuple[str | None, str | None, PersonalPromotion]]] | None = None
        self.rebuilds = 0  # for tests and the benchmark
        self.reused = 0  # evaluations answered from the memo

    def _current(self, uow: UnitOfWork, day: date) -> _Built:
        revision = uow.promotions.pricing_revision()
        built = self._built
        if built is not None and built.key == (revision, day):
            return built
        with self._lock:
            built = self._built
            if built is not None and built.key == (revision, day):
                return built
            built = self._build(uow, revision, day)
            self._built = built
            self._variants.clear()
            self._results.clear()
            self.rebuilds += 1
            return built

    def _build(self, uow: UnitOfWork, revision: int, day: date) -> _Built:
        settings = uow.settings.get()
        program = parse_settings(settings.to_scenario(), "settings")
        rows = uow.promotions.pricing_rows(datetime.combine(day, time.min), datetime.combine(day, time.max))
        # Promotions given only by codes a register issues (next visit, welcome, rewards) stay code-gated
        # before any code of them exists here: FORMAT.md reads a promotion without codes as automatic.
        issued_only = {settings.next_visit_promotion_id, settings.welcome_promotion_id,
                       *(reward.promotion_id for reward in uow.rewards.active())} - {None}
        parsed: dict[str, tuple[str, Promotion]] = {}
        promotions: dict[str, Promotion] = {}
        for promotion_id, body, has_codes in rows:
            memo = self._parsed.get(promotion_id)
            if memo is not None and memo[0] == body:
                promotion = memo[1]
            else:
                promotion = parse_promotion(json.loads(body), f"promotions[{promotion_id}]", program.currency)
            parsed[promotion_id] = (body, promotion)
            if has_codes or promotion_id in issued_only:
                promotion = replace(promotion, codes=(PromoCode(_PLACEHOLDER + promotion_id, None, 0),))
            promotions[promotion_id] = promotion
        self._parsed = parsed
        engine = PromotionEngine(program, list(promotions.values()))
        index = PromotionIndex(promotions.values())
        boundaries = _boundaries(promotions.values(), day)
        return _Built((revision, day), settings, program, promotions, index, engine, boundaries)

    def personal_offers(self, uow: UnitOfWork, now: datetime) -> list[PersonalPromotion]:
        """`personal_promotions(uow, now)`, from the candidates kept per pricing revision with their audiences
        read once (one indexed read when nothing changed): a member's card lists them on every inquire."""
        revision = uow.promotions.pricing_revision()
        kept = self._personal
        if kept is None or kept[0] != revision:
            candidates = uow.promotions.personal_candidates()  # the same snapshot as the revision
            kept = (revision, [(starts, ends, _personal(offer)) for starts, ends, offer in candidates])
            self._personal = kept
        return in_force_at(now, kept[1])

    def settings(self, uow: UnitOfWork, day: date) -> LoyaltySettings:
        """The program's settings as the engine of `day` was built with (one read when nothing changed)."""
        return self._current(uow, day).settings

    def evaluate(self, engine: PromotionEngine, sale: Sale) -> EvaluationResult:
        """`engine.evaluate(sale)`, answered from a memo when the same sale was evaluated a moment ago.

        The engine reads the moment only to check validity windows and
        birthdays, so two moments of the same day between the same validity
        boundaries give the same answer: checkout re-pricing the draft the
        screen just showed costs a lookup, not a second evaluation.
        """
        built = self._built
        if built is None or built.key[1] != sale.now.date():
            return engine.evaluate(sale)
        key = (id(engine), bisect_right(built.boundaries, sale.now), replace(sale, now=datetime.min))
        with self._lock:
            found = self._results.get(key)
            if found is not None and found[0] is engine:
                self._results.move_to_end(key)
                self.reused += 1
                return found[1]
        result = engine.evaluate(sale)
        with self._lock:
            self._results[key] = (engine, result)
            while len(self._results) > self._max_variants:
                self._results.popitem(last=False)
        return result

    def engine_for(
        self,
        uow: UnitOfWork,
        day: date,
        codes: Mapping[str, Sequence[PromoCode]] | None = None,
        cart: Sequence[CartLine] | None = None,
    ) -> tuple[PromotionEngine, LoyaltySettings]:
        """The engine for `day` and `cart`, knowing `codes` (promotion id -> the entered codes' state).

        Without a cart (or with `relevant_only=False`) the engine holds every promotion in force.
        """
        built = self._current(uow, day)
        extra = {
            pid: tuple(found) for pid, found in (codes or {}).items() if pid in built.promotions and found
        }
        chosen: frozenset[str] | None = None
        if cart is not None and self.relevant_only:
            chosen = built.index.relevant(cart) | frozenset(extra)
        elif not extra:
            return built.engine, built.settings
        key = (built.key, chosen, tuple(sorted(extra.items())))
        with self._lock:
            engine = self._variants.get(key)
            if engine is not None:
                self._variants.move_to_end(key)
                return engine, built.settings
        every = built.promotions
        promotions = [  # the chosen few looked up, not every promotion in force walked (the engine sorts them)
            replace(p, codes=p.codes + extra[pid]) if pid in extra else p
            for pid, p in (every.items() if chosen is None else ((pid, every[pid]) for pid in chosen))
        ]
        engine = PromotionEngine(built.program, promotions)
        with self._lock:
            self._variants[key] = engine
            while len(self._variants) > self._max_variants:
                self._variants.popitem(last=False)
        return engine, built.settings


def _boundaries(promotions: Iterable[Promotion], day: date) -> list[datetime]:
    """The moments of `day` where a validity check may change its answer (sorted, local time).

    A promotion starts applying at its `from` moment and at its hours' start,
    stops at its hours' end and one microsecond after its inclusive `to`.
    """
    start, end = datetime.combine(day, time.min), datetime.combine(day, time.max)
    moments: set[datetime] = set()
    for promotion in promotions:
        valid = promotion.valid
        if valid.starts is not None:
            moments.add(valid.starts)
        if valid.ends is not None:
            moments.add(valid.ends + timedelta(microseconds=1))
        if valid.hours is not None:
            moments.add(datetime.combine(day, valid.hours[0]))
            if valid.hours[1] is not None:
                moments.add(datetime.combine(day, valid.hours[1]))
    return sorted(m for m in moments if start < m <= end)


@dataclass(frozen=True, slots=True)
class PersonalPromotion:
    """A promotion in force that may be a personal offer: its stored JSON and its audience (None: public)."""

    promotion: dict[str, Any]
    audience: Audience | None


def _personal(promotion: dict[str, Any]) -> PersonalPromotion:
    return PersonalPromotion(promotion, Audience.from_stored(promotion.get("audience")))


def personal_promotions(uow: UnitOfWork, now: datetime) -> list[PersonalPromotion]:
    """The promotions in force at `now` that may be personal offers (`personal_in_force`), with audiences."""
    return [_personal(offer) for offer in uow.promotions.personal_in_force(now)]


def to_engine_customer(profile: CustomerProfile, points: int) -> Customer:
    return Customer(
        id=profile.id,
        tier=profile.tier,
        segments=frozenset(profile.segments),
        points=max(0, points),
        first_order=profile.first_order,
        birthday=profile.birthday,
        promo_uses={k: int(v) for k, v in profile.promo_uses.items()},
    )


def price_in(
    uow: UnitOfWork, draft: SaleDraft, now: datetime, cache: PricingEngineCache | None = None
) -> PricedSale | Refused:
    """`price_sale` inside a unit of work the caller has entered (checkout re-prices in its transaction)."""
    cache = cache or PricingEngineCache()
    today = now.date()
    customer: CustomerProfile | None = None
    spendable = 0
    if draft.customer_id is not None:
        customer = uow.customers.get(draft.customer_id)
        if customer is None:
            return Refused(
                "unknown_customer", f"customer {draft.customer_id!r} is not in this register's cache"
            )
        balance = uow.ledger.balance(customer.id, today)
        assert balance is not None
        spendable = balance.spendable
    entered = draft.all_codes
    codes: dict[str, list[PromoCode]] = {}
    stored = {code.code: code for code in uow.promotions.find_codes(entered)}
    for code in stored.values():
        codes.setdefault(code.promotion_id, []).append(
            PromoCode(code.display or code.code, code.customer_id, code.uses_left)
        )
    for claim in draft.rewards:  # not issued yet: the engine sees the code it will be
        if claim.promotion_id is not None and normalise_code(claim.code) not in stored:
            codes.setdefault(claim.promotion_id, []).append(PromoCode(claim.code, draft.customer_id, 1))
    cart = tuple(line.to_cart_line() for line in draft.lines)
    engine, settings = cache.engine_for(uow, today, codes, cart)
    engine_customer = (
        None if customer is None else to_engine_customer(customer, spendable - draft.reward_points)
    )
    sale = Sale(
        now=now.replace(tzinfo=None),
        cart=cart,
        customer=engine_customer,
        codes=entered,
        redeem_points=draft.redeem if customer is not None else 0,
        store=draft.store_id,
    )
    result = cache.evaluate(engine, sale)
    return PricedSale(draft, result, settings, customer, spendable, sale)


def price_sale(
    uow: UnitOfWork, draft: SaleDraft, now: datetime, *, cache: PricingEngineCache | None = None
) -> PricedSale | Refused:
    """What the draft costs now: lines, promotions applied and refused, code statuses, points.

    `now` is the register's local time (timezone-aware). Pass the
    application's `PricingEngineCache`; without one the engine is built for
    this call only (correct, slow with many promotions). Refused
    `unknown_customer` when the draft's customer left the cache. Uses (and
    closes) `uow`; a read-only unit of work is enough.
    """
    with uow:
        return price_in(uow, draft, now, cache)


__all__ = [
    "PersonalPromotion",
    "PricedSale",
    "PricingEngineCache",
    "personal_promotions",
    "price_in",
    "price_sale",
    "to_engine_customer",
]
