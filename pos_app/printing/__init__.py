"""Receipts: what a sale's paper slip says, and the ways it gets onto paper or a screen.

No Qt here. `receipt` holds the values and lays them out as text lines for a
42-column printer; `barcode_image` draws Code128 barcodes (PNG, SVG): the next-visit code
and the order number;
`escpos_output` sends a receipt to an ESC/POS printer chosen by a config
value; `preview` renders the same receipt to PNG or PDF for the screen.
"""

from pos_app.printing.receipt import (
    RECEIPT_WIDTH,
    AppliedPromotion,
    PointsSummary,
    Receipt,
    ReceiptBarcode,
    ReceiptLine,
    layout_receipt,
)

__all__ = [
    "RECEIPT_WIDTH",
    "AppliedPromotion",
    "PointsSummary",
    "Receipt",
    "ReceiptBarcode",
    "ReceiptLine",
    "layout_receipt",
]
