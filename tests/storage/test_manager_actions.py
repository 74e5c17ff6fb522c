"""Manager actions under a PIN: adjustments within a daily limit, transfers, reversals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pos_app.domain.ledger import EntryKind
from pos_app.services.accounts import create_user
from pos_app.services.audit import audit_records, verify_audit_chain
from pos_app.services.manager_actions import (
    Adjusted,
    Reversed,
    Transferred,
    adjust_points,
    reverse_entry,
    transfer_points,
)
from pos_app.services.outcome import Refused
from pos_app.storage.ledger import NewLot

from .conftest import CASHIER_PIN, MANAGER_PIN, NOW


def adjust(uow, points, customer="C1", reason="goodwill", pin=MANAGER_PIN, manager="M1", now=NOW):
    return adjust_points(uow(), manager_id=manager, pin=pin, customer_id=customer, points=points, reason=reason, now=now)


def test_a_manager_adds_points_with_a_reason_and_it_is_audited(uow, people, manager) -> None:
    result = adjust(uow, 250, reason="missing_accrual")

    assert isinstance(result, Adjusted)
    assert (result.entry.kind, result.entry.points, result.entry.reason, result.entry.actor_id) == (
        EntryKind.ADJUSTMENT, 250, "missing_accrual", "M1")
    assert result.available == 1750
    record = audit_records(uow())[-1]
    assert (record.action, record.details["points"], record.details["entry"]) == ("points_adjusted", 250, result.entry.id)
    assert verify_audit_chain(uow()).ok


def test_removing_more_points_than_the_customer_has_is_refused(uow, people, manager, snapshot) -> None:
    before = snapshot()
    result = adjust(uow, -60, customer="C4")

    assert result == Refused("insufficient_points", "Bob O'Brien has 50 points; cannot remove 60")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("points", "reason", "expected"),
    [(0, "goodwill", "zero_points"), (10, "because", "unknown_reason"), (10, "goodwill", "unknown_customer")],
)
def test_bad_adjustments_are_refused_and_write_nothing(uow, people, manager, snapshot, points, reason, expected) -> None:
    before = snapshot()
    customer = "C404" if expected == "unknown_customer" else "C1"
    assert adjust(uow, points, customer=customer, reason=reason).reason == expected
    assert snapshot() == before


def test_the_daily_limit_counts_what_the_manager_already_adjusted_today(uow, people, manager) -> None:
    assert isinstance(adjust(uow, 600), Adjusted)
    assert isinstance(adjust(uow, -300), Adjusted)

    refused = adjust(uow, 101)
    assert refused == Refused("daily_limit", "Maya Manager may adjust 1000 points a day; 900 used today, 101 asked")
    assert isinstance(adjust(uow, 100), Adjusted)
    assert isinstance(adjust(uow, 500, now=NOW + timedelta(days=1)), Adjusted)  # a new day


def test_a_managers_own_limit_overrides_the_programs(uow, people) -> None:
    create_user(uow(), user_id="M2", name="Sam", role="manager", pin="999999", now=NOW, daily_adjust_limit=5000)
    assert isinstance(adjust(uow, 3000, manager="M2", pin="999999"), Adjusted)


def test_a_wrong_pin_or_a_cashier_cannot_adjust(uow, people, manager, cashier) -> None:
    assert adjust(uow, 10, pin="0000").reason == "wrong_pin"
    assert adjust(uow, 10, manager="K1", pin=CASHIER_PIN).reason == "not_allowed"
    with uow() as work:
        assert work.ledger.entries_of("C1") == []


def test_points_move_between_customers_keeping_their_expiry(uow, people, manager) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C4", 100, at=NOW, lots=[NewLot(100, date(2027, 3, 31))])
        work.commit()

    result = transfer_points(uow(), manager_id="M1", pin=MANAGER_PIN, from_customer_id="C4",
                             to_customer_id="C3", points=120, now=NOW)

    assert isinstance(result, Transferred)
    assert (result.sent.points, result.received.points) == (-120, 120)
    assert result.sent.group_id == result.received.group_id
    with uow() as work:
        assert work.customers.get("C4").points == 30
        assert work.customers.get("C3").points == 120
        lots = sorted((lot.points, lot.expires_on) for lot in work.ledger.lots("C3"))
    # 100 from the lot expiring in March; 20 of C4's confirmed points, with a fresh expiry
    assert lots == [(20, date(2027, 11, 23)), (100, date(2027, 3, 31))]


@pytest.mark.parametrize(
    ("sender", "receiver", "points", "reason"),
    [("C1", "C1", 10, "same_customer"), ("C4", "C1", 51, "insufficient_points"), ("C1", "C2", -5, "non_positive"),
     ("C1", "C404", 5, "unknown_customer")],
)
def test_bad_transfers_are_refused_and_write_nothing(uow, people, manager, snapshot, sender, receiver, points, reason):
    before = snapshot()
    result = transfer_points(uow(), manager_id="M1", pin=MANAGER_PIN, from_customer_id=sender,
                             to_customer_id=receiver, points=points, now=NOW)
    assert result.reason == reason
    assert snapshot() == before


def test_a_wrong_entry_is_reversed_once(uow, people, manager, snapshot) -> None:
    wrong = adjust(uow, 400).entry

    result = reverse_entry(uow(), manager_id="M1", pin=MANAGER_PIN, entry_id=wrong.id, now=NOW, note="typo")
    assert isinstance(result, Reversed)
    (reversal,) = result.reversals
    assert (reversal.kind, reversal.points, reversal.reverses) == (EntryKind.REVERSAL, -400, wrong.id)

    before = snapshot()
    again = reverse_entry(uow(), manager_id="M1", pin=MANAGER_PIN, entry_id=wrong.id, now=NOW)
    assert again == Refused("already_reversed", f"entry {wrong.id} was already reversed")
    undo_undo = reverse_entry(uow(), manager_id="M1", pin=MANAGER_PIN, entry_id=reversal.id, now=NOW)
    assert undo_undo == Refused("reversal_of_reversal", "a reversal cannot be reversed")
    unknown = reverse_entry(uow(), manager_id="M1", pin=MANAGER_PIN, entry_id="nope", now=NOW)
    assert unknown.reason == "unknown_entry"
    assert snapshot() == before
    with uow() as work:
        assert work.customers.get("C1").points == 1500


def test_reversing_one_side_of_a_transfer_reverses_both(uow, people, manager) -> None:
    moved = transfer_points(uow(), manager_id="M1", pin=MANAGER_PIN, from_customer_id="C1",
                            to_customer_id="C3", points=100, now=NOW)

    result = reverse_entry(uow(), manager_id="M1", pin=MANAGER_PIN, entry_id=moved.received.id, now=NOW)

    assert sorted(r.points for r in result.reversals) == [-100, 100]
    with uow() as work:
        assert (work.customers.get("C1").points, work.customers.get("C3").points) == (1500, 0)


def test_a_reversal_that_would_leave_a_negative_balance_is_refused(uow, people, manager) -> None:
    gift = adjust(uow, 100, customer="C3").entry
    with uow() as work:
        work.ledger.append(EntryKind.REDEMPTION, "C3", -80, at=NOW)
        work.commit()

    result = reverse_entry(uow(), manager_id="M1", pin=MANAGER_PIN, entry_id=gift.id, now=NOW)
    assert result == Refused("insufficient_points", "María Müller has 20 points; reversing takes back 100")
