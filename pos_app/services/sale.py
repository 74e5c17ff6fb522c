"""The sale being built at the register: a frozen `SaleDraft` and the functions that change it.

A draft is what the cashier has entered so far: lines (a catalogue product
and a quantity), the identified customer, the codes typed or scanned, the
points the customer wants to spend (`0`, a number or `"max"`) and the
catalogue rewards claimed. It holds no prices beyond each product's shelf
price: `pricing.price_sale` asks the promotion engine for totals, and
`checkout.checkout` writes the sale. Every change returns a new draft, or a
`Refused` that says why in the cashier's words; nothing here writes to the
store, so abandoning a draft (`void_sale`) leaves no trace.

    draft = new_sale()
    draft = add_item(factory(read_only=True), draft, "4006381333931")   # or a SKU
    draft = attach_customer(draft, "C1")
    draft = apply_code(factory(read_only=True), draft, "SPRING10")
    draft = request_redemption(draft, "max")
    priced = price_sale(factory(read_only=True), draft, now, cache=cache)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

from pos_app.domain.cart import CartLine
from pos_app.domain.catalog_item import CatalogItem
from pos_app.domain.promotion_code import normalise_code
from pos_app.services.outcome import Refused
from pos_app.services.products import find_product
from pos_app.storage.ledger import new_entry_id
from pos_app.storage.unit_of_work import UnitOfWork

RedeemRequest = int | Literal["max"]
MAX_UNITS = 9_999  # a quantity above this is a barcode typed into the quantity field
MAX_LINES = 500
_CODE_TEXT = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-]{0,63}")


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One line of the draft: a catalogue product, how many (an int, or kg as a decimal string)."""

    line_id: str
    item: CatalogItem
    qty: int | str

    @property
    def product_id(self) -> str:
        """The catalogue's key for the product (its SKU)."""
        return self.item.sku

    @property
    def sku(self) -> str:
        return self.item.sku

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def unit_price_minor(self) -> int:
        return self.item.unit_price_minor

    @property
    def weighted(self) -> bool:
        return self.item.weighted

    def to_cart_line(self) -> CartLine:
        """The engine's cart line (FORMAT.md 1.3)."""
        item = self.item
        qty: int | Fraction = Fraction(Decimal(self.qty)) if isinstance(self.qty, str) else self.qty
        return CartLine(
            id=self.line_id,
            sku=item.sku,
            qty=qty,
            unit_price=item.unit_price_minor,
            categories=frozenset(item.categories),
            brand=item.brand,
            tags=frozenset(item.tags),
            weighted=item.weighted,
            no_discount=item.no_discount,
            no_points=item.no_points,
            min_unit_price=item.min_unit_price_minor,
            name=item.name,
        )


@dataclass(frozen=True, slots=True)
class ClaimedReward:
    """A catalogue reward claimed for this sale; its points and code are written at checkout."""

    reward_id: str
    name: str
    points: int
    promotion_id: str | None  # None: a partner reward
    code: str  # the single-use personal code the claim will issue, or the partner code it hands out

    @property
    def is_partner(self) -> bool:
        return self.promotion_id is None


@dataclass(frozen=True, slots=True)
class SaleDraft:
    """A sale before payment. Line ids (`L1`, `L2`, ...) are never reused within a draft.

    `sale_id` (given by `new_sale`) identifies the sale across its changes:
    checkout refuses to pay the same sale twice (a double click, a retry).
    """

    lines: tuple[DraftLine, ...] = ()
    customer_id: str | None = None
    codes: tuple[str, ...] = ()
    redeem: RedeemRequest = 0
    rewards: tuple[ClaimedReward, ...] = ()
    store_id: str | None = None
    next_line: int = 1
    sale_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def line(self, line_id: str) -> DraftLine | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    @property
    def all_codes(self) -> tuple[str, ...]:
        """The codes the engine sees: the cashier's, then the claimed rewards' codes (a partner's is not one)."""
        return self.codes + tuple(r.code for r in self.rewards if not r.is_partner)

    @property
    def reward_points(self) -> int:
        return sum(r.points for r in self.rewards)


