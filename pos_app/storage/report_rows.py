"""What the loyalty report reads from the register's own store: its orders, its entries, the members.

Plain rows for `pos_app.services.loyalty_report`, which turns them into the
report through the domain's definitions; nothing here decides what counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_app.storage.tables import (
    CustomerRow,
    LedgerEntryRow,
    OrderLineRow,
    OrderRow,
    PromotionRow,
    RewardRow,
)


@dataclass(frozen=True, slots=True)
class OrderLineFacts:
    qty: str
    qty_returned: str
    discount_minor: int
    points_value_minor: int
    allocations: dict[str, int]


@dataclass(frozen=True, slots=True)
class OrderFacts:
    id: str
    store_id: str | None
    customer_id: str | None
    created_at: datetime
    status: str
    total_minor: int
    refunded_minor: int
    discount_minor: int
    points_value_minor: int
    lines: tuple[OrderLineFacts, ...]


@dataclass(frozen=True, slots=True)
class EntryFacts:
    kind: str
    customer_id: str | None
    points: int
    reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MemberFacts:
    id: str
    enrolled_at: datetime | None
    segments: tuple[str, ...]
    merged_into: str | None
    enrolled_here: bool
    tier: str | None
    points: int  # confirmed by the central service + this register's entries not yet acknowledged


class ReportRowsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def orders_between(self, start: datetime, end: datetime) -> list[OrderFacts]:
        """Orders sold in [start, end) with their lines."""
        rows = self._session.execute(
            select(OrderRow.id, OrderRow.store_id, OrderRow.customer_id, OrderRow.created_at, OrderRow.status,
                   OrderRow.total_minor, OrderRow.refunded_minor, OrderRow.discount_minor,
                   OrderRow.points_value_minor)
            .where(OrderRow.created_at >= start, OrderRow.created_at < end)).all()
        lines: dict[str, list[OrderLineFacts]] = defaultdict(list)
        for line in self._session.execute(
                select(OrderLineRow.order_id, OrderLineRow.qty, OrderLineRow.qty_returned, OrderLineRow.discount_minor,
                       OrderLineRow.points_value_minor, OrderLineRow.allocations)
                .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
                .where(OrderRow.created_at >= start, OrderRow.created_at < end)):
            lines[line[0]].append(OrderLineFacts(line[1], line[2], line[3], line[4],
                                                 {k: int(v) for k, v in (line[5] or {}).items()}))
        return [OrderFacts(*row, tuple(lines[row[0]])) for row in rows]

    def entries_between(self, start: datetime, end: datetime) -> list[EntryFacts]:
        return [EntryFacts(*row) for row in self._session.execute(
            select(LedgerEntryRow.kind, LedgerEntryRow.customer_id, LedgerEntryRow.points, LedgerEntryRow.reason,
                   LedgerEntryRow.created_at)
            .where(LedgerEntryRow.created_at >= start, LedgerEntryRow.created_at < end))]

    def members(self) -> list[MemberFacts]:
        return [MemberFacts(r.id, r.enrolled_at, tuple(r.segments or ()), r.merged_into, r.origin == "register",
                            r.tier, r.confirmed_points + r.pending_points)
                for r in self._session.execute(
                    select(CustomerRow.id, CustomerRow.enrolled_at, CustomerRow.segments, CustomerRow.merged_into,
                           CustomerRow.origin, CustomerRow.tier, CustomerRow.confirmed_points,
                           CustomerRow.pending_points))]

    def promotion_names(self, ids: list[str]) -> dict[str, str]:
        import json

        out: dict[str, str] = {}
        for pid, body in self._session.execute(select(PromotionRow.id, PromotionRow.body).where(
                PromotionRow.id.in_(ids))):
            data: Any = json.loads(body or "{}")
            out[pid] = str(data.get("name") or pid)
        return out

    def reward_names(self) -> dict[str, str]:
        return dict(self._session.execute(select(RewardRow.id, RewardRow.name)).all())


__all__ = ["EntryFacts", "MemberFacts", "OrderFacts", "OrderLineFacts", "ReportRowsRepository"]
