"""Manager operations of the central service: programs (birthday, win-back, segments) and reports.

Every operation is a function of a `Session` (the caller owns the
transaction) and returns values or error lists; the CLI only prints them.
Points the central service grants itself (welcome points, birthday bonus) are
ordinary ledger entries of the pseudo-register `central`, booked through the
same `ledger.ingest` as a register's push.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import feed, members
from sync.central.db import as_utc, utcnow
from sync.central.grants import book_central_entries
from sync.central.imports import upsert_promotion
from sync.central.settings import get_setting
from sync.central.tables import (
    AlertRow,
    ConflictRow,
    CustomerRow,
    LedgerEntryRow,
    PromotionRow,
    ReceivedRecordRow,
)
from sync.protocol import ChangeTopic, EntryKind

# -- programs ------------------------------------------------------------------------------------


@dataclass
class ProgramReport:
    birthday_bonuses: int = 0
    winback_codes: int = 0
    segment_changes: int = 0


def run_programs(session: Session, today: date | None = None, now: datetime | None = None) -> ProgramReport:
    """Birthday bonus, win-back codes and segment recomputation (run daily, e.g. from cron)."""
    now = now or utcnow()
    today = today or now.date()
    report = ProgramReport()
    report.birthday_bonuses = grant_birthday_bonuses(session, today)
    report.segment_changes = recompute_segments(session, now)
    report.winback_codes = issue_winback_codes(session, now)
    return report


def grant_birthday_bonuses(session: Session, today: date) -> int:
    points = int(get_setting(session, "program.birthday_bonus_points") or 0)
    if points <= 0:
        return 0
    candidates = [
        cid for cid, birthday in session.execute(
            sa.select(CustomerRow.id, CustomerRow.birthday).where(CustomerRow.birthday.is_not(None)))
        if _is_birthday(birthday, today)
    ]
    tags = {cid: f"birthday:{cid}:{today.year}" for cid in candidates}
    already = set(session.scalars(sa.select(LedgerEntryRow.order_id).where(LedgerEntryRow.order_id.in_(tags.values()))))
    grants = [(cid, EntryKind.ACCRUAL, points, tag) for cid, tag in tags.items() if tag not in already]
    return book_central_entries(session, grants)


def _is_birthday(birthday: date, today: date) -> bool:
    month, day = birthday.month, birthday.day
    if (month, day) == (2, 29) and not _leap(today.year):
        month, day = 2, 28
    return (month, day) == (today.month, today.day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def set_segments(session: Session, segments: dict[str, list[str]]) -> int:
    """Give customers these segments (e.g. from a marketing tool) and publish them to registers."""
    rows = session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_(segments)).with_for_update()).all()
    for row in rows:
        row.segments = json.dumps(sorted(segments[row.id]))
    session.flush()
    feed.emit(session, [(ChangeTopic.CUSTOMER, row.id, members.customer_record(row)) for row in rows])
    return len(rows)


def recompute_segments(session: Session, now: datetime) -> int:
    """`lapsed_60d`: no order for 60 days (enrolled at least 60 days ago); `top_spenders`: the top share by spend."""
    share = float(get_setting(session, "program.top_spenders_share") or 0.1)
    rows = session.scalars(sa.select(CustomerRow).with_for_update()).all()
    spenders = sorted((r for r in rows if r.spent_minor > 0), key=lambda r: (-r.spent_minor, r.id))
    top = {r.id for r in spenders[: max(1, int(len(spenders) * share))]} if spenders else set()
    cutoff = now - timedelta(days=60)
    changed = []
    for row in rows:
        segments = set(json.loads(row.segments or "[]")) - {"lapsed_60d", "top_spenders"}
        last = as_utc(row.last_order_at) or as_utc(row.enrolled_at)
        if last is not None and last < cutoff:
            segments.add("lapsed_60d")
        if row.id in top:
            segments.add("top_spenders")
        text = json.dumps(sorted(segments))
        if text != row.segments:
            row.segments = text
            changed.append(row)
    session.flush()
    feed.emit(session, [(ChangeTopic.CUSTOMER, r.id, members.customer_record(r)) for r in changed])
    return len(changed)


def issue_winback_codes(session: Session, now: datetime) -> int:
    """A personal single-use code for every customer with no order in N days (once per lapse)."""
    days = int(get_setting(session, "program.winback_days") or 90)
    percent = str(get_setting(session, "program.winback_percent") or "10")
    cutoff = now - timedelta(days=days)
    lapsed = [
        r for r in session.scalars(sa.select(CustomerRow))
        if (as_utc(r.last_order_at) or as_utc(r.enrolled_at)) < cutoff
    ]
    issued = 0
    for customer in lapsed:
        last = as_utc(customer.last_order_at) or as_utc(customer.enrolled_at)
        promo_id = f"WINBACK-{customer.id}-{last:%Y%m%d}"
        if session.get(PromotionRow, promo_id) is not None:
            continue
        issue_personal_code(session, promo_id, customer.id, percent, "We miss you", now, days=30)
        issued += 1
    return issued


def issue_personal_code(session: Session, promo_id: str, customer_id: str, percent: str, title: str,
                        now: datetime, days: int) -> str:
    """A personal promotion with one single-use code for one customer; returns the code."""
    code = promo_id.split("-", 1)[0][:2] + secrets.token_hex(4).upper()
    upsert_promotion(session, {
        "id": promo_id,
        "name": f"{title}: {percent}% off",
        "kind": "discount",
        "priority": 50,
        "audience": {"segments": [], "tiers": [], "customers": [customer_id]},
        "codes": [{"code": code, "customer": customer_id, "uses_left": 1}],
        "valid": {"from": now.date().isoformat(), "to": (now + timedelta(days=days)).date().isoformat()},
        "reward": {"type": "percent", "value": percent, "target": "order"},
    })
    return code


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


def list_alerts(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Operator alerts, newest first (e.g. an entry id pushed with two payloads: 409)."""
    rows = session.scalars(sa.select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)).all()
    return [{"kind": r.kind, "register_id": r.register_id, "entry_id": r.entry_id, "detail": r.detail,
             "created_at": r.created_at.isoformat()} for r in rows]
