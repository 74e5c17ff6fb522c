"""Checkout: the paid sale written in ONE local transaction, before the receipt prints.

`checkout` re-prices the draft inside a writing unit of work (the prices the
cashier saw may have changed: a pulled promotion, points spent at another
register), refuses when the customer's points no longer cover what the sale
spends or when an offline exposure cap would be passed, and then writes:

- the order (numbered `S1-R1-000042`: store, register, number; the receipt's barcode) and its lines with
  what the engine fixed for each: every promotion's amount, the points value,
  the net price, and the line's share of the points spent and earned (split
  by the largest remainder method: points spent in proportion to each line's
  points value, a claimed reward's points over the lines its promotion
  discounted, points earned in proportion to each line's earning base);
- ledger entries, each with its outbox row: `redemption` for every claimed
  reward (reason `reward:<id>`, with its code) and for points paid
  (reason `payment`), `code_use` for each code that applied (its discount in
  `discount_minor`, for leakage accounting at the central service), and
  `accrual` for points earned, held until the return window closes when the
  program has one (`return_window_days` > 0);
- the codes' uses, the rewards' personal single-use codes (a partner
  reward's code: handed to the member from this register's reserve), the
  customer's promotion uses and first-order flag;
- the next-visit code when the program has the offer and the sale earns it
  (`services.next_visit`): personal, single use, tied to the order;
- the records that tell the chain (`services.publishing`): the order with its
  lines, and every code the sale issued, so the member can use them at any
  store;
- its receipt, when the caller gives the header facts (`receipt=`), kept so it
  can be printed again (`services.receipts`).

Any refusal returns before anything is written; the unit of work rolls back.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from pos_app.domain.engine import EvaluationResult
from pos_app.domain.engine.spread import spread_int
from pos_app.domain.ledger import MAX_ENTRY_POINTS, MAX_MINOR, EntryKind, LedgerEntry
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.promotion_code import PromotionCode, normalise_code
from pos_app.domain.sale_record import SaleRecord, SoldLine
from pos_app.domain.scenario_json import result_to_json
from pos_app.printing.receipt import Receipt
from pos_app.services.chain import ChainCalls, ChainUnreachable
from pos_app.services.next_visit import NextVisitOffer, issue_next_visit_code
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricedSale, PricingEngineCache, price_in, price_sale
from pos_app.services.publishing import publish_code, publish_order
from pos_app.services.receipts import ReceiptHeader, keep_receipt, sale_receipt
from pos_app.services.sale import SaleDraft
from pos_app.storage.ledger import new_entry_id
from pos_app.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

PAYMENT_REASON = "payment"
REWARD_REASON_PREFIX = "reward:"


@dataclass(frozen=True, slots=True)
class Connectivity:
    """Whether the central service is reachable; offline, since when and how old the cached balances are.

    Offline, points spent are bounded by the program's caps: per customer and
    per register, counted over the redemptions the central service has not
    acknowledged yet (written since `offline_since` when given), and not at
    all once the cache is older than `max_cache_age_s`.
    """

    online: bool = True
    offline_since: datetime | None = None
    cache_age_s: float | None = None


ONLINE = Connectivity()


@dataclass(frozen=True, slots=True)
class CompletedSale:
    """What the receipt and the screen need after payment."""

    order: SaleRecord
    priced: PricedSale
    entries: tuple[LedgerEntry, ...]
    issued_codes: tuple[PromotionCode, ...] = ()
    points_before: int | None = None  # None: anonymous sale
    points_after: int | None = None  # held accruals included
    accrual_available_on: date | None = None  # earned points spendable from this day (None: now)
    next_visit: NextVisitOffer | None = None  # the personal code this sale earned, printed on the receipt
    partner_codes: tuple[tuple[str, str], ...] = ()  # (reward name, partner code) handed out, printed too
    receipt: Receipt | None = None  # the slip, kept with the sale when checkout was given its header
    # The result JSON as checkout wrote it with the order (read by the receipt and the till's answer; not changed).
    result_document: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def order_number(self) -> str:
        """The order's id, printed as the receipt's barcode; `returns.find_order` reads it back."""
        return self.order.id

    @property
    def points_pending(self) -> bool:
        return self.accrual_available_on is not None

    def cart_json(self) -> list[dict[str, Any]]:
        """The FORMAT.md 1.3 cart lines, as `printing.sale_receipt.receipt_from_sale` reads them."""
        currency = self.priced.result.currency
        return [
            line.item.to_cart_line(line.line_id, line.qty, currency.format_minor)
            for line in self.priced.draft.lines
        ]

    def result_json(self) -> dict[str, Any]:
        """The FORMAT.md section 7 result."""
        if self.result_document is not None:
            return dict(self.result_document)
        return result_to_json(self.priced.result)

    def promotions_json(self) -> list[dict[str, Any]]:
        """Id and name of each applied promotion (what the receipt prints)."""
        return [{"id": a.id, "name": a.name} for a in self.priced.result.applied]

    @property
    def item_names(self) -> dict[str, str]:
        return {line.sku: line.name for line in self.priced.draft.lines}


def _offline_refusal(
    uow: UnitOfWork, settings: LoyaltySettings, customer_id: str, spend: int, connectivity: Connectivity
) -> Refused | None:
    if connectivity.online or spend <= 0:
        return None
    if connectivity.cache_age_s is not None and connectivity.cache_age_s > settings.max_cache_age_s:
        return Refused(
            "cache_too_old",
            "offline for too long: points cannot be spent until the register reconnects",
        )
    since = connectivity.offline_since
    used = uow.ledger.unacknowledged_redeemed(since, customer_id)
    if used + spend > settings.offline_customer_cap:
        left = max(0, settings.offline_customer_cap - used)
        return Refused(
            "offline_customer_cap",
            f"offline, this customer may spend {left} more points (cap {settings.offline_customer_cap})",
        )
    used_here = uow.ledger.unacknowledged_redeemed(since)
    if used_here + spend > settings.offline_register_cap:
        left = max(0, settings.offline_register_cap - used_here)
        return Refused(
            "offline_register_cap",
            f"offline, this register may accept {left} more points (cap {settings.offline_register_cap})",
        )
    return None


def _split(amount: int, weights: list[int]) -> list[int]:
    if amount == 0 or sum(weights) <= 0:
        return [0] * len(weights)
    parts = spread_int(amount, list(range(len(weights))), weights)
    return [parts.get(i, 0) for i in range(len(weights))]


def line_points(priced: PricedSale) -> tuple[list[int], list[int]]:
    """Each line's share of the points spent and of the points earned (largest remainder, cart order)."""
    result, draft, settings = priced.result, priced.draft, priced.settings
    spent = _split(result.redemption.redeemed, [line.points_value for line in result.lines])
    for claim in draft.rewards:
        share = _split(claim.points, [line.allocations.get(claim.promotion_id, 0) for line in result.lines])
        spent = [a + b for a, b in zip(spent, share, strict=True)]
    gross = settings.earn_on == "gross"
    bases = [
        0 if line.item.no_points else max(0, outcome.subtotal if gross else outcome.total)
        for line, outcome in zip(draft.lines, result.lines, strict=True)
    ]
    earned = _split(result.points_earned, bases)
    return spent, earned


