"""Checking what a cashier types or scans: card numbers, phone numbers, email addresses.

Each check returns the normalised value or a `Refused` that says what is
wrong in words a cashier understands.
"""

from __future__ import annotations

import re
import secrets

import phonenumbers
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, ValidationError

from pos_app.services.outcome import Refused

# A dot-atom local part (letters of any script allowed, RFC 6531) and a domain of DNS labels.
_LOCAL_ATOM = r"[^\s@\"(),.:;<>\[\]\\]+"
_EMAIL = re.compile(
    rf"^{_LOCAL_ATOM}(\.{_LOCAL_ATOM})*@([^\W_]([\w-]{{0,61}}[^\W_])?\.)+[^\W\d_]{{2,63}}$"
)


def check_card_number(scanned: str) -> str | Refused:
    """A loyalty card number: 13 digits (EAN-13) with a correct check digit."""
    number = (scanned or "").strip()
    if not re.fullmatch(r"\d{13}", number):
        return Refused("malformed_card", f"card number {number!r}: a card number has 13 digits")
    try:
        ean.validate(number)
    except InvalidChecksum:
        return Refused("wrong_check_digit", f"card number {number}: wrong check digit")
    except ValidationError as exc:  # pragma: no cover - the regex already ensures format and length
        return Refused("malformed_card", f"card number {number}: {exc}")
    return number


def issue_card_number(prefix: str) -> str:
    """A new random loyalty card number: `prefix`, random digits, the EAN-13 check digit."""
    body = prefix + "".join(secrets.choice("0123456789") for _ in range(12 - len(prefix)))
    return body + ean.calc_check_digit(body)


def check_product_barcode(scanned: str) -> str | Refused:
    """A product barcode (EAN-13, UPC-A or EAN-8) with a correct check digit, as scanned."""
    code = (scanned or "").strip()
    if not re.fullmatch(r"\d{8}|\d{12,13}", code):
        return Refused("malformed_barcode", f"barcode {code!r}: a barcode has 8, 12 or 13 digits")
    try:
        ean.validate(code)
    except InvalidChecksum:
        return Refused("wrong_check_digit", f"barcode {code}: wrong check digit")
    except ValidationError as exc:  # pragma: no cover - the regex already ensures format and length
        return Refused("malformed_barcode", f"barcode {code}: {exc}")
    return code


def normalise_phone(typed: str, region: str) -> str | Refused:
    """A phone number in E.164 ("+14155550123"); numbers without "+" are read in `region`."""
    text = (typed or "").strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return Refused("malformed_phone", f"phone number {text!r}: not a phone number")
    if not phonenumbers.is_valid_number(number):
        return Refused("malformed_phone", f"phone number {text!r}: not a valid number (region {region})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(typed: str) -> str | Refused:
    """An email address, trimmed; the domain is lowercased (the local part is kept as typed)."""
    text = (typed or "").strip()
    local, _, domain = text.rpartition("@")
    if len(text) > 254 or len(local) > 64 or not _EMAIL.match(text):
        return Refused("malformed_email", f"email {text!r}: not an email address")
    return f"{local}@{domain.lower()}"


def mask_phone(e164: str | None) -> str | None:
    """A phone number a till may show on a customer-facing screen: its last four digits only."""
    if not e164:
        return None
    digits = e164.lstrip("+")
    return "+" + "*" * max(0, len(digits) - 4) + digits[-4:]


__all__ = ["check_card_number", "check_product_barcode", "issue_card_number", "mask_phone", "normalise_email", "normalise_phone"]
