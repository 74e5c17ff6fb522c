"""A sale as the engine evaluates it: the moment, the cart, the customer, codes and points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pos_app.domain.cart import CartLine
from pos_app.domain.customer import Customer

RedeemRequest = int | Literal["max"]


@dataclass(frozen=True, slots=True)
class Sale:
    """One evaluation's input (FORMAT.md section 1, without settings and promotions)."""

    now: datetime
    cart: tuple[CartLine, ...]
    customer: Customer | None = None
    codes: tuple[str, ...] = ()
    redeem_points: RedeemRequest = 0
    store: str | None = None
