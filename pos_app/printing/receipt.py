"""A sale's receipt as plain values, and its layout as fixed-width text lines.

The register fills a `Receipt` from the checkout result (amounts in integer
minor units, the currency by ISO code); `layout_receipt` turns it into the
lines of a 42-column slip, the width of 80 mm paper in the printer's font A.
Every output — ESC/POS, the PNG/PDF preview, a test — starts from those same
lines, so what the cashier previews is what the customer gets.

Layout: a centred header (store, address, register, cashier, order, time),
the items (name, then quantity x unit price and the line's amount; a discount
on its own line), the totals, the promotions that applied (a long name wraps,
its amount is never cut), the loyalty points summary (rewards claimed and
points paid on lines of their own) and the next-visit code with its offer.

A return's slip (`kind="return"`) has the same header under a RETURN title,
the units that came back with their refund, the refund total and the points
given back and taken back. A receipt printed again carries a `copy_note`
("COPY, printed again ...") under its header. `receipt_to_dict` and
`receipt_from_dict` keep a receipt as JSON, so a copy is exactly the slip. Under the text come the
barcodes (`Receipt.barcodes`): the next-visit code's, scanned as a code on
the customer's next visit, and always the order number's, scanned by a
manager to find the order for a return.
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

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
    redeemed: int  # points paid towards the total
    balance: int
    redeemed_value: int = 0  # minor units paid with points
    pending: bool = False  # True while the sale waits to sync: the balance is provisional
    reward_points: int = 0  # points spent on catalogue rewards claimed in the sale


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
    partner_codes: tuple[tuple[str, str], ...] = ()  # (reward, code): partner rewards claimed with points
    store_address: tuple[str, ...] = ()
    footer: tuple[str, ...] = ("Thank you for shopping with us!",)
    kind: str = "sale"  # "sale" or "return"
    copy_note: str | None = None  # a receipt printed again says so under its header
    approved_by: str | None = None  # a return: the manager who approved it
    points_given_back: int = 0  # a return: points spent on the items, back on the customer's account
    points_taken_back: int = 0  # a return: points earned on the items, taken back

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
    if receipt.copy_note:
        out.extend(_center(part, width) for part in _wrap(receipt.copy_note, width))
    if receipt.kind == "return":
        return tuple(out + _return_body(receipt, width))
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
            # A long name wraps; its last line carries the amount (never cut mid-amount, "(up to $2.").
            parts = _wrap(promo.name, width - len(value) - 3)
            out.extend(f"  {part}" for part in parts[:-1])
            out.append(_spread(f"  {parts[-1]}", value, width))
        saved = sum(p.amount for p in receipt.promotions)
        if saved:
            out.append(_spread("  You saved", fmt(saved), width))

    if receipt.points is not None:
        pts = receipt.points
        out.append(rule)
        out.append("Loyalty points")
        out.append(_spread("  Earned", f"+{pts.earned}", width))
        if pts.reward_points:
            out.append(_spread("  Rewards claimed", f"-{pts.reward_points}", width))
        if pts.redeemed:
            out.append(_spread("  Paid with points", f"-{pts.redeemed} ({fmt(pts.redeemed_value)})", width))
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
    if receipt.partner_codes:
        out.append(rule)
        out.append(_center("YOUR REWARDS", width))
        for name, code in receipt.partner_codes:
            out.extend(_center(part, width) for part in _wrap(name, width))
            out.append(_center(code, width))
    return out


def _return_body(receipt: Receipt, width: int) -> list[str]:
    """A return's slip below the header: what came back, the refund, the points put right."""
    fmt = Currency.of(receipt.currency).format_minor
    rule = "-" * width
    out = [_center("RETURN", width), rule]
    for line in receipt.lines:
        out.extend(_wrap(line.name, width))
        qty = f"{line.qty} kg" if line.weighted else str(line.qty)
        out.append(_spread(f"  {qty} returned", f"-{fmt(line.net)}", width))
    out.append(rule)
    out.append(_spread(f"REFUND {receipt.currency}", fmt(receipt.total), width))
    if receipt.approved_by:
        out.append(_fit(f"Approved by {receipt.approved_by}", width))
    if receipt.points_given_back or receipt.points_taken_back:
        out.append(rule)
        out.append("Loyalty points")
        if receipt.points_given_back:
            out.append(_spread("  Given back (spent on these)", f"+{receipt.points_given_back}", width))
        if receipt.points_taken_back:
            out.append(_spread("  Taken back (earned on these)", f"-{receipt.points_taken_back}", width))
    if receipt.footer:
        out.append(rule)
        for text in receipt.footer:
            out.extend(_center(part, width) for part in textwrap.wrap(text, width) or [""])
    return out


def receipt_to_dict(receipt: Receipt) -> dict[str, Any]:
    """The receipt as JSON-ready values (what the register keeps to print it again)."""
    values = asdict(receipt)
    values["issued_at"] = receipt.issued_at.isoformat()
    return values


def receipt_from_dict(values: dict[str, Any]) -> Receipt:
    """The receipt `receipt_to_dict` kept, exactly."""
    data = dict(values)
    data["issued_at"] = datetime.fromisoformat(data["issued_at"])
    data["lines"] = tuple(ReceiptLine(**line) for line in data["lines"])
    data["promotions"] = tuple(AppliedPromotion(**p) for p in data["promotions"])
    data["points"] = PointsSummary(**data["points"]) if data.get("points") else None
    for key in ("store_address", "footer"):
        data[key] = tuple(data.get(key) or ())
    data["partner_codes"] = tuple((name, code) for name, code in data.get("partner_codes") or ())
    return Receipt(**data)


def as_copy(receipt: Receipt, printed_at: datetime) -> Receipt:
    """The same slip, marked as printed again (and when)."""
    return replace(receipt, copy_note=f"COPY - printed again {printed_at:%Y-%m-%d %H:%M}")


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
    "as_copy",
    "layout_receipt",
    "loyalty_lines",
    "receipt_from_dict",
    "receipt_to_dict",
]
