"""The sales put aside, to recall one: ↑/↓ to choose, Enter to bring it back, Esc to close.

Each line says when it was parked, for whom, how many items, what it cost
then and who parked it; the sale is re-priced when it comes back.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.widgets import label
from pos_app.qt.wording import money
from pos_app.storage.parked_sales import ParkedSale


def parked_text(parked: ParkedSale, names: dict[str, str]) -> str:
    """ "10:42 · Zoë Martin · 3 items · $21.72 · parked by Sam Cashier"."""
    at = parked.parked_at.astimezone() if parked.parked_at.tzinfo else parked.parked_at
    when = formats.time_of_day(at) if at.date() == datetime.now().astimezone().date() \
        else f"{formats.short_day(at.date())} {formats.time_of_day(at)}"
    by = names.get(parked.cashier_id or "", parked.cashier_id or "?")
    items = tr("%n item(s)", "", parked.item_count)
    return "  ·  ".join((when, parked.label, items, money(parked.total_minor, parked.currency),
                         tr("parked by %1").replace("%1", by)))


class RecallDialog(QDialog):
    chosen = Signal(str)  # the parked sale's id

    def __init__(self, parked: list[ParkedSale], names: dict[str, str], parent: QWidget | None = None, *,
                 swapping: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Parked sales"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Recall a parked sale"), "heading"))
        note = (tr("The sale on screen is parked in its place.") if swapping
                else tr("The sale comes back re-priced: prices and offers as they are now."))
        layout.addWidget(label(note, "muted", wrap=True))
        self.list = QListWidget()
        self.list.setObjectName("parked-list")
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        for sale in parked:
            text = parked_text(sale, names)
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, sale.id)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._activated)
        layout.addWidget(self.list, 1)
        if not parked:
            layout.addWidget(label(tr("No sale is parked (Ctrl+H parks the one on screen)."), "muted", wrap=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Recall"))
        buttons.accepted.connect(lambda: self._activated(self.list.currentItem()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if parked:
            self.list.setCurrentRow(0)
        self.list.setFocus()
        self.resize(760, 420)

    def _activated(self, item) -> None:
        if item is None:
            return
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()


__all__ = ["RecallDialog", "parked_text"]
