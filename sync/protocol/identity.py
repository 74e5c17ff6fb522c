"""The keys a member is identified by, read the same way at every register and at the central service.

A card number is 13 digits (EAN-13) with a correct check digit; a phone is
kept in E.164 ("+14155550123"), a number typed without "+" being read in the
program's region; an email is trimmed with its domain lowercased. Both ends
must agree on these forms, or the same phone typed two ways at two stores
would make two members. Each check returns the normalised key or raises
`IdentityError`, whose `code` names the problem and whose message a cashier
or a manager reading an import report understands.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, ValidationError

NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 20  # E.164: "+" and at most 15 digits

# A dot-atom local part (letters of any script allowed, RFC 6531) and a domain of DNS labels.
_LOCAL_ATOM = r"[^\s@\"(),.:;<>\[\]\\]+"
_EMAIL = re.compile(
    rf"^{_LOCAL_ATOM}(\.{_LOCAL_ATOM})*@([^\W_]([\w-]{{0,61}}[^\W_])?\.)+[^\W\d_]{{2,63}}$"
)


class IdentityError(ValueError):
    """A card, phone or email that is not one; `code` is a stable reason (`wrong_check_digit`, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def card_number(scanned: str) -> str:
    """A loyalty card number: 13 digits (EAN-13) with a correct check digit."""
    number = (scanned or "").strip()
    if not re.fullmatch(r"\d{13}", number):
        raise IdentityError("malformed_card", f"card number {number[:40]!r}: a card number has 13 digits")
    try:
        ean.validate(number)
    except InvalidChecksum:
        raise IdentityError("wrong_check_digit", f"card number {number}: wrong check digit") from None
    except ValidationError as exc:  # pragma: no cover - the regex already ensures format and length
        raise IdentityError("malformed_card", f"card number {number}: {exc}") from None
    return number


def product_barcode(scanned: str) -> str:
    """A product barcode (EAN-13, UPC-A or EAN-8) with a correct check digit, as scanned."""
    code = (scanned or "").strip()
    if not re.fullmatch(r"\d{8}|\d{12,13}", code):
        raise IdentityError("malformed_barcode", f"barcode {code[:40]!r}: a barcode has 8, 12 or 13 digits")
    try:
        ean.validate(code)
    except InvalidChecksum:
        raise IdentityError("wrong_check_digit", f"barcode {code}: wrong check digit") from None
    except ValidationError as exc:  # pragma: no cover - the regex already ensures format and length
        raise IdentityError("malformed_barcode", f"barcode {code}: {exc}") from None
    return code


def phone(typed: str, region: str) -> str:
    """A phone number in E.164; numbers without "+" are read in `region` (e.g. "US")."""
    text = (typed or "").strip()
    if len(text) > 40:
        raise IdentityError("malformed_phone", f"phone number {text[:40]!r}…: not a phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise IdentityError("malformed_phone", f"phone number {text!r}: not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise IdentityError("malformed_phone", f"phone number {text!r}: not a valid number (region {region})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(typed: str) -> str:
    """An email address, trimmed; the domain is lowercased (the local part is kept as typed)."""
    text = (typed or "").strip()
    local, _, domain = text.rpartition("@")
    if len(text) > EMAIL_MAX or len(local) > 64 or not _EMAIL.match(text):
        shown = text if len(text) <= 60 else text[:60] + "…"
        raise IdentityError("malformed_email", f"email {shown!r}: not an email address")
    return f"{local}@{domain.lower()}"


def person_name(typed: str) -> str:
    """A member's name with runs of spaces folded; required, at most 200 characters."""
    name = " ".join((typed or "").split())
    if not name:
        raise IdentityError("name_required", "the member's name is required")
    if len(name) > NAME_MAX:
        raise IdentityError("name_too_long", f"a name has at most {NAME_MAX} characters")
    return name


__all__ = ["IdentityError", "card_number", "email", "person_name", "phone", "product_barcode"]
