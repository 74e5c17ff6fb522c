"""The products a till's checks name, kept in memory while the catalogue does not change.

A till sends its whole check on every call, so the same few hundred SKUs are
looked up again and again. `CatalogCache.among` answers them from memory and
reads only the SKUs it has not seen, in the same read transaction as the
catalogue's revision (a counter that triggers bump on every write to the
products, migration 0012): whoever changes the catalogue (the sync client, an
import, the demo, another process) changes the revision, and the next lookup
starts afresh. SKUs the catalogue does not know are remembered as unknown the
same way. One cache serves one register; it is safe to share between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from pos_app.domain.catalog_item import CatalogItem
from pos_app.storage.unit_of_work import UnitOfWork

MAX_KEPT = 100_000  # SKUs kept, known or unknown (a large store's whole catalogue); past that it starts afresh


class CatalogCache:
    """The catalogue's products among the SKUs asked so far, valid for one catalogue revision."""

    def __init__(self, max_kept: int = MAX_KEPT) -> None:
        self._max_kept = max_kept
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._kept: dict[str, CatalogItem | None] = {}  # None: not in the catalogue (or inactive)

    def among(self, uow: UnitOfWork, skus: Iterable[str]) -> dict[str, CatalogItem]:
        """The active products among `skus`, by SKU, as `CatalogRepository.by_skus` answers them."""
        wanted = set(skus)
        with uow:
            revision = uow.catalog.revision()
            with self._lock:
                if revision != self._revision:
                    self._revision, self._kept = revision, {}
                kept = self._kept
                found = {sku: kept[sku] for sku in wanted if sku in kept}
            missing = wanted.difference(found)
            if missing:
                read = uow.catalog.by_skus(missing)
                fresh = {sku: read.get(sku) for sku in missing}
                found.update(fresh)
                with self._lock:
                    if self._revision == revision:  # nobody saw a newer catalogue meanwhile
                        if len(self._kept) + len(fresh) > self._max_kept:
                            self._kept = {}
                        self._kept.update(fresh)
        return {sku: item for sku, item in found.items() if item is not None}

    def warm(self, uow: UnitOfWork) -> int:
        """Load the catalogue's active products (up to the cache's size) at once; returns how many.

        A register does it when it starts, so a till's first checks do not read their products one
        check at a time; products already kept for a newer revision are left as they are.
        """
        with uow:
            revision = uow.catalog.revision()
            items = uow.catalog.active_items(self._max_kept)
        with self._lock:
            if self._revision is not None and self._revision > revision:
                return 0  # a check already read a newer catalogue: what it kept stands
            same = self._revision == revision and len(self._kept) + len(items) <= self._max_kept
            self._revision, self._kept = revision, ({**items, **self._kept} if same else dict(items))
        return len(items)


__all__ = ["MAX_KEPT", "CatalogCache"]
