"""From a checked-out sale to a `Receipt`: the engine's answer, in the customer's words.

The promotion engine speaks FORMAT.md JSON: the cart lines it was given
(section 1.3), the promotions in force (section 2) and its result (section
7). `receipt_from_sale` reads exactly those shapes, so the receipt needs
nothing from the storage or the GUI: the checkout use case passes what it
already has, plus the header facts (store, register, cashier, order number,
time) and the customer's points before the sale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pos_app.domain.money import Currency
from pos_app.printing.receipt import AppliedPromotion, PointsSummary, Receipt, ReceiptLine


def receipt_from_sale(
    cart: Sequence[Mapping[str, Any]],
    result: Mapping[str, Any],
    *,
    promotions: Sequence[Mapping[str, Any]],
    item_names: Mapping[str, str],
    store_name: str,
    register: str,
    cashier: str,
    order_number: str,
    issued_at: datetime,
    store_address: Sequence[str] = (),
    customer_name: str | None = None,
    points_before: int | None = None,
    points_pending: bool = False,
    next_visit_code: str | None = None,
    next_visit_offer: str | None = None,
    partner_codes: Sequence[tuple[str, str]] = (),
) -> Receipt:
    """The receipt of one sale. `item_names` maps SKU to the name printed (the SKU if missing).

    `points_before` is the customer's balance before this sale; None for an
    anonymous sale (no points section is printed).
    """
    currency = Currency.of(result["currency"])
    minor = currency.parse_minor
    results_by_line = {line["id"]: line for line in result["lines"]}
    names = {p["id"]: p.get("name") or p["id"] for p in promotions}

    lines = []
    for cart_line in cart:
        outcome = results_by_line[cart_line["id"]]
        subtotal, discount = minor(outcome["subtotal"]), minor(outcome["discount"])
        lines.append(
            ReceiptLine(
                name=item_names.get(cart_line["sku"], cart_line["sku"]),
                qty=cart_line["qty"],
                unit_price=minor(cart_line["unit_price"]),
                discount=discount,
                net=subtotal - discount,
                sku=cart_line["sku"],
            )
        )

    applied = tuple(
        AppliedPromotion(names.get(a["id"], a["id"]), amount=minor(a["amount"]), points=a.get("points", 0))
        for a in result["applied"]
    )

    points = None
    if points_before is not None:
        redemption = result.get("redemption") or {}
        redeemed = int(redemption.get("redeemed", 0))
        earned = int(result.get("points_earned", 0))
        points = PointsSummary(
            earned=earned,
            redeemed=redeemed,
            balance=points_before - redeemed + earned,
            redeemed_value=minor(redemption.get("value", "0")),
            pending=points_pending,
        )

    return Receipt(
        store_name=store_name,
        store_address=tuple(store_address),
        register=register,
        cashier=cashier,
        order_number=order_number,
        issued_at=issued_at,
        currency=currency.code,
        lines=tuple(lines),
        subtotal=minor(result["subtotal"]),
        discount_total=minor(result["discount_total"]),
        points_value=minor(result["points_value"]),
        total=minor(result["total"]),
        promotions=applied,
        points=points,
        customer_name=customer_name,
        next_visit_code=next_visit_code,
        next_visit_offer=next_visit_offer,
        partner_codes=tuple(partner_codes),
    )


__all__ = ["receipt_from_sale"]
