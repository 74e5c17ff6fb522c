"""Cashier and manager PINs, the lockout after five wrong PINs, and the tamper-evident audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from pos_app.domain.account import Role
from pos_app.services.accounts import Authenticated, create_user, verify_pin
from pos_app.services.audit import verify_audit_chain
from pos_app.services.outcome import Refused

from .conftest import CASHIER_PIN, MANAGER_PIN, NOW


def test_pins_are_stored_as_salted_argon2_hashes(engine, uow) -> None:
    create_user(uow(), user_id="K1", name="Kim", role=Role.CASHIER, pin="1234", now=NOW)
    create_user(uow(), user_id="K2", name="Lee", role=Role.CASHIER, pin="1234", now=NOW)

    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT pin_hash FROM users ORDER BY id")).scalars().all()
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]  # same PIN, different salt
    assert "1234" not in "".join(hashes)


def test_the_right_pin_logs_in(uow, cashier) -> None:
    result = verify_pin(uow(), cashier, CASHIER_PIN, NOW)
    assert isinstance(result, Authenticated) and result.account.role is Role.CASHIER


def test_a_pin_must_be_four_to_eight_digits(uow) -> None:
    for pin in ("12", "abcd", "123456789", " 1234"):
        result = create_user(uow(), user_id="X", name="X", role=Role.CASHIER, pin=pin, now=NOW)
        assert result == Refused("malformed_pin", "a PIN is 4 to 8 digits")


def test_five_wrong_pins_lock_the_account_for_five_minutes(uow, cashier, snapshot) -> None:
    answers = [verify_pin(uow(), cashier, "0000", NOW + timedelta(seconds=i)) for i in range(5)]

    assert [a.reason for a in answers] == ["wrong_pin"] * 4 + ["locked"]
    assert answers[0].message == "wrong PIN (4 attempts left before the account locks)"
    assert answers[3].message == "wrong PIN (1 attempt left before the account locks)"

    locked_state = snapshot()
    during = verify_pin(uow(), cashier, CASHIER_PIN, NOW + timedelta(minutes=4))
    assert during.reason == "locked" and "Kim Cashier is locked for 1 more minute" in during.message
    after_try = snapshot()
    assert after_try["users"] == locked_state["users"]  # refused while locked: the lock is not extended
    assert len(after_try["audit_log"]) == len(locked_state["audit_log"]) + 1  # but the attempt is on record

    after = verify_pin(uow(), cashier, CASHIER_PIN, NOW + timedelta(minutes=5, seconds=5))
    assert isinstance(after, Authenticated)
    assert after.account.failed_attempts == 0


def test_a_right_pin_resets_the_count_of_wrong_ones(uow, cashier) -> None:
    for _ in range(4):
        verify_pin(uow(), cashier, "0000", NOW)
    assert isinstance(verify_pin(uow(), cashier, CASHIER_PIN, NOW), Authenticated)
    assert verify_pin(uow(), cashier, "0000", NOW).message.startswith("wrong PIN (4 attempt")


def test_a_cashier_cannot_approve_as_a_manager(uow, cashier, manager) -> None:
    assert verify_pin(uow(), cashier, CASHIER_PIN, NOW, Role.MANAGER).reason == "not_allowed"
    assert isinstance(verify_pin(uow(), manager, MANAGER_PIN, NOW, Role.MANAGER), Authenticated)
    assert verify_pin(uow(), "nobody", "1234", NOW).reason == "unknown_user"


def test_the_audit_chain_verifies_and_finds_an_edited_record(engine, uow, cashier, manager) -> None:
    for _ in range(5):
        verify_pin(uow(), cashier, "0000", NOW)  # the lock is audited
    check = verify_audit_chain(uow())
    assert check.ok and check.records == 8  # two users created, five refused PINs, one lock

    # Someone with the file in hand drops the guard and edits a record.
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("""UPDATE audit_log SET details = '{"role":"manager","user":"K1"}' WHERE seq = 1"""))

    check = verify_audit_chain(uow())
    assert not check.ok
    assert (check.first_bad_seq, check.problem) == (1, "content does not match its hash")


def test_the_audit_chain_finds_a_removed_record(engine, uow, cashier, manager) -> None:
    for _ in range(5):
        verify_pin(uow(), cashier, "0000", NOW)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))

    check = verify_audit_chain(uow())
    assert (check.ok, check.first_bad_seq) == (False, 3)


def test_the_audit_log_refuses_edits_through_the_database(engine, uow, manager) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor_id = 'x'"))


def test_every_refused_pin_is_in_the_audit_log(uow, cashier) -> None:
    verify_pin(uow(), cashier, "0000", NOW)
    verify_pin(uow(), "nobody", "1234", NOW)

    with uow() as work:
        refused = [(r.actor_id, r.details) for r in work.audit.records() if r.action == "pin_refused"]
    assert refused == [
        (cashier, {"user": cashier, "reason": "wrong_pin", "attempts_left": 4}),
        (None, {"user": "nobody", "reason": "unknown_user"}),
    ]


def test_a_cashier_signs_in_and_out_and_each_is_audited(uow, cashier) -> None:
    from pos_app.services.accounts import active_accounts, sign_in, sign_out

    assert [a.id for a in active_accounts(uow())] == [cashier]
    assert sign_in(uow(), cashier, "0000", NOW, register_id="R1").reason == "wrong_pin"
    signed = sign_in(uow(), cashier, CASHIER_PIN, NOW, register_id="R1")
    assert isinstance(signed, Authenticated) and signed.account.name == "Kim Cashier"
    sign_out(uow(), cashier, NOW, register_id="R1", locked=True)
    sign_out(uow(), cashier, NOW, register_id="R1")

    with uow() as work:
        actions = [(r.actor_id, r.action) for r in work.audit.records()][-4:]
    assert actions == [(cashier, "pin_refused"), (cashier, "signed_in"), (cashier, "register_locked"),
                       (cashier, "signed_out")]


def test_a_managers_pin_has_at_least_six_digits(uow) -> None:
    from pos_app.services.accounts import create_user

    short = create_user(uow(), user_id="m2", name="Mo Manager", role=Role.MANAGER, pin="2468", now=NOW)
    assert isinstance(short, Refused) and short.reason == "malformed_pin" and "6 to 8 digits" in short.message
    assert not isinstance(create_user(uow(), user_id="m2", name="Mo Manager", role=Role.MANAGER, pin="246813",
                                      now=NOW), Refused)
    assert not isinstance(create_user(uow(), user_id="c2", name="Cy Cashier", role=Role.CASHIER, pin="1357",
                                      now=NOW), Refused)
