"""Identifying the customer at the register: by card, phone, email or name.

A scan or a typed key gives one customer (`Identified`), several to choose
from (`Candidates`: a shared phone or email, or a name), or a `Refused` that
says why (a wrong check digit, a malformed phone or email, no match). Name
search is a word-prefix search with accents folded ("jo mull" finds
"José Müller"); whatever is typed is escaped before it reaches FTS5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.services.contact import check_card_number, normalise_email, normalise_phone
from pos_app.services.outcome import Refused
from pos_app.storage.customers import name_search_terms
from pos_app.storage.unit_of_work import UnitOfWork

MAX_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class Identified:
    customer: CustomerProfile
    by: str  # card | phone | email | name


@dataclass(frozen=True, slots=True)
class Candidates:
    """More than one customer matched; the cashier chooses."""

    customers: tuple[CustomerProfile, ...]
    by: str
    more: bool = False  # more matched than are listed: type more of the name


Identification = Identified | Candidates | Refused


def current_members(uow: UnitOfWork, found: list[CustomerProfile]) -> list[CustomerProfile]:
    """Each member as they are now: one merged into another is found as that one (each listed once)."""
    current: list[CustomerProfile] = []
    seen: set[str] = set()
    for member in found:
        hops = 0
        while member.merged_into is not None and hops < 5:
            target = uow.customers.get(member.merged_into)
            if target is None:
                break
            member, hops = target, hops + 1
        if member.id not in seen:
            seen.add(member.id)
            current.append(member)
    return current


def _answer(found: list[CustomerProfile], by: str, typed: str, limit: int = MAX_CANDIDATES) -> Identification:
    """`found` holds up to `limit` + 1 customers; the extra one only says that there are more."""
    if not found:
        return Refused("not_found", f"no customer with {by} {typed!r}")
    if len(found) == 1:
        return Identified(found[0], by)
    return Candidates(tuple(found[:limit]), by, more=len(found) > limit)


def identify_by_card(uow: UnitOfWork, scanned: str) -> Identification:
    card = check_card_number(scanned)
    if isinstance(card, Refused):
        return card
    with uow:
        customer = uow.customers.by_card(card)
        customer = current_members(uow, [customer])[0] if customer is not None else None
    return (
        Identified(customer, "card")
        if customer
        else Refused("not_found", f"card number {card}: unknown card")
    )


def identify_by_phone(uow: UnitOfWork, typed: str, region: str | None = None) -> Identification:
    with uow:
        phone = normalise_phone(typed, region or uow.settings.default_phone_region())
        if isinstance(phone, Refused):
            return phone
        return _answer(current_members(uow, uow.customers.by_phone(phone, MAX_CANDIDATES + 1)), "phone", phone)


def identify_by_email(uow: UnitOfWork, typed: str) -> Identification:
    email = normalise_email(typed)
    if isinstance(email, Refused):
        return email
    with uow:
        return _answer(current_members(uow, uow.customers.by_email(email, MAX_CANDIDATES + 1)), "email", email)


def search_by_name(uow: UnitOfWork, typed: str, limit: int = MAX_CANDIDATES) -> Identification:
    if not name_search_terms(typed):
        return Refused("empty_search", "type at least one letter or digit of the name")
    with uow:
        found = current_members(uow, uow.customers.search_name(typed, limit + 1))
        return _answer(found, "name", typed.strip(), limit)


def identify(uow: UnitOfWork, typed: str, region: str | None = None) -> Identification:
    """One search box: 13 digits are a card, an "@" an email, a phone-like text a phone, else a name."""
    text = (typed or "").strip()
    if re.fullmatch(r"\d{13}", text):
        return identify_by_card(uow, text)
    if "@" in text:
        return identify_by_email(uow, text)
    if re.fullmatch(r"\+?[\d\s().-]{6,20}", text):
        return identify_by_phone(uow, text, region)
    return search_by_name(uow, text)


__all__ = [
    "Candidates",
    "current_members",
    "Identification",
    "Identified",
    "identify",
    "identify_by_card",
    "identify_by_email",
    "identify_by_phone",
    "search_by_name",
]
