"""The POS API's answers as JSON: members, priced checks, paid sales and returns, in the contract's words.

Plain functions from the use cases' values to JSON-ready dicts (money as
strings with the currency's digits, points as integers, days as ISO dates);
`pos_app.api.models` documents the same shapes for `/openapi.json`.
"""

from __future__ import annotations

from typing import Any

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.ledger import PointsBalance
from pos_app.domain.money import Currency
from pos_app.domain.scenario_json import result_to_json
from pos_app.printing.receipt import Receipt, loyalty_lines
from pos_app.services.checkout import CompletedSale
from pos_app.services.contact import mask_phone
from pos_app.services.customer_card import CustomerCard
from pos_app.services.pricing import PricedSale
from pos_app.services.returns import ReturnResult


def member_summary(profile: CustomerProfile) -> dict[str, Any]:
    """One search result: enough to pick the right person at the till."""
    return {
        "id": profile.id,
        "name": profile.name,
        "card": profile.card_number,
        "phone_masked": mask_phone(profile.phone),
        "tier": profile.tier,
        "points": profile.points,
    }


def member(card: CustomerCard, *, online: bool) -> dict[str, Any]:
    """A member as the customer card shows them: tier and the next one, points, offers, birthday."""
    money = Currency.of(card.currency).format_minor
    return {
        "id": card.customer.id,
        "name": card.customer.name,
        "card": card.customer.card_number,
        "tier": card.customer.tier,
        "next_tier": {"name": card.next_tier, "spend_needed": money(max(0, card.to_next_tier))}
        if card.next_tier else None,
        "points": {
            "confirmed": card.confirmed,
            "pending": card.pending,
            "available": PointsBalance(card.customer.id, card.confirmed, card.pending, card.held).spendable,
            "expiring": [{"points": points, "on": day.isoformat()} for points, day in card.expiring],
        },
        "offers": [
            {"code": offer.code or None, "promotion": offer.promotion_id, "name": offer.name,
             "uses_left": offer.uses_left}
            for offer in card.offers
        ],
        "birthday_week": card.birthday_week,
        "online": online,
    }


def check(check_id: str, priced: PricedSale, member_card: CustomerCard | None, messages: list[str], *,
          online: bool) -> dict[str, Any]:
    return {
        "check_id": check_id,
        "online": online,
        "result": result_to_json(priced.result),
        "member": member(member_card, online=online) if member_card is not None else None,
        "messages": messages,
    }


def paid(done: CompletedSale, receipt: Receipt, *, online: bool) -> dict[str, Any]:
    """The answer to a commit: the order, its points, the next-visit code and what to print."""
    customer = done.priced.customer
    return {
        "order_id": done.order_number,
        "online": online,
        "result": done.result_json(),
        "points": {
            "spent": done.order.points_redeemed,
            "earned": done.order.points_earned,
            "balance_after": done.points_after if customer is not None else None,
            "pending_until": done.accrual_available_on.isoformat() if done.accrual_available_on else None,
        },
        "next_visit": {"code": done.next_visit.code_text, "text": done.next_visit.offer}
        if done.next_visit is not None else None,
        "receipt_lines": list(loyalty_lines(receipt)),
        "barcodes": [{"kind": "code128", "data": b.value, "caption": b.caption} for b in receipt.barcodes],
    }


def reversed_order(result: ReturnResult, *, online: bool) -> dict[str, Any]:
    money = Currency.of(result.currency).format_minor
    return {
        "order_id": result.order_id,
        "online": online,
        "refund": money(result.refund_minor),
        "lines": [{"id": line.line_id, "qty": line.qty, "refund": money(line.refund_minor)}
                  for line in result.lines],
        "points": {"returned": result.points_given_back, "reversed": result.points_taken_back},
    }


__all__ = ["check", "member", "member_summary", "paid", "reversed_order"]
