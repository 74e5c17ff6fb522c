"""The record outbox and the feed's quarantine: what this register publishes and what it set aside.

`RecordOutboxRepository.add` writes a record (a member, a code, an order, a
return, a void) in the caller's transaction, so a record exists exactly when
what it records does. Records are pushed oldest first until the central
service answers each; the answer stays on the row (`accepted`,
`flagged:duplicate_card`, `rejected:order_id_taken`, ...), and rejected ones
stay listed for the manager.

`FeedQuarantineRepository` keeps pulled changes this register could not
apply, with the error, so the rest of the feed goes on and a manager sees
what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import uuid6
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from pos_app.domain.ledger import canonical_json
from pos_app.storage.tables import FeedQuarantineRow, RecordOutboxRow


@dataclass(frozen=True, slots=True)
class PendingRecord:
    id: str
    kind: str
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AnsweredRecord:
    id: str
    kind: str
    result: str
    created_at: datetime
    summary: str


@dataclass(frozen=True, slots=True)
class SetAside:
    change_seq: int
    topic: str
    key: str
    error: str
    set_aside_at: datetime


def _summary(kind: str, data: Mapping[str, Any]) -> str:
    """A few words naming what a record is about (no personal data: ids and codes only)."""
    for field in ("order_id", "id", "code"):
        if data.get(field):
            return f"{kind} {data[field]}"
    return kind


_INSERT_RECORD = insert(RecordOutboxRow.__table__)  # one or more per sale: built once


class RecordOutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, kind: str, data: Mapping[str, Any], at: datetime) -> str:
        """Write a record to publish; returns its id (the central service's idempotency key)."""
        record_id = str(uuid6.uuid7())
        self._session.execute(_INSERT_RECORD, dict(
            id=record_id, kind=kind, payload=canonical_json(dict(data)), created_at=at))
        return record_id

    def pending(self, limit: int) -> list[PendingRecord]:
        rows = self._session.execute(
            select(RecordOutboxRow.id, RecordOutboxRow.kind, RecordOutboxRow.payload, RecordOutboxRow.created_at)
            .where(RecordOutboxRow.acknowledged_at.is_(None)).order_by(RecordOutboxRow.seq).limit(limit)
        ).all()
        return [PendingRecord(r.id, r.kind, json.loads(r.payload), r.created_at) for r in rows]

    def pending_count(self) -> int:
        return self._session.scalar(
            select(func.count()).select_from(RecordOutboxRow).where(RecordOutboxRow.acknowledged_at.is_(None))) or 0

    def acknowledge(self, answers: Iterable[tuple[str, str]], at: datetime) -> None:
        """Write the central service's answer (`accepted`, `rejected:reason`, ...) on each record."""
        for record_id, result in answers:
            self._session.execute(
                update(RecordOutboxRow)
                .where(RecordOutboxRow.id == record_id, RecordOutboxRow.acknowledged_at.is_(None))
                .values(acknowledged_at=at, result=result[:200]))

    def pending_ids_of(self, kind: str, field: str, values: Iterable[str]) -> set[str]:
        """Which of `values` have a record of `kind` still waiting (e.g. members edited here, not yet sent)."""
        wanted = set(values)
        if not wanted:
            return set()
        rows = self._session.scalars(select(RecordOutboxRow.payload).where(
            RecordOutboxRow.acknowledged_at.is_(None), RecordOutboxRow.kind == kind))
        return {str(v) for v in (json.loads(p).get(field) for p in rows) if v in wanted}

    def refused(self, limit: int = 100) -> list[AnsweredRecord]:
        """Records the central service rejected or flagged, newest first."""
        rows = self._session.execute(
            select(RecordOutboxRow.id, RecordOutboxRow.kind, RecordOutboxRow.result, RecordOutboxRow.created_at,
                   RecordOutboxRow.payload)
            .where(RecordOutboxRow.result.is_not(None),
                   (RecordOutboxRow.result.like("rejected%") | RecordOutboxRow.result.like("flagged%")))
            .order_by(RecordOutboxRow.seq.desc()).limit(limit)).all()
        return [AnsweredRecord(r.id, r.kind, r.result, r.created_at, _summary(r.kind, json.loads(r.payload)))
                for r in rows]


class FeedQuarantineRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def set_aside(self, change_seq: int, topic: str, key: str, data: Mapping[str, Any] | None, error: str,
                  at: datetime) -> None:
        self._session.execute(insert(FeedQuarantineRow).values(
            change_seq=change_seq, topic=topic, key=key[:160],
            data=None if data is None else json.dumps(data, sort_keys=True, ensure_ascii=False),
            error=error[:1000], set_aside_at=at))

    def listed(self, limit: int = 100) -> list[SetAside]:
        rows = self._session.scalars(
            select(FeedQuarantineRow).order_by(FeedQuarantineRow.id.desc()).limit(limit)).all()
        return [SetAside(r.change_seq, r.topic, r.key, r.error, r.set_aside_at) for r in rows]

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(FeedQuarantineRow)) or 0


__all__ = ["AnsweredRecord", "FeedQuarantineRepository", "PendingRecord", "RecordOutboxRepository", "SetAside"]
