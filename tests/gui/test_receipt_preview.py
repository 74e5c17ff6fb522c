"""The cashier sees the receipt on screen and prints it without the register freezing."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest

from pos_app.printing.escpos_output import PrinterConfig
from pos_app.printing.receipt import PointsSummary, Receipt, ReceiptLine
from pos_app.qt.receipt_preview import ReceiptPreview, print_receipt_in_background
from pos_app.qt.task_runner import TaskRunner

RECEIPT = Receipt(
    store_name="Corner Market",
    register="R1",
    cashier="Sam",
    order_number="S1-R1-000007",
    issued_at=datetime(2026, 11, 23, 10, 15),
    currency="USD",
    lines=(ReceiptLine("Sparkling water 1.5L", 3, 129, 87, 300),),
    subtotal=387,
    discount_total=87,
    points_value=0,
    total=300,
    points=PointsSummary(earned=4, redeemed=0, balance=4824),
    customer_name="Zoë Martin",
    next_visit_code="NV-Q7K2M",
)


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.shutdown(5000)


def test_the_preview_shows_the_slip(qtbot, runner):
    preview = ReceiptPreview(runner)
    qtbot.addWidget(preview)
    preview.resize(600, 800)
    preview.show()

    with qtbot.waitSignal(preview.preview_shown, timeout=5000):
        preview.show_receipt(RECEIPT)

    picture = preview.pixmap()
    assert not picture.isNull()
    assert 400 <= picture.width() <= 800  # 42 columns of receipt text
    assert picture.height() > picture.width()


def test_printing_to_a_file_printer_reports_back_on_the_gui_thread(qtbot, runner, tmp_path):
    device = tmp_path / "lp0"
    device.touch()
    printed = []

    print_receipt_in_background(runner, PrinterConfig.from_dict({"kind": "file", "path": str(device)}), RECEIPT,
                                on_printed=printed.append)

    qtbot.waitUntil(lambda: printed == [None], timeout=5000)
    assert b"CORNER MARKET" in device.read_bytes()


def test_an_unreachable_printer_is_reported_not_fatal(qtbot, runner):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    config = PrinterConfig.from_dict({"kind": "network", "host": "127.0.0.1", "port": closed_port, "timeout": 2})

    with qtbot.waitSignal(runner.task_failed, timeout=5000) as blocker:
        print_receipt_in_background(runner, config, RECEIPT)

    assert blocker.args[0].message.startswith("print receipt S1-R1-000007 failed")
