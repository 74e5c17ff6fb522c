"""Enrolling a new member at the register, and correcting a member's profile.

The cashier types a name and any of card number, phone and email; each is
checked (`services.contact`) and must not belong to another customer. The
program may give welcome points (an accrual entry, pushed like any other) or
a personal single-use welcome code for its welcome promotion. All of it is
one transaction, which also publishes the member (and the welcome code) to
the chain (`services.publishing`): the next sync cycle brings them to the
central service and from there to every register, so the member is known at
every store. An edit (a new phone, a corrected name, consents) is published
the same way.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime

from pos_app.domain.customer_profile import Consents, CustomerProfile
from pos_app.domain.ledger import EntryKind, LedgerEntry
from pos_app.domain.promotion_code import PromotionCode
from pos_app.services.contact import check_card_number, normalise_email, normalise_phone
from pos_app.services.outcome import Refused
from pos_app.services.publishing import publish_code, publish_member
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


@dataclass(frozen=True, slots=True)
class _Keys:
    card: str | None
    phone: str | None
    email: str | None


def _full_name(name: str) -> str | Refused:
    full_name = " ".join((name or "").split())
    if not full_name:
        return Refused("name_required", "the customer's name is required")
    if len(full_name) > 200:
        return Refused("name_too_long", "a name has at most 200 characters")
    return full_name


def _checked_keys(uow: UnitOfWork, region: str, card_number: str | None, phone: str | None, email: str | None,
                  *, member_id: str | None = None) -> _Keys | Refused:
    """The keys in their stored form, each refused when malformed or when another member holds it."""
    card = None
    if card_number:
        checked_card = check_card_number(card_number)
        if isinstance(checked_card, Refused):
            return checked_card
        card = checked_card
    email_norm = None
    if email:
        checked_email = normalise_email(email)
        if isinstance(checked_email, Refused):
            return checked_email
        email_norm = checked_email
    phone_e164 = None
    if phone:
        checked_phone = normalise_phone(phone, region)
        if isinstance(checked_phone, Refused):
            return checked_phone
        phone_e164 = checked_phone
    if card and (holder := uow.customers.by_card(card)) is not None and holder.id != member_id:
        return Refused("card_taken", f"card number {card} already belongs to a customer")
    if phone_e164 and any(c.id != member_id for c in uow.customers.by_phone(phone_e164, 2)):
        return Refused("phone_taken", f"phone {phone_e164} already belongs to a customer: identify them instead")
    if email_norm and any(c.id != member_id for c in uow.customers.by_email(email_norm, 2)):
        return Refused("email_taken", f"email {email_norm} already belongs to a customer: identify them instead")
    return _Keys(card, phone_e164, email_norm)


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
    full_name = _full_name(name)
    if isinstance(full_name, Refused):
        return full_name
    if birthday is not None and birthday > now.date():
        return Refused("bad_birthday", f"birthday {birthday.isoformat()} is in the future")
    if card_number is not None and isinstance(card := check_card_number(card_number), Refused):
        return card
    if email and isinstance(email_ok := normalise_email(email), Refused):
        return email_ok
    with uow:
        settings = uow.settings.get()
        keys = _checked_keys(uow, region or settings.default_phone_region, card_number, phone, email)
        if isinstance(keys, Refused):
            return keys
        customer = CustomerProfile(
            id=new_entry_id(),
            name=full_name,
            card_number=keys.card,
            phone=keys.phone,
            email=keys.email,
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
        publish_member(uow, enrolled.customer, now, enrolled=True)
        if code is not None:
            publish_code(uow, code, now)
        uow.commit()
        return enrolled


KEEP = object()  # an argument of `update_member` left as it is


def update_member(
    uow: UnitOfWork,
    member_id: str,
    *,
    now: datetime,
    name: str | object = KEEP,
    card_number: str | None | object = KEEP,
    phone: str | None | object = KEEP,
    email: str | None | object = KEEP,
    birthday: date | None | object = KEEP,
    consents: Consents | object = KEEP,
    actor_id: str | None = None,
    region: str | None = None,
) -> CustomerProfile | Refused:
    """Correct a member's profile: each argument given replaces that field (None or "" clears a key).

    The same checks as an enrollment; the edit is published to the chain and
    written to the audit log (which fields changed, not their values).
    Refused: `unknown_customer`, `name_required`, `name_too_long`, `bad_birthday`,
    malformed keys, `card_taken`, `phone_taken`, `email_taken`.
    """
    with uow:
        member = uow.customers.get(member_id)
        if member is None:
            return Refused("unknown_customer", f"customer {member_id!r} is not in this register's cache")
        settings = uow.settings.get()
        changes: dict[str, object] = {}
        if name is not KEEP:
            full_name = _full_name(str(name or ""))
            if isinstance(full_name, Refused):
                return full_name
            changes["name"] = full_name
        if isinstance(birthday, date) and birthday > now.date():
            return Refused("bad_birthday", f"birthday {birthday.isoformat()} is in the future")
        if birthday is not KEEP:
            changes["birthday"] = birthday
        keys = _checked_keys(
            uow, region or settings.default_phone_region,
            str(card_number or "") if card_number is not KEEP else None,
            str(phone or "") if phone is not KEEP else None,
            str(email or "") if email is not KEEP else None,
            member_id=member_id,
        )
        if isinstance(keys, Refused):
            return keys
        for field, given, value in (("card_number", card_number, keys.card), ("phone", phone, keys.phone),
                                    ("email", email, keys.email)):
            if given is not KEEP:
                changes[field] = value
        if isinstance(consents, Consents):
            changes["consents"] = consents
        edited = replace(member, **changes)  # type: ignore[arg-type]
        if edited == member:
            return member
        uow.customers.update_profile(edited)
        publish_member(uow, edited, now)
        uow.audit.append(actor_id, "member_edited",
                         {"customer": member_id, "fields": sorted(k for k in changes if getattr(member, k) != changes[k])},
                         now)
        uow.commit()
        return edited


__all__ = ["KEEP", "Enrolled", "enroll_customer", "update_member", "welcome_code_text"]
