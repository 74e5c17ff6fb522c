"""Receipts: the slip of a sale or a return, kept as printed so any of them can be printed again.

`sale_receipt` turns a paid sale into its `Receipt` (the engine's prices,
savings and points, the header facts, the next-visit code); checkout keeps it
in the sale's own transaction when it is given a `ReceiptHeader`, so a
register that printed nothing (a jam, a power cut) can print the sale again.
`return_receipt` is the slip of a return and `keep_return_receipt` keeps it.
`find_receipt` answers a receipt's barcode (its order number) with that
order's receipts, the sale's first; `last_receipt` is the slip printed last.
A copy is marked as such when it is printed (`printing.receipt.as_copy`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from pos_app.domain.sale_record import SaleRecord
from pos_app.printing.receipt import Receipt, ReceiptLine, receipt_from_dict, receipt_to_dict
from pos_app.printing.sale_receipt import receipt_from_sale
from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from pos_app.services.checkout import CompletedSale
    from pos_app.services.returns import ReturnResult


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """What the receipt's header says about the store (the window's and the till's API's alike)."""

    id: str
    name: str
    address: tuple[str, ...] = ()

    def header(self, register: str, cashier: str) -> ReceiptHeader:
        return ReceiptHeader(self.name, register, cashier, self.address)


@dataclass(frozen=True, slots=True)
class ReceiptHeader:
    """What the slip's header says: the store, its address, the register and the cashier's name."""

    store_name: str
    register: str
    cashier: str
    store_address: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KeptReceipts:
    """An order's receipts as printed: the sale's, then one per return."""

    order_id: str
    receipts: tuple[Receipt, ...]

    @property
    def latest(self) -> Receipt:
        return self.receipts[-1]


def sale_receipt(done: CompletedSale, header: ReceiptHeader, issued_at: datetime) -> Receipt:
    """The receipt of a paid sale, as the customer gets it."""
    customer = done.priced.customer
    receipt = receipt_from_sale(
        done.cart_json(),
        done.result_json(),
        promotions=done.promotions_json(),
        item_names=done.item_names,
        store_name=header.store_name,
        store_address=header.store_address,
        register=header.register,
        cashier=header.cashier,
        order_number=done.order_number,
        issued_at=issued_at.replace(tzinfo=None),
        customer_name=customer.name if customer else None,
        points_before=done.points_before,
        points_pending=done.points_pending,
        next_visit_code=done.next_visit.code_text if done.next_visit else None,
        next_visit_offer=done.next_visit.offer if done.next_visit else None,
        partner_codes=done.partner_codes,
    )
    if receipt.points is not None and done.points_after is not None:
        # The printed balance comes from the checkout itself, so rewards claimed with points count too.
        rewards = done.priced.draft.reward_points
        receipt = replace(receipt, points=replace(receipt.points, reward_points=rewards,
                                                  redeemed=done.order.points_redeemed - rewards,
                                                  balance=done.points_after))
    return receipt


def return_receipt(order: SaleRecord, result: ReturnResult, header: ReceiptHeader, issued_at: datetime, *,
                   customer_name: str | None = None, approved_by: str | None = None) -> Receipt:
    """The slip of a return: the units that came back and their refund, the points put right."""
    names = {line.line_id: line for line in order.lines}
    lines = tuple(
        ReceiptLine(item.name, item.qty if names[item.line_id].weighted else int(item.qty),
                    names[item.line_id].unit_price_minor, 0, item.refund_minor, sku=item.sku)
        for item in result.lines
    )
    return Receipt(
        store_name=header.store_name, store_address=header.store_address, register=header.register,
        cashier=header.cashier, order_number=order.id, issued_at=issued_at.replace(tzinfo=None),
        currency=result.currency, lines=lines, subtotal=result.refund_minor, discount_total=0, points_value=0,
        total=result.refund_minor, customer_name=customer_name, kind="return", approved_by=approved_by,
        points_given_back=result.points_given_back, points_taken_back=result.points_taken_back,
        footer=("Keep this slip with your receipt.",),
    )


def keep_receipt(uow: UnitOfWork, receipt: Receipt, printed_at: datetime) -> None:
    """Keep a receipt inside an open unit of work (the caller commits, with the sale or return it belongs to)."""
    uow.receipts.add(receipt.order_number, receipt.kind, printed_at, receipt_to_dict(receipt))


def keep_return_receipt(uow: UnitOfWork, receipt: Receipt, printed_at: datetime) -> None:
    with uow:
        keep_receipt(uow, receipt, printed_at)
        uow.commit()


def find_receipt(uow: UnitOfWork, scanned: str) -> KeptReceipts | Refused:
    """The receipts of the order whose barcode (`R1-000042`) was scanned or typed."""
    order_id = (scanned or "").strip().upper() if isinstance(scanned, str) else ""
    if not order_id or len(order_id) > 80:
        return Refused("malformed_order_number", "scan the receipt's barcode or type its order number")
    with uow:
        kept = uow.receipts.of_order(order_id)
        known = kept or uow.orders.get(order_id) is not None
    if not kept:
        return Refused("no_receipt", f"order {order_id} has no receipt kept at this register" if known
                       else f"no order {order_id} at this register")
    return KeptReceipts(order_id, tuple(receipt_from_dict(body) for _kind, body in kept))


def last_receipt(factory: UnitOfWorkFactory) -> KeptReceipts | Refused:
    """The receipts of the order whose slip was printed last."""
    with factory(read_only=True) as uow:
        order_id = uow.receipts.last_order_id()
    if order_id is None:
        return Refused("no_receipt", "no receipt printed at this register yet")
    return find_receipt(factory(read_only=True), order_id)


__all__ = ["KeptReceipts", "ReceiptHeader", "StoreFacts", "find_receipt", "keep_receipt", "keep_return_receipt",
           "last_receipt", "return_receipt", "sale_receipt"]
