"""Register users (cashiers and managers) and the PIN lockout rule.

Five wrong PINs in a row lock the account for five minutes; the moment is
always passed in, so the rule is tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_WRONG_PINS = 5
LOCKOUT = timedelta(minutes=5)


class Role(StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"


@dataclass(frozen=True, slots=True)
class UserAccount:
    id: str
    name: str
    role: Role
    failed_attempts: int = 0
    locked_until: datetime | None = None
    active: bool = True
    daily_adjust_limit: int | None = None  # None: the program's default

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def after_wrong_pin(account: UserAccount, now: datetime) -> tuple[int, datetime | None]:
    """The failure count and lock after one more wrong PIN."""
    attempts = account.failed_attempts + 1
    if attempts >= MAX_WRONG_PINS:
        return 0, now + LOCKOUT
    return attempts, None


__all__ = ["LOCKOUT", "MAX_WRONG_PINS", "Role", "UserAccount", "after_wrong_pin"]
