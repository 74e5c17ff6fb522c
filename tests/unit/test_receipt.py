"""A receipt says what was sold, what was saved, and what the customer's points are now."""

from __future__ import annotations

import ast
import io
import pathlib
import socket
import threading
from datetime import datetime

import pytest
from PIL import Image

from pos_app.printing.barcode_image import BarcodeTextError, code128_png, code128_svg
from pos_app.printing.escpos_output import (
    PrinterConfig,
    PrinterConfigError,
    open_printer,
    print_receipt,
    print_to_configured_printer,
    render_escpos,
)
from pos_app.printing.preview import render_receipt_image, render_receipt_pdf, render_receipt_png
from pos_app.printing.receipt import (
    RECEIPT_WIDTH,
    AppliedPromotion,
    PointsSummary,
    Receipt,
    ReceiptLine,
    layout_receipt,
)

GS_K_CODE128 = b"\x1dkI"  # GS k, m=73: Code128 in function type B
FULL_CUT = b"\x1dV\x00"


def a_receipt(**changes) -> Receipt:
    values = dict(
        store_name="Corner Market",
        store_address=("12 High Street", "Springfield"),
        register="R2",
        cashier="Maria",
        order_number="S1-R2-000123",
        issued_at=datetime(2026, 11, 23, 14, 30),
        currency="USD",
        lines=(
            ReceiptLine("Organic whole milk 1L", 2, 189, 0, 378, sku="MILK-1L"),
            ReceiptLine("Bananas", "0.532", 129, 0, 69, sku="BAN-KG"),
            ReceiptLine("Stapler heavy duty with a very long product name indeed", 1, 3000, 300, 2700),
        ),
        subtotal=3447,
        discount_total=300,
        points_value=100,
        total=3047,
        promotions=(AppliedPromotion("10% on office supplies", amount=300),
                    AppliedPromotion("Double points weekend", points=30)),
        points=PointsSummary(earned=60, redeemed=100, balance=1460, redeemed_value=100),
        customer_name="Zoë Martin",
        next_visit_code="NV-8K2Q7",
        next_visit_offer="10% off your next visit until 2026-12-31",
    )
    values.update(changes)
    return Receipt(**values)


# -- layout ------------------------------------------------------------------------------------


def test_no_line_is_wider_than_the_paper():
    lines = layout_receipt(a_receipt())
    assert max(len(line) for line in lines) <= RECEIPT_WIDTH


def test_the_slip_shows_the_items_with_quantities_discounts_and_amounts():
    text = "\n".join(layout_receipt(a_receipt()))
    assert "CORNER MARKET" in text
    assert "Register R2  Cashier Maria" in text
    assert "Organic whole milk 1L" in text
    assert "  2 x 1.89" in text and "3.78" in text
    assert "  0.532 kg x 1.29" in text
    assert "-3.00" in text


def test_amounts_line_up_on_the_right_edge():
    lines = layout_receipt(a_receipt())
    total = next(line for line in lines if line.startswith("TOTAL"))
    assert total == "TOTAL USD".ljust(RECEIPT_WIDTH - len("30.47")) + "30.47"
    subtotal = next(line for line in lines if line.startswith("Subtotal"))
    assert subtotal.endswith("34.47") and len(subtotal) == RECEIPT_WIDTH


def test_a_long_item_name_wraps_instead_of_being_cut():
    lines = layout_receipt(a_receipt())
    assert "Stapler heavy duty with a very long" in lines
    assert "product name indeed" in lines


def test_promotions_savings_and_points_are_summarised():
    lines = layout_receipt(a_receipt())
    text = "\n".join(lines)
    assert "Promotions applied" in text
    assert any(line.startswith("  10% on office supplies") and line.endswith("-3.00") for line in lines)
    assert any(line.startswith("  Double points weekend") and line.endswith("+30 pts") for line in lines)
    assert any(line.startswith("  You saved") and line.endswith("3.00") for line in lines)
    assert any(line.startswith("  Earned") and line.endswith("+60") for line in lines)
    assert any(line.startswith("  Paid with points") and line.endswith("-100 (1.00)") for line in lines)
    assert any(line.startswith("  Balance") and line.endswith("1460") for line in lines)
    assert "NV-8K2Q7" in text


def test_a_long_promotion_name_wraps_and_its_amount_is_never_cut():
    receipt = a_receipt(promotions=(AppliedPromotion("Fresh produce 20% off (up to $2.50) for members", amount=250),))
    lines = layout_receipt(receipt)
    at = next(i for i, line in enumerate(lines) if line.startswith("  Fresh produce"))
    named = " ".join(line.strip() for line in lines[at:at + 3])
    assert "(up to $2.50) for members" in named.replace(" -2.50", "")
    assert lines[at + 1].endswith("-2.50") or lines[at].endswith("-2.50")
    assert not any(line.rstrip().endswith("$2.") for line in lines)


