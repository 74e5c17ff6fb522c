"""A sale's receipt as plain values, and its layout as fixed-width text lines.

The register fills a `Receipt` from the checkout result (amounts in integer
minor units, the currency by ISO code); `layout_receipt` turns it into the
lines of a 42-column slip, the width of 80 mm paper in the printer's font A.
Every output — ESC/POS, the PNG/PDF preview, a test — starts from those same
lines, so what the cashier previews is what the customer gets.

Layout: a centred header (store, address, register, cashier, order, time),
the items (name, then quantity x unit price and the line's amount; a discount
on its own line), the totals, the promotions that applied, the loyalty points
summary and the next-visit code with its offer. Under the text come the
barcodes (`Receipt.barcodes`): the next-visit code's, scanned as a code on
the customer's next visit, and always the order number's, scanned by a
manager to find the order for a return.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.money import Currency

RECEIPT_WIDTH = 42


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One item sold: quantity (an int, or a weight string like "0.532"), prices in minor units."""

    name: str
    qty: int | str
    unit_price: int
    discount: int
    net: int
    sku: str = ""

    @property
    def weighted(self) -> bool:
        return isinstance(self.qty, str)


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """A promotion that applied: money off (minor units) or points added."""

    name: str
    amount: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class PointsSummary:
    """The customer's points after this sale."""

    earned: int
    redeemed: int
    balance: int
    redeemed_value: int = 0  # minor units paid with points
    pending: bool = False  # True while the sale waits to sync: the balance is provisional


@dataclass(frozen=True, slots=True)
class ReceiptBarcode:
    """One Code128 barcode under the text: what it carries and the caption printed above it."""

    caption: str
    value: str


@dataclass(frozen=True, slots=True)
class Receipt:
    store_name: str
    register: str
    cashier: str
    order_number: str
    issued_at: datetime
    currency: str
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    discount_total: int
    points_value: int
    total: int
    promotions: tuple[AppliedPromotion, ...] = ()
    points: PointsSummary | None = None
    customer_name: str | None = None
    next_visit_code: str | None = None
    next_visit_offer: str | None = None  # e.g. "10% off your next visit until 2026-12-31"
    store_address: tuple[str, ...] = ()
    footer: tuple[str, ...] = ("Thank you for shopping with us!",)

    @property
    def barcodes(self) -> tuple[ReceiptBarcode, ...]:
        """The slip's barcodes, top to bottom: the next-visit code (when one was earned), the order number."""
        order = ReceiptBarcode(f"Order {self.order_number} (returns)", self.order_number)
        if self.next_visit_code:
            return ReceiptBarcode("Next-visit code", self.next_visit_code), order
        return (order,)


def layout_receipt(receipt: Receipt, width: int = RECEIPT_WIDTH) -> tuple[str, ...]:
    """The receipt as text lines, none longer than `width`."""
    currency = Currency.of(receipt.currency)
    fmt = currency.format_minor
    out: list[str] = []
    rule = "-" * width

    out.append(_center(receipt.store_name.upper(), width))
    out.extend(_center(line, width) for line in receipt.store_address)
    out.append(_center(f"Register {receipt.register}  Cashier {receipt.cashier}", width))
    out.append(_spread(f"Order {receipt.order_number}", receipt.issued_at.strftime("%Y-%m-%d %H:%M"), width))
    if receipt.customer_name:
        out.append(_fit(f"Customer: {receipt.customer_name}", width))
    out.append(rule)

    for line in receipt.lines:
        out.extend(_wrap(line.name, width))
        qty = f"{line.qty} kg" if line.weighted else str(line.qty)
        gross = f"{fmt(line.net + line.discount)}"
        out.append(_spread(f"  {qty} x {fmt(line.unit_price)}", gross, width))
        if line.discount:
            out.append(_spread("    discount", f"-{fmt(line.discount)}", width))
    out.append(rule)

    out.append(_spread("Subtotal", fmt(receipt.subtotal), width))
    if receipt.discount_total:
        out.append(_spread("Discounts", f"-{fmt(receipt.discount_total)}", width))
    if receipt.points_value:
        out.append(_spread("Paid with points", f"-{fmt(receipt.points_value)}", width))
    out.append(_spread(f"TOTAL {currency.code}", fmt(receipt.total), width))

    out.extend(_loyalty_sections(receipt, width))

    if receipt.footer:
        out.append(rule)
        for text in receipt.footer:
            out.extend(_center(part, width) for part in textwrap.wrap(text, width) or [""])
    return tuple(out)


def loyalty_lines(receipt: Receipt, width: int = RECEIPT_WIDTH) -> tuple[str, ...]:
    """The loyalty part of the slip alone (customer, promotions, points, next-visit code), for a till
    that prints its own receipt and adds these lines to it."""
    lines = [_fit(f"Customer: {receipt.customer_name}", width)] if receipt.customer_name else []
    lines += _loyalty_sections(receipt, width)
    return tuple(lines[1:] if lines and lines[0] == "-" * width else lines)


def _loyalty_sections(receipt: Receipt, width: int) -> list[str]:
    """Promotions applied, loyalty points and the next-visit code, each after a rule."""
    currency = Currency.of(receipt.currency)
    fmt = currency.format_minor
    out: list[str] = []
    rule = "-" * width

    if receipt.promotions:
        out.append(rule)
        out.append("Promotions applied")
        for promo in receipt.promotions:
            value = f"-{fmt(promo.amount)}" if promo.amount else f"+{promo.points} pts"
            out.append(_spread(f"  {_fit(promo.name, width - len(value) - 3)}", value, width))
        saved = sum(p.amount for p in receipt.promotions)
        if saved:
            out.append(_spread("  You saved", fmt(saved), width))

    if receipt.points is not None:
        pts = receipt.points
        out.append(rule)
        out.append("Loyalty points")
        out.append(_spread("  Earned", f"+{pts.earned}", width))
        if pts.redeemed:
            out.append(_spread("  Redeemed", f"-{pts.redeemed} ({fmt(pts.redeemed_value)})", width))
        balance = f"{pts.balance}{' *' if pts.pending else ''}"
        out.append(_spread("  Balance", balance, width))
        if pts.pending:
            out.extend(_wrap("  * confirmed when the register syncs", width))

    if receipt.next_visit_code:
        out.append(rule)
        out.append(_center("YOUR NEXT-VISIT CODE", width))
        out.append(_center(receipt.next_visit_code, width))
        if receipt.next_visit_offer:
            out.extend(_center(part, width) for part in textwrap.wrap(receipt.next_visit_offer, width))
    return out


def _center(text: str, width: int) -> str:
    return _fit(text, width).center(width).rstrip()


def _fit(text: str, width: int) -> str:
    """Cut a text to `width`, marking the cut with a dot so a cut name is not mistaken for a full one."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "."


def _spread(left: str, right: str, width: int) -> str:
    """Left text and a right-aligned amount on one line; the left side gives way to the amount."""
    room = width - len(right) - 1
    return f"{_fit(left, room):<{room}} {right}"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


__all__ = [
    "RECEIPT_WIDTH",
    "AppliedPromotion",
    "PointsSummary",
    "Receipt",
    "ReceiptBarcode",
    "ReceiptLine",
    "layout_receipt",
    "loyalty_lines",
]
