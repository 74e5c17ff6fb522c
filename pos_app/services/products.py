"""Finding the product a cashier scans or types, with a clear answer when there is none."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pos_app.domain.catalog_item import CatalogItem
from pos_app.services.contact import check_product_barcode
from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWork


def find_product(uow: UnitOfWork, scanned: str) -> CatalogItem | Refused:
    """All digits (8, 12 or 13): a barcode whose check digit must be right; anything else: a SKU."""
    text = (scanned or "").strip()
    if not text:
        return Refused("empty_input", "scan a barcode or type a SKU")
    if re.fullmatch(r"\d+", text) and len(text) in (8, 12, 13):
        code = check_product_barcode(text)
        if isinstance(code, Refused):
            return code
        with uow:
            item = uow.catalog.by_barcode(code)
        return item or Refused("unknown_product", f"barcode {code}: no such product")
    with uow:
        item = uow.catalog.by_sku(text)
    return item or Refused("unknown_product", f"SKU {text!r}: no such product")


def find_products(uow: UnitOfWork, skus: Iterable[str]) -> dict[str, CatalogItem]:
    """The catalogue's products among `skus` (a till's check), by SKU; unknown SKUs are absent."""
    with uow:
        return uow.catalog.by_skus(skus)


__all__ = ["find_product", "find_products"]
