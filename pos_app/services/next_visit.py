"""The next-visit offer: a qualifying sale earns the customer a personal code for their next visit.

The program names a promotion (`LoyaltySettings.next_visit_promotion_id`, a
FORMAT.md promotion gated by personal codes, e.g. "10% off your next visit")
and the order total that earns it (`next_visit_min_total_minor`). When an
identified customer pays at least that much, checkout issues — in its own
transaction — a readable random code ("NV-7KQ2MX") for that customer only,
usable once, while the promotion is valid; the receipt prints it with the
offer's text and as a barcode, and on the next visit the cashier scans it
like any other code (the engine refuses it for anyone else: `code_not_owner`).
The code remembers the order that earned it, so voiding the order retires it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.promotion_code import PromotionCode
from pos_app.storage.unit_of_work import UnitOfWork

CODE_PREFIX = "NV-"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at the till
_CODE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class NextVisitOffer:
    """The code a sale earned and the words the receipt prints with it."""

    code: PromotionCode
    offer: str  # e.g. "10% off your next visit. Valid until 2027-02-21, once, for you only."

    @property
    def code_text(self) -> str:
        """The code as issued (what the receipt prints and the barcode carries)."""
        return self.code.display or self.code.code


def next_visit_code_text() -> str:
    return CODE_PREFIX + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def _last_valid_day(promotion: Mapping[str, Any]) -> date | None:
    end = (promotion.get("valid") or {}).get("to")
    return date.fromisoformat(end[:10]) if end else None


def offer_text(promotion: Mapping[str, Any]) -> str:
    """What the receipt says about the code: the promotion's name and until when it can be used."""
    name = str(promotion.get("name") or promotion["id"]).rstrip(". ")
    until = _last_valid_day(promotion)
    validity = f"Valid until {until.isoformat()}, once" if until else "Valid once"
    return f"{name}. {validity}, for you only."


def qualifies(settings: LoyaltySettings, customer_id: str | None, total_minor: int) -> bool:
    """Whether a sale earns the next-visit offer (before looking at the promotion itself)."""
    return (
        customer_id is not None
        and settings.next_visit_promotion_id is not None
        and total_minor >= settings.next_visit_min_total_minor
    )


def issue_next_visit_code(
    uow: UnitOfWork,
    settings: LoyaltySettings,
    *,
    customer_id: str | None,
    total_minor: int,
    order_id: str,
    now: datetime,
) -> NextVisitOffer | None:
    """Inside the checkout's unit of work: the code the sale earns, or None.

    None when the sale does not qualify, or the promotion is unknown,
    inactive, or over before tomorrow (a code that cannot be used is not printed).
    """
    if not qualifies(settings, customer_id, total_minor):
        return None
    assert settings.next_visit_promotion_id is not None
    promotion = uow.promotions.active_body(settings.next_visit_promotion_id)
    if promotion is None:
        return None
    until = _last_valid_day(promotion)
    if until is not None and until < now.date() + timedelta(days=1):
        return None
    text = next_visit_code_text()
    while uow.promotions.find_code(text) is not None:  # about one in a billion: draw again
        text = next_visit_code_text()
    code = uow.promotions.issue_code(
        settings.next_visit_promotion_id, text, customer_id=customer_id, uses_left=1, at=now, order_id=order_id
    )
    return NextVisitOffer(code, offer_text(promotion))


__all__ = ["CODE_PREFIX", "NextVisitOffer", "issue_next_visit_code", "next_visit_code_text", "offer_text", "qualifies"]
