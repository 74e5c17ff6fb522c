"""Finding the customer at the till: card, phone, email, name; bad input gets a clear answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_app.services.identification import (
    Candidates,
    Identified,
    identify,
    identify_by_card,
    identify_by_email,
    identify_by_phone,
    search_by_name,
)
from pos_app.services.outcome import Refused


def test_a_scanned_card_identifies_its_customer(uow, people) -> None:
    result = identify_by_card(uow(read_only=True), "2000000000015")

    assert result == Identified(people["ana"], "card")
    assert result.customer.points == 1500


def test_a_card_with_a_wrong_check_digit_is_refused_in_words(uow, people, snapshot) -> None:
    before = snapshot()
    result = identify_by_card(uow(), "2000000000018")

    assert result == Refused("wrong_check_digit", "card number 2000000000018: wrong check digit")
    assert snapshot() == before


@pytest.mark.parametrize("scanned", ["", "123", "20000000000150", "2000-0000-0001", "ABCDEFGHIJKLM"])
def test_something_that_is_not_a_card_number_is_refused(uow, people, scanned) -> None:
    result = identify_by_card(uow(), scanned)
    assert isinstance(result, Refused) and result.reason == "malformed_card"


def test_an_unknown_but_valid_card_is_not_found(uow, people) -> None:
    result = identify_by_card(uow(), "2000000000053")
    assert result == Refused("not_found", "card number 2000000000053: unknown card")


@pytest.mark.parametrize("typed", ["(415) 555-0101", "415.555.0101", "+1 415 555 0101", "4155550101"])
def test_a_phone_number_is_found_however_it_is_typed(uow, people, typed) -> None:
    assert identify_by_phone(uow(), typed) == Identified(people["ana"], "phone")


def test_a_foreign_number_is_read_in_the_region_given(uow, people) -> None:
    assert identify_by_phone(uow(), "020 7946 0000", region="GB") == Identified(people["bob"], "phone")
    assert identify_by_phone(uow(), "+44 20 7946 0000") == Identified(people["bob"], "phone")


def test_a_shared_phone_returns_the_customers_to_choose_from(uow, people) -> None:
    result = identify_by_phone(uow(), "415-555-0102")

    assert isinstance(result, Candidates)
    assert [c.id for c in result.customers] == ["C2", "C3"]


@pytest.mark.parametrize("typed", ["12", "not a phone", "+1 555", "555-01"])
def test_a_malformed_phone_is_refused(uow, people, typed, snapshot) -> None:
    before = snapshot()
    result = identify_by_phone(uow(), typed)
    assert isinstance(result, Refused) and result.reason == "malformed_phone"
    assert typed in result.message
    assert snapshot() == before


def test_email_is_matched_whatever_the_case(uow, people) -> None:
    assert identify_by_email(uow(), "  ANA.PEREZ@example.COM ") == Identified(people["ana"], "email")


@pytest.mark.parametrize("typed", ["ana", "ana@", "@example.com", "ana@example", "a b@example.com", "ana@@example.com"])
def test_a_malformed_email_is_refused(uow, people, typed) -> None:
    result = identify_by_email(uow(), typed)
    assert isinstance(result, Refused) and result.reason == "malformed_email"


def test_the_email_lookup_uses_the_lowercase_index(engine, people) -> None:
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM customers WHERE lower(email) = lower('a@b.c')"
        ).all()
    assert "ix_customers_email_lower" in str(plan)


def test_name_search_folds_accents_and_matches_word_prefixes(uow, people) -> None:
    result = search_by_name(uow(), "jose mul")
    assert result == Identified(people["jose"], "name")

    both = search_by_name(uow(), "MULLER")
    assert isinstance(both, Candidates)
    assert [c.name for c in both.customers] == ["José Müller", "María Müller"]

    assert search_by_name(uow(), "pére") == Identified(people["ana"], "name")
    assert search_by_name(uow(), "o'bri") == Identified(people["bob"], "name")


def test_name_search_follows_renames_and_new_customers(uow, people, add_customer) -> None:
    zoe = add_customer("C9", "Zoë Ångström")
    assert search_by_name(uow(), "zoe ang").customer.id == "C9"

    with uow() as work:  # the central service renamed her; the pull stores it
        work.customers.upsert_many([replace(zoe, name="Zoë Berg")])
        work.commit()
    assert search_by_name(uow(), "ang") == Refused("not_found", "no customer with name 'ang'")
    assert search_by_name(uow(), "berg").customer.id == "C9"


@pytest.mark.parametrize(
    "typed",
    [
        "Robert'); DROP TABLE customers;--",
        "' OR 1=1 --",
        '"unbalanced',
        "ana* OR maria",
        "NEAR(ana maria)",
        "name:ana",
        "^ana",
        "ana AND NOT -maria",
        "a" * 500,
        "jo\x00se",
    ],
)
def test_sql_or_fts_syntax_in_a_name_is_just_text(uow, people, snapshot, typed) -> None:
    before = snapshot()

    result = search_by_name(uow(), typed)

    assert isinstance(result, Identified | Candidates | Refused)
    assert snapshot() == before  # nothing dropped, nothing written


def test_operators_typed_in_a_name_do_not_widen_the_search(uow, people) -> None:
    # As FTS5 syntax "ana* OR maria" would find two customers; as words it finds nobody with all three.
    assert search_by_name(uow(), "ana* OR maria") == Refused("not_found", "no customer with name 'ana* OR maria'")


def test_emoji_are_ignored_and_an_emoji_alone_asks_for_letters(uow, people) -> None:
    assert search_by_name(uow(), "😀🎉") == Refused("empty_search", "type at least one letter or digit of the name")
    assert search_by_name(uow(), "🎉 ana 🎉") == Identified(people["ana"], "name")
    assert identify(uow(), "👍").reason == "empty_search"


def test_one_search_box_for_everything(uow, people) -> None:
    assert identify(uow(), "2000000000022").by == "card"
    assert identify(uow(), "2000000000028").reason == "wrong_check_digit"
    assert identify(uow(), "jose@EXAMPLE.com").by == "email"
    assert identify(uow(), "+1 (415) 555-0101").by == "phone"
    assert identify(uow(), "ana pe").by == "name"


def test_a_long_list_of_name_matches_says_there_are_more(uow, settings, add_customer) -> None:
    for i in range(25):
        add_customer(f"M{i:02d}", f"Martin Number{i:02d}")

    result = search_by_name(uow(), "mart")

    assert isinstance(result, Candidates)
    assert len(result.customers) == 20 and result.more
    assert search_by_name(uow(), "mart number1").more is False
