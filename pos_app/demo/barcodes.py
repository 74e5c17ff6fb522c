"""EAN-13 numbers for the demo: real GS1 country prefixes for products, prefix 2 for loyalty cards.

An EAN-13 is 12 digits and a check digit (python-stdnum computes it). The
first digits say who issued the number: 400-440 Germany, 300-379 France,
500-509 the UK, 800-839 Italy, 840-849 Spain, 00-13 the US and Canada.
Numbers starting with 2 are for use inside one store or chain and never
appear on branded goods, so the register's loyalty cards live there (and a
card scan can never be mistaken for a product); loose produce sold by weight
uses the restricted-circulation prefix 02.
"""

from __future__ import annotations

from stdnum import ean

CARD_PREFIX = "29"
WEIGHED_ITEM_PREFIX = "02"


def ean13(first_twelve: str) -> str:
    """The full EAN-13 for 12 digits: they plus their check digit."""
    if len(first_twelve) != 12 or not first_twelve.isdigit():
        raise ValueError(f"{first_twelve!r}: an EAN-13 needs 12 digits before its check digit")
    return first_twelve + ean.calc_check_digit(first_twelve)


def product_barcode(company_prefix: str, item_number: int) -> str:
    """A branded product's EAN-13: the brand's GS1 company prefix, then the item number."""
    item_digits = 12 - len(company_prefix)
    if item_number >= 10**item_digits:
        raise ValueError(f"item {item_number} does not fit after prefix {company_prefix}")
    return ean13(f"{company_prefix}{item_number:0{item_digits}d}")


def weighed_item_barcode(plu: int) -> str:
    """The EAN-13 of a loose item sold by weight: 02, a 5-digit PLU, zeros where a scale puts the weight."""
    return ean13(f"{WEIGHED_ITEM_PREFIX}{plu:05d}00000")


def card_number(serial: int) -> str:
    """A loyalty card number: the in-store prefix 29, a 10-digit serial, a check digit."""
    return ean13(f"{CARD_PREFIX}{serial:010d}")


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and ean.is_valid(code)


__all__ = [
    "CARD_PREFIX",
    "WEIGHED_ITEM_PREFIX",
    "card_number",
    "ean13",
    "is_valid_ean13",
    "product_barcode",
    "weighed_item_barcode",
]
