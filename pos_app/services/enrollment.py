"""Enrolling a new customer at the register.

The cashier types a name and any of card number, phone and email; each is
checked (`services.contact`) and must not belong to another customer. The
program may give welcome points (an accrual entry, pushed like any other) or
a personal single-use welcome code for its welcome promotion. All of it is
one transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from pos_app.domain.customer_profile import Consents, CustomerProfile
from pos_app.domain.ledger import EntryKind, LedgerEntry
from pos_app.domain.promotion_code import PromotionCode
from pos_app.services.contact import check_card_number, normalise_email, normalise_phone
from pos_app.services.outcome import Refused
from pos_app.storage.ledger import new_entry_id
from pos_app.storage.unit_of_work import UnitOfWork

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the till


@dataclass(frozen=True, slots=True)
class Enrolled:
    customer: CustomerProfile
    welcome_entry: LedgerEntry | None = None
    welcome_code: PromotionCode | None = None


def welcome_code_text() -> str:
    return "W" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(9))


def enroll_customer(
    uow: UnitOfWork,
    *,
    name: str,
    now: datetime,
    card_number: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    birthday: date | None = None,
    consents: Consents | None = None,
    cashier_id: str | None = None,
    region: str | None = None,
) -> Enrolled | Refused:
    full_name = " ".join((name or "").split())
    if not full_name:
        return Refused("name_required", "the customer's name is required")
    if len(full_name) > 200:
        return Refused("name_too_long", "a name has at most 200 characters")
    if birthday is not None and birthday > now.date():
        return Refused("bad_birthday", f"birthday {birthday.isoformat()} is in the future")
    if card_number is not None and isinstance(card := check_card_number(card_number), Refused):
        return card
    if email and isinstance(email_ok := normalise_email(email), Refused):
        return email_ok
    with uow:
        settings = uow.settings.get()
        phone_e164: str | None = None
        if phone:
            checked = normalise_phone(phone, region or settings.default_phone_region)
            if isinstance(checked, Refused):
                return checked
            phone_e164 = checked
        email_norm = normalise_email(email) if email else None
        assert not isinstance(email_norm, Refused)
        card = card_number.strip() if card_number else None
        if card and uow.customers.card_taken(card):
            return Refused("card_taken", f"card number {card} already belongs to a customer")
        if phone_e164 and uow.customers.by_phone(phone_e164, 1):
            return Refused(
                "phone_taken", f"phone {phone_e164} already belongs to a customer: identify them instead"
            )
        if email_norm and uow.customers.by_email(email_norm, 1):
            return Refused(
                "email_taken", f"email {email_norm} already belongs to a customer: identify them instead"
            )
        customer = CustomerProfile(
            id=new_entry_id(),
            name=full_name,
            card_number=card,
            phone=phone_e164,
            email=email_norm,
            birthday=birthday,
            consents=consents or Consents(),
            first_order=True,
        )
        uow.customers.add(customer, origin="register", enrolled_at=now)
        entry = None
        if settings.welcome_points > 0:
            entry = uow.ledger.append(
                EntryKind.ACCRUAL,
                customer.id,
                settings.welcome_points,
                at=now,
                reason="welcome",
                actor_id=cashier_id,
            )
        code = None
        if settings.welcome_promotion_id and uow.promotions.get(settings.welcome_promotion_id) is not None:
            code = uow.promotions.issue_code(
                settings.welcome_promotion_id,
                welcome_code_text(),
                customer_id=customer.id,
                uses_left=1,
                at=now,
            )
        enrolled = Enrolled(uow.customers.get(customer.id) or customer, entry, code)
        uow.commit()
        return enrolled


__all__ = ["Enrolled", "enroll_customer", "welcome_code_text"]
