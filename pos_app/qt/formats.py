"""Money, numbers, dates and times as the register's locale writes them: the one place that formats them.

Babel does the writing, from exact values: money is an integer of minor
units turned into a `Decimal` (never a float), so "$1,234.50" in English is
"1 234,50 $" in Russian. The locale is set once at start-up by
`language.install_language` (English, `en_US`, until then); Qt's default
locale follows it, so a count in a translated text ("%Ln points") is grouped
the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from PySide6.QtCore import QLocale

from pos_app.domain.money import Currency

_locale = "en_US"


def set_locale(name: str) -> str:
    """Format for `name` ("ru_RU"); a locale Babel does not know keeps English. Answer the locale in use."""
    global _locale
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        name = "en_US"
    _locale = name
    QLocale.setDefault(QLocale(name))
    return _locale


def current_locale() -> str:
    return _locale


def money(minor: int, currency: str = "USD") -> str:
    """Minor units as a person reads them: "$12.50", "-$3.00"; "12,50 $" in Russian."""
    cur = Currency.of(currency)
    return format_currency(cur.to_decimal(minor), cur.code, locale=_locale)


def money_figure(minor: int, currency: str = "USD") -> str:
    """Minor units as a figure without the currency: "14.15", "1,234.50"; "1 234,50" in Russian."""
    cur = Currency.of(currency)
    return number(cur.to_decimal(minor))


def amount(value: Decimal, currency: str = "USD") -> str:
    """A `Decimal` amount in major units, any precision (a point's worth: "$0.005")."""
    return format_currency(value, currency, locale=_locale, decimal_quantization=False)


def number(value: int | Decimal) -> str:
    """A count or quantity with the locale's grouping, its decimals kept: "1,250", "0.500"; "1 250", "0,500"."""
    if isinstance(value, float):
        raise TypeError("numbers shown are int or Decimal, never float")
    places = -value.as_tuple().exponent if isinstance(value, Decimal) and value.as_tuple().exponent < 0 else 0
    return format_decimal(value, "#,##0." + "0" * places if places else "#,##0", locale=_locale,
                          decimal_quantization=False)


def signed(value: int) -> str:
    """A change: "+1,250", "−300"."""
    return ("+" if value >= 0 else "−") + number(abs(value))


def percent(value: Decimal) -> str:
    """A share as a percentage with one decimal: "42.5%"; "42,5 %" in Russian."""
    return format_percent(value, "#,##0.0%", locale=_locale)


def day(value: date) -> str:
    """A date in the locale's medium form: "Nov 21, 2026"; "21 нояб. 2026 г." in Russian."""
    return format_date(value, "medium", locale=_locale)


def short_day(value: date) -> str:
    """A date without the year: "Nov 21"; "21 нояб." in Russian."""
    return format_date(value, "d MMM" if _locale.startswith("ru") else "MMM d", locale=_locale)


def time_of_day(value: datetime) -> str:
    """A clock time: "14:05" in both languages shipped (the register shows a 24-hour clock)."""
    return format_time(value, "HH:mm", locale=_locale)


def moment(value: datetime) -> str:
    """A date and time: "2026-11-21 14:05" reads the same in every locale; the date in the locale's order."""
    return format_datetime(value, "yyyy-MM-dd HH:mm", locale=_locale)


def month(value: date) -> str:
    """A month's short name on a chart's axis: "Mar"; "март" in Russian."""
    return format_date(value, "LLL", locale=_locale)


__all__ = ["amount", "current_locale", "day", "money", "money_figure", "moment", "month", "number", "percent", "set_locale",
           "short_day", "signed", "time_of_day"]


QLocale.setDefault(QLocale(_locale))
