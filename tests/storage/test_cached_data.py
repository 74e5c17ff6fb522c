"""The cached catalogue, promotions and codes, settings, and orders written for checkout."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from pos_app.domain.catalog_item import CatalogItem
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.sale_record import SaleRecord, SoldLine
from pos_app.services.outcome import Refused
from pos_app.services.products import find_product
from pos_app.storage.ledger import new_entry_id

from .conftest import NOW

PROMO = {
    "id": "P1", "name": "10% office", "kind": "discount", "priority": 10, "audience": "public",
    "codes": [{"code": "spring10 ", "customer": None, "uses_left": 2}, {"code": "GGHH123", "customer": "C1", "uses_left": 1}],
    "valid": {"from": "2026-11-01", "to": "2026-11-30"},
    "reward": {"type": "percent", "value": "10", "target": "items"},
}


def test_products_are_found_by_ean13_upc_or_sku(uow) -> None:
    pen = CatalogItem(sku="PEN", name="Blue pen", unit_price_minor=250, barcode="036000291452",
                      categories=("office",), brand="acme", tags=("new",), min_unit_price_minor=100)
    with uow() as work:
        work.catalog.upsert_many([pen, CatalogItem(sku="TOB", name="Tobacco", unit_price_minor=900, no_discount=True)])
        work.commit()

    with uow(read_only=True) as work:
        assert work.catalog.by_barcode("036000291452") == replace(pen, barcode="0036000291452")  # UPC-A
        assert work.catalog.by_barcode("0036000291452").sku == "PEN"  # the same label read as EAN-13
        assert work.catalog.by_sku("TOB").no_discount
        line = work.catalog.by_sku("PEN").to_cart_line("L1", 2, lambda m: f"{m // 100}.{m % 100:02d}")
    assert line == {"id": "L1", "sku": "PEN", "qty": 2, "unit_price": "2.50", "categories": ["office"],
                    "brand": "acme", "tags": ["new"], "weighted": False, "no_discount": False,
                    "no_points": False, "min_unit_price": "1.00"}


def test_promotions_keep_their_json_and_their_codes_live_in_their_own_table(uow) -> None:
    with uow() as work:
        work.promotions.upsert(PROMO)
        work.commit()

    with uow() as work:
        stored = work.promotions.get("P1")
        assert {k: v for k, v in stored.items() if k != "codes"} == {k: v for k, v in PROMO.items() if k != "codes"}
        assert stored["codes"] == [{"code": "GGHH123", "customer": "C1", "uses_left": 1},
                                   {"code": "spring10", "customer": None, "uses_left": 2}]
        assert [p["id"] for p in work.promotions.in_force(datetime(2026, 11, 30, 23, 59))] == ["P1"]
        assert work.promotions.in_force(datetime(2026, 12, 1, 0, 0)) == []
        assert work.promotions.in_force(datetime(2026, 10, 31, 23, 59)) == []

        assert work.promotions.use_code(" Spring10") and work.promotions.use_code("SPRING10")
        assert not work.promotions.use_code("spring10")  # used up
        assert not work.promotions.use_code("NOPE")
        assert work.promotions.find_code("spring10").used_up
        work.commit()


def test_settings_round_trip_as_one_typed_record(uow, settings) -> None:
    with uow() as work:
        assert work.settings.get() == settings
        assert work.settings.get().to_scenario()["points"]["tiers"] == [
            {"name": "silver", "multiplier": "1.25"}, {"name": "gold", "multiplier": "1.5"}]


def test_defaults_before_the_first_pull(uow) -> None:
    with uow() as work:
        assert work.settings.get() == LoyaltySettings()


def test_an_order_keeps_its_frozen_lines_and_counts_returns(uow, people) -> None:
    order_id = new_entry_id()
    record = SaleRecord(
        id=order_id, register_id="R1", created_at=NOW, currency="USD", subtotal_minor=10_500,
        discount_minor=2_100, points_value_minor=0, total_minor=8_400, customer_id="C1", points_earned=84,
        lines=(SoldLine("L1", 0, "A", "Widget", "3", 3_500, 10_500, 2_100, 0, 8_400, points_earned=84,
                        allocations={"B": 2_100}),
               SoldLine("L2", 1, "CHEESE", "Cheese", "0.532", 2_000, 1_064, 0, 0, 1_064, weighted=True)),
    )
    with uow() as work:
        work.orders.add(record)
        work.orders.record_return(order_id, "L1", "1", refunded_minor=2_800)
        work.commit()

    with uow() as work:
        stored = work.orders.get(order_id)
        assert stored.refunded_minor == 2_800
        assert stored.lines[0].allocations == {"B": 2_100}
        assert (stored.lines[0].qty_returned, stored.lines[0].qty_left) == ("1", 2)
        assert stored.lines[1].qty == "0.532" and stored.lines[1].weighted
        with pytest.raises(ValueError, match="cannot return 3"):
            work.orders.record_return(order_id, "L1", "3", refunded_minor=0)


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [
        ("036000291452", "PEN"),
        ("0036000291452", "PEN"),
        ("pen", Refused("unknown_product", "SKU 'pen': no such product")),
        ("PEN", "PEN"),
        ("036000291453", Refused("wrong_check_digit", "barcode 036000291453: wrong check digit")),
        ("4006381333931", Refused("unknown_product", "barcode 4006381333931: no such product")),
        ("   ", Refused("empty_input", "scan a barcode or type a SKU")),
        ("'; DROP TABLE products; --", Refused("unknown_product", "SKU \"'; DROP TABLE products; --\": no such product")),
    ],
)
def test_a_scanned_or_typed_product_is_found_or_refused_in_words(uow, scanned, expected) -> None:
    with uow() as work:
        work.catalog.upsert_many([CatalogItem(sku="PEN", name="Blue pen", unit_price_minor=250, barcode="036000291452")])
        work.commit()

    result = find_product(uow(), scanned)

    assert (result.sku if isinstance(result, CatalogItem) else result) == expected
