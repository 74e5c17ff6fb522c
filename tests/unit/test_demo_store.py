"""The demo store looks real: scannable barcodes, plausible members, a program that shows every feature."""

from __future__ import annotations

import ast
import collections
import json
import pathlib
import re
from datetime import date

import phonenumbers
import pytest
from stdnum import ean

from pos_app.demo import generate_demo_store
from pos_app.demo.barcodes import card_number, ean13, product_barcode
from pos_app.demo.customers import ascii_fold

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def store():
    return generate_demo_store(7, today=TODAY)


# -- products -----------------------------------------------------------------------------------


def test_about_two_hundred_products_each_with_a_valid_unique_ean13(store):
    assert 190 <= len(store.products) <= 210
    barcodes = [p.barcode for p in store.products]
    assert all(len(code) == 13 and ean.is_valid(code) for code in barcodes)
    assert len(set(barcodes)) == len(barcodes)
    assert len({p.sku for p in store.products}) == len(store.products)


def test_check_digits_match_a_known_ean13():
    assert ean13("400638133393") == "4006381333931"
    with pytest.raises(ValueError):
        product_barcode("4012345", 10**5)


def test_shelves_have_departments_brands_tags_and_shop_prices(store):
    departments = collections.Counter(p.categories[0] for p in store.products)
    assert {"grocery", "beverages", "snacks", "household", "personal care", "office", "tobacco",
            "gift cards"} <= set(departments)
    assert len({p.brand for p in store.products}) >= 15
    assert any(p.tags for p in store.products)
    assert all(isinstance(p.unit_price_minor, int) and p.unit_price_minor > 0 for p in store.products)
    assert any("é" in p.name or "ü" in p.name or "ú" in p.name for p in store.products)


def test_tobacco_and_gift_cards_are_never_discounted(store):
    protected = [p for p in store.products if p.categories[0] in ("tobacco", "gift cards")]
    assert len(protected) >= 5
    assert all(p.no_discount for p in protected)
    assert all(p.no_points for p in protected if p.categories[0] == "gift cards")
    assert {p.unit_price_minor for p in protected if p.categories[0] == "gift cards"} >= {2500, 5000}


def test_loose_produce_is_sold_by_weight_under_the_restricted_prefix(store):
    weighed = [p for p in store.products if p.weighted]
    assert len(weighed) >= 5
    assert all(p.barcode.startswith("02") for p in weighed)


def test_a_product_becomes_a_format_cart_line(store):
    bananas = next(p for p in store.products if p.weighted)
    [line] = store.cart((bananas, "0.532"))
    assert line["id"] == "L1" and line["qty"] == "0.532" and line["weighted"] is True
    assert re.fullmatch(r"\d+\.\d\d", line["unit_price"])


# -- customers ----------------------------------------------------------------------------------


def test_five_thousand_customers_across_tiers_and_segments(store):
    assert len(store.customers) == 5000
    tiers = collections.Counter(c.tier for c in store.customers)
    assert set(tiers) == {"bronze", "silver", "gold"}
    assert tiers["bronze"] > tiers["silver"] > tiers["gold"] > 100
    segments = collections.Counter(s for c in store.customers for s in c.segments)
    assert all(segments[s] > 100 for s in ("lapsed_60d", "top_spenders", "new"))
    assert all(c.first_order and c.points == 0 for c in store.customers if "new" in c.segments)


def test_loyalty_cards_are_valid_ean13_in_the_in_store_range(store):
    cards = [c.card_number for c in store.customers]
    assert all(ean.is_valid(card) and card.startswith("2") for card in cards)
    assert len(set(cards)) == len(cards)
    assert not set(cards) & {p.barcode for p in store.products}
    assert card_number(1) == "2900000000018"


def test_phones_are_valid_e164_and_unique(store):
    phones = [c.phone for c in store.customers if c.phone]
    assert len(phones) > 4500
    assert len(set(phones)) == len(phones)
    for phone in phones[:: 25]:
        assert re.fullmatch(r"\+1\d{10}", phone)
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone))


def test_emails_are_unique_at_reserved_example_domains(store):
    emails = [c.email for c in store.customers if c.email]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z.]+\d+@example\.(com|org|net)", e) for e in emails)


def test_some_names_have_accents_and_fold_to_plain_letters(store):
    accented = [c.name for c in store.customers if c.name != ascii_fold(c.name)]
    assert len(accented) > 500
    assert ascii_fold("Zoë Łęcka") == "Zoe Lecka"
    assert ascii_fold("Aoife O'Brien") == "Aoife OBrien"