def _codes_used(result: EvaluationResult) -> list[tuple[str, str, int]]:
    """(code, promotion, discount) for the first applied code of each promotion."""
    amounts = {a.id: a.amount for a in result.applied}
    seen: set[str] = set()
    used = []
    for status in result.codes:
        if status.status == "applied" and status.promotion and status.promotion not in seen:
            seen.add(status.promotion)
            used.append((status.code, status.promotion, amounts.get(status.promotion, 0)))
    return used


def checkout(
    uow: UnitOfWork,
    draft: SaleDraft,
    *,
    now: datetime,
    cashier_id: str | None,
    connectivity: Connectivity = ONLINE,
    expected_total: int | None = None,
    cache: PricingEngineCache | None = None,
    receipt: ReceiptHeader | None = None,
) -> CompletedSale | Refused:
    """Pay the sale: one transaction (see the module docstring). Commit happens before this returns.

    `expected_total` (minor units): the total the cashier showed the
    customer; when given and the re-priced total differs, refused
    `price_changed` (show the new price and ask again). Other refusals:
    `empty_sale`, `already_paid` (this draft has an order), `sale_too_large` (beyond what the ledger carries), `unknown_customer`, `insufficient_points`,
    `reward_unavailable`, `reward_not_in_sale`, `offline_customer_cap`,
    `offline_register_cap`, `cache_too_old`, `code_used`.
    """
    if draft.is_empty:
        return Refused("empty_sale", "scan at least one item")
    with uow:
        if draft.sale_id and (paid := uow.orders.id_for_sale(draft.sale_id)) is not None:
            return Refused("already_paid", f"this sale was already paid: order {paid}")
        priced = price_in(uow, draft, now, cache)
        if isinstance(priced, Refused):
            return priced
        result, customer, settings = priced.result, priced.customer, priced.settings
        if result.total > MAX_MINOR or result.points_earned > MAX_ENTRY_POINTS:
            return Refused("sale_too_large", "this sale's total or points are beyond what a sale can be: check "
                                             "the quantities and prices")
        redeemed = result.redemption.redeemed if customer is not None else 0
        claims = draft.reward_points
        if customer is not None:
            if claims > priced.points_spendable:
                return Refused(
                    "insufficient_points",
                    f"{customer.name} has {priced.points_spendable} points; the rewards claimed need {claims}",
                )
            request = draft.redeem
            if request != "max" and request > priced.points_spendable - claims:
                return Refused(
                    "insufficient_points",
                    f"{customer.name} has {priced.points_spendable - claims} points left to spend; "
                    f"{request} were asked",
                )
        applied_codes = {normalise_code(c.code) for c in result.codes if c.status == "applied"}
        for claim in draft.rewards:
            reward = uow.rewards.get(claim.reward_id)
            if reward is None or not reward.active:
                return Refused("reward_unavailable", f"reward {claim.name!r} is no longer offered")
            if not claim.is_partner and normalise_code(claim.code) not in applied_codes:
                return Refused(
                    "reward_not_in_sale",
                    f"{claim.name}: add the item it gives to the sale, or cancel the claim",
                )
        if expected_total is not None and expected_total != result.total:
            money = result.currency.format_minor
            return Refused(
                "price_changed",
                f"the total is now {money(result.total)} (was {money(expected_total)}): show it again",
            )
        if customer is not None and (
            refused := _offline_refusal(uow, settings, customer.id, redeemed + claims, connectivity)
        ):
            return refused

        order_id = uow.orders.next_order_number(uow.register_id, uow.order_prefix)
        today = now.date()
        available_on = (
            today + timedelta(days=settings.return_window_days)
            if settings.return_window_days > 0 and customer is not None and result.points_earned > 0
            else None
        )
        spent, earned = line_points(priced)
        lines = tuple(
            SoldLine(
                line_id=line.line_id,
                position=position,
                sku=line.sku,
                name=line.name,
                qty=str(line.qty),
                unit_price_minor=line.unit_price_minor,
                subtotal_minor=outcome.subtotal,
                discount_minor=outcome.discount,
                points_value_minor=outcome.points_value,
                net_minor=outcome.total,
                points_earned=earned[position] if customer is not None else 0,
                points_redeemed=spent[position] if customer is not None else 0,
                allocations=dict(outcome.allocations),
                weighted=line.weighted,
            )
            for position, (line, outcome) in enumerate(zip(draft.lines, result.lines, strict=True))
        )
        document = result_to_json(result)
        record = SaleRecord(
            id=order_id,
            register_id=uow.register_id,
            created_at=now,
            currency=result.currency.code,
            subtotal_minor=result.subtotal,
            discount_minor=result.discount_total,
            points_value_minor=result.points_value,
            total_minor=result.total,
            lines=lines,
            customer_id=customer.id if customer is not None else None,
            store_id=uow.store_id,
            cashier_id=cashier_id,
            points_earned=result.points_earned if customer is not None else 0,
            points_redeemed=redeemed + claims,
            accrual_available_on=available_on,
            codes=tuple(draft.all_codes),
            result_json=json.dumps(document, sort_keys=True, ensure_ascii=False),
        )
        uow.orders.add(record, sale_id=draft.sale_id or None)

        entries: list[LedgerEntry] = []
        issued: list[PromotionCode] = []
        partner_codes: list[tuple[str, str]] = []
        customer_id = customer.id if customer is not None else None
        for claim in draft.rewards:
            assert customer_id is not None
            if claim.promotion_id is None:
                if not uow.rewards.issue_code(claim.code, customer_id, order_id, now):
                    return Refused("reward_unavailable", f"{claim.name}: its code was handed out meanwhile; "
                                                         "cancel the claim and claim it again")
                partner_codes.append((claim.name, claim.code))
            else:
                issued.append(
                    uow.promotions.issue_code(
                        claim.promotion_id, claim.code, customer_id=customer_id, uses_left=1, at=now
                    )
                )
            entries.append(
                uow.ledger.append(
                    EntryKind.REDEMPTION,
                    customer_id,
                    -claim.points,
                    at=now,
                    order_id=order_id,
                    code=claim.code,
                    reason=REWARD_REASON_PREFIX + claim.reward_id,
                    actor_id=cashier_id,
                )
            )
        if redeemed:
            entries.append(
                uow.ledger.append(
                    EntryKind.REDEMPTION,
                    customer_id,
                    -redeemed,
                    at=now,
                    order_id=order_id,
                    reason=PAYMENT_REASON,
                    actor_id=cashier_id,
                )
            )
        for code, _promotion_id, discount in _codes_used(result):
            if not uow.promotions.use_code(code):
                return Refused("code_used", f"code {code} was used meanwhile: price the sale again")
            entries.append(
                uow.ledger.append(
                    EntryKind.CODE_USE,
                    customer_id,
                    0,
                    at=now,
                    order_id=order_id,
                    code=code,
                    actor_id=cashier_id,
                    discount_minor=discount,
                )
            )
        if customer_id is not None and result.points_earned > 0:
            entries.append(
                uow.ledger.append(
                    EntryKind.ACCRUAL,
                    customer_id,
                    result.points_earned,
                    at=now,
                    order_id=order_id,
                    actor_id=cashier_id,
                    available_on=available_on,
                    order_total_minor=result.total,
                )
            )
        if customer is not None:
            uow.customers.record_promotion_uses(customer.id, [applied.id for applied in result.applied])
            if customer.first_order:
                uow.customers.mark_ordered(customer.id)
        next_visit = issue_next_visit_code(
            uow, settings, customer_id=customer_id, total_minor=result.total, order_id=order_id, now=now
        )
        publish_order(uow, record, ((a.id, a.amount) for a in result.applied))
        for code in issued:
            publish_code(uow, code, now, order_id=order_id)
        if next_visit is not None:
            publish_code(uow, next_visit.code, now, order_id=order_id)
        completed = CompletedSale(
            order=record,
            priced=priced,
            entries=tuple(entries),
            issued_codes=tuple(issued),
            points_before=customer.points if customer is not None else None,
            points_after=priced.points_after,
            accrual_available_on=available_on,
            next_visit=next_visit,
            partner_codes=tuple(partner_codes),
            result_document=document,
        )
        if receipt is not None:
            slip = sale_receipt(completed, receipt, now)
            keep_receipt(uow, slip, now)
            completed = replace(completed, receipt=slip)
        uow.commit()
        return completed


