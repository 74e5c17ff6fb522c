"""Ingesting the records a register publishes: members, issued codes, orders, returns, voids, feed problems.

One push of records is one transaction, under the register's row lock (the
same lock its ledger pushes take, so a register's records and entries are
booked in the order it sent them). The members the batch touches are locked
up front in id order, so concurrent pushes never deadlock. Each record is
then decided on its own, inside a savepoint:

- an id already answered with the same hash gets its first answer again
  (`exists`, or the same rejection); with another hash it is rejected
  (`payload_conflict`) and an alert is raised; nothing changes;
- a record whose data does not fit its kind, or that the rules refuse (an
  order id another register already used, a code another promotion owns), is
  rejected with its reason and nothing of it is written;
- a record taken with a conflict is `flagged` and the conflict is listed.

The answer of every record is kept, so a resend is answered the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from sync.central import codes, members, orders
from sync.central.errors import Forbidden
from sync.central.report import live as report_live
from sync.central.tables import AlertRow, ConflictRow, ReceivedRecordRow, RegisterRow
from sync.protocol.records import (
    RECORD_DATA,
    CodeData,
    CustomerData,
    FeedProblemData,
    OrderData,
    OrderReturnData,
    OrderVoidData,
    RecordKind,
    RecordResult,
    RecordStatus,
    SyncRecord,
)

CONFLICT_FEED_PROBLEM = "feed_problem"


class _Refusal(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_data(record: SyncRecord) -> Any:
    """The record's data as its kind's model; raises `_Refusal` with a readable reason."""
    try:
        kind = RecordKind(record.kind)
    except ValueError:
        raise _Refusal(f"unknown_kind: {record.kind[:32]!r}") from None
    try:
        return RECORD_DATA[kind].model_validate(record.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise _Refusal(f"bad_data: {where}: {first.get('msg', 'invalid')}"[:200]) from None


def customer_ids_of(session: Session, register: RegisterRow, parsed: Sequence[Any]) -> set[str]:
    """Every member the batch may change (to create as stubs and lock up front)."""
    wanted: set[str] = set()
    order_ids: list[str] = []
    for data in parsed:
        if isinstance(data, CustomerData):
            wanted.add(data.id)
        elif isinstance(data, OrderData) and data.customer_id:
            wanted.add(data.customer_id)
        elif isinstance(data, OrderReturnData | OrderVoidData):
            order_ids.append(orders.chain_order_id(data.order_id, register.store_id))
    wanted |= {cid for cid in orders.customers_of(session, order_ids).values() if cid}
    return wanted


def parse_batch(records: Sequence[SyncRecord]) -> list[Any]:
    """Each record's data, or None where it does not parse (decided, with its reason, in `ingest_records`)."""
    parsed: list[Any] = []
    for record in records:
        try:
            parsed.append(parse_data(record))
        except _Refusal:
            parsed.append(None)
    return parsed


def ingest_records(session: Session, register: RegisterRow, records: Sequence[SyncRecord], now: datetime,
                   *, phone_region: str) -> list[RecordResult]:
    """Decide and book one pushed batch of records; `register` must be locked by the caller."""
    for i, record in enumerate(records):
        if record.register_id != register.id:
            raise Forbidden(f"records[{i}].register_id: {record.register_id!r} is not this register ({register.id})")
    known = {
        row.id: row for row in session.scalars(
            sa.select(ReceivedRecordRow).where(ReceivedRecordRow.id.in_([r.id for r in records])))
    } if records else {}
    parsed = parse_batch(records)
    member_ids = customer_ids_of(session, register, [p for p in parsed if p is not None])
    order_members = {cid: members.resolve_member(session, cid) for cid in member_ids}
    locked = members.lock_customers(session, set(member_ids) | set(order_members.values()), now)
    results: list[RecordResult] = []
    answered: dict[str, RecordResult] = {}
    for record, data in zip(records, parsed, strict=True):
        prior = known.get(record.id)
        if prior is None and record.id in answered:
            results.append(answered[record.id])
            continue
        if prior is not None:
            results.append(_again(session, register, record, prior, now))
            continue
        result = _decide(session, register, record, data, locked, order_members, now, phone_region)
        answered[record.id] = result
        session.add(ReceivedRecordRow(id=record.id, register_id=register.id, kind=record.kind[:32],
                                      payload_hash=record.payload_hash, status=result.status.value,
                                      reason=result.reason, flags=",".join(result.flags), received_at=now))
        results.append(result)
    members.write_customers(session, locked.values())
    report_live.records_booked(session, register, [p for p in parsed if p is not None])
    session.flush()
    return results


