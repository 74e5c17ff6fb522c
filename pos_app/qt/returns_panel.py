"""Returns and voids in manager mode: scan the receipt, choose what comes back, confirm, print the slip.

The receipt's barcode is its order number (`S1-R1-000042`): a scan while this
tab is open loads the order (the manager dialog routes scans here). Each
line shows what was sold, what was already returned and a quantity to
return (Tab between them, Enter returns). Before anything is written the
manager confirms a question that names the order, the customer and the
refund (computed by the return use case itself); the return's slip then shows
and prints with F5. "Void the last sale" works on the order shown, or loads
the register's last order first, and asks the same kind of question; it
voids nothing if another sale became the last one meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QT_TR_NOOP, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.printing.receipt import Receipt
from pos_app.qt import formats
from pos_app.qt.dialogs import ConfirmDialog, ReceiptDialog
from pos_app.qt.language import tr
from pos_app.qt.refusals import refusal_words
from pos_app.qt.register_ops import Changed, OpChanges, OrderOnFile, RegisterOps, ReturnDone
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import ElidedLabel, label, on_enter, set_role
from pos_app.qt.wording import money
from pos_app.services.outcome import Refused
from pos_app.services.returns import VoidedOrder, new_return_id

_COLUMNS = (QT_TR_NOOP("Item"), QT_TR_NOOP("Sold"), QT_TR_NOOP("Returned"), QT_TR_NOOP("Net paid"),
            QT_TR_NOOP("Return"))


def order_words(found: OrderOnFile) -> str:
    """ "Order R1-000042 · Zoë Martin · 2026-11-23 11:00 · paid $21.72 · 32 points earned"."""
    order = found.order
    at = order.created_at.astimezone() if order.created_at.tzinfo else order.created_at
    status = "  ·  " + tr("VOIDED") if order.status == "voided" else ""
    return "  ·  ".join((tr("Order %1").replace("%1", order.id), found.customer_name or tr("anonymous sale"),
                         formats.moment(at), tr("paid %1").replace("%1", money(order.total_minor, order.currency)),
                         tr("%Ln point(s) earned", "", order.points_earned))) + status


def _qty(value: object) -> str:
    """A quantity in a cell: "2", "0.532" ("0,532" in Russian)."""
    try:
        return formats.number(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


class ReturnsPanel(QWidget):
    def __init__(self, runner: TaskRunner, ops: RegisterOps, *, manager_id: str, manager_name: str, pin: str,
                 cashier_id: str | None, cashier_name: str | None, on_changed: Callable[[OpChanges], None],
                 on_print: Callable[[Receipt], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._ops = runner, ops
        self._manager_id, self._manager_name, self._pin = manager_id, manager_name, pin
        self._cashier_id, self._cashier_name = cashier_id, cashier_name
        self._on_changed, self._on_print = on_changed, on_print
        self.found: OrderOnFile | None = None
        self._after_load = ""
        # The return last sent and not known to be recorded: (order, quantities, its id). Sending it again
        # (after an error) reuses the id, so a return that was in fact recorded is not recorded twice.
        self._unsettled: tuple[str, dict[str, int], str] | None = None
        self.confirm_dialog: ConfirmDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        row = QHBoxLayout()
        self.order_entry = QLineEdit()
        self.order_entry.setObjectName("return-order")
        self.order_entry.setPlaceholderText(tr("Scan the receipt's barcode, or type the order number (S1-R1-000042)"))
        self.order_entry.returnPressed.connect(lambda: self.load_order(self.order_entry.text()))
        row.addWidget(self.order_entry, 1)
        self.void_button = QPushButton(tr("&Void the last sale"))
        self.void_button.setObjectName("void-last")
        self.void_button.setAutoDefault(False)
        self.void_button.setToolTip(tr("Alt+V: the order shown, when it is this register's last; else the last one"))
        self.void_button.clicked.connect(self.void_last)
        row.addWidget(self.void_button)
        layout.addLayout(row)
        self.order_label = ElidedLabel("", "muted", name="return-order-label")
        layout.addWidget(self.order_label)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setObjectName("return-lines")
        self.table.setHorizontalHeaderLabels([tr(column) for column in _COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab goes from one quantity to the next
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(100)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.return_button = QPushButton(tr("Return the items (Enter)"))
        self.return_button.setObjectName("return-apply")
        self.return_button.setAutoDefault(False)
        self.return_button.setEnabled(False)
        self.return_button.clicked.connect(self.return_selected)
        self.message = label("", "muted", wrap=True, name="return-message")
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.return_button)
        layout.addLayout(bottom)

    @property
    def order(self):
        return self.found.order if self.found is not None else None

    # -- scans and loading ---------------------------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        """A receipt scanned while this tab is open: load its order."""
        self.order_entry.setText(code)
        self.load_order(code)
        return True

    def load_order(self, scanned: str | None, then: Callable[[], None] | None = None) -> None:
        """The order scanned, or (None) this register's last; `then` runs once it is shown."""
        text = scanned.strip().upper() if scanned is not None else None
        if text == "":
            return
        if not self._after_load:
            self._say(tr("Looking up the order…"), "muted")
        self._runner.run_read(lambda: self._ops.order_on_file(text), on_success=lambda f: self._show(f, then),
                              label="find order", latest_only="return-order")

    def _show(self, found: OrderOnFile | Refused, then: Callable[[], None] | None = None) -> None:
        if isinstance(found, Refused):
            self.found = None
            self.table.setRowCount(0)
            self.return_button.setEnabled(False)
            self._say(refusal_words(found), "danger")
            return
        self.found = found
        order = found.order
        self.order_entry.setText(order.id)
        self.order_label.setText(order_words(found))
        self.table.setRowCount(len(order.lines))
        for r, line in enumerate(order.lines):
            # What the line cost after discounts and points; the refund per unit is the return
            # use case's to compute (it shares the net out exactly), not the screen's.
            cells = (line.name, _qty(line.qty), _qty(line.qty_returned), money(line.net_minor, order.currency))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            spin = QSpinBox()
            spin.setProperty("buttons", "none")  # arrow keys and digits; no tiny buttons
            left = int(line.qty_left) if not line.weighted else 1
            spin.setRange(0, max(0, left))
            spin.setObjectName(f"return-qty-{line.line_id}")
            on_enter(spin, self.return_selected)
            self.table.setCellWidget(r, 4, spin)
        self.return_button.setEnabled(order.status != "voided" and bool(order.lines))
        if self._after_load:
            self._say(self._after_load, "success")
            self._after_load = ""
        else:
            self._say(tr("Choose how many of each item come back (Tab to the next), then Enter."), "muted")
        first = self.table.cellWidget(0, 4) if order.lines else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        if then is not None:
            then()

    def quantities(self) -> dict[str, int]:
        if self.order is None:
            return {}
        out = {}
        for r, line in enumerate(self.order.lines):
            spin = self.table.cellWidget(r, 4)
            if isinstance(spin, QSpinBox) and spin.value() > 0:
                out[line.line_id] = spin.value()
        return out

    def set_quantity(self, line_id: str, qty: int) -> None:
        assert self.order is not None
        row = next(i for i, line in enumerate(self.order.lines) if line.line_id == line_id)
        spin = self.table.cellWidget(row, 4)
        assert isinstance(spin, QSpinBox)
        spin.setValue(qty)

    # -- returns ---------------------------------------------------------------------------------

    def return_selected(self) -> None:
        """Ask first: which order, whose, what comes back and the refund; then record the return."""
        found, quantities = self.found, self.quantities()
        if found is None or (self.confirm_dialog is not None and self.confirm_dialog.isVisible()):
            return
        if not quantities:
            self._say(tr("Set the quantity of at least one item to return."), "danger")
            return
        quote = self._ops.quote_return(found.order, quantities)
        if isinstance(quote, Refused):
            self._say(refusal_words(quote), "danger")
            return
        refund = sum(line.refund_minor for line in quote)
        units = ", ".join(f"{line.qty} × {line.name}" for line in quote)
        dialog = self.confirm_dialog = ConfirmDialog(
            self.window(), title=tr("Return these items?"),
            question=tr("Order %1 · %2: refund %3 for %n line(s).", "", len(quote)).replace(
                "%1", found.order.id).replace("%2", found.customer_name or tr("anonymous sale")).replace(
                "%3", money(refund, found.order.currency)),
            details=units, confirm=tr("Refund %1").replace("%1", money(refund, found.order.currency)))
        dialog.setObjectName("return-confirm")
        dialog.accepted.connect(lambda: self._record_return(found, quantities))
        dialog.open()

    def _record_return(self, found: OrderOnFile, quantities: dict[str, int]) -> None:
        self._say(tr("Recording the return…"), "muted")
        unsettled = self._unsettled
        if unsettled is not None and unsettled[:2] == (found.order.id, quantities):
            return_id = unsettled[2]
        else:
            return_id = new_return_id()
        self._unsettled = (found.order.id, dict(quantities), return_id)
        self._runner.run_write(
            lambda: self._ops.return_items(order=found, quantities=quantities, manager_id=self._manager_id,
                                           manager_name=self._manager_name, pin=self._pin, return_id=return_id,
                                           cashier_id=self._cashier_id, cashier_name=self._cashier_name),
            on_success=self._returned, label=f"return from {found.order.id}")

    def _returned(self, changed: Changed) -> None:
        self._unsettled = None  # answered: recorded or refused, either way settled
        done = changed.result
        if isinstance(done, Refused):
            self._say(refusal_words(done), "danger")
            return
        assert isinstance(done, ReturnDone)
        result = done.result
        text = tr("Refund %1.").replace("%1", money(result.refund_minor, result.currency))
        if result.points_given_back:
            text += " " + tr("%Ln point(s) given back.", "", result.points_given_back)
        if result.points_taken_back:
            text += " " + tr("%Ln point(s) taken back.", "", result.points_taken_back)
        if result.points_not_recovered:
            text += " " + tr("%Ln point(s) already spent (not recovered).", "", result.points_not_recovered)
        self._on_changed(changed.changes)
        self._after_load = text  # shown once the order is reloaded with its new returned quantities
        self.load_order(result.order_id)
        on_print = self._on_print
        dialog = self.receipt_dialog = ReceiptDialog(
            self._runner, done.receipt, lambda: on_print(done.receipt) if on_print else None, self.window(),
            summary=text, heading=tr("Return recorded"), next_text=tr("Done (Enter)"))
        dialog.setObjectName("return-receipt")
        dialog.open()

    # -- void ------------------------------------------------------------------------------------

    def void_last(self) -> None:
        """Void the order shown when it is the last sale; else show the last sale first. Always ask."""
        if self.found is None:
            self.load_order(None, then=self._ask_void)
        else:
            self._ask_void()

    def _ask_void(self) -> None:
        found = self.found
        if found is None:
            return
        order = found.order
        dialog = self.confirm_dialog = ConfirmDialog(
            self.window(), title=tr("Void this sale?"),
            question=tr("Void order %1 · %2 · %3? Every point it moved goes back.").replace("%1", order.id).replace(
                "%2", found.customer_name or tr("anonymous sale")).replace(
                "%3", money(order.total_minor, order.currency)),
            details=tr("Only the register's last sale can be voided; an older one is returned instead."),
            confirm=tr("Void %1").replace("%1", order.id))
        dialog.setObjectName("void-confirm")
        dialog.accepted.connect(lambda: self._void(order.id))
        dialog.open()

    def _void(self, order_id: str) -> None:
        self._say(tr("Voiding %1…").replace("%1", order_id), "muted")
        self._runner.run_write(lambda: self._ops.void_order(order_id=order_id, manager_id=self._manager_id,
                                                            pin=self._pin),
                               on_success=self._voided, label=f"void {order_id}")

    def _voided(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(refusal_words(result), "danger")
            return
        assert isinstance(result, VoidedOrder)
        currency = self.order.currency if self.order is not None else "USD"
        self._on_changed(changed.changes)
        self._after_load = tr("Order %1 voided: refund %2; %n ledger entry(s) reversed.", "",
                              len(result.reversals)).replace("%1", result.order_id).replace(
            "%2", money(result.refund_minor, currency))
        self.load_order(result.order_id)

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        set_role(self.message, role)


__all__ = ["ReturnsPanel", "order_words"]
