"""The receipt on screen and on paper, without ever blocking the cashier.

`ReceiptPreview` is a scrollable picture of the slip (the PNG that
`pos_app.printing.preview` draws). Drawing and printing run on the task
runner: `show_receipt` renders on a worker and shows the result when it
arrives; `print_receipt_in_background` talks to the configured printer on
the runner's "printer" lane, so a slow or unplugged printer delays only
other receipts, never the next sale, and its failure comes back as a value
on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from pos_app.printing.escpos_output import PrinterConfig, print_to_configured_printer
from pos_app.printing.preview import render_receipt_png
from pos_app.printing.receipt import Receipt
from pos_app.qt.language import tr
from pos_app.qt.task_runner import FailureCallback, Task, TaskRunner

PRINTER_LANE = "printer"


class ReceiptPreview(QScrollArea):
    """A scrollable image of one receipt."""

    preview_shown = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._image = QLabel()
        self._image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._image.setAccessibleName(tr("Receipt preview"))
        self.setWidget(self._image)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys scroll the slip

    def show_receipt(self, receipt: Receipt) -> Task:
        """Draw `receipt` off the GUI thread; the picture appears when it is ready."""
        return self._runner.run_read(lambda: render_receipt_png(receipt), on_success=self.show_png,
                                     label="draw receipt preview", latest_only="receipt-preview")

    def show_png(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self._image.setPixmap(pixmap)
        self.preview_shown.emit()

    def pixmap(self) -> QPixmap:
        return self._image.pixmap()


def print_receipt_in_background(
    runner: TaskRunner,
    config: PrinterConfig,
    receipt: Receipt,
    *,
    on_printed: Callable[[None], None] | None = None,
    on_failure: FailureCallback | None = None,
) -> Task:
    """Print on the printer lane; `on_failure` (or the runner's `task_failed`) hears of a jam."""
    return runner.run_write(lambda: print_to_configured_printer(config, receipt), on_success=on_printed,
                            on_failure=on_failure, label=f"print receipt {receipt.order_number}",
                            lane=PRINTER_LANE)


__all__ = ["PRINTER_LANE", "ReceiptPreview", "print_receipt_in_background"]