def test_rewards_claimed_and_points_paid_are_two_lines():
    receipt = a_receipt(points=PointsSummary(earned=12, redeemed=830, balance=1200, redeemed_value=830,
                                             reward_points=1200))
    lines = layout_receipt(receipt)
    assert any(line.startswith("  Rewards claimed") and line.endswith("-1200") for line in lines)
    assert any(line.startswith("  Paid with points") and line.endswith("-830 (8.30)") for line in lines)
    assert not any("-2030" in line for line in lines)


def test_a_copy_says_so_and_a_kept_receipt_comes_back_exactly():
    from pos_app.printing.receipt import as_copy, receipt_from_dict, receipt_to_dict

    original = a_receipt()
    assert receipt_from_dict(receipt_to_dict(original)) == original
    copy = as_copy(original, datetime(2026, 11, 24, 9, 5))
    assert "COPY - printed again 2026-11-24 09:05" in "\n".join(layout_receipt(copy))


def test_a_return_slip_shows_what_came_back_the_refund_and_the_points():
    receipt = a_receipt(kind="return", lines=(ReceiptLine("Organic whole milk 1L", 1, 189, 0, 189),),
                        subtotal=189, discount_total=0, points_value=0, total=189, promotions=(), points=None,
                        approved_by="Alex Manager", points_given_back=5, points_taken_back=3,
                        next_visit_code=None, next_visit_offer=None)
    lines = layout_receipt(receipt)
    text = "\n".join(lines)
    assert "RETURN" in text and "Order S1-R2-000123" in text and "Customer: Zoë Martin" in text
    assert any(line.startswith("  1 returned") and line.endswith("-1.89") for line in lines)
    assert any(line.startswith("REFUND USD") and line.endswith("1.89") for line in lines)
    assert "Approved by Alex Manager" in text
    assert any(line.startswith("  Given back") and line.endswith("+5") for line in lines)
    assert any(line.startswith("  Taken back") and line.endswith("-3") for line in lines)
    assert "TOTAL" not in text
    assert max(len(line) for line in lines) <= RECEIPT_WIDTH


def test_a_balance_not_yet_synced_is_marked_provisional():
    receipt = a_receipt(points=PointsSummary(earned=60, redeemed=0, balance=1560, pending=True))
    text = "\n".join(layout_receipt(receipt))
    assert "1560 *" in text
    assert "confirmed when the register syncs" in text


def test_an_anonymous_sale_has_no_points_section_and_barcodes_the_order_number():
    receipt = a_receipt(points=None, customer_name=None, next_visit_code=None, next_visit_offer=None)
    text = "\n".join(layout_receipt(receipt))
    assert "Loyalty points" not in text
    assert "Customer:" not in text
    assert [code.value for code in receipt.barcodes] == ["S1-R2-000123"]


def test_yen_amounts_have_no_decimals():
    receipt = a_receipt(currency="JPY", lines=(ReceiptLine("Onigiri", 2, 150, 0, 300),), subtotal=300,
                        discount_total=0, points_value=0, total=300, promotions=(), points=None)
    total = next(line for line in layout_receipt(receipt) if line.startswith("TOTAL"))
    assert total.endswith(" 300")


def test_a_narrower_printer_gets_narrower_lines():
    assert max(len(line) for line in layout_receipt(a_receipt(), width=32)) <= 32


# -- barcode images ----------------------------------------------------------------------------


def test_the_barcode_png_decodes_to_a_wide_short_strip():
    image = Image.open(io.BytesIO(code128_png("NV-8K2Q7")))
    assert image.format == "PNG"
    width, height = image.size
    assert 200 <= width <= 576  # fits 72 mm of printable paper at 203 dpi
    assert 60 <= height < width
    # Bars: both black and white pixels are there.
    assert image.convert("L").getextrema() == (0, 255)


def test_a_longer_code_makes_a_wider_barcode():
    short = Image.open(io.BytesIO(code128_png("NV-8K2Q7"))).width
    long = Image.open(io.BytesIO(code128_png("S1-R2-000123-RETURN")))
    assert long.width > short


def test_the_barcode_svg_is_an_svg_document():
    svg = code128_svg("NV-8K2Q7").decode("utf-8")
    assert "<svg" in svg and "</svg>" in svg
    assert "NV-8K2Q7" in svg  # the human-readable text under the bars


@pytest.mark.parametrize("value", ["", "CAFÉ", "line\nbreak"])
def test_text_code128_cannot_carry_is_refused(value):
    with pytest.raises(BarcodeTextError):
        code128_png(value)


# -- ESC/POS ----------------------------------------------------------------------------------


def gs_k(value: str) -> bytes:
    """The ESC/POS command that prints `value` as a Code128 barcode (code set B)."""
    code = b"{B" + value.encode("ascii")
    return GS_K_CODE128 + bytes([len(code)]) + code


def test_printing_sends_the_text_native_code128_barcodes_and_a_cut():
    data = render_escpos(a_receipt())

    assert b"CORNER MARKET" in data
    assert b"Organic whole milk 1L" in data
    assert b"TOTAL USD" in data and b"30.47" in data
    assert data.rstrip(b"\n").endswith(FULL_CUT)
    assert data.index(b"TOTAL USD") < data.index(GS_K_CODE128) < data.rindex(FULL_CUT)


