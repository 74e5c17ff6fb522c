"""Money, numbers and dates as each language writes them (`pos_app.qt.formats`, Babel): exact values, never
floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pos_app.qt import formats


@pytest.fixture
def russian():
    formats.set_locale("ru_RU")
    yield
    formats.set_locale("en_US")


@pytest.fixture
def english():
    formats.set_locale("en_US")
    yield


def test_money_in_english(english):
    assert formats.money(123450) == "$1,234.50"
    assert formats.money(-300) == "-$3.00"
    assert formats.money(5, "JPY") == "¥5"
    assert formats.money_figure(123450) == "1,234.50"
    assert formats.amount(Decimal("0.005")) == "$0.005"


def test_money_in_russian(russian):
    assert formats.money(123450) == "1\xa0234,50\xa0$"
    assert formats.money(-300) == "-3,00\xa0$"
    assert formats.money(9900, "RUB") == "99,00\xa0₽"
    assert formats.money_figure(123450) == "1\xa0234,50"


def test_numbers_keep_their_decimals_and_group_by_the_locale(english):
    assert formats.number(1250) == "1,250"
    assert formats.number(Decimal("0.500")) == "0.500"
    assert formats.signed(-300) == "−300" and formats.signed(1250) == "+1,250"
    assert formats.percent(Decimal("0.425")) == "42.5%"
    formats.set_locale("ru_RU")
    assert formats.number(1250) == "1\xa0250"
    assert formats.number(Decimal("0.532")) == "0,532"
    assert formats.percent(Decimal("0.425")) == "42,5%"


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        formats.number(0.1)  # type: ignore[arg-type]


def test_dates_and_times(english):
    day = date(2026, 11, 21)
    moment = datetime(2026, 11, 21, 14, 5)
    assert (formats.day(day), formats.short_day(day), formats.month(day)) == ("Nov 21, 2026", "Nov 21", "Nov")
    assert formats.time_of_day(moment) == "14:05" and formats.moment(moment) == "2026-11-21 14:05"
    formats.set_locale("ru_RU")
    assert (formats.day(day), formats.short_day(day), formats.month(day)) == ("21 нояб. 2026\u202fг.", "21 нояб.",
                                                                               "нояб.")
    assert formats.time_of_day(moment) == "14:05"
    formats.set_locale("en_US")


def test_a_locale_babel_does_not_know_keeps_english():
    assert formats.set_locale("xx_YY") == "en_US"
    assert formats.money(1250) == "$12.50"
