"""Small list and table models over plain values: customer candidates and the audit log (in words).

Thin adapters, like `CartTableModel`: the values come from an op's result,
the model only says how each is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QT_TR_NOOP,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from pos_app.domain.audit_chain import AuditRecord
from pos_app.domain.customer_profile import CustomerProfile
from pos_app.qt.audit_words import AuditLine, describe
from pos_app.qt.language import tr
from pos_app.services.audit import AuditLog

_Index = QModelIndex | QPersistentModelIndex


TIER_WORDS = {"bronze": QT_TR_NOOP("Bronze"), "silver": QT_TR_NOOP("Silver"), "gold": QT_TR_NOOP("Gold"),
              "platinum": QT_TR_NOOP("Platinum")}


def tier_words(tier: str) -> str:
    """A loyalty tier's name as shown ("Gold"); a tier the program names otherwise keeps its own name."""
    words = TIER_WORDS.get(tier.lower())
    return tr(words) if words else tier.capitalize()


def candidate_text(customer: CustomerProfile) -> str:
    """One line per candidate: enough to tell two "Zoë Patel"s apart at the till.

    What tells namesakes apart comes right after the name (the phone's last digits, the card's),
    so a narrow list cuts the e-mail, never the digits; the whole line is the item's tooltip.
    """
    parts = [customer.name]
    if customer.phone:
        parts.append("☎ …" + customer.phone[-4:])
    if customer.card_number:
        parts.append(tr("card …%1").replace("%1", customer.card_number[-4:]))
    if customer.tier:
        parts.append(tier_words(customer.tier))
    if customer.email:
        parts.append(customer.email)
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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return candidate_text(customer)
        if role == Qt.ItemDataRole.UserRole:
            return customer.id
        return None


AUDIT_COLUMNS = ("#", QT_TR_NOOP("When"), QT_TR_NOOP("Who"), QT_TR_NOOP("Action"), QT_TR_NOOP("Details"))


def audit_columns() -> tuple[str, ...]:
    """The audit table's headings in the register's language (the CSV export's header too)."""
    return tuple(tr(column) for column in AUDIT_COLUMNS)


class AuditLogModel(QAbstractTableModel):
    """The audit log in words (`audit_words.describe`), newest first, narrowed by a filter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._records: tuple[AuditRecord, ...] = ()
        self._all: tuple[AuditLine, ...] = ()
        self._lines: tuple[AuditLine, ...] = ()
        self._text = ""
        self._action = ""

    def set_log(self, log: AuditLog, currency: str = "USD") -> None:
        ordered = sorted(log.records, key=lambda r: r.seq, reverse=True)
        self._records = tuple(ordered)
        self._all = tuple(describe(r, log.names, currency) for r in ordered)
        self._refilter()

    def set_filter(self, text: str = "", action: str = "") -> None:
        """Show the lines that say `text` (anywhere) and, when given, are of the action named `action`."""
        self._text, self._action = text, action
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._lines = tuple(line for line in self._all
                            if line.matches(self._text) and (not self._action or line.action == self._action))
        self.endResetModel()

    @property
    def records(self) -> tuple[AuditRecord, ...]:
        return self._records

    @property
    def lines(self) -> tuple[AuditLine, ...]:
        """The lines shown, newest first."""
        return self._lines

    def rows(self) -> list[tuple[str, ...]]:
        """The lines shown as table cells (what the CSV export writes)."""
        return [(str(line.seq), line.when, line.who, line.action, line.details) for line in self._lines]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(AUDIT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(AUDIT_COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        line = self._lines[index.row()]
        return (str(line.seq), line.when, line.who, line.action, line.details)[index.column()]


__all__ = ["AUDIT_COLUMNS", "AuditLogModel", "CustomerListModel", "audit_columns", "candidate_text", "tier_words"]
