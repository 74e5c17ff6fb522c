"""The products a till's checks name, kept in memory for as long as the catalogue does not change."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from sqlalchemy import event
from sqlalchemy.engine import Engine

from pos_app.domain.catalog_item import CatalogItem
from pos_app.services.catalog_cache import CatalogCache
from pos_app.storage.unit_of_work import UnitOfWorkFactory

PEN = CatalogItem(sku="PEN", name="Blue pen", unit_price_minor=250, categories=("office",), brand="acme")
PAD = CatalogItem(sku="PAD", name="Note pad", unit_price_minor=400, categories=("office",))


def stock(uow: UnitOfWorkFactory, *items: CatalogItem) -> None:
    with uow() as work:
        work.catalog.upsert_many(items)
        work.commit()


def counting_reads(engine: Engine) -> list[str]:
    """The product reads the store answers from now on (each statement that selects from `products`)."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def heard(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if "FROM products" in statement:
            seen.append(statement)

    return seen


def test_a_check_asked_again_is_answered_from_memory(uow: UnitOfWorkFactory, engine: Engine) -> None:
    stock(uow, PEN, PAD)
    cache = CatalogCache()
    reads = counting_reads(engine)

    assert cache.among(uow(read_only=True), {"PEN", "PAD", "GHOST"}) == {"PEN": PEN, "PAD": PAD}
    assert cache.among(uow(read_only=True), {"PEN", "GHOST"}) == {"PEN": PEN}  # GHOST is still unknown
    assert cache.among(uow(read_only=True), {"PAD"}) == {"PAD": PAD}

    assert len(reads) == 1  # the first check read its three SKUs; the others read nothing


def test_a_changed_product_is_read_again(uow: UnitOfWorkFactory, engine: Engine) -> None:
    stock(uow, PEN, PAD)
    cache = CatalogCache()
    cache.among(uow(read_only=True), {"PEN", "PAD"})

    dearer = replace(PEN, unit_price_minor=275)
    stock(uow, dearer)
    assert cache.among(uow(read_only=True), {"PEN", "PAD"}) == {"PEN": dearer, "PAD": PAD}

    with uow() as work:
        work.catalog.deactivate("PAD")
        work.commit()
    assert cache.among(uow(read_only=True), {"PEN", "PAD"}) == {"PEN": dearer}


def test_a_product_added_by_another_process_is_seen(uow: UnitOfWorkFactory, engine: Engine) -> None:
    """Another program writing the file (an import, the sync of another process) bumps the same counter."""
    stock(uow, PEN)
    cache = CatalogCache()
    assert cache.among(uow(read_only=True), {"PEN", "PAD"}) == {"PEN": PEN}

    with sqlite3.connect(engine.url.database) as other:  # not through the register's code at all
        other.execute("UPDATE products SET name = 'Red pen' WHERE sku = 'PEN'")
        other.execute(
            "INSERT INTO products (sku, name, unit_price_minor, categories, tags, no_discount, no_points, weighted, "
            "active) VALUES ('PAD', 'Note pad', 400, '[\"office\"]', '[]', 0, 0, 0, 1)")

    assert cache.among(uow(read_only=True), {"PEN", "PAD"}) == {
        "PEN": replace(PEN, name="Red pen"), "PAD": PAD}


def test_the_cache_starts_afresh_when_full(uow: UnitOfWorkFactory) -> None:
    stock(uow, PEN, PAD)
    cache = CatalogCache(max_kept=2)
    cache.among(uow(read_only=True), {"PEN", "PAD"})
    assert cache.among(uow(read_only=True), {"PEN", "GHOST", "OTHER"}) == {"PEN": PEN}
    assert cache.among(uow(read_only=True), {"PAD"}) == {"PAD": PAD}


def test_a_register_loads_its_catalogue_at_start_and_then_reads_no_products(uow: UnitOfWorkFactory,
                                                                            engine: Engine) -> None:
    stock(uow, PEN, PAD)
    cache = CatalogCache()
    assert cache.warm(uow(read_only=True)) == 2
    reads = counting_reads(engine)

    assert cache.among(uow(read_only=True), {"PEN", "PAD"}) == {"PEN": PEN, "PAD": PAD}
    assert reads == []

    stock(uow, replace(PAD, unit_price_minor=450))  # and a change is still seen
    assert cache.among(uow(read_only=True), {"PAD"})["PAD"].unit_price_minor == 450
