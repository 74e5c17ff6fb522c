"""The expiry job: point lots at the central ledger, and the points past their date expired.

Settings: `points.expiry_months` (default 12; 0 or null: points never
expire), the validity of a lot from the day it was earned, the same setting
registers date their own lots by.

A run as of day D:

1. refreshes the lots (`sync.central.lots.fold_lots` over the member's entries) of every member with
   entries received since the previous run (with an hour of overlap, so an entry whose push committed
   late is not missed), and of every member whose stored lots have one ending before D;
2. expires, for each member, what is left of the lots whose last day is before D: one `expiry` entry
   booked by the `central` pseudo-register (reason `lots_expired`), with the member's row locked and the
   lots folded again under that lock, so a redemption arriving meanwhile is never expired twice over;
3. stores each member's open lots (`customers.lots`, `lots_at`, `next_expiry_on`) and publishes the
   members whose first lots changed: their record carries the next lots to expire (`expiring`), which
   the register's card shows.

The expiry entries reach every register as balances, like any central
booking. A second run for the same day finds nothing past its date and
changes nothing. `expiring_members` lists members whose points expire within
N days, for messaging (`pos-central expiring --days 30 --format csv`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from sync.central.bulk import stream, update_rows
from sync.central.days import chain_zone, day_of
from sync.central.db import is_postgres, utcnow
from sync.central.grants import CentralGrant, book_central_entries
from sync.central.lots import EntryFact, LotBook, fold_lots
from sync.central.member_updates import CHUNK, Writer, chunks, emit_members, member_writes, write_members
from sync.central.members import EXPIRING_IN_RECORD
from sync.central.registers import ensure_central_register
from sync.central.settings import get_setting
from sync.central.tables import CustomerRow, LedgerEntryRow
from sync.protocol import EntryKind

EXPIRY_REASON = "lots_expired"
OVERLAP = timedelta(hours=1)
BOOKING_CHUNK = 2000
READ_CHUNK = 2000


def validity_months(session: Session) -> int:
    value = get_setting(session, "points.expiry_months")
    return 12 if value is None else int(value)


def expiry_tag(customer_id: str, as_of: date) -> str:
    return f"expiry:{customer_id}:{as_of.isoformat()}"


@dataclass(frozen=True, slots=True)
class _Folded:
    customer_id: str
    book: LotBook
    last_seq: int


def _facts(rows: Iterable[Any], zone: ZoneInfo) -> list[EntryFact]:
    return [EntryFact(r.id, r.kind, int(r.points), day_of(r.created_at_register, zone), r.reverses) for r in rows]


_ENTRY_COLUMNS = (LedgerEntryRow.customer_id, LedgerEntryRow.server_seq, LedgerEntryRow.id, LedgerEntryRow.kind,
                  LedgerEntryRow.points, LedgerEntryRow.created_at_register, LedgerEntryRow.reverses)


def _fold_members(session: Session, ids: list[str], months: int, zone: ZoneInfo) -> dict[str, _Folded]:
    """Lots of these members from their entries, read in this session (e.g. under their row locks)."""
    by_member: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(sa.select(*_ENTRY_COLUMNS).where(LedgerEntryRow.customer_id.in_(ids))
                               .order_by(LedgerEntryRow.customer_id, LedgerEntryRow.server_seq)):
        by_member[row.customer_id].append(row)
    return {cid: _Folded(cid, fold_lots(_facts(rows, zone), months), rows[-1].server_seq)
            for cid, rows in by_member.items()}


def _stream_folds(engine: Engine, members: list[str] | None, months: int, zone: ZoneInfo) -> Iterator[_Folded]:
    """Lots of the given members (None: every member with entries), read without locks, member by member."""
    def fold(rows: list[Any]) -> _Folded:
        return _Folded(rows[0].customer_id, fold_lots(_facts(rows, zone), months), rows[-1].server_seq)

    groups = [None] if members is None else list(chunks(members, READ_CHUNK))
    for group in groups:
        query = sa.select(*_ENTRY_COLUMNS).where(LedgerEntryRow.customer_id.is_not(None))
        if group is not None:
            query = query.where(LedgerEntryRow.customer_id.in_(group))
        query = query.order_by(LedgerEntryRow.customer_id, LedgerEntryRow.server_seq)
        with engine.connect() as conn:
            current: list[Any] = []
            for row in stream(conn, query):
                if current and row.customer_id != current[0].customer_id:
                    yield fold(current)
                    current = []
                current.append(row)
            if current:
                yield fold(current)


def _lots_json(summary: list[tuple[str, int]]) -> str:
    return json.dumps(summary, separators=(",", ":"))


def run_job(engine: Engine, as_of: date, *, book: bool = True) -> dict[str, Any]:
    """Refresh lots and expire what is past its date as of the start of `as_of` (see the module docstring).

    `book=False` only refreshes the lots (what `pos-central expiring` does before listing).
    """
    from sync.central.app import run_in_transaction
    from sync.central.jobs import last_result

    def plan(session: Session) -> tuple[int, ZoneInfo, datetime | None, list[str] | None]:
        months, zone = validity_months(session), chain_zone(session)
        previous = last_result(session, "expiry")
        since = datetime.fromisoformat(previous["refreshed_at"]) - OVERLAP if previous else None
        if since is None:
            return months, zone, None, None  # the first run folds every member's entries
        fresh = set(session.scalars(sa.select(LedgerEntryRow.customer_id).distinct()
                                    .where(LedgerEntryRow.received_at >= since, LedgerEntryRow.customer_id.is_not(None))))
        ending = set(session.scalars(sa.select(CustomerRow.id).where(CustomerRow.next_expiry_on < as_of)))
        return months, zone, since, sorted(fresh | ending)

    started = utcnow()
    months, zone, since, members = run_in_transaction(engine, plan)
    if months <= 0:
        return {"as_of": as_of.isoformat(), "refreshed_at": started.isoformat(), "validity_months": months,
                "lots_cleared": _clear_lots(engine)}
    stored = _stored_lots(engine, members)
    counts = {"members_folded": 0, "lots_written": 0, "members_expired": 0}
    columns = ("lots", "lots_at", "next_expiry_on")
    writer = Writer(engine)
    updates: list[dict[str, Any]] = []
    expiring: dict[str, _Folded] = {}

    def write(final: bool = False) -> None:
        if len(updates) >= CHUNK or (final and updates):
            writer.submit(member_writes(updates[:], columns, emit=lambda u: u["emit"]))
            counts["lots_written"] += len(updates)
            updates.clear()
        if len(expiring) >= BOOKING_CHUNK or (final and expiring):
            # written under the members' locks, with their expiry entries
            writer.submit(lambda s, folds=dict(expiring): ("expired", _expire(s, folds, as_of, months, zone, started)))
            counts["members_expired"] += len(expiring)
            expiring.clear()

    folds = _stream_folds(engine, members, months, zone)
    try:
        for fold in folds if is_postgres(engine) else list(folds):  # SQLite: one writer, so read everything first
            counts["members_folded"] += 1
            if book and fold.book.expired_before(as_of) > 0:
                expiring[fold.customer_id] = fold
            else:
                summary = fold.book.summary()
                text = _lots_json(summary)
                before = stored.pop(fold.customer_id, None)
                if before != text:
                    updates.append({"id": fold.customer_id, "lots": text, "lots_at": started,
                                    "next_expiry_on": date.fromisoformat(summary[0][0]) if summary else None,
                                    "emit": _first(before) != summary[:EXPIRING_IN_RECORD]})
            write()
        write(final=True)
    finally:
        results = writer.close()
    expired_points = sum(points for kind, points in (r for r in results if isinstance(r, tuple)))
    return {"as_of": as_of.isoformat(), "refreshed_at": started.isoformat(), **counts,
            "points_expired": expired_points, "validity_months": months,
            "since": since.isoformat() if since else None}


def _clear_lots(engine: Engine) -> int:
    """Points no longer expire: members' stored lots are dropped (and their records say so)."""
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(CustomerRow.id).where(CustomerRow.lots.is_not(None))).scalars())
    return write_members(engine, ({"id": cid, "lots": None, "lots_at": None, "next_expiry_on": None} for cid in ids),
                         ("lots", "lots_at", "next_expiry_on"))