def test_featured_customers_are_ready_for_the_walkthrough(store):
    zoe, jose, aoife = (c for c, _ in store.featured_customers[:3])
    assert zoe.name == "Zoë Martin" and zoe.tier == "gold"
    assert abs((zoe.birthday.replace(year=TODAY.year) - TODAY).days) <= 7
    assert [code for code in store.codes_of(zoe.id) if code.startswith("VIP-")]
    assert "lapsed_60d" in jose.segments and [c for c in store.codes_of(jose.id) if c.startswith("WB-")]
    assert aoife.first_order


# -- program settings and promotions --------------------------------------------------------------

MONEY = re.compile(r"\d+\.\d{2}")
DECIMAL = re.compile(r"\d+(\.\d+)?")
TOP_LEVEL = {"id", "name", "kind", "priority", "audience", "codes", "valid", "stores", "limit_per_customer",
             "conditions", "reward", "exclusive", "stop", "group"}
REWARD_FIELDS = {  # type: (required, optional) per FORMAT.md 2.2
    "percent": ({"value", "target"}, {"max_amount"}),
    "amount": ({"value", "target"}, set()),
    "fixed_price": ({"value"}, set()),
    "bundle": ({"qty", "value"}, set()),
    "buy_get": ({"buy", "get", "value"}, {"get_items", "max_times"}),
    "points_bonus": ({"value"}, set()),
    "points_multiplier": ({"value"}, set()),
}
FILTER_KEYS = {"skus", "categories", "brands", "tags", "exclude"}


def check_filter(item_filter):
    assert set(item_filter) <= FILTER_KEYS
    for key, values in item_filter.items():
        if key == "exclude":
            assert set(values) <= FILTER_KEYS - {"exclude"}
        else:
            assert values and all(isinstance(v, str) for v in values)


def check_promotion(promo):
    assert set(promo) == TOP_LEVEL, promo["id"]
    assert isinstance(promo["priority"], int)
    reward = promo["reward"]
    required, optional = REWARD_FIELDS[reward["type"]]
    assert required <= set(reward) - {"type"} <= required | optional, promo["id"]
    points = reward["type"].startswith("points_")
    assert promo["kind"] == ("points" if points else "discount")
    if reward["type"] == "points_bonus":
        assert isinstance(reward["value"], int) and reward["value"] > 0
    elif reward["type"] in ("percent", "buy_get", "points_multiplier"):
        assert isinstance(reward["value"], str) and DECIMAL.fullmatch(reward["value"])
    else:
        assert isinstance(reward["value"], str) and MONEY.fullmatch(reward["value"]), promo["id"]
    if "max_amount" in reward:
        assert MONEY.fullmatch(reward["max_amount"])
    if "get_items" in reward:
        check_filter(reward["get_items"])
    if reward["type"] in ("percent", "amount"):
        assert reward["target"] in (("items", "cheapest", "order") if reward["type"] == "percent"
                                    else ("order", "per_unit"))
    conditions = promo["conditions"]
    assert set(conditions) <= {"items", "min_subtotal", "min_qty", "first_order", "birthday_days"}
    if "items" in conditions:
        check_filter(conditions["items"])
    if "min_subtotal" in conditions:
        assert MONEY.fullmatch(conditions["min_subtotal"])
    audience = promo["audience"]
    assert audience == "public" or set(audience) == {"segments", "tiers", "customers"}
    assert set(promo["valid"]) <= {"from", "to", "days", "hours"}
    for code in promo["codes"]:
        assert set(code) == {"code", "customer", "uses_left"}
        assert code["uses_left"] is None or isinstance(code["uses_left"], int)


def test_every_promotion_has_the_documented_shape(store):
    for promo in store.promotions:
        check_promotion(promo)
    ids = [p["id"] for p in store.promotions]
    assert len(set(ids)) == len(ids)


def test_every_reward_type_and_target_is_shown(store):
    shown = {(p["reward"]["type"], p["reward"].get("target")) for p in store.promotions}
    assert shown >= {
        ("percent", "items"), ("percent", "cheapest"), ("percent", "order"),
        ("amount", "order"), ("amount", "per_unit"), ("fixed_price", None), ("bundle", None),
        ("buy_get", None), ("points_bonus", None), ("points_multiplier", None),
    }
    assert any("get_items" in p["reward"] for p in store.promotions)


