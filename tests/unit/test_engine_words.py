"""The engine's words for the cashier: who won instead, what to add (by product name), money with its sign."""

from datetime import datetime

from pos_app.domain.cart import CartLine
from pos_app.domain.engine import PromotionEngine
from pos_app.domain.engine.sale import Sale
from pos_app.domain.scenario_json import parse_promotions, parse_settings
from tests.unit.engine_helpers import evaluate, line, percent, promo, reasons


def test_a_promotion_that_lost_names_what_won_instead():
    result = evaluate(
        [line("A", "100.00")],
        [promo("SMALL", percent("10"), group="g", name="10% off the lot"),
         promo("BIG", percent("15"), group="g", name="15% off the lot")],
    )
    assert reasons(result) == {"SMALL": "lost_to_better"}
    assert result["rejected"][0]["detail"] == "15% off the lot gives the customer more"


def test_an_exclusive_winner_is_named_not_numbered():
    result = evaluate(
        [line("A", "100.00")],
        [promo("EXCL", percent("50"), exclusive=True, name="Clearance: half price"), promo("P1", percent("10"))],
    )
    assert {r["id"]: r["detail"] for r in result["rejected"]} == {"P1": "Clearance: half price applies alone (exclusive)"}


def test_a_nudge_names_the_product_the_cart_holds_not_its_sku():
    # The register's cart lines carry the product's name (the scenario format has no such field).
    settings = parse_settings({"currency": "USD"}, "settings")
    promotions = parse_promotions([promo("B2G1", {"type": "buy_get", "buy": 2, "get": 1, "value": "100"},
                                         conditions={"items": {"skus": ["CHI-0062"]}})],
                                  "promotions", settings.currency)
    chips = CartLine("L1", "CHI-0062", 2, 249, name="Crunchy Bros Paprika chips 150g")
    result = PromotionEngine(settings, promotions).evaluate(Sale(now=datetime(2026, 11, 23, 11, 0), cart=(chips,)))
    assert [n.message for n in result.nudges] == ["add 1 more Crunchy Bros Paprika chips 150g: buy 2, get 1 free"]


def test_the_closest_nudge_comes_first():
    result = evaluate(
        [line("S", "5.00", qty=2, categories=["socks"]), line("T", "10.00", categories=["office"])],
        [promo("FAR", percent("10"), conditions={"items": {"categories": ["office"]}, "min_subtotal": "100.00"}),
         promo("NEAR", {"type": "buy_get", "buy": 2, "get": 1, "value": "100"},
               conditions={"items": {"categories": ["socks"]}})],
    )
    assert [n["promotion"] for n in result["nudges"]] == ["NEAR", "FAR"]
    assert result["nudges"][1]["message"] == "add $90.00 of office to get 10% off"