@dataclass(frozen=True, slots=True)
class PointsHeld:
    """What `hold_points` found: the connectivity the sale goes on with, and the hold to release if refused."""

    connectivity: Connectivity
    hold_id: str | None = None


def hold_points(
    uow: UnitOfWorkFactory,
    draft: SaleDraft,
    *,
    now: datetime,
    connectivity: Connectivity = ONLINE,
    cache: PricingEngineCache | None = None,
    chain: ChainCalls | None = None,
) -> PointsHeld | Refused:
    """Before a sale that spends a member's points is written online, the central service holds them.

    When it refuses, the member's points were spent elsewhere: the sale is
    refused (`insufficient_points`, with the chain's figure) before anything is
    written. When it cannot be asked, the sale goes on under the offline caps
    (the answer's `connectivity` says offline). Nothing to spend, no central
    service, or offline already: nothing is asked.
    """
    if chain is None or not connectivity.online or draft.customer_id is None or not (draft.redeem or draft.rewards):
        return PointsHeld(connectivity)
    priced = price_sale(uow(read_only=True), draft, now, cache=cache)
    spend = 0 if isinstance(priced, Refused) else priced.result.redemption.redeemed + draft.reward_points
    if spend <= 0:
        return PointsHeld(connectivity)
    asked = new_entry_id()
    try:
        answer = chain.hold_points(draft.customer_id, spend, asked)
    except ChainUnreachable:
        return PointsHeld(Connectivity(online=False, offline_since=None, cache_age_s=connectivity.cache_age_s))
    if not answer.granted:
        name = priced.customer.name if not isinstance(priced, Refused) and priced.customer else "The member"
        return Refused(
            "insufficient_points",
            f"{name} has {max(0, answer.available):,} points across the chain now (spent at another "
            f"register); this sale spends {spend:,}: lower the points and try again",
        )
    return PointsHeld(connectivity, asked)


