"""Checkout, end to end on a real SQLite file: the order, its frozen lines, the ledger and the outbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, text

from pos_app.domain.ledger import EntryKind
from pos_app.services.checkout import CompletedSale, Connectivity, checkout
from pos_app.services.identification import Identified, identify_by_card
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricingEngineCache
from pos_app.services.sale import (
    SaleDraft,
    apply_code,
    attach_customer,
    new_sale,
    request_redemption,
)
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import COFFEE, GIFT, MUG, NOW, TOBACCO, priced, scan, stock


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict) -> UnitOfWorkFactory:
    stock(uow)
    return uow


def paid(uow: UnitOfWorkFactory, draft: SaleDraft, **options: object) -> CompletedSale:
    result = checkout(uow(), draft, now=NOW, cashier_id="K1", **options)  # type: ignore[arg-type]
    assert isinstance(result, CompletedSale), result
    return result


def test_identify_scan_code_points_checkout(shop: UnitOfWorkFactory, engine: Engine) -> None:
    """The cashier's whole sale: card, three items, a code, 200 points, pay."""
    cache = PricingEngineCache()
    found = identify_by_card(shop(read_only=True), "2000000000015")
    assert isinstance(found, Identified)
    draft = attach_customer(scan(shop, new_sale(), MUG, MUG, COFFEE), found.customer.id)
    draft = apply_code(shop(read_only=True), draft, "SPRING10")
    draft = request_redemption(draft, 200)
    shown = priced(shop, draft, cache)

    sale = paid(shop, draft, expected_total=shown.total, cache=cache)

    assert sale.order_number == "S1-R1-000001"
    order = sale.order
    assert (order.subtotal_minor, order.discount_minor, order.points_value_minor, order.total_minor) == (
        2750,
        740,
        200,
        1810,
    )
    assert order.points_redeemed == 200 and order.points_earned == 18
    mugs, coffee = order.lines
    # Mugs: 10% (240) and their share of the 5.00 order discount; every line's parts add up.
    assert mugs.allocations == {"MUGS10": 240, "SPRING": 430} and coffee.allocations == {"SPRING": 70}
    for line in order.lines:
        assert line.subtotal_minor - line.discount_minor - line.points_value_minor == line.net_minor
    assert sum(line.points_redeemed for line in order.lines) == 200
    assert sum(line.points_earned for line in order.lines) == 18
    assert sale.points_before == 1500 and sale.points_after == 1318
    assert sale.accrual_available_on == date(2026, 12, 7)  # held for the 14-day return window

    with shop(read_only=True) as work:
        entries = work.ledger.entries_of_order(order.id)
        assert [(e.kind, e.points, e.code, e.reason) for e in entries] == [
            (EntryKind.REDEMPTION, -200, None, "payment"),
            (EntryKind.CODE_USE, 0, "SPRING10", None),
            (EntryKind.ACCRUAL, 18, None, None),
        ]
        assert work.ledger.discount_of(entries[1].id) == 500
        balance = work.ledger.balance("C1", NOW.date())
        assert (balance.available, balance.held, balance.spendable) == (1318, 18, 1300)
        assert work.orders.get(order.id) == order
        customer = work.customers.get("C1")
        assert customer.promo_uses == {"MUGS10": 1, "SPRING": 1}
    with engine.connect() as connection:
        outbox = connection.execute(text("SELECT seq, payload FROM outbox ORDER BY seq")).all()
    assert [seq for seq, _ in outbox] == [1, 2, 3]
    payloads = [json.loads(payload) for _, payload in outbox]
    assert [p["kind"] for p in payloads] == ["redemption", "code_use", "accrual"]
    assert payloads[1]["discount_minor"] == 500 and payloads[2]["order_total_minor"] == 1810
    assert all(p["order"] == "S1-R1-000001" for p in payloads)


