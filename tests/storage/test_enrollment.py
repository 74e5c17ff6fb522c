"""Enrolling a customer at the register, with the program's welcome gifts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pos_app.domain.customer_profile import Consents
from pos_app.domain.ledger import EntryKind
from pos_app.services.enrollment import Enrolled, enroll_customer
from pos_app.services.identification import Identified, identify_by_card, search_by_name
from pos_app.services.outcome import Refused

from .conftest import NOW

WELCOME = {"id": "WELCOME", "kind": "discount", "priority": 1, "reward": {"type": "amount", "value": "5.00",
           "target": "order"}, "audience": "public", "codes": []}


@pytest.fixture
def generous(uow, settings):
    with uow() as work:
        work.settings.save(replace(settings, welcome_points=100, welcome_promotion_id="WELCOME"))
        work.promotions.upsert(WELCOME)
        work.commit()


def test_a_new_customer_gets_welcome_points_and_a_personal_welcome_code(uow, generous) -> None:
    result = enroll_customer(uow(), name="  Lena   Novák ", card_number="2000000000107", phone="(415) 555-0199",
                             email="Lena@Example.COM", birthday=date(1995, 4, 2), consents=Consents(email=True), now=NOW)

    assert isinstance(result, Enrolled)
    customer = result.customer
    assert (customer.name, customer.phone, customer.email) == ("Lena Novák", "+14155550199", "Lena@example.com")
    assert customer.first_order and customer.consents.email and not customer.consents.sms
    assert (result.welcome_entry.kind, result.welcome_entry.points, result.welcome_entry.reason) == (
        EntryKind.ACCRUAL, 100, "welcome")
    assert customer.points == 100 and customer.pending_points == 100
    code = result.welcome_code
    assert (code.promotion_id, code.customer_id, code.uses_left) == ("WELCOME", customer.id, 1)

    assert identify_by_card(uow(), "2000000000107") == Identified(customer, "card")
    assert search_by_name(uow(), "nova").customer.id == customer.id
    with uow() as work:
        assert work.promotions.find_code(code.code.lower()) == code
        assert work.ledger.pending_outbox()[0].entry_id == result.welcome_entry.id


def test_without_welcome_gifts_nothing_but_the_customer_is_written(uow, settings) -> None:
    result = enroll_customer(uow(), name="Lena", phone="+14155550199", now=NOW)
    assert (result.welcome_entry, result.welcome_code) == (None, None)
    with uow() as work:
        assert work.ledger.outbox_size() == 0


@pytest.mark.parametrize(
    ("fields", "reason", "message"),
    [
        ({"card_number": "2000000000108"}, "wrong_check_digit", "card number 2000000000108: wrong check digit"),
        ({"card_number": "12345"}, "malformed_card", "card number '12345': a card number has 13 digits"),
        ({"phone": "555-12"}, "malformed_phone", "phone number '555-12': not a valid number (region US)"),
        ({"email": "lena@"}, "malformed_email", "email 'lena@': not an email address"),
        ({"name": "   "}, "name_required", "the customer's name is required"),
        ({"card_number": "2000000000015"}, "card_taken", "card number 2000000000015 already belongs to a customer"),
        ({"phone": "415 555 0101"}, "phone_taken",
         "phone +14155550101 already belongs to a customer: identify them instead"),
        ({"email": "ANA.perez@example.com"}, "email_taken",
         "email ANA.perez@example.com already belongs to a customer: identify them instead"),
        ({"birthday": date(2027, 1, 1)}, "bad_birthday", "birthday 2027-01-01 is in the future"),
    ],
)
def test_bad_enrollments_are_refused_and_write_nothing(uow, generous, people, snapshot, fields, reason, message):
    before = snapshot()
    result = enroll_customer(uow(), **{"name": "Lena", **fields}, now=NOW)
    assert result == Refused(reason, message)
    assert snapshot() == before
