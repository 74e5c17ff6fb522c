"""Manager operations of the central service: segments set from outside, and reports.

Every operation is a function of a `Session` (the caller owns the
transaction) and returns values or error lists; the CLI only prints them.
The program's rules that run by themselves (tiers, expiry, segments, offers,
rewards) are the daily jobs of `sync.central.jobs`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import members
from sync.central.tables import (
    AlertRow,
    ConflictRow,
    CustomerRow,
    LedgerEntryRow,
    ReceivedRecordRow,
    RejectedEntryRow,
)

# -- segments --------------------------------------------------------------------------------------


def set_segments(session: Session, segments: dict[str, list[str]]) -> int:
    """Give customers these (custom) segments, e.g. from a marketing tool, and publish them to registers."""
    from sync.central.segments import set_custom_segments

    return set_custom_segments(session, segments)


# -- reports -------------------------------------------------------------------------------------


def balance_report(session: Session, customer_id: str) -> dict[str, Any] | None:
    row = session.get(CustomerRow, customer_id)
    if row is None:
        return None
    ledger_sum = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntryRow.points), 0)).where(LedgerEntryRow.customer_id == customer_id)
    )
    return {**members.customer_record(row), "ledger_sum": int(ledger_sum or 0),
            "entries": session.scalar(sa.select(sa.func.count()).where(LedgerEntryRow.customer_id == customer_id))}


def leakage_total(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ConflictRow.leakage_minor), 0))) or 0)


def list_refused_records(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Records registers published that the central service refused (each with its reason), newest first."""
    rows = session.scalars(sa.select(ReceivedRecordRow).where(ReceivedRecordRow.status == "rejected")
                           .order_by(ReceivedRecordRow.received_at.desc()).limit(limit)).all()
    return [{"id": r.id, "register_id": r.register_id, "kind": r.kind, "reason": r.reason,
             "received_at": r.received_at.isoformat()} for r in rows]


def list_rejected_entries(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Ledger entries registers pushed that the central service refused, with the reason, newest first."""
    rows = session.scalars(sa.select(RejectedEntryRow).order_by(RejectedEntryRow.received_at.desc())
                           .limit(limit)).all()
    return [{"id": r.id, "register_id": r.register_id, "seq": r.seq, "reason": r.reason,
             "received_at": r.received_at.isoformat()} for r in rows]


def list_alerts(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Operator alerts, newest first (e.g. an entry id pushed with two payloads: 409)."""
    rows = session.scalars(sa.select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)).all()
    return [{"kind": r.kind, "register_id": r.register_id, "entry_id": r.entry_id, "detail": r.detail,
             "created_at": r.created_at.isoformat()} for r in rows]
