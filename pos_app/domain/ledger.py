"""The points ledger: immutable entries, point lots and first-to-expire consumption.

A customer's points are the sum of their ledger entries; nothing is ever
changed or removed, a mistake is undone by a `reversal` entry. Points earned
form *lots* that expire on a date; points spent or expired are taken from the
lots that expire first, and each such consumption is recorded so the balance
of every lot can be derived. Everything here is pure: storage persists these
values, services decide when to create them.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

# Bounds no real entry comes near: a larger number is a bug or an attack. The wire refuses them, so a
# register must never write them: a sale beyond them is refused at checkout.
MAX_ENTRY_POINTS = 1_000_000_000  # points one ledger entry moves
MAX_MINOR = 10**13  # an amount in minor units (an order's total)


class EntryKind(StrEnum):
    """What a ledger entry records."""

    ACCRUAL = "accrual"
    REDEMPTION = "redemption"
    ADJUSTMENT = "adjustment"
    TRANSFER = "transfer"
    EXPIRY = "expiry"
    REVERSAL = "reversal"
    CODE_USE = "code_use"


ENTRY_KINDS: tuple[str, ...] = tuple(kind.value for kind in EntryKind)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One immutable line of the ledger. `points` is signed: positive adds to the balance."""

    id: str
    register_id: str
    seq: int
    kind: EntryKind
    customer_id: str | None
    points: int
    created_at: datetime
    reverses: str | None = None
    order_id: str | None = None
    code: str | None = None
    reason: str | None = None
    actor_id: str | None = None
    counterpart_id: str | None = None
    group_id: str | None = None
    note: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The entry as pushed to the central service (before canonical encoding)."""
        return {
            "id": self.id,
            "register": self.register_id,
            "seq": self.seq,
            "kind": self.kind.value,
            "customer": self.customer_id,
            "points": self.points,
            "created_at": self.created_at.isoformat(),
            "reverses": self.reverses,
            "order": self.order_id,
            "code": self.code,
            "reason": self.reason,
            "actor": self.actor_id,
            "counterpart": self.counterpart_id,
            "group": self.group_id,
            "note": self.note,
        }


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """The one byte encoding of a JSON object: sorted keys, no spaces, UTF-8.

    Used for outbox payloads (retried byte-for-byte) and the audit chain's hashes.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True, slots=True)
class PointLot:
    """Points earned together that expire together; `remaining` is what is left of them."""

    lot_id: int
    entry_id: str
    customer_id: str
    points: int
    remaining: int
    expires_on: date
    available_on: date | None = None

    def is_available(self, today: date) -> bool:
        return self.available_on is None or self.available_on <= today


@dataclass(frozen=True, slots=True)
class LotConsumption:
    """Points taken from one lot (`lot_id` None: from points this register holds no lot for)."""

    lot_id: int | None
    points: int


@dataclass(frozen=True, slots=True)
class PointsBalance:
    """A customer's points seen both ways.

    `confirmed` is what the central service last said; `pending` is the sum of
    this register's entries it has not acknowledged yet; `available` is their
    sum, the number a cashier may spend; `held` is the part of the locally known
    lots not yet spendable (accruals held until the return window closes).
    """

    customer_id: str
    confirmed: int
    pending: int
    held: int = 0

    @property
    def available(self) -> int:
        return self.confirmed + self.pending

    @property
    def spendable(self) -> int:
        return max(0, self.available - self.held)


def consume_first_to_expire(lots: Iterable[PointLot], points: int, today: date) -> list[LotConsumption]:
    """Split `points` (> 0) over the lots that expire first; what the lots lack is unlotted.

    Lots already expired on `today` or not yet available are skipped: an expired
    lot belongs to the expiry run, a held one may not be spent.
    """
    if points <= 0:
        raise ValueError("points to consume must be positive")
    usable = sorted(
        (lot for lot in lots if lot.remaining > 0 and lot.expires_on >= today and lot.is_available(today)),
        key=lambda lot: (lot.expires_on, lot.lot_id),
    )
    parts: list[LotConsumption] = []
    left = points
    for lot in usable:
        if left == 0:
            break
        take = min(lot.remaining, left)
        parts.append(LotConsumption(lot.lot_id, take))
        left -= take
    if left:
        parts.append(LotConsumption(None, left))
    return parts


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


__all__ = [
    "ENTRY_KINDS",
    "EntryKind",
    "LedgerEntry",
    "LotConsumption",
    "PointLot",
    "PointsBalance",
    "add_months",
    "canonical_json",
    "consume_first_to_expire",
]
