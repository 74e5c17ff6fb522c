"""The receipt of a paid sale: what the slip says, from the checkout's own answer.

The window prints it and the till's API hands its loyalty part to the till,
so both read the same `Receipt`: the engine's result, the store's header
facts and the points as checkout counted them (rewards claimed with points
included in what was redeemed, the balance after the sale).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from pos_app.printing.receipt import Receipt
from pos_app.printing.sale_receipt import receipt_from_sale
from pos_app.services.checkout import CompletedSale


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """What the receipt's header says about the store."""

    id: str
    name: str
    address: tuple[str, ...] = ()


def receipt_of(done: CompletedSale, *, store: StoreFacts, register: str, cashier: str,
               issued_at: datetime) -> Receipt:
    """The receipt of `done`; `issued_at` is the local time printed in the header."""
    customer = done.priced.customer
    receipt = receipt_from_sale(
        done.cart_json(),
        done.result_json(),
        promotions=done.promotions_json(),
        item_names=done.item_names,
        store_name=store.name,
        store_address=store.address,
        register=register,
        cashier=cashier,
        order_number=done.order_number,
        issued_at=issued_at.replace(tzinfo=None),
        customer_name=customer.name if customer else None,
        points_before=done.points_before,
        points_pending=done.points_pending,
        next_visit_code=done.next_visit.code_text if done.next_visit else None,
        next_visit_offer=done.next_visit.offer if done.next_visit else None,
    )
    if receipt.points is not None and done.points_after is not None:
        # The printed balance comes from the checkout itself, so rewards claimed with points count too.
        receipt = replace(receipt, points=replace(receipt.points, redeemed=done.order.points_redeemed,
                                                  balance=done.points_after))
    return receipt


__all__ = ["StoreFacts", "receipt_of"]
