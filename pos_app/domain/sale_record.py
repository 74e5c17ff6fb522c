"""A completed sale as the register keeps it: totals and lines frozen at checkout.

What the engine decided for each line (its promotion allocations, its share
of the points value, its net price) is fixed when the sale is paid; a return
refunds units at that frozen net price and never re-spreads discounts over
the lines that stay. Quantities are decimal strings ("2", "0.532").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class SoldLine:
    line_id: str
    position: int
    sku: str
    name: str
    qty: str
    unit_price_minor: int
    subtotal_minor: int
    discount_minor: int
    points_value_minor: int
    net_minor: int
    points_earned: int = 0
    points_redeemed: int = 0
    allocations: Mapping[str, int] = field(default_factory=dict)  # promotion id -> minor units
    qty_returned: str = "0"
    weighted: bool = False

    @property
    def qty_left(self) -> Decimal:
        return Decimal(self.qty) - Decimal(self.qty_returned)


@dataclass(frozen=True, slots=True)
class SaleRecord:
    id: str
    register_id: str
    created_at: datetime
    currency: str
    subtotal_minor: int
    discount_minor: int
    points_value_minor: int
    total_minor: int
    lines: tuple[SoldLine, ...] = ()
    customer_id: str | None = None
    store_id: str | None = None
    cashier_id: str | None = None
    status: str = "paid"
    refunded_minor: int = 0
    points_earned: int = 0
    points_redeemed: int = 0
    accrual_available_on: date | None = None
    codes: tuple[str, ...] = ()
    result_json: str = "{}"


__all__ = ["SaleRecord", "SoldLine"]
