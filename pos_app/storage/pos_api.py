"""What the till's POS API keeps: its keys (hashed) and the answers of its state-changing calls.

A key is looked up by the SHA-256 of what the till sends; the key itself is
never stored. An answer is stored under (key name, `transaction_id`) with the
fingerprint of the request it answered, in the transaction of the work it
answers (see `UnitOfWork.hold_commit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from pos_app.storage.tables import PosKeyRow, PosTransactionRow


@dataclass(frozen=True, slots=True)
class PosKey:
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The first answer to a till's call: its HTTP status and JSON text, and the request it answered."""

    call: str
    request_hash: str
    status: int
    answer: str


# Every call reads its till's key, every commit its transaction's answer: built once, plain rows.
_NAME_FOR_HASH = select(PosKeyRow.name).where(PosKeyRow.key_hash == bindparam("key_hash"))
_ANSWER = select(PosTransactionRow.call, PosTransactionRow.request_hash, PosTransactionRow.status,
                 PosTransactionRow.answer).where(PosTransactionRow.key_name == bindparam("key_name"),
                                                 PosTransactionRow.transaction_id == bindparam("transaction_id"))
_INSERT_ANSWER = insert(PosTransactionRow.__table__)


class PosKeyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, name: str, key_hash: str, at: datetime) -> None:
        self._session.add(PosKeyRow(name=name, key_hash=key_hash, created_at=at))
        self._session.flush()

    def exists(self, name: str) -> bool:
        return self._session.get(PosKeyRow, name) is not None

    def remove(self, name: str) -> bool:
        return self._session.execute(delete(PosKeyRow).where(PosKeyRow.name == name)).rowcount > 0

    def name_for(self, key_hash: str) -> str | None:
        return self._session.connection().scalar(_NAME_FOR_HASH, {"key_hash": key_hash})

    def all(self) -> list[PosKey]:
        rows = self._session.scalars(select(PosKeyRow).order_by(PosKeyRow.name))
        return [PosKey(row.name, row.created_at) for row in rows]


class PosTransactionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key_name: str, transaction_id: str) -> StoredAnswer | None:
        row = self._session.execute(_ANSWER, {"key_name": key_name, "transaction_id": transaction_id}).one_or_none()
        return None if row is None else StoredAnswer(*row)

    def add(self, key_name: str, transaction_id: str, answer: StoredAnswer, at: datetime) -> None:
        self._session.execute(
            _INSERT_ANSWER,
            dict(
                key_name=key_name,
                transaction_id=transaction_id,
                call=answer.call,
                request_hash=answer.request_hash,
                status=answer.status,
                answer=answer.answer,
                created_at=at,
            ),
        )


__all__ = ["PosKey", "PosKeyRepository", "PosTransactionRepository", "StoredAnswer"]
