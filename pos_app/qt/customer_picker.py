"""Choosing a customer inside a dialog: card, phone, e-mail or name, then the one chosen with their points.

Manager mode uses one for the customer whose points change and one for the
customer who receives a transfer. Enter (or a scanned card) looks the text up
on the task runner; one match is taken at once, several are listed (↓ then
Enter picks). The chosen customer is shown as "Zoë Martin · card …0018 ·
4,820 points", from a fresh read of their card: `refresh()` reads it again
after the points moved, so no balance on screen is stale.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from pos_app.qt.language import tr
from pos_app.qt.list_models import CustomerListModel
from pos_app.qt.refusals import refusal_words
from pos_app.qt.register_ops import CustomerCard, RegisterOps
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import ElidedLabel, set_role
from pos_app.services.identification import Candidates, Identified
from pos_app.services.outcome import Refused


def card_words(card: CustomerCard) -> str:
    """ "Zoë Martin · card …0018 · 4,820 points"."""
    c = card.customer
    parts = [c.name]
    if c.card_number:
        parts.append(tr("card …%1").replace("%1", c.card_number[-4:]))
    elif c.phone:
        parts.append(f"☎ …{c.phone[-4:]}")
    parts.append(tr("%Ln point(s)", "", card.confirmed + card.pending))
    return "  ·  ".join(parts)


class CustomerPicker(QWidget):
    chosen = Signal(object)  # the CustomerCard picked (or refreshed), None when cleared
    picked = Signal()  # the cashier picked someone (not a refresh): the dialog moves the focus on

    def __init__(self, runner: TaskRunner, ops: RegisterOps, *, name: str, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._ops, self._key = runner, ops, f"picker-{name}"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setObjectName(f"{name}-search")
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(lambda: self.look_up(self.search.text()))
        self.search.installEventFilter(self)
        layout.addWidget(self.search)
        self.candidates = CustomerListModel(self)
        self.list = QListView()
        self.list.setObjectName(f"{name}-candidates")
        self.list.setModel(self.candidates)
        self.list.setMaximumHeight(150)
        self.list.setVisible(False)
        self.list.activated.connect(lambda index: self.choose(self.candidates.customer_at(index.row()).id))
        layout.addWidget(self.list)
        self.shown = ElidedLabel("", "amount", name=f"{name}-chosen")
        layout.addWidget(self.shown)
        self.card: CustomerCard | None = None

    @property
    def customer_id(self) -> str | None:
        return self.card.customer.id if self.card is not None else None

    def look_up(self, text: str, *, pick: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        self.set_card(None)  # nobody is chosen while the new search runs: no action on a stale choice
        self._say(tr("Looking…"), "muted")
        self._runner.run_read(lambda: self._ops.identify(text), on_success=lambda found: self._found(found, pick),
                              label="find customer", latest_only=self._key)

    def handle_scan(self, code: str) -> bool:
        self.search.setText(code)
        self.look_up(code, pick=True)
        return True

    def _found(self, found, pick: bool) -> None:
        if isinstance(found, Identified):
            self.choose(found.customer.id)
        elif isinstance(found, Candidates):
            self.candidates.set_customers(found.customers)
            self.list.setVisible(True)
            n = len(found.customers)
            self._say(tr("%n+ match(es): ↓ to choose, Enter to pick", "", n) if found.more
                      else tr("%n match(es): ↓ to choose, Enter to pick", "", n), "muted")
        else:
            self.candidates.set_customers(())
            self.list.setVisible(False)
            self._say(refusal_words(found), "danger")

    def choose(self, customer_id: str, *, picked: bool = True) -> None:
        self.candidates.set_customers(())
        self.list.setVisible(False)
        self._runner.run_read(lambda: self._ops.customer_card(customer_id),
                              on_success=lambda card: self._show_card(card, picked), label="load customer",
                              latest_only=self._key)

    def set_card(self, card: CustomerCard | None) -> None:
        """Show `card` as the one chosen (None: nobody yet)."""
        self.card = card
        if card is None:
            self._say("", "muted")
        else:
            self.shown.setText(card_words(card))
            set_role(self.shown, "amount")
        self.chosen.emit(card)

    def refresh(self) -> None:
        """Read the chosen customer's card again (their points moved)."""
        if self.card is not None:
            self.choose(self.card.customer.id, picked=False)

    def clear(self) -> None:
        self.search.clear()
        self.set_card(None)

    def _show_card(self, card: CustomerCard | Refused, picked: bool) -> None:
        if isinstance(card, Refused):
            self._say(refusal_words(card), "danger")
            return
        self.search.clear()
        self.set_card(card)
        if picked:
            self.picked.emit()

    def _say(self, text: str, role: str) -> None:
        self.shown.setText(text)
        set_role(self.shown, role)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down \
                and self.candidates.customers:
            self.list.setFocus()
            self.list.setCurrentIndex(self.candidates.index(0))
            return True
        return super().eventFilter(watched, event)


__all__ = ["CustomerPicker", "card_words"]
