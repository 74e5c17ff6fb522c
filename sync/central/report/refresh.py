"""Keeping the report's tables current: a full rebuild, and a refresh of what changed since the last one.

`rebuild` recomputes every derived table from the orders, the ledger and the
members (`pos-central report-rebuild`). `refresh` brings them up to date in
seconds: it recomputes the members the change feed shows changed since its
watermark (and, when a member's participation changed, the cells of their
orders and entries), then every store-day cell the pushes queued in
`report_dirty` (`sync.central.report.live`). A refresh of a new day first
moves every member's points position to that day; a refresh that finds the
program's report settings changed (segment, brands, time zone, expiry,
return window) rebuilds instead.

Each runs in the caller's transaction under one lock, so two refreshers
never interleave. Queued cells are taken with `DELETE ... RETURNING`, which
sees only committed markers: a push still running keeps its marker for the
next refresh, and its data is read by that one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.db import utcnow
from sync.central.report import cells as report_cells
from sync.central.report import member_scopes, participants
from sync.central.report.config import ReportConfig, load_config
from sync.central.report.dialect import analyze, as_date, lock, tune
from sync.central.report.side import SideReads
from sync.central.tables import (
    ChangeRow,
    LedgerEntryRow,
    OrderRow,
    RegisterRow,
    ReportAudienceMemberRow,
    ReportBuyerCellRow,
    ReportDirtyRow,
    ReportEnrollmentCellRow,
    ReportMemberCellRow,
    ReportMemberRow,
    ReportOfferOrderRow,
    ReportOrderCellRow,
    ReportPointsCellRow,
    ReportPromotionCellRow,
    ReportRewardCellRow,
    ReportStateRow,
    ReportTierMoveRow,
)

_DIRTY = ReportDirtyRow.__table__
REPORT_TABLES = tuple(row.__table__ for row in (
    ReportMemberRow, ReportEnrollmentCellRow, ReportMemberCellRow, ReportOrderCellRow, ReportPointsCellRow,
    ReportRewardCellRow, ReportPromotionCellRow, ReportBuyerCellRow, ReportOfferOrderRow, ReportAudienceMemberRow,
    ReportTierMoveRow))
FINGERPRINT, FEED_SEQ, POINTS_DAY, SCOPES = "fingerprint", "feed_seq", "points_day", "member_scopes"


@dataclass(frozen=True)
class RefreshResult:
    rebuilt: bool
    members: int
    cells: int
    seconds: float


def _state(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.scalars(sa.select(ReportStateRow))}


def _save(session: Session, **values: object) -> None:
    for key, value in values.items():
        row = session.get(ReportStateRow, key)
        text = json.dumps(value)
        if row is None:
            session.add(ReportStateRow(key=key, value=text))
        else:
            row.value = text
    session.flush()


def rebuild(session: Session, now: datetime | None = None) -> RefreshResult:
    """Recompute every report table (the caller owns the transaction)."""
    started = time.perf_counter()
    lock(session)
    tune(session)
    cfg = load_config(session)
    today = cfg.today(now or utcnow())
    head = feed.head_seq(session)
    session.execute(_DIRTY.delete())
    with SideReads(session) as side:
        # The reads that need no member's row run on a second connection while this one writes the
        # members and scans the orders and entries against them.
        sources = report_cells.read_sources(side, cfg, None)
        members = participants.rebuild_members(session, cfg, today)
        scopes = member_scopes.rebuild(session)
        computed = report_cells.compute(session, cfg, None, sources)
    report_cells.replace(session, computed, None)
    analyze(session, REPORT_TABLES)
    _save(session, **{FINGERPRINT: cfg.fingerprint, FEED_SEQ: head, POINTS_DAY: today.isoformat(),
                      SCOPES: scopes})
    return RefreshResult(True, members, len(computed.orders), time.perf_counter() - started)


def refresh(session: Session, now: datetime | None = None, *, wait: bool = True) -> RefreshResult:
    """Bring the report tables up to date (the caller owns the transaction; run `feed.assign_sequence` first).

    Without `wait`, a refresh already running elsewhere is left to finish and this one does nothing (a
    reader then answers from the cells as they are, seconds old at most).
    """
    started = time.perf_counter()
    if not lock(session, wait=wait):
        return RefreshResult(False, 0, 0, 0.0)
    tune(session)
    cfg = load_config(session)
    state = _state(session)
    if state.get(FINGERPRINT) is None or json.loads(state[FINGERPRINT]) != cfg.fingerprint:
        return rebuild(session, now)
    today = cfg.today(now or utcnow())
    if json.loads(state.get(POINTS_DAY, "null")) != today.isoformat():
        participants.recompute_points(session, cfg, today)
    watermark = int(json.loads(state.get(FEED_SEQ, "0")))
    head = feed.head_seq(session)
    changed = list(session.scalars(sa.select(ChangeRow.key).distinct().where(
        ChangeRow.topic == "customer", ChangeRow.seq > watermark, ChangeRow.seq <= head)))
    moved = participants.refresh_members(session, cfg, today, changed)
    _mark_member_cells(session, moved)
    scopes = member_scopes.refresh(session, json.loads(state[SCOPES]) if SCOPES in state else None, moved)
    done = _refresh_cells(session, cfg)
    _save(session, **{FEED_SEQ: head, POINTS_DAY: today.isoformat(), SCOPES: scopes})
    return RefreshResult(False, len(changed), done, time.perf_counter() - started)


def _mark_member_cells(session: Session, customer_ids: list[str]) -> None:
    """A member's participation changed: every cell with their orders or entries is counted again."""
    from sync.central.report.live import mark

    for i in range(0, len(customer_ids), 1000):
        chunk = customer_ids[i:i + 1000]
        touched = [(r.store_id, r.created_at) for r in session.execute(
            sa.select(OrderRow.store_id, OrderRow.created_at).where(OrderRow.customer_id.in_(chunk)))]
        touched += [(r.store_id, r.created_at_register) for r in session.execute(
            sa.select(RegisterRow.store_id, LedgerEntryRow.created_at_register)
            .join(RegisterRow, RegisterRow.id == LedgerEntryRow.register_id)
            .where(LedgerEntryRow.customer_id.in_(chunk)))]
        mark(session, touched)


def _refresh_cells(session: Session, cfg: ReportConfig) -> int:
    taken = session.execute(_DIRTY.delete().returning(_DIRTY.c.store_id, _DIRTY.c.day)).all()
    scopes = sorted({report_cells.CellScope(store, as_date(day)) for store, day in taken},
                    key=lambda s: (s.day, s.store_id))
    days: set[date] = set()
    for scope in scopes:
        report_cells.replace(session, report_cells.compute(session, cfg, scope), scope)
        days.add(scope.day)
    report_cells.refresh_chain_buyers(session, days)
    return len(scopes)


__all__ = ["RefreshResult", "rebuild", "refresh"]