def _again(session: Session, register: RegisterRow, record: SyncRecord, prior: ReceivedRecordRow,
           now: datetime) -> RecordResult:
    if prior.payload_hash != record.payload_hash:
        session.add(AlertRow(kind="payload_conflict", register_id=register.id, entry_id=record.id,
                             detail=f"record {record.id} sent again with another payload", created_at=now))
        return RecordResult(id=record.id, status=RecordStatus.REJECTED, reason="payload_conflict")
    if prior.status == RecordStatus.REJECTED.value:
        return RecordResult(id=record.id, status=RecordStatus.REJECTED, reason=prior.reason)
    return RecordResult(id=record.id, status=RecordStatus.EXISTS, flags=[f for f in prior.flags.split(",") if f])


def _decide(session: Session, register: RegisterRow, record: SyncRecord, data: Any,
            locked: dict[str, members.CustomerState], order_members: dict[str, str], now: datetime,
            phone_region: str) -> RecordResult:
    if not record.hash_is_valid():
        return RecordResult(id=record.id, status=RecordStatus.REJECTED, reason="bad_hash")
    if data is None:
        try:
            parse_data(record)
        except _Refusal as refusal:
            return RecordResult(id=record.id, status=RecordStatus.REJECTED, reason=refusal.reason)
    # Python-side state a record changes is saved so a savepoint rolled back leaves none of it behind.
    saved = {cid: (c.spent_minor, c.last_order_at) for cid, c in locked.items()}
    savepoint = session.begin_nested()
    try:
        flags = _book(session, register, record, data, locked, order_members, now, phone_region)
        savepoint.commit()
    except (_Refusal, members.BadMember, orders.OrderRefused, codes.CodeRefused) as refusal:
        savepoint.rollback()
        _restore(locked, saved)
        reason = getattr(refusal, "reason", str(refusal))
        _keep_refused_conflict(session, refusal, register, record, now)
        return RecordResult(id=record.id, status=RecordStatus.REJECTED, reason=reason[:200])
    except sa.exc.IntegrityError as exc:
        savepoint.rollback()
        _restore(locked, saved)
        return RecordResult(id=record.id, status=RecordStatus.REJECTED,
                            reason=f"conflicting_data: {str(exc.orig).splitlines()[0][:150]}")
    status = RecordStatus.FLAGGED if flags else RecordStatus.ACCEPTED
    return RecordResult(id=record.id, status=status, flags=list(flags), reason="flagged" if flags else None)


def _restore(locked: dict[str, members.CustomerState], saved: dict[str, tuple[int, Any]]) -> None:
    for cid, (spent, last) in saved.items():
        locked[cid].spent_minor, locked[cid].last_order_at = spent, last


def _keep_refused_conflict(session: Session, refusal: Exception, register: RegisterRow, record: SyncRecord,
                           now: datetime) -> None:
    """A refusal managers must see (an order id collision, a code owned elsewhere) outlives the rollback."""
    reason = getattr(refusal, "reason", "")
    if reason in ("order_id_taken", "code_taken"):
        session.add(ConflictRow(kind=orders.CONFLICT_ORDER_COLLISION if reason == "order_id_taken" else reason,
                                register_id=register.id, entry_id=record.id, customer_id=None, code=None, points=0,
                                leakage_minor=0, detail=getattr(refusal, "detail", str(refusal))[:500],
                                created_at=now))


def _book(session: Session, register: RegisterRow, record: SyncRecord, data: Any,
          locked: dict[str, members.CustomerState], order_members: dict[str, str], now: datetime,
          phone_region: str) -> tuple[str, ...]:
    if isinstance(data, CustomerData):
        outcome = members.apply_member(session, register, record.id, data, locked[data.id], phone_region, now)
        for conflict in outcome.conflicts:
            session.add(ConflictRow(**conflict))
        return outcome.flags
    if isinstance(data, CodeData):
        owner = members.resolve_member(session, data.customer_id) if data.customer_id else None
        return codes.apply_issued_code(session, register, data, owner, now)
    if isinstance(data, OrderData):
        member = order_members.get(data.customer_id) if data.customer_id else None
        return orders.apply_order(session, register, record.id, data, locked.get(member) if member else None,
                                  now).flags
    if isinstance(data, OrderReturnData | OrderVoidData):
        order_id = orders.chain_order_id(data.order_id, register.store_id)
        owner = orders.customers_of(session, [order_id]).get(order_id)
        member = locked.get(order_members.get(owner, owner)) if owner else None
        if isinstance(data, OrderReturnData):
            return orders.apply_return(session, register, record.id, data, member, now).flags
        return orders.apply_void(session, register, data, member).flags
    if isinstance(data, FeedProblemData):
        session.add(ConflictRow(kind=CONFLICT_FEED_PROBLEM, register_id=register.id, entry_id=record.id,
                                customer_id=None, code=None, points=0, leakage_minor=0,
                                detail=json.dumps(data.model_dump(), sort_keys=True)[:500], created_at=now))
        return ()
    raise _Refusal("unknown_kind")


__all__ = ["CONFLICT_FEED_PROBLEM", "customer_ids_of", "ingest_records", "parse_batch"]
