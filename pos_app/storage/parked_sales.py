"""Sales put aside at the register (`parked_sales`), each with its draft as JSON, until recalled."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pos_app.storage.tables import ParkedSaleRow


@dataclass(frozen=True, slots=True)
class ParkedSale:
    """What the list of parked sales shows; the draft itself comes back with `take`."""

    id: str
    parked_at: datetime
    cashier_id: str | None
    customer_id: str | None
    label: str
    item_count: int
    total_minor: int
    currency: str


def _to_parked(row: ParkedSaleRow) -> ParkedSale:
    return ParkedSale(row.id, row.parked_at, row.cashier_id, row.customer_id, row.label, row.item_count,
                      row.total_minor, row.currency)


class ParkedSaleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, parked: ParkedSale, draft: dict[str, Any]) -> None:
        """Park a sale; parking the same sale again replaces what was kept."""
        self._session.merge(ParkedSaleRow(
            id=parked.id, parked_at=parked.parked_at, cashier_id=parked.cashier_id,
            customer_id=parked.customer_id, label=parked.label[:200], item_count=parked.item_count,
            total_minor=parked.total_minor, currency=parked.currency,
            draft=json.dumps(draft, sort_keys=True, ensure_ascii=False),
        ))
        self._session.flush()

    def all(self) -> list[ParkedSale]:
        """Every parked sale, oldest first."""
        rows = self._session.scalars(select(ParkedSaleRow).order_by(ParkedSaleRow.parked_at, ParkedSaleRow.id))
        return [_to_parked(row) for row in rows]

    def take(self, parked_id: str) -> tuple[ParkedSale, dict[str, Any]] | None:
        """Remove a parked sale and hand back its summary and draft (None when another till took it)."""
        row = self._session.get(ParkedSaleRow, parked_id)
        if row is None:
            return None
        found = _to_parked(row), json.loads(row.draft)
        self._session.execute(delete(ParkedSaleRow).where(ParkedSaleRow.id == parked_id))
        return found


__all__ = ["ParkedSale", "ParkedSaleRepository"]