def new_sale(store_id: str | None = None) -> SaleDraft:
    """An empty sale with a fresh time-ordered id."""
    return SaleDraft(store_id=store_id, sale_id=new_entry_id())


def void_sale(draft: SaleDraft) -> SaleDraft:
    """Abandon a sale before payment: a fresh draft for the same store. Nothing is written.

    Claimed rewards are only written at checkout, so they vanish with the draft.
    """
    return new_sale(draft.store_id)


def check_quantity(qty: object, weighted: bool) -> int | str | Refused:
    """A quantity as the register sells it: 1-9,999 items, or a weight above 0 with at most 3 decimals."""
    if weighted:
        try:
            amount = Decimal(str(qty).strip()) if not isinstance(qty, float | bool) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            return Refused("bad_quantity", f"quantity {qty!r}: a weight like 0.532")
        if amount <= 0:
            return Refused("bad_quantity", "a weight must be more than zero (remove the line instead)")
        if amount > MAX_UNITS or -amount.as_tuple().exponent > 3:  # type: ignore[operator]
            return Refused("bad_quantity", f"weight {qty}: at most {MAX_UNITS} with 3 decimals")
        return format(amount.normalize(), "f")
    if isinstance(qty, bool) or not isinstance(qty, int):
        if isinstance(qty, str) and re.fullmatch(r"\s*-?\d+\s*", qty):
            qty = int(qty)
        else:
            return Refused("bad_quantity", f"quantity {qty!r}: a whole number of items")
    if qty <= 0:
        return Refused("bad_quantity", f"quantity {qty}: must be at least 1 (remove the line instead)")
    if qty > MAX_UNITS:
        return Refused("bad_quantity", f"quantity {qty}: at most {MAX_UNITS} of one item")
    return qty


def add_product(draft: SaleDraft, item: CatalogItem, qty: int | str = 1) -> SaleDraft | Refused:
    """Add a found product; the same product scanned again raises its line's quantity.

    Weighted products always get a line of their own (each weighing is one label).
    """
    checked = check_quantity(qty, item.weighted)
    if isinstance(checked, Refused):
        return checked
    if not item.weighted:
        for line in draft.lines:
            if line.sku == item.sku and not line.weighted:
                assert isinstance(line.qty, int) and isinstance(checked, int)
                return change_quantity(draft, line.line_id, line.qty + checked)
    if len(draft.lines) >= MAX_LINES:
        return Refused("too_many_lines", f"a sale has at most {MAX_LINES} lines")
    line = DraftLine(f"L{draft.next_line}", item, checked)
    return replace(draft, lines=(*draft.lines, line), next_line=draft.next_line + 1)


def add_item(uow: UnitOfWork, draft: SaleDraft, scanned: str, qty: int | str = 1) -> SaleDraft | Refused:
    """Scan a barcode (EAN-13, UPC-A, EAN-8, check digit verified) or type a SKU.

    Refused: `empty_input`, `malformed_barcode`, `wrong_check_digit`,
    `unknown_product`, `bad_quantity`. Uses (and closes) `uow` for the lookup.
    """
    item = find_product(uow, scanned)
    if isinstance(item, Refused):
        return item
    return add_product(draft, item, qty)


def change_quantity(draft: SaleDraft, line_id: str, qty: int | str) -> SaleDraft | Refused:
    """Set a line's quantity (a decimal weight for a weighted line). 0 or less is refused: remove it."""
    line = draft.line(line_id)
    if line is None:
        return Refused("unknown_line", f"no line {line_id!r} in this sale")
    checked = check_quantity(qty, line.weighted)
    if isinstance(checked, Refused):
        return checked
    lines = tuple(replace(x, qty=checked) if x.line_id == line_id else x for x in draft.lines)
    return replace(draft, lines=lines)


