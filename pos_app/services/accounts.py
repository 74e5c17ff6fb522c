"""Cashier and manager accounts: PINs hashed with argon2, lockout after 5 wrong PINs.

argon2id (argon2-cffi) is memory-hard and salts every hash itself, so two
users with the same PIN have different hashes. Five wrong PINs in a row lock
the account for five minutes; while locked, even the right PIN is refused and
nothing is written. The moment is always passed in (`now`).
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


def _check_pin_format(pin: str) -> Refused | None:
    if not isinstance(pin, str) or not re.fullmatch(r"\d{4,8}", pin):
        return Refused("malformed_pin", "a PIN is 4 to 8 digits")
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
    if bad := _check_pin_format(pin):
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
        return Refused("unknown_user", f"no user {user_id!r}")
    if not account.active:
        return Refused("inactive_user", f"user {user_id!r} is deactivated")
    if account.locked_at(now):
        assert account.locked_until is not None
        minutes = max(1, round((account.locked_until - now).total_seconds() / 60))
        return Refused(
            "locked", f"too many wrong PINs: {account.name} is locked for {minutes} more minute(s)"
        )
    stored = uow.users.pin_hash(user_id) or ""
    try:
        PIN_HASHER.verify(stored, pin if isinstance(pin, str) else "")
    except (VerificationError, InvalidHashError):
        attempts, locked_until = after_wrong_pin(account, now)
        uow.users.set_failures(user_id, attempts, locked_until)
        if locked_until is not None:
            uow.audit.append(
                user_id, "account_locked", {"user": user_id, "until": locked_until.isoformat()}, now
            )
            return Refused(
                "locked", f"wrong PIN {MAX_WRONG_PINS} times: {account.name} is locked for 5 minutes"
            )
        left = MAX_WRONG_PINS - attempts
        return Refused("wrong_pin", f"wrong PIN ({left} attempt(s) left before the account locks)")
    if account.failed_attempts or account.locked_until is not None:
        uow.users.set_failures(user_id, 0, None)
    if PIN_HASHER.check_needs_rehash(stored):
        uow.users.set_pin_hash(user_id, PIN_HASHER.hash(pin))
    if role is not None and account.role is not role:
        return Refused("not_allowed", f"{account.name} is not a {role.value}")
    return Authenticated(account)


def verify_pin(
    uow: UnitOfWork, user_id: str, pin: str, now: datetime, role: Role | None = None
) -> Authenticated | Refused:
    """Log a user in (or approve as `role`): the use case around `authenticate`."""
    with uow:
        result = authenticate(uow, user_id, pin, now, role)
        uow.commit()  # keeps a wrong PIN's count; writes nothing else
        return result


__all__ = ["PIN_HASHER", "Authenticated", "authenticate", "create_user", "verify_pin"]