def test_a_receipt_with_a_next_visit_code_carries_two_scannable_barcodes():
    """The next visit scans the code; a return scans the order number: both are on the slip."""
    data = render_escpos(a_receipt())

    assert data.count(GS_K_CODE128) == 2
    assert data.index(gs_k("NV-8K2Q7")) < data.index(gs_k("S1-R2-000123")) < data.rindex(FULL_CUT)
    assert b"Next-visit code" in data and b"Order S1-R2-000123 (returns)" in data
    assert [(c.caption, c.value) for c in a_receipt().barcodes] == [
        ("Next-visit code", "NV-8K2Q7"), ("Order S1-R2-000123 (returns)", "S1-R2-000123")]


def test_accented_names_are_encoded_for_the_printer_not_dropped():
    data = render_escpos(a_receipt())
    assert b"Customer: Zo" in data
    assert b"Zo?" not in data


def test_without_a_next_visit_code_only_the_order_number_is_barcoded():
    data = render_escpos(a_receipt(next_visit_code=None))
    assert data.count(GS_K_CODE128) == 1
    assert gs_k("S1-R2-000123") in data


def test_a_printer_config_chooses_the_printer():
    assert PrinterConfig.from_dict({"kind": "network", "host": "10.0.0.9", "port": 9100}).options == {
        "host": "10.0.0.9", "port": 9100}
    usb = PrinterConfig.from_dict({"kind": "usb", "vendor_id": "0x04b8", "product_id": 0x0202})
    assert usb.options == {"vendor_id": 0x04B8, "product_id": 0x0202}
    assert PrinterConfig.from_dict({"kind": "serial", "device": "/dev/ttyUSB0", "columns": 32}).columns == 32


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"kind": "fax"}, "printer.kind: must be one of"),
        ({"kind": "network"}, "printer.host: required"),
        ({"kind": "network", "host": "h", "port": "9100"}, "printer.port: wrong type"),
        ({"kind": "file", "path": "/dev/lp0", "host": "h"}, "printer.host: unknown field"),
        ({"kind": "usb", "vendor_id": "epson", "product_id": 1}, "printer.vendor_id: not a number"),
        ({"kind": "dummy", "columns": 200}, "printer.columns: must be between"),
    ],
)
def test_a_broken_printer_config_names_the_field(raw, message):
    with pytest.raises(PrinterConfigError, match=message.replace(".", r"\.")):
        PrinterConfig.from_dict(raw)


def test_a_dummy_printer_keeps_what_was_printed():
    printer = open_printer(PrinterConfig.from_dict({"kind": "dummy"}))
    print_receipt(printer, a_receipt())
    assert b"CORNER MARKET" in printer.output


def test_a_file_printer_writes_the_receipt_to_the_device_file(tmp_path):
    device = tmp_path / "lp0"
    device.touch()
    print_to_configured_printer(PrinterConfig.from_dict({"kind": "file", "path": str(device)}), a_receipt())
    data = device.read_bytes()
    assert b"CORNER MARKET" in data and data.rstrip(b"\n").endswith(FULL_CUT)


def test_a_network_printer_receives_the_receipt_on_its_port():
    server = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def accept():
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.extend(chunk)

    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    config = PrinterConfig.from_dict({"kind": "network", "host": "127.0.0.1",
                                      "port": server.getsockname()[1], "timeout": 5})
    print_to_configured_printer(config, a_receipt())
    listener.join(5)
    server.close()
    assert b"CORNER MARKET" in received and FULL_CUT in received


# -- preview ----------------------------------------------------------------------------------


def test_the_preview_png_is_a_tall_receipt_shaped_image():
    image = Image.open(io.BytesIO(render_receipt_png(a_receipt())))
    assert image.format == "PNG"
    width, height = image.size
    assert 400 <= width <= 800
    assert height > 2 * width  # a slip, not a page
    assert image.getpixel((2, 2)) == 255  # white paper at the margin


def test_the_preview_contains_the_barcode_below_the_text():
    with_code = render_receipt_image(a_receipt())
    without = render_receipt_image(a_receipt(), barcode=False)
    assert with_code.height > without.height + 60
    bottom = with_code.crop((0, without.height, with_code.width, with_code.height))
    assert bottom.getextrema() == (0, 255)


def test_the_preview_shows_one_barcode_more_when_a_next_visit_code_was_earned():
    both = render_receipt_image(a_receipt())
    order_only = render_receipt_image(a_receipt(next_visit_code=None))
    text_lines = len(layout_receipt(a_receipt())) - len(layout_receipt(a_receipt(next_visit_code=None)))
    assert both.height - order_only.height > text_lines * 24 + 60  # the text section, and a second barcode


def test_the_preview_pdf_is_a_one_page_pdf():
    pdf = render_receipt_pdf(a_receipt())
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") >= 1


def test_printing_code_does_not_import_qt():
    package = pathlib.Path(__file__).resolve().parents[2] / "pos_app" / "printing"
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.startswith("PySide6") for name in imported), source.name
