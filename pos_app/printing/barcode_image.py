"""Code128 barcodes as images: PNG bytes for previews and raster printers, SVG for documents.

Code128 encodes any printable ASCII, so it carries both the next-visit code
("NV-8K2Q7") and an order number, and the scanner at the till reads it back
as typed text. Drawing is python-barcode's; this module fixes the options a
receipt needs (no file names, a quiet zone, the text under the bars).
"""

from __future__ import annotations

import io

from barcode import Code128
from barcode.writer import ImageWriter, SVGWriter


class BarcodeTextError(ValueError):
    """A value Code128 cannot carry (empty, or outside printable ASCII)."""


def _check(value: str) -> str:
    if not value or not all(32 <= ord(ch) < 127 for ch in value):
        raise BarcodeTextError(f"{value!r}: a Code128 barcode needs printable ASCII text")
    return value


def code128_png(value: str, *, module_width_mm: float = 0.3, module_height_mm: float = 12.0,
                dpi: int = 203, show_text: bool = True) -> bytes:
    """A PNG of `value` as Code128, sized for a 203-dpi receipt printer by default."""
    writer = ImageWriter(format="PNG", mode="L", dpi=dpi)
    buffer = io.BytesIO()
    Code128(_check(value), writer=writer).write(
        buffer,
        options={
            "module_width": module_width_mm,
            "module_height": module_height_mm,
            "quiet_zone": 3.0,
            "font_size": 8 if show_text else 0,
            "text_distance": 3.0,
            "write_text": show_text,
        },
    )
    return buffer.getvalue()


def code128_svg(value: str, *, module_width_mm: float = 0.3, module_height_mm: float = 12.0,
                show_text: bool = True) -> bytes:
    """An SVG document (UTF-8 bytes) of `value` as Code128."""
    buffer = io.BytesIO()
    Code128(_check(value), writer=SVGWriter()).write(
        buffer,
        options={
            "module_width": module_width_mm,
            "module_height": module_height_mm,
            "quiet_zone": 3.0,
            "write_text": show_text,
        },
    )
    return buffer.getvalue()


__all__ = ["BarcodeTextError", "code128_png", "code128_svg"]