def _first(text: str | None) -> list[tuple[str, int]]:
    return [tuple(item) for item in json.loads(text or "[]")[:EXPIRING_IN_RECORD]]  # type: ignore[misc]


def _stored_lots(engine: Engine, members: list[str] | None) -> dict[str, str | None]:
    query = sa.select(CustomerRow.id, CustomerRow.lots)
    with engine.connect() as conn:
        if members is None:
            return dict(conn.execute(query.where(CustomerRow.lots.is_not(None))).all())
        stored: dict[str, str | None] = {}
        for group in chunks(members, READ_CHUNK):
            stored.update(conn.execute(query.where(CustomerRow.id.in_(group))).all())
        return stored


def _expire(session: Session, folds: dict[str, _Folded], as_of: date, months: int, zone: ZoneInfo,
            now: datetime) -> int:
    """Expire these members' points past their date, under their row locks; returns the points.

    A member with an entry booked since their lots were folded is folded again under the lock, so points
    spent meanwhile are never expired as well (and an expiry already booked leaves nothing to expire).
    """
    ids = sorted(folds)
    ensure_central_register(session)  # every central booking locks it first (no deadlock with merges)
    session.execute(sa.select(CustomerRow.id).where(CustomerRow.id.in_(ids)).order_by(CustomerRow.id)
                    .with_for_update()).all()
    last = dict(session.execute(sa.select(LedgerEntryRow.customer_id, sa.func.max(LedgerEntryRow.server_seq))
                                .where(LedgerEntryRow.customer_id.in_(ids)).group_by(LedgerEntryRow.customer_id))
                .all())
    moved = [cid for cid in ids if last.get(cid) != folds[cid].last_seq]
    folded = {**folds, **_fold_members(session, moved, months, zone)} if moved else folds
    grants: list[CentralGrant] = []
    updates = []
    for cid in ids:
        book = folded.get(cid)
        if book is None:
            continue
        points = book.book.expired_before(as_of)
        if points > 0:
            grants.append(CentralGrant(cid, EntryKind.EXPIRY, -points, expiry_tag(cid, as_of), reason=EXPIRY_REASON))
        summary = book.book.summary(after_expiry_on=as_of)
        updates.append({"id": cid, "lots": _lots_json(summary), "lots_at": now,
                        "next_expiry_on": date.fromisoformat(summary[0][0]) if summary else None})
    update_rows(session, CustomerRow.__table__, "id", updates, ("lots", "lots_at", "next_expiry_on"))
    book_central_entries(session, grants)  # publishes the booked members, lots included
    booked = {g.customer_id for g in grants}
    emit_members(session, [u["id"] for u in updates if u["id"] not in booked])
    return -sum(g.points for g in grants)