def test_an_anonymous_sale_writes_the_order_and_the_code_use_only(shop: UnitOfWorkFactory) -> None:
    draft = scan(shop, new_sale(), MUG, MUG, TOBACCO)
    draft = apply_code(shop(read_only=True), draft, "spring10")

    sale = paid(shop, draft)

    assert sale.points_before is None and sale.order.points_earned == 0
    with shop(read_only=True) as work:
        entries = work.ledger.entries_of_order(sale.order.id)
    assert [(e.kind, e.customer_id, e.code) for e in entries] == [(EntryKind.CODE_USE, None, "spring10")]


def test_a_price_change_since_the_screen_is_refused_and_nothing_written(
    shop: UnitOfWorkFactory, snapshot: Callable[[], dict]
) -> None:
    draft = attach_customer(scan(shop, new_sale(), MUG), "C1")
    before = snapshot()

    refused = checkout(shop(), draft, now=NOW, cashier_id="K1", expected_total=1200)

    assert isinstance(refused, Refused) and refused.reason == "price_changed"
    assert "10.80" in refused.message
    assert snapshot() == before


def test_points_spent_elsewhere_meanwhile_refuse_the_checkout(
    shop: UnitOfWorkFactory, snapshot: Callable[[], dict]
) -> None:
    draft = request_redemption(attach_customer(scan(shop, new_sale(), MUG, GIFT), "C4"), 50)  # Bob: 50 points
    assert priced(shop, draft).result.redemption.redeemed == 50
    with shop() as work:  # Bob spends 20 points at this register in another sale
        work.ledger.append(EntryKind.REDEMPTION, "C4", -20, at=NOW)
        work.commit()
    before = snapshot()

    refused = checkout(shop(), draft, now=NOW, cashier_id="K1")

    assert isinstance(refused, Refused) and refused.reason == "insufficient_points"
    assert snapshot() == before


def test_offline_the_customer_and_register_caps_bound_points_spent(shop: UnitOfWorkFactory) -> None:
    offline = Connectivity(online=False, offline_since=NOW)

    def sale_for(customer: str, points: int) -> SaleDraft:
        return request_redemption(attach_customer(scan(shop, new_sale(), MUG, MUG, MUG), customer), points)

    assert isinstance(paid(shop, sale_for("C1", 400), connectivity=offline), CompletedSale)
    refused = checkout(shop(), sale_for("C1", 200), now=NOW, cashier_id="K1", connectivity=offline)
    assert isinstance(refused, Refused) and refused.reason == "offline_customer_cap"  # 400 + 200 > 500
    assert "100 more points" in refused.message
    online = checkout(shop(), sale_for("C1", 200), now=NOW, cashier_id="K1")
    assert isinstance(online, CompletedSale)  # online, the central service checks the balance

    refused = checkout(shop(), sale_for("C2", 250), now=NOW, cashier_id="K1", connectivity=offline)
    assert isinstance(refused, Refused) and refused.reason == "offline_register_cap"  # 400+200+250 > 800
    stale = Connectivity(online=False, offline_since=NOW, cache_age_s=10 * 86400)
    refused = checkout(shop(), sale_for("C2", 10), now=NOW, cashier_id="K1", connectivity=stale)
    assert isinstance(refused, Refused) and refused.reason == "cache_too_old"


def test_an_empty_sale_is_refused(shop: UnitOfWorkFactory) -> None:
    assert checkout(shop(), new_sale(), now=NOW, cashier_id="K1").reason == "empty_sale"


def test_the_same_sale_is_never_paid_twice(shop: UnitOfWorkFactory, snapshot: Callable[[], dict]) -> None:
    draft = attach_customer(scan(shop, new_sale(), MUG), "C1")
    first = paid(shop, draft)
    before = snapshot()

    again = checkout(shop(), draft, now=NOW, cashier_id="K1")  # a double click on "Pay"

    assert isinstance(again, Refused) and again.reason == "already_paid"
    assert first.order_number in again.message
    assert snapshot() == before
