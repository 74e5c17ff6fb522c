"""The cached product catalogue: lookups by barcode and SKU.

Barcodes are kept as 13 digits (`normalise_barcode`): a UPC-A label (12
digits) is the EAN-13 with a leading zero, so either scan finds the product.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, bindparam, func, select, type_coerce
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pos_app.domain.catalog_item import CatalogItem
from pos_app.storage.tables import ProductRow, StoreRevisionRow


def normalise_barcode(scanned: str) -> str:
    """A scanned EAN-13 or UPC-A (digits only) as the 13-digit key; other text unchanged."""
    digits = scanned.strip()
    return "0" + digits if len(digits) == 12 and digits.isdigit() else digits


def to_item(row: ProductRow) -> CatalogItem:
    return CatalogItem(
        sku=row.sku,
        name=row.name,
        unit_price_minor=row.unit_price_minor,
        barcode=row.barcode,
        categories=tuple(row.categories or ()),
        brand=row.brand,
        tags=tuple(row.tags or ()),
        no_discount=row.no_discount,
        no_points=row.no_points,
        min_unit_price_minor=row.min_unit_price_minor,
        weighted=row.weighted,
    )


_ITEM_COLUMNS = (
    ProductRow.sku, ProductRow.name, ProductRow.unit_price_minor, ProductRow.barcode,
    type_coerce(ProductRow.categories, Text).label("categories"), ProductRow.brand,
    type_coerce(ProductRow.tags, Text).label("tags"), ProductRow.no_discount, ProductRow.no_points,
    ProductRow.min_unit_price_minor, ProductRow.weighted,
)
_CATALOG_REVISION = select(StoreRevisionRow.value).where(StoreRevisionRow.name == "catalog")
_ITEMS_AMONG = select(*_ITEM_COLUMNS).where(ProductRow.sku.in_(bindparam("skus", expanding=True)), ProductRow.active)


_ACTIVE_ITEMS = select(*_ITEM_COLUMNS).where(ProductRow.active).order_by(ProductRow.sku).limit(bindparam("limit"))


def _items(rows: Iterable[Any]) -> dict[str, CatalogItem]:
    # Plain rows, not ORM objects, and the few distinct category and tag lists decoded once: a till's
    # check looks up 50 SKUs at once, on every inquire.
    return {
        sku: CatalogItem(sku, name, price, barcode, _names(categories), brand, _names(tags), no_discount,
                         no_points, min_price, weighted)
        for sku, name, price, barcode, categories, brand, tags, no_discount, no_points, min_price, weighted
        in rows
    }


@lru_cache(maxsize=4096)
def _names(stored: str | None) -> tuple[str, ...]:
    """A stored JSON list of names (categories, tags) as a tuple; the same few lists recur across products."""
    return tuple(json.loads(stored)) if stored else ()


def _values(item: CatalogItem) -> dict[str, object]:
    return {
        "sku": item.sku,
        "barcode": normalise_barcode(item.barcode) if item.barcode else None,
        "name": item.name,
        "unit_price_minor": item.unit_price_minor,
        "categories": list(item.categories),
        "brand": item.brand,
        "tags": list(item.tags),
        "no_discount": item.no_discount,
        "no_points": item.no_points,
        "min_unit_price_minor": item.min_unit_price_minor,
        "weighted": item.weighted,
        "active": True,
    }


class CatalogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_barcode(self, scanned: str) -> CatalogItem | None:
        row = self._session.scalars(
            select(ProductRow).where(ProductRow.barcode == normalise_barcode(scanned), ProductRow.active)
        ).one_or_none()
        return None if row is None else to_item(row)

    def by_sku(self, sku: str) -> CatalogItem | None:
        row = self._session.get(ProductRow, sku)
        return None if row is None or not row.active else to_item(row)

    def by_skus(self, skus: Iterable[str]) -> dict[str, CatalogItem]:
        """The active products among `skus`, by SKU (one query)."""
        wanted = sorted(set(skus))
        if not wanted:
            return {}
        return _items(self._session.connection().execute(_ITEMS_AMONG, {"skus": wanted}))

    def active_items(self, limit: int) -> dict[str, CatalogItem]:
        """Up to `limit` active products, by SKU (one query): a register's catalogue loaded at start."""
        return _items(self._session.connection().execute(_ACTIVE_ITEMS, {"limit": limit}))

    def revision(self) -> int:
        """A counter that changes whenever a product is added, changed or removed (triggers, revision 0012)."""
        return self._session.connection().scalar(_CATALOG_REVISION) or 0

    def upsert_many(self, items: Iterable[CatalogItem]) -> int:
        values = [_values(item) for item in items]
        if not values:
            return 0
        statement = sqlite_insert(ProductRow).values()
        statement = statement.on_conflict_do_update(
            index_elements=[ProductRow.sku],
            set_={name: statement.excluded[name] for name in values[0] if name != "sku"},
        )
        self._session.execute(statement, values)
        return len(values)

    def deactivate(self, sku: str) -> None:
        row = self._session.get(ProductRow, sku)
        if row is not None:
            row.active = False
            self._session.flush()

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(ProductRow)) or 0

    def active_skus(self) -> list[str]:
        return list(self._session.scalars(select(ProductRow.sku).where(ProductRow.active).order_by(ProductRow.sku)))


__all__ = ["CatalogRepository", "normalise_barcode", "to_item"]
