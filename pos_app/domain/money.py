"""Money: currencies, minor units and the one place where amounts are rounded.

Amounts are exact (`Fraction` or `Decimal`) while they are being computed and
become integer minor units (cents) the moment they are fixed. Floats are
refused everywhere: a float cannot hold 0.10 exactly. Every rounding of money
in the project goes through `round_minor` (to the nearest minor unit with the
program's rounding mode) or `floor_minor` (always down, e.g. a points value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

# ISO 4217 minor digits of the currencies a store may use.
CURRENCY_DIGITS: dict[str, int] = {
    **dict.fromkeys(
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD "
        "CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ "
        "GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA "
        "MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR "
        "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD "
        "TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL".split(),
        2,
    ),
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}


_AMOUNT = re.compile(r"\d+(\.\d+)?")  # what a money string may be: digits, an optional decimal point
_SCALES = {digits: 10**digits for digits in set(CURRENCY_DIGITS.values())}

# The sign printed before an amount on screens and in the engine's words; other currencies get their code after.
CURRENCY_SYMBOLS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£"}


class Rounding(StrEnum):
    """How an exact amount becomes minor units: ties away from zero, or to even."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"

    @property
    def decimal_mode(self) -> str:
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_HALF_EVEN


class MoneyError(ValueError):
    """A money value that breaks the rules (a float, too many decimals, an unknown currency)."""


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency and the number of digits of its minor unit."""

    code: str
    digits: int

    @classmethod
    def of(cls, code: str) -> Currency:
        if not isinstance(code, str) or code not in CURRENCY_DIGITS:
            raise MoneyError(f"unknown currency {code!r}")
        return cls(code, CURRENCY_DIGITS[code])

    @property
    def scale(self) -> int:
        """Minor units in one major unit (100 for USD, 1 for JPY)."""
        return 10**self.digits

    def parse_minor(self, text: object) -> int:
        """A JSON money string ("12.50") as integer minor units (1250).

        Refuses floats, non-strings, negative values and more decimals than the
        currency has.
        """
        if isinstance(text, bool) or not isinstance(text, str):
            if isinstance(text, float):
                raise MoneyError("money must be a string, not a float")
            raise MoneyError('money must be a string like "12.50"')
        if not _AMOUNT.fullmatch(text):
            raise MoneyError(f"{text!r} is not an amount (digits with an optional decimal point)")
        whole, _, decimals = text.partition(".")
        if len(decimals) > self.digits:
            raise MoneyError(f"{text!r} has more decimals than {self.code} allows ({self.digits})")
        # Exact in integers (a till's check has dozens of amounts): "12.5" is 12 * 100 + 50 cents.
        return int(whole) * _SCALES[self.digits] + (int(decimals.ljust(self.digits, "0")) if decimals else 0)

    def format_minor(self, minor: int) -> str:
        """Integer minor units as the wire/display string ("12.50").

        The same text as `str(to_decimal(minor))`, in integer arithmetic: a check's answer formats a few
        hundred amounts.
        """
        if type(minor) is not int:
            return str(self.to_decimal(minor))
        if not self.digits:
            return str(minor)
        whole, part = divmod(-minor if minor < 0 else minor, _SCALES[self.digits])
        return f"{'-' if minor < 0 else ''}{whole}.{part:0{self.digits}d}"

    def display(self, minor: int) -> str:
        """Minor units as a person reads them: "$5,000.00", "-$3.00", "1,500 JPY"."""
        text = f"{self.to_decimal(abs(minor)):,.{self.digits}f}"
        symbol = CURRENCY_SYMBOLS.get(self.code)
        amount = f"{symbol}{text}" if symbol else f"{text} {self.code}"
        return f"-{amount}" if minor < 0 else amount

    def to_decimal(self, minor: int) -> Decimal:
        return (Decimal(minor) / self.scale).quantize(Decimal(1).scaleb(-self.digits))

    def from_decimal(self, amount: Decimal, rounding: Rounding = Rounding.HALF_UP) -> int:
        """A `Decimal` amount in major units as minor units, rounded once."""
        if isinstance(amount, float):
            raise MoneyError("money must not be a float")
        return round_minor(Fraction(amount) * self.scale, rounding)


def round_minor(exact: Fraction | int, rounding: Rounding) -> int:
    """Round an exact amount, already expressed in minor units, to an integer.

    The single rounding point of the project for money.
    """
    if isinstance(exact, int):
        return exact
    if isinstance(exact, float):
        raise MoneyError("money must not be a float")
    return round_ratio(exact.numerator, exact.denominator, rounding)


def round_ratio(numerator: int, denominator: int, rounding: Rounding) -> int:
    """Round numerator/denominator (minor units) to an integer, without building a Fraction.

    The engine's hot paths call this directly; `round_minor` is the same rule.
    Exact halves are decided on the integers, never on a rounded float.
    """
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    floor, rest = divmod(numerator, denominator)
    twice = 2 * rest
    if twice > denominator:
        return floor + 1
    if twice < denominator:
        return floor
    if rounding is Rounding.HALF_UP:
        return floor + 1 if numerator > 0 else floor  # away from zero
    return floor if floor % 2 == 0 else floor + 1


def floor_minor(exact: Fraction | int) -> int:
    """Round an exact amount in minor units down (toward minus infinity)."""
    if isinstance(exact, float):
        raise MoneyError("money must not be a float")
    return exact // 1 if isinstance(exact, Fraction) else exact


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency, held as integer minor units."""

    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("Money holds integer minor units")

    @classmethod
    def parse(cls, text: str, currency: Currency) -> Money:
        return cls(currency.parse_minor(text), currency)

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency.code} and {other.currency.code}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    @property
    def amount(self) -> Decimal:
        return self.currency.to_decimal(self.minor)

    def __str__(self) -> str:
        return self.currency.format_minor(self.minor)


__all__ = [
    "CURRENCY_DIGITS",
    "Currency",
    "Money",
    "MoneyError",
    "Rounding",
    "floor_minor",
    "round_minor",
    "round_ratio",
]