def release_points(chain: ChainCalls | None, held: PointsHeld) -> None:
    """The sale a hold was for was refused: its points are free again at once (or when the hold expires)."""
    if chain is not None and held.hold_id is not None:
        with contextlib.suppress(ChainUnreachable):
            chain.release_hold(held.hold_id)


def pay(
    uow: UnitOfWorkFactory,
    draft: SaleDraft,
    *,
    now: datetime,
    cashier_id: str | None,
    connectivity: Connectivity = ONLINE,
    expected_total: int | None = None,
    cache: PricingEngineCache | None = None,
    chain: ChainCalls | None = None,
    receipt: ReceiptHeader | None = None,
) -> CompletedSale | Refused:
    """Pay the sale as the window does: hold the points at the central service (`hold_points`), then check out."""
    held = hold_points(uow, draft, now=now, connectivity=connectivity, cache=cache, chain=chain)
    if isinstance(held, Refused):
        return held
    done = checkout(uow(), draft, now=now, cashier_id=cashier_id, connectivity=held.connectivity,
                    expected_total=expected_total, cache=cache, receipt=receipt)
    if isinstance(done, Refused):
        release_points(chain, held)
    return done


def sale_summary(completed: CompletedSale) -> Mapping[str, object]:
    """A small dict for logs and the status bar."""
    return {
        "order": completed.order_number,
        "total": completed.priced.result.currency.format_minor(completed.order.total_minor),
        "points_earned": completed.order.points_earned,
        "points_redeemed": completed.order.points_redeemed,
    }


__all__ = [
    "ONLINE",
    "PAYMENT_REASON",
    "REWARD_REASON_PREFIX",
    "CompletedSale",
    "Connectivity",
    "checkout",
    "line_points",
    "PointsHeld",
    "hold_points",
    "pay",
    "release_points",
    "sale_summary",
]