# -- who to tell -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiringMember:
    customer_id: str
    name: str
    email: str | None
    phone: str | None
    consent_email: bool
    consent_sms: bool
    points: int
    first_on: date
    balance: int


def expiring_members(session: Session, today: date, days: int, channel: str | None = None) -> list[ExpiringMember]:
    """Members with points expiring from `today` through `today + days`, soonest first, as of their stored lots.

    `channel` (`email` or `sms`) keeps only members who agreed to be told that way.
    """
    last = today + timedelta(days=days)
    query = (sa.select(CustomerRow.id, CustomerRow.name, CustomerRow.email, CustomerRow.phone,
                       CustomerRow.consent_email, CustomerRow.consent_sms, CustomerRow.lots, CustomerRow.balance)
             .where(CustomerRow.next_expiry_on.is_not(None), CustomerRow.next_expiry_on <= last,
                    CustomerRow.merged_into.is_(None)))
    if channel == "email":
        query = query.where(CustomerRow.consent_email.is_(True), CustomerRow.email.is_not(None))
    elif channel == "sms":
        query = query.where(CustomerRow.consent_sms.is_(True), CustomerRow.phone.is_not(None))
    found = []
    for row in session.execute(query):
        soon = [(date.fromisoformat(on), points) for on, points in json.loads(row.lots or "[]")
                if today <= date.fromisoformat(on) <= last]
        if soon:
            found.append(ExpiringMember(row.id, row.name, row.email, row.phone, bool(row.consent_email),
                                        bool(row.consent_sms), sum(p for _, p in soon), soon[0][0], row.balance))
    return sorted(found, key=lambda m: (m.first_on, m.customer_id))


__all__ = ["EXPIRY_REASON", "ExpiringMember", "expiring_members", "expiry_tag", "run_job", "validity_months"]
