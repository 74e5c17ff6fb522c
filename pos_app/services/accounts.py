"""Cashier and manager accounts: PINs hashed with argon2, lockout after 5 wrong PINs, sign-in and out.

argon2id (argon2-cffi) is memory-hard and salts every hash itself, so two
users with the same PIN have different hashes. Five wrong PINs in a row lock
the account for five minutes; while locked, even the right PIN is refused and
the lock is not extended. A manager's PIN has at least 6 digits (a cashier's,
4): against offline guessing of a copied database, argon2id makes each try
cost, and six digits make a million of them. Every refused PIN (wrong, unknown user, locked or
deactivated account) is written to the audit log as `pin_refused`, so a
manager sees who tried what and when. The moment is always passed in (`now`).

A cashier's session at the register is `sign_in` (their PIN; audit
`signed_in`) and `sign_out` (audit `signed_out`, or `register_locked` when
the screen was locked and the cashier may come back); the sales and manager
actions in between carry the signed-in account's id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pos_app.domain.account import MAX_WRONG_PINS, Role, UserAccount, after_wrong_pin
from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWork

PIN_HASHER = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Authenticated:
    account: UserAccount


MANAGER_PIN_DIGITS = 6  # a manager's PIN guards adjustments, returns and voids: a million tries, not ten thousand


def check_pin_format(pin: str, role: Role) -> Refused | None:
    """`malformed_pin` unless `pin` is 4 to 8 digits (a manager's: 6 to 8)."""
    shortest = MANAGER_PIN_DIGITS if Role(role) is Role.MANAGER else 4
    if not isinstance(pin, str) or not re.fullmatch(rf"\d{{{shortest},8}}", pin):
        who = "a manager's PIN" if Role(role) is Role.MANAGER else "a PIN"
        return Refused("malformed_pin", f"{who} is {shortest} to 8 digits")
    return None


def create_user(
    uow: UnitOfWork,
    *,
    user_id: str,
    name: str,
    role: Role,
    pin: str,
    now: datetime,
    created_by: str | None = None,
    daily_adjust_limit: int | None = None,
) -> UserAccount | Refused:
    if bad := check_pin_format(pin, role):
        return bad
    if not name.strip() or not user_id.strip():
        return Refused("name_required", "a user needs an id and a name")
    with uow:
        if uow.users.get(user_id) is not None:
            return Refused("user_exists", f"user {user_id!r} already exists")
        account = UserAccount(user_id, name.strip(), Role(role), daily_adjust_limit=daily_adjust_limit)
        uow.users.add(account, PIN_HASHER.hash(pin), now)
        uow.audit.append(created_by, "user_created", {"user": user_id, "role": Role(role).value}, now)
        uow.commit()
        return account


def authenticate(
    uow: UnitOfWork, user_id: str, pin: str, now: datetime, role: Role | None = None
) -> Authenticated | Refused:
    """Check a PIN inside an open unit of work; a wrong PIN's count is written, not committed.

    The caller commits (the failure must be kept even though its action is refused).
    """
    account = uow.users.get(user_id)
    if account is None:
        return _refused(uow, None, user_id, now, Refused("unknown_user", f"no user {user_id!r}"))
    if not account.active:
        return _refused(uow, user_id, user_id, now, Refused("inactive_user", f"user {user_id!r} is deactivated"))
    if account.locked_at(now):
        assert account.locked_until is not None
        minutes = max(1, round((account.locked_until - now).total_seconds() / 60))
        return _refused(uow, user_id, user_id, now, Refused(
            "locked", f"too many wrong PINs: {account.name} is locked for {_count(minutes, 'more minute')}"
        ))
    stored = uow.users.pin_hash(user_id) or ""
    try:
        PIN_HASHER.verify(stored, pin if isinstance(pin, str) else "")
    except (VerificationError, InvalidHashError):
        attempts, locked_until = after_wrong_pin(account, now)
        uow.users.set_failures(user_id, attempts, locked_until)
        if locked_until is not None:
            _refused(uow, user_id, user_id, now, Refused("wrong_pin", "wrong PIN"), attempts_left=0)
            uow.audit.append(
                user_id, "account_locked", {"user": user_id, "until": locked_until.isoformat()}, now
            )
            return Refused(
                "locked", f"wrong PIN {MAX_WRONG_PINS} times: {account.name} is locked for 5 minutes"
            )
        left = MAX_WRONG_PINS - attempts
        return _refused(uow, user_id, user_id, now, Refused(
            "wrong_pin", f"wrong PIN ({_count(left, 'attempt')} left before the account locks)"
        ), attempts_left=left)
    if account.failed_attempts or account.locked_until is not None:
        uow.users.set_failures(user_id, 0, None)
    if PIN_HASHER.check_needs_rehash(stored):
        uow.users.set_pin_hash(user_id, PIN_HASHER.hash(pin))
    if role is not None and account.role is not role:
        return Refused("not_allowed", f"{account.name} is not a {role.value}")
    return Authenticated(account)


def _refused(uow: UnitOfWork, actor_id: str | None, user_id: str, now: datetime, refused: Refused,
             attempts_left: int | None = None) -> Refused:
    """Write a refused PIN to the audit log (the caller commits it with the wrong-PIN count)."""
    details: dict[str, object] = {"user": str(user_id)[:64], "reason": refused.reason}
    if attempts_left is not None:
        details["attempts_left"] = attempts_left
    uow.audit.append(actor_id, "pin_refused", details, now)
    return refused


def _count(n: int, noun: str) -> str:
    """ "1 attempt", "4 attempts", "1 more minute", "3 more minutes"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def verify_pin(
    uow: UnitOfWork, user_id: str, pin: str, now: datetime, role: Role | None = None
) -> Authenticated | Refused:
    """Log a user in (or approve as `role`): the use case around `authenticate`."""
    with uow:
        result = authenticate(uow, user_id, pin, now, role)
        uow.commit()  # keeps a wrong PIN's count; writes nothing else
        return result


def sign_in(uow: UnitOfWork, user_id: str, pin: str, now: datetime, *, register_id: str) -> Authenticated | Refused:
    """A cashier (or a manager selling) starts a session at the register: PIN checked, `signed_in` logged."""
    with uow:
        result = authenticate(uow, user_id, pin, now)
        if isinstance(result, Authenticated):
            uow.audit.append(user_id, "signed_in", {"user": user_id, "register": register_id}, now)
        uow.commit()
        return result


def sign_out(uow: UnitOfWork, user_id: str, now: datetime, *, register_id: str, locked: bool = False) -> None:
    """The session ends: `signed_out`, or `register_locked` when the cashier locked the screen to come back."""
    with uow:
        uow.audit.append(user_id, "register_locked" if locked else "signed_out",
                         {"user": user_id, "register": register_id}, now)
        uow.commit()


def active_accounts(uow: UnitOfWork) -> list[UserAccount]:
    """Who may sign in at this register, by name."""
    with uow:
        return sorted((a for a in uow.users.all() if a.active), key=lambda a: a.name.casefold())


__all__ = ["PIN_HASHER", "Authenticated", "active_accounts", "authenticate", "check_pin_format", "create_user",
           "sign_in", "sign_out", "verify_pin"]
