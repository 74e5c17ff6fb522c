"""A small shop for the sale tests (imported by the other test_sale_*, test_checkout_*, test_returns_* files),
and the tests of building and pricing a draft.

The shop: coffee 3.50, mugs 12.00 (10% off automatically), bananas by weight
at 1.99/kg, tobacco (never discounted), gift cards (earn no points); code
SPRING10 takes 5.00 off an order of 20.00 or more; a free coffee is a reward
for 150 points. One point per dollar, a point is worth 0.01.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from stdnum import ean

from pos_app.domain.catalog_item import CatalogItem
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricedSale, PricingEngineCache, price_sale
from pos_app.services.sale import (
    SaleDraft,
    add_item,
    apply_code,
    attach_customer,
    change_quantity,
    new_sale,
    remove_code,
    remove_line,
    request_redemption,
    void_sale,
)
from pos_app.storage.rewards import Reward
from pos_app.storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def barcode(n: int) -> str:
    body = f"400{n:09d}"
    return body + ean.calc_check_digit(body)


COFFEE, MUG, BANANAS, TOBACCO, GIFT = barcode(1), barcode(2), barcode(3), barcode(4), barcode(5)

PRODUCTS = (
    CatalogItem("COF", "Coffee", 350, COFFEE, categories=("drinks",)),
    CatalogItem("MUG", "Mug", 1200, MUG, categories=("home",), tags=("mugs",)),
    CatalogItem("BAN", "Bananas", 199, BANANAS, categories=("fruit",), weighted=True),
    CatalogItem("TOB", "Tobacco", 900, TOBACCO, no_discount=True),
    CatalogItem("GFT", "Gift card", 2500, GIFT, no_points=True, no_discount=True),
)

PROMOTIONS = (
    {
        "id": "MUGS10",
        "name": "10% off mugs",
        "conditions": {"items": {"tags": ["mugs"]}},
        "reward": {"type": "percent", "value": "10", "target": "items"},
    },
    {
        "id": "SPRING",
        "name": "5.00 off 20.00",
        "codes": [{"code": "SPRING10"}],
        "conditions": {"min_subtotal": "20.00"},
        "reward": {"type": "amount", "value": "5.00", "target": "order"},
    },
    {
        "id": "FREECOFFEE",
        "name": "Free coffee (reward)",
        "codes": [{"code": "SEED-REWARD", "uses_left": 0}],
        "conditions": {"items": {"skus": ["COF"]}},
        "reward": {"type": "percent", "value": "100", "target": "cheapest"},
    },
)

SHOP_SETTINGS = LoyaltySettings(
    currency="USD",
    earn_rate="1",
    redeem_value="0.01",
    return_window_days=14,
    offline_customer_cap=500,
    offline_register_cap=800,
)


def stock(uow: UnitOfWorkFactory, settings: LoyaltySettings = SHOP_SETTINGS) -> None:
    with uow() as work:
        work.settings.save(settings)
        work.catalog.upsert_many(PRODUCTS)
        work.promotions.upsert_many([dict(p) for p in PROMOTIONS])
        work.rewards.upsert_many([Reward("COFFEE150", "Free coffee", 150, "FREECOFFEE")])
        work.commit()


def scan(uow: UnitOfWorkFactory, draft: SaleDraft, *codes: str) -> SaleDraft:
    for code in codes:
        result = add_item(uow(read_only=True), draft, code)
        assert not isinstance(result, Refused), result
        draft = result
    return draft


def priced(uow: UnitOfWorkFactory, draft: SaleDraft, cache: PricingEngineCache | None = None) -> PricedSale:
    result = price_sale(uow(read_only=True), draft, NOW, cache=cache)
    assert isinstance(result, PricedSale), result
    return result


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict) -> UnitOfWorkFactory:
    """The shop stocked, with the `people` customers (Ana C1 has 1,500 points)."""
    stock(uow)
    return uow


# -- building a draft ----------------------------------------------------------------------------


def test_scanning_the_same_item_twice_makes_one_line_of_two(shop: UnitOfWorkFactory) -> None:
    draft = scan(shop, new_sale(), COFFEE, COFFEE, "MUG")

    assert [(line.sku, line.qty) for line in draft.lines] == [("COF", 2), ("MUG", 1)]
    assert [line.line_id for line in draft.lines] == ["L1", "L2"]


def test_bad_scans_are_refused_with_a_reason_the_cashier_understands(shop: UnitOfWorkFactory) -> None:
    draft = new_sale()
    wrong_digit = COFFEE[:-1] + str((int(COFFEE[-1]) + 1) % 10)

    assert add_item(shop(read_only=True), draft, "12345").reason == "unknown_product"  # a SKU nobody has
    assert add_item(shop(read_only=True), draft, "40000000000").reason == "unknown_product"
    assert add_item(shop(read_only=True), draft, wrong_digit).reason == "wrong_check_digit"
    assert add_item(shop(read_only=True), draft, barcode(999)).reason == "unknown_product"
    assert add_item(shop(read_only=True), draft, "  ").reason == "empty_input"
    assert add_item(shop(read_only=True), draft, COFFEE, -1).reason == "bad_quantity"


def test_quantities_must_be_positive_and_weights_decimal(shop: UnitOfWorkFactory) -> None:
    draft = scan(shop, new_sale(), COFFEE)
    bananas = add_item(shop(read_only=True), draft, BANANAS, "0.532")
    assert isinstance(bananas, SaleDraft)

    assert change_quantity(draft, "L1", 0).reason == "bad_quantity"
    assert change_quantity(draft, "L1", -2).reason == "bad_quantity"
    assert change_quantity(draft, "L1", "1.5").reason == "bad_quantity"
    assert change_quantity(draft, "L9", 2).reason == "unknown_line"
    assert change_quantity(bananas, "L2", "-0.1").reason == "bad_quantity"
    assert change_quantity(bananas, "L2", "0.75").line("L2").qty == "0.75"
    assert change_quantity(draft, "L1", 3).line("L1").qty == 3
    assert remove_line(draft, "L1").lines == ()


def test_codes_are_checked_when_entered(shop: UnitOfWorkFactory) -> None:
    draft = scan(shop, new_sale(), MUG)

    assert apply_code(shop(read_only=True), draft, "NOPE42").reason == "unknown_code"
    assert apply_code(shop(read_only=True), draft, "'; DROP TABLE x").reason == "malformed_code"
    assert apply_code(shop(read_only=True), draft, "seed-reward").reason == "code_used"
    with_code = apply_code(shop(read_only=True), draft, " spring10 ")
    assert isinstance(with_code, SaleDraft) and with_code.codes == ("spring10",)
    assert apply_code(shop(read_only=True), with_code, "SPRING10").reason == "code_already_entered"
    assert remove_code(with_code, "SPRING10").codes == ()


def test_points_need_a_customer_and_a_sensible_amount() -> None:
    draft = new_sale()
    assert request_redemption(draft, 100).reason == "customer_required"
    ana = attach_customer(draft, "C1")
    assert request_redemption(ana, -5).reason == "bad_points"
    assert request_redemption(ana, 1.5).reason == "bad_points"
    assert request_redemption(ana, "max").redeem == "max"
    voided = void_sale(request_redemption(ana, 100))
    assert (voided.lines, voided.customer_id, voided.redeem) == ((), None, 0)
    assert voided.sale_id and voided.sale_id != ana.sale_id  # a new sale


# -- pricing ---------------------------------------------------------------------------------------


def test_pricing_shows_the_promotions_the_code_and_the_points(shop: UnitOfWorkFactory) -> None:
    draft = attach_customer(scan(shop, new_sale(), MUG, MUG, COFFEE), "C1")
    draft = apply_code(shop(read_only=True), draft, "SPRING10")
    draft = request_redemption(draft, 200)

    sale = priced(shop, draft)

    result = sale.result
    assert result.subtotal == 2750
    assert [(a.id, a.amount) for a in result.applied] == [("MUGS10", 240), ("SPRING", 500)]
    assert [(c.code, c.status) for c in result.codes] == [("SPRING10", "applied")]
    assert result.redemption.redeemed == 200 and result.redemption.value == 200
    assert result.total == 2750 - 740 - 200
    assert result.points_earned == 18  # floor(18.10): earned on what is paid in money
    assert sale.points_after == 1500 - 200 + 18


def test_an_unknown_customer_is_refused(shop: UnitOfWorkFactory) -> None:
    draft = attach_customer(scan(shop, new_sale(), MUG), "C404")
    assert price_sale(shop(read_only=True), draft, NOW).reason == "unknown_customer"


def test_the_engine_is_rebuilt_only_when_promotions_change(shop: UnitOfWorkFactory) -> None:
    cache = PricingEngineCache()
    draft = attach_customer(scan(shop, new_sale(), MUG, COFFEE), "C1")
    priced(shop, draft, cache)
    priced(shop, apply_code(shop(read_only=True), draft, "SPRING10"), cache)
    assert cache.rebuilds == 1

    with shop() as work:  # a pulled change: mugs now 20% off
        work.promotions.upsert(
            {**PROMOTIONS[0], "reward": {"type": "percent", "value": "20", "target": "items"}}
        )
        work.commit()
    after = priced(shop, draft, cache)

    assert cache.rebuilds == 2
    assert after.result.applied[0].amount == 240
    later = price_sale(shop(read_only=True), draft, NOW + timedelta(days=1), cache=cache)
    assert isinstance(later, PricedSale) and cache.rebuilds == 3  # a new day: promotions in force are re-read


def test_bad_input_writes_nothing(shop: UnitOfWorkFactory, snapshot) -> None:  # noqa: ANN001
    before = snapshot()
    draft = scan(shop, new_sale(), MUG)
    wrong_digit = MUG[:-1] + str((int(MUG[-1]) + 3) % 10)

    for refused in (
        add_item(shop(read_only=True), draft, "40001234"),  # 8 digits, wrong check digit
        add_item(shop(read_only=True), draft, wrong_digit),
        add_item(shop(read_only=True), draft, "4000000000x7"),
        add_item(shop(read_only=True), draft, "🍌"),
        apply_code(shop(read_only=True), draft, "NOSUCHCODE"),
        change_quantity(draft, "L1", -1),
        price_sale(shop(read_only=True), attach_customer(draft, "'; DROP TABLE customers; --"), NOW),
    ):
        assert isinstance(refused, Refused), refused
    assert snapshot() == before


def test_a_moment_later_the_same_sale_is_not_evaluated_again(shop: UnitOfWorkFactory) -> None:
    with shop() as work:  # happy hour: 15:00-16:00 UTC, 1.00 off every mug
        work.promotions.upsert(
            {
                "id": "HAPPY",
                "valid": {"hours": ["15:00", "16:00"]},
                "conditions": {"items": {"skus": ["MUG"]}},
                "reward": {"type": "amount", "value": "1.00", "target": "per_unit"},
            }
        )
        work.commit()
    cache = PricingEngineCache()
    draft = scan(shop, new_sale(), MUG)

    def total_at(hour: int, minute: int) -> int:
        result = price_sale(shop(read_only=True), draft, NOW.replace(hour=hour, minute=minute), cache=cache)
        assert isinstance(result, PricedSale)
        return result.total

    assert total_at(14, 30) == 1080
    assert total_at(14, 59) == 1080 and cache.reused == 1
    assert total_at(15, 0) == 990 and cache.reused == 1  # happy hour (1.00 off, then 10%): evaluated again
    assert total_at(15, 45) == 990 and cache.reused == 2
    assert total_at(16, 0) == 1080
