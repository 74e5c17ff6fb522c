"""Money on the wire: minor units as the text a till and a receipt read."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.money import CURRENCY_DIGITS, Currency, MoneyError


def test_cents_are_written_with_the_currencys_digits():
    assert Currency.of("USD").format_minor(1250) == "12.50"
    assert Currency.of("USD").format_minor(5) == "0.05"
    assert Currency.of("USD").format_minor(-5) == "-0.05"
    assert Currency.of("USD").format_minor(0) == "0.00"
    assert Currency.of("JPY").format_minor(1500) == "1500"
    assert Currency.of("KWD").format_minor(1) == "0.001"


@given(st.sampled_from(sorted(CURRENCY_DIGITS)), st.integers(min_value=-10**20, max_value=10**20))
def test_the_text_is_the_exact_decimal_amount(code, minor):
    currency = Currency.of(code)
    assert currency.format_minor(minor) == str(currency.to_decimal(minor))
    assert Decimal(currency.format_minor(minor)) * currency.scale == minor


def test_a_money_string_is_read_exactly():
    assert Currency.of("USD").parse_minor("12.5") == 1250
    assert Currency.of("USD").parse_minor("0.05") == 5
    assert Currency.of("USD").parse_minor("7") == 700
    assert Currency.of("JPY").parse_minor("1500") == 1500
    assert Currency.of("KWD").parse_minor("0.001") == 1


@given(st.sampled_from(sorted(CURRENCY_DIGITS)), st.integers(min_value=0, max_value=10**15))
def test_reading_the_text_back_gives_the_amount(code, minor):
    currency = Currency.of(code)
    assert currency.parse_minor(currency.format_minor(minor)) == minor


@pytest.mark.parametrize("text", ["12.505", "1.", ".5", "-1.00", "1e3", "12,50", " 12.50", ""])
def test_what_is_not_an_amount_in_dollars_is_refused(text):
    with pytest.raises(MoneyError):
        Currency.of("USD").parse_minor(text)


def test_a_currency_without_cents_takes_no_decimals():
    with pytest.raises(MoneyError, match="more decimals"):
        Currency.of("JPY").parse_minor("1500.0")
