"""Writing a chain's past into the central service's database in bulk (a generated year, for the demo and benches).

The history is anything shaped like `pos_app.demo.history.History` (its
`days()`, `members`, `registers`, `seq`, `tier_changes`, `audiences`,
`promotions` and `spec.rewards`); nothing here imports it.

Rows go in exactly as the central service's own ingest would have left them
- orders with their lines and returns, ledger entries with their registers'
seqs, members with their balances, spend and tiers, the tier history, the
win-back offer's audience, the rewards and promotions - by COPY on
PostgreSQL and executemany on SQLite, so a year of millions of orders loads
in minutes. Registers that already exist keep their rows and have their
acknowledged seq moved on; members that already exist (the demo's, imported
first) are updated. With `exact_hashes` each entry's payload hash is the
protocol's (the demo, whose register may be asked about them); without, it
is a digest of the entry id (a benchmark's history no register will resend).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.members import customer_record
from sync.central.registers import CENTRAL_REGISTER_ID
from sync.central.report.dialect import bulk_insert
from sync.central.tables import (
    ConflictRow,
    CustomerRow,
    LedgerEntryRow,
    OfferAudienceRow,
    OrderLineRow,
    OrderReturnRow,
    OrderRow,
    PromotionRow,
    RegisterRow,
    RewardRow,
    TierChangeRow,
)
from sync.protocol import ChangeTopic
from sync.protocol import LedgerEntry as WireEntry

ORDER_COLUMNS = ["id", "register_id", "customer_id", "total_minor", "received_at", "store_id", "cashier_id",
                 "created_at", "currency", "subtotal_minor", "discount_minor", "points_value_minor",
                 "refunded_minor", "points_earned", "points_redeemed", "codes", "applied", "status", "has_lines"]
LINE_COLUMNS = ["order_id", "line_id", "position", "sku", "name", "qty", "qty_returned", "weighted",
                "unit_price_minor", "subtotal_minor", "discount_minor", "points_value_minor", "net_minor",
                "points_earned", "points_redeemed", "allocations"]
RETURN_COLUMNS = ["id", "order_id", "register_id", "at", "received_at", "actor_id", "refund_minor", "lines"]
ENTRY_COLUMNS = ["id", "register_id", "seq", "kind", "customer_id", "points", "reverses", "code", "discount_minor",
                 "order_id", "order_total_minor", "online", "created_at_register", "received_at", "payload_hash",
                 "flags", "details"]
CONFLICT_COLUMNS = ["kind", "register_id", "entry_id", "customer_id", "code", "points", "leakage_minor", "detail",
                    "created_at"]
CUSTOMER_COLUMNS = ["id", "name", "segments", "balance", "overdraft", "spent_minor", "last_order_at", "enrolled_at",
                    "consent_email", "consent_sms", "enrolled_register_id", "tier", "birthday", "left_at"]


@dataclass(frozen=True)
class Loaded:
    orders: int
    lines: int
    returns: int
    entries: int
    members: int


def _entry_row(entry: Any, exact: bool) -> tuple[Any, ...]:
    received = entry.created_at + timedelta(seconds=30)
    if exact:
        digest = WireEntry.build(
            id=entry.id, register_id=entry.register_id, seq=entry.seq, kind=entry.kind,
            customer_id=entry.customer_id, points=entry.points, reverses=entry.reverses, order_id=entry.order_id,
            order_total_minor=entry.order_total_minor, online=False, created_at_register=entry.created_at,
            reason=entry.reason).payload_hash
    else:
        digest = hashlib.sha256(entry.id.encode()).hexdigest()
    details = json.dumps({"reason": entry.reason}, sort_keys=True) if entry.reason else None
    return (entry.id, entry.register_id, entry.seq, entry.kind, entry.customer_id, entry.points, entry.reverses,
            None, None, entry.order_id, entry.order_total_minor, False, entry.created_at, received, digest, "",
            details)


def load_history(session: Session, history: Any, *, exact_hashes: bool = False, currency: str = "USD",
                 progress: Callable[[str], None] | None = None) -> Loaded:
    """Write the whole year (iterating `history.days()`) in the caller's transaction."""
    counts = {"orders": 0, "lines": 0, "returns": 0, "entries": 0}
    buffers: dict[str, list[tuple[Any, ...]]] = {k: [] for k in ("orders", "lines", "returns", "entries",
                                                                   "conflicts")}
    tables = {"orders": (OrderRow, ORDER_COLUMNS), "lines": (OrderLineRow, LINE_COLUMNS),
              "returns": (OrderReturnRow, RETURN_COLUMNS), "entries": (LedgerEntryRow, ENTRY_COLUMNS),
              "conflicts": (ConflictRow, CONFLICT_COLUMNS)}

    def flush() -> None:
        for name, rows in buffers.items():
            if rows:
                table, columns = tables[name]
                bulk_insert(session, table.__table__, columns, rows)
                rows.clear()

    for day in history.days():
        for order in day.orders:
            received = order.created_at + timedelta(seconds=20)
            buffers["orders"].append((
                order.id, order.register_id, order.customer_id, order.total_minor, received, order.store_id, "K1",
                order.created_at, currency, order.subtotal_minor, order.discount_minor, order.points_value_minor,
                order.refunded_minor, order.points_earned, order.points_redeemed, "[]",
                json.dumps([{"id": pid, "amount_minor": amount} for pid, amount in order.applied]), order.status,
                True))
            for line in order.lines:
                buffers["lines"].append((
                    order.id, line.line_id, line.position, line.sku, line.name, str(line.qty),
                    str(line.qty_returned), False, line.unit_price_minor, line.subtotal_minor, line.discount_minor,
                    line.points_value_minor, line.net_minor, line.points_earned, line.points_redeemed,
                    json.dumps(line.allocations, sort_keys=True)))
        for back in day.returns:
            buffers["returns"].append((
                back.id, back.order_id, back.register_id, back.at, back.at + timedelta(seconds=20), "K1",
                back.refund_minor, json.dumps([{"line_id": lid, "qty": str(qty), "refund_minor": refund,
                                                "points_given_back": given, "points_taken_back": taken}
                                               for lid, qty, refund, given, taken in back.lines])))
        buffers["entries"] += [_entry_row(e, exact_hashes) for e in day.entries]
        buffers["conflicts"] += [(c.kind, c.register_id, None, c.customer_id, None, c.points, c.leakage_minor,
                                  c.detail, c.created_at) for c in day.conflicts]
        counts["orders"] += len(day.orders)
        counts["lines"] += sum(len(o.lines) for o in day.orders)
        counts["returns"] += len(day.returns)
        counts["entries"] += len(day.entries)
        if len(buffers["lines"]) > 200_000:
            flush()
            if progress:
                progress(f"{day.day}: {counts['orders']:,} orders, {counts['entries']:,} entries")
    flush()
    _registers(session, history)
    members = _members(session, history)
    bulk_insert(session, TierChangeRow.__table__, ["customer_id", "from_tier", "to_tier", "changed_at", "reason"],
                ((t.customer_id, t.from_tier, t.to_tier, t.changed_at, "progression") for t in history.tier_changes))
    bulk_insert(session, OfferAudienceRow.__table__, ["promotion_id", "customer_id", "group", "assigned_at", "source"],
                ((a.promotion_id, a.customer_id, a.group, a.assigned_at, "winback") for a in history.audiences))
    _catalogue(session, history)
    return Loaded(counts["orders"], counts["lines"], counts["returns"], counts["entries"], members)