def remove_line(draft: SaleDraft, line_id: str) -> SaleDraft | Refused:
    if draft.line(line_id) is None:
        return Refused("unknown_line", f"no line {line_id!r} in this sale")
    return replace(draft, lines=tuple(x for x in draft.lines if x.line_id != line_id))


def attach_customer(draft: SaleDraft, customer_id: str) -> SaleDraft:
    """Identify the sale's customer (see `services.identification`). Another customer's claims are dropped."""
    if customer_id == draft.customer_id:
        return draft
    return replace(draft, customer_id=customer_id, rewards=(), redeem=0)


def detach_customer(draft: SaleDraft) -> SaleDraft:
    """Make the sale anonymous again: no points spent, no rewards claimed."""
    return replace(draft, customer_id=None, rewards=(), redeem=0)


def check_code_text(text: str) -> str | Refused:
    """A code as typed, trimmed; letters, digits, `-` and `_` only, at most 64 characters."""
    code = (text or "").strip() if isinstance(text, str) else ""
    if not code:
        return Refused("empty_code", "type or scan a code")
    if not _CODE_TEXT.fullmatch(code):
        return Refused("malformed_code", f"code {code[:40]!r}: letters, digits, '-' and '_' only, at most 64")
    return code


def apply_code(uow: UnitOfWork, draft: SaleDraft, text: str) -> SaleDraft | Refused:
    """Enter a promotion code. Refused when malformed, unknown, used up, another customer's or entered twice.

    Whether the code's promotion then applies is the engine's answer
    (`PricedSale.result.codes`), e.g. `not_applicable` while the cart lacks
    its items. Uses (and closes) `uow` for the lookup.
    """
    code = check_code_text(text)
    if isinstance(code, Refused):
        return code
    key = normalise_code(code)
    if any(normalise_code(c) == key for c in draft.all_codes):
        return Refused("code_already_entered", f"code {code} is already in this sale")
    with uow:
        found = uow.promotions.find_code(code)
    if found is None:
        return Refused("unknown_code", f"code {code}: no such code")
    if found.used_up:
        return Refused("code_used", f"code {code} has already been used")
    if found.customer_id is not None and found.customer_id != draft.customer_id:
        if draft.customer_id is None:
            return Refused("code_not_owner", f"code {code} is personal: identify its customer first")
        return Refused("code_not_owner", f"code {code} belongs to another customer")
    return replace(draft, codes=(*draft.codes, code))


def remove_code(draft: SaleDraft, text: str) -> SaleDraft | Refused:
    key = normalise_code(text or "")
    if not any(normalise_code(c) == key for c in draft.codes):
        return Refused("unknown_code", f"code {text!r} is not in this sale")
    return replace(draft, codes=tuple(c for c in draft.codes if normalise_code(c) != key))


def request_redemption(draft: SaleDraft, request: object) -> SaleDraft | Refused:
    """Ask to pay with points: 0 (none), a number of points, or "max". The engine decides the grant."""
    if request == "max" and isinstance(request, str):
        value: RedeemRequest = "max"
    elif isinstance(request, str) and request.strip().isdigit():
        value = int(request.strip())
    elif isinstance(request, int) and not isinstance(request, bool):
        value = request
    else:
        return Refused("bad_points", f'points {request!r}: a whole number or "max"')
    if value != "max" and value < 0:
        return Refused("bad_points", "points to spend cannot be negative")
    if value != 0 and draft.customer_id is None:
        return Refused("customer_required", "identify the customer before spending points")
    return replace(draft, redeem=value)


__all__ = [
    "MAX_LINES",
    "MAX_UNITS",
    "ClaimedReward",
    "DraftLine",
    "RedeemRequest",
    "SaleDraft",
    "add_item",
    "add_product",
    "apply_code",
    "attach_customer",
    "change_quantity",
    "check_code_text",
    "check_quantity",
    "detach_customer",
    "new_sale",
    "remove_code",
    "remove_line",
    "request_redemption",
    "void_sale",
]
