"""Receipts printed again: the last one at once, any other by scanning its barcode.

Opens on the receipt printed last. Scanning a receipt's barcode (its order
number) or typing it and Enter shows that order's slips, the sale's and any
return's; ↑/↓ in the list chooses one, F5 prints it as a copy ("COPY -
printed again ..." under its header), Esc closes. The slips are the ones
kept when they were first printed, so a copy is the same slip.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.printing.receipt import Receipt
from pos_app.qt import formats
from pos_app.qt.dialogs import fit_to_screen, scroll_keys
from pos_app.qt.language import tr
from pos_app.qt.receipt_preview import ReceiptPreview
from pos_app.qt.refusals import refusal_words
from pos_app.qt.register_ops import RegisterOps
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import fkey_button, label, set_role
from pos_app.qt.wording import money
from pos_app.services.outcome import Refused
from pos_app.services.receipts import KeptReceipts


class ReprintDialog(QDialog):
    def __init__(self, runner: TaskRunner, ops: RegisterOps, on_print: Callable[[Receipt], None],
                 parent: QWidget | None = None, *, order: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Print a receipt again"))
        self.setModal(True)
        self._runner, self._ops, self._on_print = runner, ops, on_print
        self.kept: KeptReceipts | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Print a receipt again"), "heading"))
        self.order_entry = QLineEdit()
        self.order_entry.setObjectName("reprint-order")
        self.order_entry.setPlaceholderText(tr("Scan the receipt's barcode or type its order number, Enter"))
        self.order_entry.returnPressed.connect(lambda: self.load(self.order_entry.text()))
        layout.addWidget(self.order_entry)
        body = QHBoxLayout()
        self.slips = QListWidget()
        self.slips.setObjectName("reprint-slips")
        self.slips.setMaximumWidth(300)
        self.slips.currentRowChanged.connect(self._show_slip)
        body.addWidget(self.slips, 1)
        self.preview = ReceiptPreview(runner)
        self.preview.setObjectName("reprint-preview")
        body.addWidget(self.preview, 2)
        layout.addLayout(body, 1)
        self.message = label("", "muted", wrap=True, name="reprint-message")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.print_button = fkey_button("F5", tr("Print a copy"), self, self._print, window=self, name="button-reprint")
        self.print_button.setEnabled(False)
        close = fkey_button("", tr("Close (Esc)"), self, self.reject, name="button-reprint-close")
        row.addWidget(self.print_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        scroll_keys(self, self.preview)
        fit_to_screen(self, 980, 900)
        self.order_entry.setFocus()
        if order:
            self.order_entry.setText(order)
            self.load(order)
        else:
            self._say(tr("Looking for the last receipt…"))
            runner.run_read(ops.last_receipts, on_success=self._show, label="last receipt",
                            latest_only="reprint")

    def handle_scan(self, code: str) -> bool:
        """A receipt's barcode scanned while the dialog is open: that order's slips."""
        self.order_entry.setText(code)
        self.load(code)
        return True

    def load(self, scanned: str) -> None:
        text = scanned.strip()
        if not text:
            return
        self._say(tr("Looking up the order…"))
        self._runner.run_read(lambda: self._ops.receipts_of(text), on_success=self._show, label="find receipt",
                              latest_only="reprint")

    def _show(self, kept: KeptReceipts | Refused) -> None:
        if isinstance(kept, Refused):
            self._say(refusal_words(kept), "danger")
            return
        self.kept = kept
        self.order_entry.setText(kept.order_id)
        self.slips.clear()
        for receipt in kept.receipts:
            kind = tr("Return") if receipt.kind == "return" else tr("Sale")
            item = QListWidgetItem(f"{kind}  ·  {formats.time_of_day(receipt.issued_at)}  ·  "
                                   f"{money(receipt.total, receipt.currency)}")
            self.slips.addItem(item)
        self.slips.setCurrentRow(len(kept.receipts) - 1)
        self.print_button.setEnabled(True)
        self._say(tr("Order %1: F5 prints the slip shown as a copy.").replace("%1", kept.order_id))
        self.print_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_slip(self, row: int) -> None:
        if self.kept is not None and 0 <= row < len(self.kept.receipts):
            self.preview.show_receipt(self.kept.receipts[row])

    @property
    def receipt(self) -> Receipt | None:
        row = self.slips.currentRow()
        return self.kept.receipts[row] if self.kept is not None and 0 <= row < len(self.kept.receipts) else None

    def _print(self) -> None:
        if self.receipt is not None:
            self._on_print(self.receipt)

    def _say(self, text: str, role: str = "muted") -> None:
        self.message.setText(text)
        set_role(self.message, role)

    def say(self, text: str, role: str = "muted") -> None:
        self._say(text, role)


__all__ = ["ReprintDialog"]
