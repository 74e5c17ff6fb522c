"""Receipts as they were printed (`receipts`), kept by order so they can be printed again."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_app.storage.tables import ReceiptRow


class ReceiptRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, order_id: str, kind: str, printed_at: datetime, body: dict[str, Any]) -> None:
        self._session.add(ReceiptRow(order_id=order_id, kind=kind, printed_at=printed_at,
                                     body=json.dumps(body, sort_keys=True, ensure_ascii=False)))
        self._session.flush()

    def of_order(self, order_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(kind, body) of every receipt printed for the order, the sale's first."""
        rows = self._session.execute(
            select(ReceiptRow.kind, ReceiptRow.body).where(ReceiptRow.order_id == order_id).order_by(ReceiptRow.id)
        )
        return [(kind, json.loads(body)) for kind, body in rows]

    def last_order_id(self) -> str | None:
        """The order of the receipt printed last (a sale's or a return's)."""
        return self._session.scalar(select(ReceiptRow.order_id).order_by(ReceiptRow.id.desc()).limit(1))


__all__ = ["ReceiptRepository"]
