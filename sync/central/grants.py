"""Entries the central service books itself: welcome and birthday points, merges and forwarded balances.

They are ordinary ledger entries of the pseudo-register `central`, booked
through the same `ledger.ingest` as a register's push, so every rule of the
ledger (gapless seq, overdraft, balances) holds for them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy.orm import Session

from sync.central import ledger
from sync.central.db import utcnow
from sync.central.registers import ensure_central_register
from sync.protocol import EntryKind, LedgerEntry


class CentralGrant(NamedTuple):
    """One entry to book: `tag` (the entry's order field) makes a run that books it twice detectable."""

    customer_id: str
    kind: EntryKind
    points: int
    tag: str
    counterpart_id: str | None = None
    group_id: str | None = None
    note: str | None = None
    reason: str | None = None


def book_central_entries(session: Session, grants: Iterable[CentralGrant | tuple[str, EntryKind, int, str]]) -> int:
    """Book the grants from the `central` pseudo-register; returns how many entries were booked."""
    register = ensure_central_register(session)
    now = utcnow()
    entries = []
    for i, raw in enumerate(grants, start=1):
        grant = raw if isinstance(raw, CentralGrant) else CentralGrant(*raw)
        entries.append(LedgerEntry.build(
            register_id=register.id, seq=register.acked_seq + i, kind=grant.kind, customer_id=grant.customer_id,
            points=grant.points, order_id=grant.tag, online=False, created_at_register=now,
            counterpart_id=grant.counterpart_id, group_id=grant.group_id, note=grant.note, reason=grant.reason))
    if entries:
        ledger.ingest(session, register, entries, now)
    return len(entries)


__all__ = ["CentralGrant", "book_central_entries"]
