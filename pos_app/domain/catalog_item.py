"""A product of the cached catalogue and the cart line it becomes.

Barcodes are stored as 13 digits: a 12-digit UPC-A is an EAN-13 with a
leading zero, so a product scanned either way is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CatalogItem:
    sku: str
    name: str
    unit_price_minor: int
    barcode: str | None = None
    categories: tuple[str, ...] = ()
    brand: str | None = None
    tags: tuple[str, ...] = ()
    no_discount: bool = False
    no_points: bool = False
    min_unit_price_minor: int | None = None
    weighted: bool = False

    def to_cart_line(self, line_id: str, qty: int | str, format_minor: Any) -> dict[str, Any]:
        """A FORMAT.md 1.3 cart line; `format_minor` is `Currency.format_minor`."""
        return {
            "id": line_id,
            "sku": self.sku,
            "qty": qty,
            "unit_price": format_minor(self.unit_price_minor),
            "categories": list(self.categories),
            "brand": self.brand,
            "tags": list(self.tags),
            "weighted": self.weighted,
            "no_discount": self.no_discount,
            "no_points": self.no_points,
            "min_unit_price": None
            if self.min_unit_price_minor is None
            else format_minor(self.min_unit_price_minor),
        }


__all__ = ["CatalogItem"]
