"""The cart table: a thin Qt adapter over the priced sale's rows.

`CartRow` is a plain value (one line of the sale as priced by the engine:
item, quantity, unit price, discount, net); `CartTableModel` shows a tuple of
them and is replaced wholesale with `set_rows` when a priced sale comes back
from the worker. Only rows that changed are announced (`dataChanged`), so a
scan that bumps one quantity repaints one row, not the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QT_TR_NOOP, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.wording import money

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class CartRow:
    """One cart line as the cashier sees it; amounts in minor units."""

    line_id: str
    name: str
    qty: str
    unit_price: int
    discount: int = 0
    net: int = 0  # after discounts (points paid are shown in the totals, not per line)
    sku: str = ""
    weighted: bool = False

    @property
    def gross(self) -> int:
        return self.net + self.discount


COLUMNS = (QT_TR_NOOP("Item"), QT_TR_NOOP("Qty"), QT_TR_NOOP("Price"), QT_TR_NOOP("Discount"), QT_TR_NOOP("Net"))


def weight_words(qty: str) -> str:
    """A weighed line's quantity: "0.532 kg"; "0,532 кг" in Russian."""
    return tr("%1 kg").replace("%1", formats.number(Decimal(qty)))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGN = (_LEFT,) + (_RIGHT,) * (len(COLUMNS) - 1)
# Roles as plain ints: a table asks `data` for every cell and a dozen roles on each paint, so the
# answer is a lookup in texts made once per row, not an enum comparison and a money format per call.
_DISPLAY, _ALIGNMENT, _TOOLTIP, _USER = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.UserRole))


class CartTableModel(QAbstractTableModel):
    """Rows of the current sale; read-only (quantities change through ops, not cell edits)."""

    def __init__(self, currency: str = "USD", parent=None) -> None:
        super().__init__(parent)
        self._rows: tuple[CartRow, ...] = ()
        self._texts: list[tuple[str, ...]] = []  # per row: what each column shows
        self.currency = currency

    # -- the pure side ---------------------------------------------------------------------

    @property
    def rows(self) -> tuple[CartRow, ...]:
        return self._rows

    def row_of(self, line_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.line_id == line_id), None)

    def set_rows(self, rows: tuple[CartRow, ...] | list[CartRow]) -> None:
        """Show `rows`; same line ids in the same order update in place, anything else resets."""
        rows = tuple(rows)
        old = self._rows
        texts = [self._texts[i] if i < len(old) and old[i] == row else self._row_texts(row)
                 for i, row in enumerate(rows)]
        same_lines = [r.line_id for r in old] == [r.line_id for r in rows[: len(old)]]
        if not same_lines or len(rows) < len(old):
            self.beginResetModel()
            self._rows, self._texts = rows, texts
            self.endResetModel()
            return
        if len(rows) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
            self._rows = old + rows[len(old):]
            self._texts = self._texts + texts[len(old):]
            self.endInsertRows()
        self._rows, self._texts = rows, texts
        for i, (before, after) in enumerate(zip(old, rows, strict=False)):
            if before != after:
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(COLUMNS[section])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT if section == 0 else _RIGHT
        return None

    def data(self, index: _Index, role: int = _DISPLAY):
        role = int(role)
        if role == _DISPLAY:
            r = index.row()
            return self._texts[r][index.column()] if 0 <= r < len(self._texts) else None
        if role == _ALIGNMENT:
            return _ALIGN[index.column()]
        if role == _TOOLTIP and index.column() == 0 and 0 <= index.row() < len(self._rows):
            row = self._rows[index.row()]
            return f"{row.name} ({row.sku})" if row.sku else row.name
        if role == _USER and 0 <= index.row() < len(self._rows):
            return self._rows[index.row()].line_id
        return None

    def _row_texts(self, row: CartRow) -> tuple[str, ...]:
        return tuple(self.display(row, col) for col in range(len(COLUMNS)))

    def display(self, row: CartRow, col: int) -> str:
        if col == 0:
            return row.name
        if col == 1:
            return weight_words(row.qty) if row.weighted else row.qty
        if col == 2:
            return money(row.unit_price, self.currency)
        if col == 3:
            return money(-row.discount, self.currency) if row.discount else ""
        return money(row.net, self.currency)


__all__ = ["COLUMNS", "CartRow", "CartTableModel", "weight_words"]
