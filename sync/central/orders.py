"""The chain's orders at the central service: every sale of every register, with its lines.

An order id is unique across the chain: `S1-R1-000042` names the store, the
register and the number. Registers older than that numbered orders `R1-000042`
(unique only within their store); such an id gets the pushing register's store
in front (`chain_order_id`), here and in the migration that converted the
orders already held.

A register publishes each order as a record when it is paid, and returns and
voids as records of their own. An order id another register already used is
a real collision: the record is rejected and a conflict shows it, never
silently dropped. A return of more than was sold (two stores returning the
same item while offline) is taken, since the money was paid back, and
flagged. The member's spend (`customers.spent_minor`, what top-spender
segments read) follows: + the total when the order arrives, - each refund,
- what was left when the order is voided.

`order_for_register` answers a register that must return or void an order it
does not hold (sold at another store): the order with its frozen lines and
what was returned of them so far.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central.db import as_utc
from sync.central.members import CustomerState
from sync.central.tables import ConflictRow, OrderLineRow, OrderReturnRow, OrderRow, RegisterRow
from sync.protocol.records import OrderData, OrderReturnData, OrderVoidData

FLAG_RETURNED_MORE_THAN_SOLD = "returned_more_than_sold"
FLAG_UNKNOWN_ORDER = "unknown_order"
CONFLICT_ORDER_COLLISION = "order_collision"

_LEGACY_ORDER_ID = re.compile(r"[^-]+-[0-9]+")


def chain_order_id(order_id: str, store_id: str) -> str:
    """The chain-wide id of an order a register of `store_id` numbered (old `R1-000042` ids get the store)."""
    return f"{store_id}-{order_id}" if _LEGACY_ORDER_ID.fullmatch(order_id) else order_id


class OrderRefused(Exception):
    """An order record that cannot be taken (its id is another register's order, ...)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class OrderOutcome:
    flags: tuple[str, ...] = ()
    customer_id: str | None = None


def customers_of(session: Session, order_ids: list[str]) -> dict[str, str | None]:
    """The member of each known order (returns and voids lock that member before they change the spend)."""
    if not order_ids:
        return {}
    rows = session.execute(sa.select(OrderRow.id, OrderRow.customer_id).where(OrderRow.id.in_(order_ids)))
    return {r.id: r.customer_id for r in rows}


def apply_order(session: Session, register: RegisterRow, record_id: str, data: OrderData,
                customer: CustomerState | None, now: datetime) -> OrderOutcome:
    """Take an order with its lines; `customer` (locked by the caller) is the member it counts for."""
    order_id = chain_order_id(data.id, register.store_id)
    if data.store_id != register.store_id:
        raise OrderRefused("store_mismatch",
                           f"order {order_id} says store {data.store_id}; register {register.id} is in {register.store_id}")
    row = session.get(OrderRow, order_id, with_for_update=True)
    counted_before = 0
    if row is not None:
        if row.register_id != register.id or row.has_lines:
            raise OrderRefused("order_id_taken", f"order id {order_id} from {register.id} is already an order "
                                                 f"of {row.register_id}: not booked")
        counted_before = row.total_minor if row.customer_id else 0  # known from its accrual entry only
    else:
        row = OrderRow(id=order_id, register_id=register.id)
        session.add(row)
    row.customer_id = customer.id if customer is not None else None
    row.store_id = data.store_id
    row.cashier_id = data.cashier_id
    row.created_at = data.created_at
    row.received_at = row.received_at or now
    row.currency = data.currency
    row.subtotal_minor = data.subtotal_minor
    row.discount_minor = data.discount_minor
    row.points_value_minor = data.points_value_minor
    row.total_minor = data.total_minor
    row.refunded_minor = row.refunded_minor or 0
    row.points_earned = data.points_earned
    row.points_redeemed = data.points_redeemed
    row.codes = json.dumps(data.codes)
    row.applied = json.dumps([a.model_dump() for a in data.applied])
    row.status = row.status or "paid"
    row.has_lines = True
    row.record_id = record_id
    session.flush()
    session.execute(OrderLineRow.__table__.insert(), [
        {"order_id": order_id, "line_id": line.line_id, "position": line.position, "sku": line.sku, "name": line.name,
         "qty": line.qty, "qty_returned": "0", "weighted": line.weighted, "unit_price_minor": line.unit_price_minor,
         "subtotal_minor": line.subtotal_minor, "discount_minor": line.discount_minor,
         "points_value_minor": line.points_value_minor, "net_minor": line.net_minor,
         "points_earned": line.points_earned, "points_redeemed": line.points_redeemed,
         "allocations": json.dumps(line.allocations, sort_keys=True)}
        for line in data.lines
    ])
    if customer is not None:
        customer.spent_minor += data.total_minor - counted_before
        placed = as_utc(data.created_at)
        last = as_utc(customer.last_order_at)
        customer.last_order_at = placed if last is None or (placed is not None and placed > last) else last
    flags: list[str] = []
    # Returns recorded before the order reached the central service (a return at another store).
    for earlier in session.scalars(sa.select(OrderReturnRow).where(OrderReturnRow.order_id == order_id)).all():
        flags += _return_lines(session, row, json.loads(earlier.lines), earlier.refund_minor, customer, register,
                               earlier.id, now)
    return OrderOutcome(tuple(flags), row.customer_id)


def order_from_entry(order_id: str, register: RegisterRow, customer_id: str | None, total_minor: int,
                     created_at: datetime, now: datetime) -> dict[str, Any]:
    """The order row an accrual entry stands for when no order record came (a register of an older release)."""
    return {"id": chain_order_id(order_id, register.store_id), "register_id": register.id, "customer_id": customer_id,
            "total_minor": total_minor, "received_at": now, "store_id": register.store_id,
            "created_at": created_at, "has_lines": False}


def apply_return(session: Session, register: RegisterRow, record_id: str, data: OrderReturnData,
                 customer: CustomerState | None, now: datetime) -> OrderOutcome:
    """Book a return (kept even for an order not yet known here: it is applied when the order arrives)."""
    order_id = chain_order_id(data.order_id, register.store_id)
    lines = [line.model_dump() for line in data.lines]
    session.add(OrderReturnRow(id=data.id, order_id=order_id, register_id=register.id, at=data.at, received_at=now,
                               actor_id=data.actor_id, refund_minor=data.refund_minor, lines=json.dumps(lines)))
    row = session.get(OrderRow, order_id, with_for_update=True)
    if row is None or not row.has_lines:
        return OrderOutcome((FLAG_UNKNOWN_ORDER,))
    flags = _return_lines(session, row, lines, data.refund_minor, customer, register, record_id, now)
    return OrderOutcome(tuple(flags), row.customer_id)


def _return_lines(session: Session, order: OrderRow, lines: list[dict[str, Any]], refund_minor: int,
                  customer: CustomerState | None, register: RegisterRow, record_id: str, now: datetime) -> list[str]:
    held = {r.line_id: r for r in session.scalars(
        sa.select(OrderLineRow).where(OrderLineRow.order_id == order.id).with_for_update()).all()}
    flags: list[str] = []
    for line in lines:
        sold = held.get(line["line_id"])
        if sold is None:
            flags.append(FLAG_RETURNED_MORE_THAN_SOLD)
            continue
        returned = Decimal(sold.qty_returned) + Decimal(line["qty"])
        sold.qty_returned = str(returned)
        if returned > Decimal(sold.qty) and FLAG_RETURNED_MORE_THAN_SOLD not in flags:
            flags.append(FLAG_RETURNED_MORE_THAN_SOLD)
    order.refunded_minor = (order.refunded_minor or 0) + refund_minor
    if order.customer_id is not None and customer is not None and order.status == "paid":
        customer.spent_minor -= refund_minor
    if flags:
        session.add(ConflictRow(kind=FLAG_RETURNED_MORE_THAN_SOLD, register_id=register.id, entry_id=record_id,
                                customer_id=order.customer_id, code=None, points=0, leakage_minor=refund_minor,
                                detail=f"order {order.id}: returned more than was sold (returns at several stores)",
                                created_at=now))
    return flags


def apply_void(session: Session, register: RegisterRow, data: OrderVoidData, customer: CustomerState | None
               ) -> OrderOutcome:
    order_id = chain_order_id(data.order_id, register.store_id)
    row = session.get(OrderRow, order_id, with_for_update=True)
    if row is None:
        return OrderOutcome((FLAG_UNKNOWN_ORDER,))
    if row.status == "voided":
        return OrderOutcome()
    if row.customer_id is not None and customer is not None:
        customer.spent_minor -= row.total_minor - (row.refunded_minor or 0)
    row.status = "voided"
    return OrderOutcome((), row.customer_id)


def order_for_register(session: Session, order_id: str, store_id: str) -> dict[str, Any] | None:
    """An order as a register returning or voiding it needs it, or None (`R1-000042` read in `store_id`)."""
    row = session.get(OrderRow, chain_order_id(order_id, store_id))
    if row is None or not row.has_lines:
        return None
    lines = session.scalars(
        sa.select(OrderLineRow).where(OrderLineRow.order_id == row.id).order_by(OrderLineRow.position)).all()
    return {
        "id": row.id, "store_id": row.store_id, "register_id": row.register_id, "customer_id": row.customer_id,
        "cashier_id": row.cashier_id, "created_at": as_utc(row.created_at).isoformat() if row.created_at else None,
        "currency": row.currency, "status": row.status, "subtotal_minor": row.subtotal_minor,
        "discount_minor": row.discount_minor, "points_value_minor": row.points_value_minor,
        "total_minor": row.total_minor, "refunded_minor": row.refunded_minor, "points_earned": row.points_earned,
        "points_redeemed": row.points_redeemed, "codes": json.loads(row.codes or "[]"),
        "lines": [
            {"line_id": line.line_id, "position": line.position, "sku": line.sku, "name": line.name, "qty": line.qty,
             "qty_returned": line.qty_returned, "weighted": line.weighted, "unit_price_minor": line.unit_price_minor,
             "subtotal_minor": line.subtotal_minor, "discount_minor": line.discount_minor,
             "points_value_minor": line.points_value_minor, "net_minor": line.net_minor,
             "points_earned": line.points_earned, "points_redeemed": line.points_redeemed,
             "allocations": json.loads(line.allocations or "{}")}
            for line in lines
        ],
    }


__all__ = [
    "CONFLICT_ORDER_COLLISION",
    "FLAG_RETURNED_MORE_THAN_SOLD",
    "FLAG_UNKNOWN_ORDER",
    "OrderOutcome",
    "OrderRefused",
    "apply_order",
    "apply_return",
    "apply_void",
    "chain_order_id",
    "customers_of",
    "order_for_register",
    "order_from_entry",
]
