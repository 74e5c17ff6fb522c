"""Small list and table models over plain values: customer candidates and the audit log.

Thin adapters, like `CartTableModel`: the values come from an op's result,
the model only says how each is shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pos_app.domain.audit_chain import AuditRecord
from pos_app.domain.customer_profile import CustomerProfile

_Index = QModelIndex | QPersistentModelIndex


def candidate_text(customer: CustomerProfile) -> str:
    """One line per candidate: enough to tell two "Zoë Patel"s apart at the till."""
    parts = [customer.name]
    if customer.tier:
        parts.append(customer.tier.capitalize())
    if customer.phone:
        parts.append("…" + customer.phone[-4:])
    if customer.email:
        parts.append(customer.email)
    if customer.card_number:
        parts.append("card …" + customer.card_number[-4:])
    return "  ·  ".join(parts)


class CustomerListModel(QAbstractListModel):
    """The customers a search matched, for the cashier to choose from."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._customers: tuple[CustomerProfile, ...] = ()

    @property
    def customers(self) -> tuple[CustomerProfile, ...]:
        return self._customers

    def set_customers(self, customers: Sequence[CustomerProfile]) -> None:
        self.beginResetModel()
        self._customers = tuple(customers)
        self.endResetModel()

    def customer_at(self, row: int) -> CustomerProfile | None:
        return self._customers[row] if 0 <= row < len(self._customers) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._customers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        customer = self.customer_at(index.row()) if index.isValid() else None
        if customer is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return candidate_text(customer)
        if role == Qt.ItemDataRole.UserRole:
            return customer.id
        return None


AUDIT_COLUMNS = ("#", "When", "Who", "Action", "Details")


class AuditLogModel(QAbstractTableModel):
    """The audit log, newest first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._records: tuple[AuditRecord, ...] = ()

    def set_records(self, records: Sequence[AuditRecord]) -> None:
        self.beginResetModel()
        self._records = tuple(sorted(records, key=lambda r: r.seq, reverse=True))
        self.endResetModel()

    @property
    def records(self) -> tuple[AuditRecord, ...]:
        return self._records

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(AUDIT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return AUDIT_COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self._records[index.row()]
        return (
            str(r.seq),
            (r.at.astimezone() if r.at.tzinfo else r.at).strftime("%b %d %H:%M"),
            r.actor_id or "system",
            r.action.replace("_", " "),
            json.dumps(r.details, ensure_ascii=False, sort_keys=True)[:200],
        )[index.column()]


__all__ = ["AUDIT_COLUMNS", "AuditLogModel", "CustomerListModel", "candidate_text"]
