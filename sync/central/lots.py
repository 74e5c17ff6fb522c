"""Point lots at the central ledger: which points expire when, derived from a member's entries.

Points earned together expire together: every entry that adds points (an
accrual, a positive adjustment, a transfer in) forms a lot expiring
`validity_months` after its day. Entries that take points (a redemption, an
expiry, a transfer out) take them from the lots that expire first ("first to
expire, first spent"), and what they take is remembered, so that:

- a reversal of such an entry gives the points back to the very lots they came from;
- a reversal of an entry that added points takes them back from that entry's own lot first.

Points taken beyond every lot (an offline overdraft) are owed; points added
later pay what is owed before they form a lot. So the points left in the
lots always equal the balance when it is positive, and nothing when it is not.

`fold_lots` is a pure function of the entries, in the order the central
service booked them: the same entries always give the same lots, whichever
process computes them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from pos_app.domain.ledger import add_months

REVERSAL = "reversal"
NEVER = date.max


class EntryFact(NamedTuple):
    """What the fold needs of one ledger entry: its day is the chain's day it was made on."""

    id: str
    kind: str
    points: int
    day: date
    reverses: str | None = None


@dataclass(slots=True)
class Lot:
    entry_id: str
    expires_on: date
    points: int
    remaining: int
    order: int = 0


@dataclass(slots=True)
class LotBook:
    """The lots of one member as the fold leaves them."""

    lots: list[Lot] = field(default_factory=list)
    owed: int = 0

    def open_lots(self) -> list[Lot]:
        """Lots still holding points, first to expire first."""
        return [lot for lot in self.lots if lot.remaining > 0]

    def expired_before(self, day: date) -> int:
        """Points left in lots whose last day is before `day`: what an expiry run on `day` takes."""
        return sum(lot.remaining for lot in self.lots if lot.remaining > 0 and lot.expires_on < day)

    def summary(self, after_expiry_on: date | None = None) -> list[tuple[str, int]]:
        """`[(expires_on, points), ...]` of the open lots (those an expiry on `after_expiry_on` leaves)."""
        merged: dict[date, int] = {}
        for lot in self.open_lots():
            if after_expiry_on is not None and lot.expires_on < after_expiry_on:
                continue
            merged[lot.expires_on] = merged.get(lot.expires_on, 0) + lot.remaining
        return [(day.isoformat(), points) for day, points in sorted(merged.items()) if day != NEVER]


def fold_lots(entries: Iterable[EntryFact], validity_months: int) -> LotBook:
    """The member's lots after `entries` (see the module docstring); `validity_months` <= 0: never expire."""
    book = LotBook()
    ordered: list[tuple[date, int, Lot]] = []  # by (expires_on, creation order)
    by_entry: dict[str, Lot] = {}
    taken: dict[str, list[tuple[Lot, int]]] = {}
    counter = 0
    for entry in entries:
        if entry.points > 0:
            points = entry.points
            if entry.kind == REVERSAL and entry.reverses in taken:
                for lot, amount in taken.pop(entry.reverses or ""):
                    back = min(amount, points)
                    lot.remaining += back
                    points -= back
            paid = min(book.owed, points)
            book.owed -= paid
            points -= paid
            if points > 0:
                counter += 1
                expires = add_months(entry.day, validity_months) if validity_months > 0 else NEVER
                lot = Lot(entry.id, expires, points, points, counter)
                by_entry[entry.id] = lot
                bisect.insort(ordered, (expires, counter, lot), key=lambda item: (item[0], item[1]))
                book.lots.append(lot)
        elif entry.points < 0:
            need = -entry.points
            parts: list[tuple[Lot, int]] = []
            own = by_entry.get(entry.reverses or "") if entry.kind == REVERSAL else None
            candidates = ([own] if own is not None else []) + [lot for _, _, lot in ordered if lot is not own]
            for lot in candidates:
                if need == 0:
                    break
                take = min(lot.remaining, need)
                if take > 0:
                    lot.remaining -= take
                    need -= take
                    parts.append((lot, take))
            book.owed += need
            taken[entry.id] = parts
    return book


__all__ = ["EntryFact", "Lot", "LotBook", "fold_lots"]
