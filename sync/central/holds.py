"""Points held for sales being paid online, so two registers cannot spend the same points twice.

Before a register online writes a sale that spends points, it asks the
central service to hold them (`place_hold`). The central service grants the
hold only when the member's balance, less the points other holds keep,
covers it; the points are then kept for that register until its redemption
entry arrives (`consume_holds`, in the push that books the entry) or the hold
expires (ten minutes: a sale abandoned after the hold gives the points back
by itself, or at once when the register releases it). A second register
asking meanwhile sees only what is left. A hold is asked with an id chosen
by the register, so a retried request is answered as the first was. Every
answer gives the member's figures after it: `held` counts the hold just
granted, and `available` (balance less everything held) is what the next
request may take.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central.db import as_utc
from sync.central.errors import NotFound
from sync.central.members import lock_customers, resolve_member
from sync.central.tables import CustomerRow, HoldRow, RegisterRow
from sync.protocol.records import HoldAnswer

HOLD_TTL = timedelta(minutes=10)


def held_points(session: Session, customer_id: str, now: datetime) -> int:
    """Points kept by unexpired holds of the member."""
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(HoldRow.remaining), 0)).where(
        HoldRow.customer_id == customer_id, HoldRow.expires_at > now, HoldRow.remaining > 0)) or 0)


def place_hold(session: Session, register: RegisterRow, customer_id: str, hold_id: str, points: int,
               now: datetime) -> HoldAnswer:
    """Hold `points` of the member for the register, when what is available covers them.

    The answer's figures are the member's as they stand once the request is
    settled, the granted hold included: the same figures a retry of the
    request or another register's next request reads.
    """
    if session.get(CustomerRow, customer_id) is None:
        raise NotFound(f"no member {customer_id}")
    member = resolve_member(session, customer_id)
    customer = lock_customers(session, [member], now)[member]
    hold = session.get(HoldRow, hold_id)
    if hold is None and points <= customer.balance - held_points(session, member, now):
        hold = HoldRow(id=hold_id, customer_id=member, register_id=register.id, points=points, remaining=points,
                       created_at=now, expires_at=now + HOLD_TTL)
        session.add(hold)
        session.flush()
    granted = hold is not None and hold.register_id == register.id  # an id another register took is not this one's
    held = held_points(session, member, now)
    return HoldAnswer(customer_id=member, granted=granted, balance=customer.balance, held=held,
                      available=customer.balance - held,
                      expires_at=as_utc(hold.expires_at) if granted and hold is not None else None)


def release_hold(session: Session, register: RegisterRow, hold_id: str) -> bool:
    """Give the held points back now (the sale was not paid); False when there was no such hold."""
    result = session.execute(sa.update(HoldRow).where(HoldRow.id == hold_id, HoldRow.register_id == register.id)
                             .values(remaining=0))
    return bool(result.rowcount)


def consume_holds(session: Session, register_id: str, customer_id: str, points: int, now: datetime) -> None:
    """A redemption of `points` from the register was booked: its holds for the member shrink by as much."""
    left = points
    holds = session.scalars(
        sa.select(HoldRow).where(HoldRow.register_id == register_id, HoldRow.customer_id == customer_id,
                                 HoldRow.remaining > 0, HoldRow.expires_at > now)
        .order_by(HoldRow.created_at, HoldRow.id).with_for_update()).all()
    for hold in holds:
        if left <= 0:
            break
        take = min(hold.remaining, left)
        hold.remaining -= take
        left -= take


__all__ = ["HOLD_TTL", "consume_holds", "held_points", "place_hold", "release_hold"]
