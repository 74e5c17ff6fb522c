"""Members who leave the program: a participant until the day they leave, not on it.

`pos-central member-leave CUSTOMER` records it (`customers.left_at`); the
member keeps their history (orders and points stay theirs) and the report
counts them among the period's leavers. `member-rejoin` clears it. The
change goes out on the change feed like any change to a member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.db import utcnow
from sync.central.errors import CentralError, NotFound
from sync.central.members import customer_record
from sync.central.tables import CustomerRow
from sync.protocol import ChangeTopic


def member_left(session: Session, customer_id: str, at: datetime | None = None) -> CustomerRow:
    row = session.get(CustomerRow, customer_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no member {customer_id}")
    if row.merged_into is not None:
        raise CentralError(f"{customer_id} was merged into {row.merged_into}: it is that member who may leave")
    row.left_at = at or utcnow()
    session.flush()
    feed.emit(session, [(ChangeTopic.CUSTOMER, row.id, customer_record(row))])
    return row


def member_rejoined(session: Session, customer_id: str) -> CustomerRow:
    row = session.get(CustomerRow, customer_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no member {customer_id}")
    row.left_at = None
    session.flush()
    feed.emit(session, [(ChangeTopic.CUSTOMER, row.id, customer_record(row))])
    return row


__all__ = ["member_left", "member_rejoined"]
