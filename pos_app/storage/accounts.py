"""Users (cashiers, managers) and the hash-chained audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pos_app.domain.account import Role, UserAccount
from pos_app.domain.audit_chain import GENESIS_HASH, AuditRecord, record_hash
from pos_app.domain.ledger import canonical_json
from pos_app.storage.tables import AuditLogRow, UserRow


def _to_account(row: UserRow) -> UserAccount:
    return UserAccount(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        failed_attempts=row.failed_attempts,
        locked_until=row.locked_until,
        active=row.active,
        daily_adjust_limit=row.daily_adjust_limit,
    )


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: str) -> UserAccount | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else _to_account(row)

    def pin_hash(self, user_id: str) -> str | None:
        return self._session.scalar(select(UserRow.pin_hash).where(UserRow.id == user_id))

    def add(self, account: UserAccount, pin_hash: str, at: datetime) -> None:
        self._session.add(
            UserRow(
                id=account.id,
                name=account.name,
                role=account.role.value,
                pin_hash=pin_hash,
                failed_attempts=0,
                active=account.active,
                daily_adjust_limit=account.daily_adjust_limit,
                created_at=at,
            )
        )
        self._session.flush()

    def set_failures(self, user_id: str, attempts: int, locked_until: datetime | None) -> None:
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(failed_attempts=attempts, locked_until=locked_until)
        )

    def set_pin_hash(self, user_id: str, pin_hash: str) -> None:
        self._session.execute(update(UserRow).where(UserRow.id == user_id).values(pin_hash=pin_hash))

    def all(self) -> list[UserAccount]:
        return [_to_account(row) for row in self._session.scalars(select(UserRow).order_by(UserRow.id))]


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def append(
        self, actor_id: str | None, action: str, details: Mapping[str, Any], at: datetime
    ) -> AuditRecord:
        """Chain a new record after the last one (the write lock of the unit of work serialises this)."""
        last = self._session.execute(
            select(AuditLogRow.seq, AuditLogRow.hash).order_by(AuditLogRow.seq.desc()).limit(1)
        ).one_or_none()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        details = json.loads(canonical_json(details))  # exactly what is stored and hashed
        digest = record_hash(prev, seq, at, actor_id, action, details)
        self._session.add(
            AuditLogRow(
                seq=seq,
                at=at,
                actor_id=actor_id,
                action=action,
                details=canonical_json(details).decode("utf-8"),
                prev_hash=prev,
                hash=digest,
            )
        )
        self._session.flush()
        return AuditRecord(seq, at, actor_id, action, details, prev, digest)

    def head(self) -> tuple[int, str] | None:
        """(seq, hash) of the chain's last record, or None for an empty log."""
        row = self._session.execute(
            select(AuditLogRow.seq, AuditLogRow.hash).order_by(AuditLogRow.seq.desc()).limit(1)).first()
        return None if row is None else (row[0], row[1])

    def hash_at(self, seq: int) -> str | None:
        return self._session.scalar(select(AuditLogRow.hash).where(AuditLogRow.seq == seq))

    def records(self) -> list[AuditRecord]:
        return [
            AuditRecord(
                row.seq, row.at, row.actor_id, row.action, json.loads(row.details), row.prev_hash, row.hash
            )
            for row in self._session.scalars(select(AuditLogRow).order_by(AuditLogRow.seq))
        ]


__all__ = ["AuditRepository", "UserRepository"]