def _registers(session: Session, history: Any) -> None:
    now = datetime.now(UTC)
    known = {r.id: r for r in session.scalars(sa.select(RegisterRow))}
    wanted = [(register, store) for store, register in history.registers] + [(CENTRAL_REGISTER_ID, "HQ")]
    for register, store in wanted:
        seq = history.seq.get(register, 0)
        row = known.get(register)
        if row is None:
            session.add(RegisterRow(id=register, store_id=store, name=register.split(".")[-1], acked_seq=seq,
                                    created_at=now))
        else:
            row.acked_seq = max(row.acked_seq, seq)
    session.flush()


def _members(session: Session, history: Any) -> int:
    existing = set(session.scalars(sa.select(CustomerRow.id)))
    segments = "[]"
    fresh = []
    changed = []
    for m in history.members:
        values = {"balance": m.balance, "spent_minor": m.spent_minor, "last_order_at": m.last_order_at,
                  "enrolled_at": m.enrolled_at, "enrolled_register_id": m.register_id, "tier": m.tier,
                  "left_at": m.left_at}
        if m.id in existing:
            changed.append({"b_id": m.id, **{f"b_{k}": v for k, v in values.items()}})
        else:
            fresh.append((m.id, f"Member {m.id}", segments, m.balance, 0, m.spent_minor, m.last_order_at,
                          m.enrolled_at, False, False, m.register_id, m.tier, m.birthday, m.left_at))
    bulk_insert(session, CustomerRow.__table__, CUSTOMER_COLUMNS, fresh)
    if changed:
        table = CustomerRow.__table__
        session.execute(table.update().where(table.c.id == sa.bindparam("b_id")).values(
            **{k: sa.bindparam(f"b_{k}") for k in ("balance", "spent_minor", "last_order_at", "enrolled_at",
                                                   "enrolled_register_id", "tier", "left_at")}), changed)
        rows = session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_([c["b_id"] for c in changed]))).all()
        feed.emit(session, [(ChangeTopic.CUSTOMER, r.id, customer_record(r)) for r in rows])
    return len(history.members)


def _catalogue(session: Session, history: Any) -> None:
    now = datetime.now(UTC)
    rewards = {r[0] for r in session.execute(sa.select(RewardRow.id))}
    for reward_id, name, points, promotion_id in history.spec.rewards:
        if reward_id not in rewards:
            session.add(RewardRow(id=reward_id, name=name, kind="discount", points=points,
                                  promotion_id=promotion_id, active=True, data="{}", updated_at=now))
    promotions = {r[0] for r in session.execute(sa.select(PromotionRow.id))}
    for pid, name in history.promotions:
        if pid not in promotions:
            session.add(PromotionRow(id=pid, data=json.dumps({"id": pid, "name": name}), updated_at=now))
    session.flush()


__all__ = ["Loaded", "load_history"]
