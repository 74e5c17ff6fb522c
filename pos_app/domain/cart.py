"""Cart lines: what the customer is buying, as the engine sees it.

A line's quantity is an integer number of units, or, for goods sold by weight,
an exact decimal (a `Fraction`) with `weighted=True`. Prices are integer minor
units. A weighted line counts as one unit wherever units are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from pos_app.domain.money import Rounding, round_minor


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of the cart: a product, how much of it, at what unit price."""

    id: str
    sku: str
    qty: int | Fraction
    unit_price: int
    categories: frozenset[str] = frozenset()
    brand: str | None = None
    tags: frozenset[str] = frozenset()
    weighted: bool = False
    no_discount: bool = False
    no_points: bool = False
    min_unit_price: int | None = None
    name: str = field(default="", compare=False)

    def subtotal(self, rounding: Rounding) -> int:
        """qty * unit_price rounded to minor units."""
        if isinstance(self.qty, int):
            return self.qty * self.unit_price
        return round_minor(self.qty * self.unit_price, rounding)

    @property
    def units(self) -> int:
        """How many units the line counts as: its quantity, or 1 when weighted."""
        return 1 if self.weighted else int(self.qty)

    @property
    def floor_exact(self) -> Fraction:
        """The lowest the line may go: qty * min_unit_price (never below zero)."""
        if self.min_unit_price is None:
            return Fraction(0)
        return Fraction(self.qty) * self.min_unit_price
