"""Masking personal data in text that leaves the sale: log lines, error reports.

A register's log travels to support staff and sits on disk for years, so it
must not carry who bought what. `mask_personal_data` hides, in any text:

- e-mail addresses: `ana.perez@example.com` -> `a***@***`;
- card numbers and other long digit runs (12 to 19 digits, spaces or dashes
  allowed between groups): all but the last 4 digits, `*********0018`;
- phone numbers (`+` and 7 to 15 digits, or 7 to 11 bare digits; spaces,
  dashes and brackets allowed): all but the last 2 digits, `+*********01`;
- names given as a field (`name`, `customer_name`, `cashier_name`, in
  `key=value`, `key: value` or JSON form): the first letter, `A***`.

A name written into free text cannot be told from other words: code logs ids,
never names, and the field form catches the records that carry one. Dates,
times, amounts and short ids (order numbers, `seq`) pass unchanged.
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@[\w-]+(?:\.[\w-]+)+")
# A run of digit groups: either a long run (cards) or a phone-like run; never inside a word or a date.
_DIGITS = re.compile(r"(?<![\w:/.-])(\+?)(\(?\d(?:[ ()-]{0,2}\d){6,18})(?![\w:/-]|\.\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAME_FIELD = re.compile(
    r"""(?P<key>["']?\b(?:customer_name|cashier_name|name)["']?\s*[=:]\s*)"""
    r"""(?P<quote>["'])?(?P<value>(?(quote)[^"'\n]+|[^\s,;)}\]]+))""",
    re.IGNORECASE,
)


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}***@***"


def _mask_digits(match: re.Match[str]) -> str:
    plus, run = match.group(1), match.group(2)
    if _DATE.match(run):
        return match.group(0)
    digits = re.sub(r"\D", "", run)
    if len(digits) >= 12:
        return plus + "*" * (len(digits) - 4) + digits[-4:]
    if plus or len(digits) >= 7:
        return plus + "*" * (len(digits) - 2) + digits[-2:]
    return match.group(0)


def _mask_name(match: re.Match[str]) -> str:
    value = match.group("value").strip()
    if not value or value.lower() in ("none", "null"):
        return match.group(0)
    return f"{match.group('key')}{match.group('quote') or ''}{value[0]}***"


def mask_personal_data(text: str) -> str:
    """`text` with e-mails, card and phone numbers and named fields masked (see the module's list)."""
    text = _EMAIL.sub(_mask_email, text)
    text = _NAME_FIELD.sub(_mask_name, text)
    return _DIGITS.sub(_mask_digits, text)


__all__ = ["MaskingFormatter", "mask_personal_data"]


class MaskingFormatter(logging.Formatter):
    """A log formatter whose every output, traceback included, has personal data masked (both ends use it)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))
