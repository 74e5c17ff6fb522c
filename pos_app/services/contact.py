"""Checking what a cashier types or scans: card numbers, phone numbers, email addresses.

The forms themselves are the chain's (`sync.protocol.identity`: the central
service reads imports and pushed members the same way); here each check
returns the normalised value or a `Refused` that says what is wrong in words
a cashier understands.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from stdnum import ean

from pos_app.services.outcome import Refused
from sync.protocol import identity


def _checked(check: Callable[..., str], *args: str) -> str | Refused:
    try:
        return check(*args)
    except identity.IdentityError as exc:
        return Refused(exc.code, exc.message)


def check_card_number(scanned: str) -> str | Refused:
    """A loyalty card number: 13 digits (EAN-13) with a correct check digit."""
    return _checked(identity.card_number, scanned)


def issue_card_number(prefix: str) -> str:
    """A new random loyalty card number: `prefix`, random digits, the EAN-13 check digit."""
    body = prefix + "".join(secrets.choice("0123456789") for _ in range(12 - len(prefix)))
    return body + ean.calc_check_digit(body)


def check_product_barcode(scanned: str) -> str | Refused:
    """A product barcode (EAN-13, UPC-A or EAN-8) with a correct check digit, as scanned."""
    return _checked(identity.product_barcode, scanned)


def normalise_phone(typed: str, region: str) -> str | Refused:
    """A phone number in E.164 ("+14155550123"); numbers without "+" are read in `region`."""
    return _checked(identity.phone, typed, region)


def normalise_email(typed: str) -> str | Refused:
    """An email address, trimmed; the domain is lowercased (the local part is kept as typed)."""
    return _checked(identity.email, typed)


def mask_phone(e164: str | None) -> str | None:
    """A phone number a till may show on a customer-facing screen: its last four digits only."""
    if not e164:
        return None
    digits = e164.lstrip("+")
    return "+" + "*" * max(0, len(digits) - 4) + digits[-4:]


__all__ = ["check_card_number", "check_product_barcode", "issue_card_number", "mask_phone", "normalise_email", "normalise_phone"]
