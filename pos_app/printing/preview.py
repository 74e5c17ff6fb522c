"""The receipt as an image: what the cashier sees before printing, and a PDF to e-mail.

The picture is drawn with Pillow from the same text lines the printer gets
(`layout_receipt`), in a monospaced font (DejaVu Sans Mono, shipped in
`pos_app.resources`, so no system font is needed), on receipt-white paper, with
the Code128 barcodes underneath: the next-visit code's (when the sale earned
one) and the order number's, each under a caption saying what it is for.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from pos_app.printing.barcode_image import code128_png
from pos_app.printing.receipt import RECEIPT_WIDTH, Receipt, layout_receipt
from pos_app.resources import RECEIPT_FONT, resource_file

_PAPER = 255
_INK = 0


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resource_file("fonts", RECEIPT_FONT)), size)


def render_receipt_image(receipt: Receipt, *, columns: int = RECEIPT_WIDTH, font_size: int = 20,
                         margin: int = 24, barcode: bool = True) -> Image.Image:
    """A greyscale Pillow image of the receipt: the text, then each barcode under its caption."""
    lines = layout_receipt(receipt, columns)
    font = _font(font_size)
    char_width = font.getlength("M")
    ascent, descent = font.getmetrics()
    line_height = ascent + descent + 4
    width = int(columns * char_width) + 2 * margin
    codes: list[tuple[str, Image.Image]] = []
    for code in receipt.barcodes if barcode else ():
        image = Image.open(io.BytesIO(code128_png(code.value, dpi=203))).convert("L")
        if image.width > width - 2 * margin:
            ratio = (width - 2 * margin) / image.width
            image = image.resize((width - 2 * margin, int(image.height * ratio)))
        codes.append((code.caption, image))
    height = 2 * margin + line_height * len(lines)
    height += sum(margin // 2 + line_height + image.height for _, image in codes) + (margin // 2 if codes else 0)

    page = Image.new("L", (width, height), _PAPER)
    draw = ImageDraw.Draw(page)
    y = margin
    for index, text in enumerate(lines):
        bold = index == 0 or text.startswith("TOTAL ")
        draw.text((margin, y), text, font=font, fill=_INK, stroke_width=1 if bold else 0, stroke_fill=_INK)
        y += line_height
    for caption, image in codes:
        y += margin // 2
        caption = caption[:columns]
        draw.text(((width - font.getlength(caption)) / 2, y), caption, font=font, fill=_INK)
        y += line_height
        page.paste(image, ((width - image.width) // 2, y))
        y += image.height
    return page


def render_receipt_png(receipt: Receipt, **options) -> bytes:
    """The receipt preview as PNG bytes."""
    buffer = io.BytesIO()
    render_receipt_image(receipt, **options).save(buffer, format="PNG")
    return buffer.getvalue()


def render_receipt_pdf(receipt: Receipt, *, resolution: float = 150.0, **options) -> bytes:
    """The receipt as a one-page PDF (bytes), a slip-shaped page at `resolution` dpi."""
    buffer = io.BytesIO()
    render_receipt_image(receipt, **options).save(buffer, format="PDF", resolution=resolution)
    return buffer.getvalue()


__all__ = ["render_receipt_image", "render_receipt_pdf", "render_receipt_png"]