def test_arbitration_flags_and_validity_windows_are_shown(store):
    promos = store.promotions
    assert any(p["exclusive"] for p in promos)
    assert any(p["stop"] for p in promos)
    groups = collections.Counter(p["group"] for p in promos if p["group"])
    assert any(count >= 2 for count in groups.values())
    assert any("hours" in p["valid"] for p in promos) and any("days" in p["valid"] for p in promos)
    assert any(p["stores"] for p in promos)
    assert any(date.fromisoformat(p["valid"]["to"]) < TODAY for p in promos if "to" in p["valid"])


def test_personal_offers_by_segment_and_tier(store):
    audiences = [p["audience"] for p in store.promotions if p["audience"] != "public"]
    assert {"lapsed_60d", "top_spenders"} <= {s for a in audiences for s in a["segments"]}
    assert {"gold", "silver"} <= {t for a in audiences for t in a["tiers"]}


def test_codes_universal_and_personal_single_and_multi_use(store):
    codes = [c for p in store.promotions for c in p["codes"]]
    universal = [c for c in codes if c["customer"] is None]
    personal = [c for c in codes if c["customer"] is not None]
    assert any(c["uses_left"] is None for c in universal)
    assert any(c["uses_left"] == 1 for c in universal)
    assert any(c["uses_left"] == 1 for c in personal)
    assert any((c["uses_left"] or 0) > 1 for c in personal)
    texts = [c["code"].strip().upper() for c in codes]
    assert len(set(texts)) == len(texts)  # a code belongs to one promotion only
    customer_ids = {c.id for c in store.customers}
    assert all(c["customer"] in customer_ids for c in personal)


def test_birthday_welcome_and_win_back_offers_exist(store):
    promos = store.promotions
    assert any("birthday_days" in p["conditions"] for p in promos)
    assert any(p["conditions"].get("first_order") for p in promos)
    win_back = [p for p in promos if p["audience"] != "public" and "lapsed_60d" in p["audience"]["segments"]
                and p["codes"]]
    assert win_back


def test_program_settings_have_the_format_shape(store):
    settings = store.settings
    assert set(settings) <= {"currency", "rounding", "arbitration", "max_discount_share", "points"}
    assert settings["currency"] == "USD" and settings["rounding"] in ("half_up", "half_even")
    points = settings["points"]
    assert set(points) <= {"earn_rate", "earn_on", "redeem_value", "min_redeem", "redeem_step",
                           "max_redeem_share", "tiers"}
    assert all(isinstance(points[k], str) for k in ("earn_rate", "redeem_value", "max_redeem_share"))
    assert all(isinstance(points[k], int) for k in ("min_redeem", "redeem_step"))
    assert {t["name"] for t in points["tiers"]} == {"silver", "gold"}


# -- determinism ----------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_store(store):
    again = generate_demo_store(7, today=TODAY)
    assert again.products == store.products
    assert again.customers == store.customers
    assert again.promotions == store.promotions


def test_another_seed_gives_another_store(store):
    other = generate_demo_store(8, today=TODAY, customers=200)
    assert [c.name for c in other.customers[5:50]] != [c.name for c in store.customers[5:50]]


def test_the_demo_package_imports_no_qt_and_no_sql():
    package = pathlib.Path(__file__).resolve().parents[2] / "pos_app" / "demo"
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.split(".")[0] in ("PySide6", "sqlalchemy", "sqlite3", "requests") for name in imported)


def test_demo_values_become_the_registers_domain_values(store):
    item = store.products[0].to_catalog_item()
    assert (item.sku, item.barcode, item.unit_price_minor) == (
        store.products[0].sku, store.products[0].barcode, store.products[0].unit_price_minor)
    zoe = store.customer("C00001").to_profile()
    assert zoe.name == "Zoë Martin" and zoe.points == 4820 and zoe.consents.email
    assert zoe.to_scenario() == store.customer("C00001").to_scenario()


def test_the_whole_store_dumps_to_json_without_a_single_float(store):
    dumped = store.to_json()

    def floats(value):
        if isinstance(value, float):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from floats(v)
        elif isinstance(value, list):
            for v in value:
                yield from floats(v)

    text = json.dumps(dumped, ensure_ascii=False)
    assert json.loads(text)["store"]["name"] == "Corner Market"
    assert list(floats(dumped)) == []
    assert len(dumped["customers"]) == 5000 and len(dumped["products"]) == len(store.products)
