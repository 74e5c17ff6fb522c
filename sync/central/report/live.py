"""Marking the report's cells that a push changed, in the push's own transaction.

The ingest of records (`sync.central.records`) and of ledger entries
(`sync.central.ledger`) each call one function here after booking: every
store's local day an order, a return, a void or an entry touched is queued in
`report_dirty`, and the next refresh (`sync.central.report.refresh`, run
before every report and every few seconds by `pos-central serve`) recomputes
those cells. Members need no marking: every change to a member is in the
change feed, which the refresh follows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.report.periods import RangeError, local_day, zone
from sync.central.orders import chain_order_id
from sync.central.settings import get_setting
from sync.central.tables import OrderRow, RegisterRow, ReportDirtyRow
from sync.protocol.records import OrderData, OrderReturnData, OrderVoidData


def mark(session: Session, touched: Iterable[tuple[str | None, datetime | None]]) -> None:
    """Queue the (store, moment) pairs' cells for recomputation."""
    try:
        tz = zone(str(get_setting(session, "report.timezone") or "UTC"))
    except RangeError:
        tz = zone("UTC")  # a bad setting is reported by the report itself; ingest goes on
    cells = {(store, local_day(at, tz)) for store, at in touched if store and at is not None}
    if cells:
        session.execute(ReportDirtyRow.__table__.insert(),
                        [{"store_id": store, "day": day} for store, day in sorted(cells)])


def records_booked(session: Session, register: RegisterRow, parsed: Sequence[Any]) -> None:
    """After `ingest_records`: the orders sold, returned or voided in the batch."""
    touched: list[tuple[str | None, datetime | None]] = []
    others: list[str] = []
    for data in parsed:
        if isinstance(data, OrderData):
            touched.append((register.store_id, data.created_at))
        elif isinstance(data, OrderReturnData | OrderVoidData):
            others.append(chain_order_id(data.order_id, register.store_id))
    if others:
        touched += [(row.store_id, row.created_at) for row in session.execute(
            sa.select(OrderRow.store_id, OrderRow.created_at).where(OrderRow.id.in_(sorted(set(others)))))]
    mark(session, touched)


def entries_booked(session: Session, register: RegisterRow, entries: Sequence[dict[str, Any]]) -> None:
    """After `ledger.ingest` booked entries (and the orders an older register's accruals stand for)."""
    mark(session, ((register.store_id, entry["created_at_register"]) for entry in entries))


__all__ = ["entries_booked", "mark", "records_booked"]
