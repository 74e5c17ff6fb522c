"""Returns and voids in manager mode: scan the receipt, choose what comes back, see the refund.

The receipt's barcode is its order number (`S1-R1-000042`): a scan while this
tab is open loads the order (the manager dialog routes scans here). Each
line shows what was sold, what was already returned and a quantity to
return; the refund and the points moved come back from the service as a
value and are shown as written. "Void last sale" undoes the register's last
order entirely.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
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

from pos_app.domain.sale_record import SaleRecord
from pos_app.qt.register_ops import Changed, OpChanges, RegisterOps
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import label, set_role
from pos_app.qt.wording import money
from pos_app.services.outcome import Refused
from pos_app.services.returns import ReturnResult, VoidedOrder

_COLUMNS = ("Item", "Sold", "Returned", "Net paid", "Return")


class ReturnsPanel(QWidget):
    def __init__(self, runner: TaskRunner, ops: RegisterOps, *, manager_id: str, pin: str,
                 cashier_id: str | None, on_changed: Callable[[OpChanges], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._ops = runner, ops
        self._manager_id, self._pin, self._cashier_id = manager_id, pin, cashier_id
        self._on_changed = on_changed
        self.order: SaleRecord | None = None
        self._after_load = ""
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        row = QHBoxLayout()
        self.order_entry = QLineEdit()
        self.order_entry.setObjectName("return-order")
        self.order_entry.setPlaceholderText("Scan the receipt's barcode, or type the order number (S1-R1-000042)")
        self.order_entry.returnPressed.connect(lambda: self.load_order(self.order_entry.text()))
        row.addWidget(self.order_entry, 1)
        self.void_button = QPushButton("Void last sale")
        self.void_button.setObjectName("void-last")
        self.void_button.setAutoDefault(False)
        self.void_button.clicked.connect(self.void_last)
        row.addWidget(self.void_button)
        layout.addLayout(row)
        self.order_label = label("", "muted", wrap=True, name="return-order-label")
        layout.addWidget(self.order_label)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setObjectName("return-lines")
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(100)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.return_button = QPushButton("Return the items")
        self.return_button.setObjectName("return-apply")
        self.return_button.setAutoDefault(False)
        self.return_button.setEnabled(False)
        self.return_button.clicked.connect(self.return_selected)
        self.message = label("", "muted", wrap=True, name="return-message")
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.return_button)
        layout.addLayout(bottom)

    # -- scans and loading ---------------------------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        """A receipt scanned while this tab is open: load its order."""
        self.order_entry.setText(code)
        self.load_order(code)
        return True

    def load_order(self, scanned: str) -> None:
        text = scanned.strip().upper()  # order numbers are printed in capitals; scanners may send lower case
        if not text:
            return
        if not self._after_load:
            self._say("Looking up the order…", "muted")
        self._runner.run_read(lambda: self._ops.find_order(text), on_success=self._show_order,
                              label="find order", latest_only="return-order")

    def _show_order(self, found: SaleRecord | Refused) -> None:
        if isinstance(found, Refused):
            self.order = None
            self.table.setRowCount(0)
            self.return_button.setEnabled(False)
            self._say(found.message, "danger")
            return
        self.order = found
        when = found.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if found.created_at.tzinfo \
            else found.created_at.strftime("%Y-%m-%d %H:%M")
        status = "  ·  VOIDED" if found.status == "voided" else ""
        self.order_label.setText(f"Order {found.id}  ·  {when}  ·  paid {money(found.total_minor, found.currency)}"
                                 f"  ·  {found.points_earned:,} points earned{status}")
        self.table.setRowCount(len(found.lines))
        for r, line in enumerate(found.lines):
            # What the line cost after discounts and points; the refund per unit is the return
            # use case's to compute (it shares the net out exactly), not the screen's.
            cells = (line.name, line.qty, line.qty_returned, money(line.net_minor, found.currency))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            spin = QSpinBox()
            spin.setProperty("buttons", "none")  # arrow keys and digits; no tiny buttons
            left = int(line.qty_left) if not line.weighted else 1
            spin.setRange(0, max(0, left))
            spin.setObjectName(f"return-qty-{line.line_id}")
            self.table.setCellWidget(r, 4, spin)
        self.return_button.setEnabled(found.status != "voided" and bool(found.lines))
        if self._after_load:
            self._say(self._after_load, "success")
            self._after_load = ""
        else:
            self._say("Choose how many of each item come back, then Return.", "muted")
        first = self.table.cellWidget(0, 4) if found.lines else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

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

    # -- actions -------------------------------------------------------------------------------

    def return_selected(self) -> None:
        order, quantities = self.order, self.quantities()
        if order is None:
            return
        if not quantities:
            self._say("Set the quantity of at least one item to return.", "danger")
            return
        self._say("Recording the return…", "muted")
        self._runner.run_write(
            lambda: self._ops.return_items(order_id=order.id, quantities=quantities, manager_id=self._manager_id,
                                           pin=self._pin, cashier_id=self._cashier_id),
            on_success=self._returned, label=f"return from {order.id}")

    def _returned(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(result.message, "danger")
            return
        assert isinstance(result, ReturnResult)
        text = f"Refund {money(result.refund_minor, result.currency)}."
        if result.points_given_back:
            text += f" {result.points_given_back:,} points given back."
        if result.points_taken_back:
            text += f" {result.points_taken_back:,} points taken back."
        if result.points_not_recovered:
            text += f" {result.points_not_recovered:,} points already spent (not recovered)."
        self._on_changed(changed.changes)
        self._after_load = text  # shown once the order is reloaded with its new returned quantities
        self.load_order(result.order_id)

    def void_last(self) -> None:
        self._say("Voiding the last sale…", "muted")
        self._runner.run_write(lambda: self._ops.void_last_order(manager_id=self._manager_id, pin=self._pin),
                               on_success=self._voided, label="void last sale")

    def _voided(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(result.message, "danger")
            return
        assert isinstance(result, VoidedOrder)
        self._say(f"Order {result.order_id} voided: refund {money(result.refund_minor)}; "
                  f"{len(result.reversals)} ledger entries reversed.", "success")
        self._on_changed(changed.changes)

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        set_role(self.message, role)


__all__ = ["ReturnsPanel"]
