"""Returns at the frozen prices, and the manager's void of the last order.

The sale used throughout: Ana (1,500 points) buys 3 mugs (10% off: 32.40)
and a coffee (3.50), and pays 300 points (3.00) of the 35.90. The points value
is spread 2.71 on the mugs and 0.29 on the coffee, so the mugs' net is 29.69
and the coffee's 3.21; she earns 32 points (29 on the mugs, 3 on the coffee),
held for the 14-day return window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from pos_app.domain.ledger import EntryKind
from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.outcome import Refused
from pos_app.services.returns import ReturnResult, VoidedOrder, find_order, return_items, void_last_order
from pos_app.services.sale import add_item, apply_code, attach_customer, new_sale, request_redemption
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.conftest import MANAGER_PIN
from tests.storage.test_sale_shop import BANANAS, COFFEE, MUG, NOW, scan, stock


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict, manager: str) -> UnitOfWorkFactory:
    stock(uow)
    return uow


@pytest.fixture
def sale(shop: UnitOfWorkFactory) -> CompletedSale:
    draft = request_redemption(attach_customer(scan(shop, new_sale(), MUG, MUG, MUG, COFFEE), "C1"), 300)
    done = checkout(shop(), draft, now=NOW, cashier_id="K1")
    assert isinstance(done, CompletedSale), done
    return done


def returned(shop: UnitOfWorkFactory, order: str, quantities: dict, **options: object) -> ReturnResult:
    result = return_items(shop(), order, quantities, now=NOW + timedelta(days=1), cashier_id="K1", **options)  # type: ignore[arg-type]
    assert isinstance(result, ReturnResult), result
    return result


def points(shop: UnitOfWorkFactory) -> tuple[int, int]:
    with shop(read_only=True) as work:
        balance = work.ledger.balance("C1", NOW.date())
        return balance.available, balance.held


def test_the_sale_froze_each_lines_net_and_points(sale: CompletedSale) -> None:
    mugs, coffee = sale.order.lines
    assert (mugs.net_minor, mugs.points_redeemed, mugs.points_earned) == (2969, 271, 29)
    assert (coffee.net_minor, coffee.points_redeemed, coffee.points_earned) == (321, 29, 3)


def test_mugs_returned_one_by_one_refund_exactly_what_was_paid(
    shop: UnitOfWorkFactory, sale: CompletedSale
) -> None:
    # floor(29.69 * k / 3): 9.89, then 19.79 - 9.89 = 9.90, then the rest, 9.90.
    first = returned(shop, sale.order_number, {"L1": 1})
    second = returned(shop, sale.order_number, {"L1": "1"})
    third = returned(shop, sale.order_number, {"L1": 1})

    assert [r.refund_minor for r in (first, second, third)] == [989, 990, 990]
    assert [r.points_given_back for r in (first, second, third)] == [90, 90, 91]  # of 271 spent
    assert [r.points_taken_back for r in (first, second, third)] == [9, 10, 10]  # of 29 earned
    assert points(shop) == (1500 - 300 + 32 + 271 - 29, 3)  # only the coffee's 3 points stay held
    with shop(read_only=True) as work:
        order = work.orders.get(sale.order_number)
        assert order.refunded_minor == 2969 and order.lines[0].qty_returned == "3"
        kinds = [(e.kind, e.points, e.reason) for e in work.ledger.entries_of_order(order.id)][2:4]
    assert kinds == [
        (EntryKind.ADJUSTMENT, 90, "return_points_spent"),
        (EntryKind.ADJUSTMENT, -9, "return_points_earned"),
    ]


def test_a_full_return_gives_back_everything_at_once(shop: UnitOfWorkFactory, sale: CompletedSale) -> None:
    everything = returned(shop, sale.order_number, {"L1": 3, "L2": 1})

    assert everything.refund_minor == sale.order.total_minor == 3290
    assert (everything.points_given_back, everything.points_taken_back) == (300, 32)
    assert points(shop) == (1500, 0)


def test_returning_more_than_was_sold_is_refused_and_nothing_written(
    shop: UnitOfWorkFactory, sale: CompletedSale, snapshot: Callable[[], dict]
) -> None:
    returned(shop, sale.order_number, {"L1": 2})
    before = snapshot()

    too_many = return_items(shop(), sale.order_number, {"L1": 2}, now=NOW)
    assert isinstance(too_many, Refused) and too_many.reason == "more_than_sold"
    assert "1 left to return (sold 3), 2 asked" in too_many.message
    assert return_items(shop(), sale.order_number, {"L2": 0}, now=NOW).reason == "bad_quantity"
    assert return_items(shop(), sale.order_number, {"L2": -1}, now=NOW).reason == "bad_quantity"
    assert return_items(shop(), sale.order_number, {"L2": "0.5"}, now=NOW).reason == "bad_quantity"
    assert return_items(shop(), sale.order_number, {"L7": 1}, now=NOW).reason == "unknown_line"
    assert return_items(shop(), sale.order_number, {}, now=NOW).reason == "nothing_to_return"
    assert return_items(shop(), "R1-999999", {"L1": 1}, now=NOW).reason == "unknown_order"
    assert return_items(shop(), "R1'; --", {"L1": 1}, now=NOW).reason == "malformed_order_number"
    assert snapshot() == before


def test_a_retried_return_with_the_same_id_is_recorded_once(
    shop: UnitOfWorkFactory, sale: CompletedSale, snapshot: Callable[[], dict]
) -> None:
    # The cashier confirms one mug back; the answer is lost and the same return is sent again.
    first = returned(shop, sale.order_number, {"L1": 1}, return_id="ret-1")
    after_first = snapshot()

    again = returned(shop, sale.order_number, {"L1": "1"}, return_id="ret-1")

    assert again.replayed and not first.replayed
    assert (again.refund_minor, again.points_given_back, again.points_taken_back) == (989, 90, 9)
    assert again.lines == first.lines and [e.id for e in again.entries] == [e.id for e in first.entries]
    assert snapshot() == after_first  # no second refund, no second adjustment, no second record to publish
    with shop(read_only=True) as work:
        assert work.orders.get(sale.order_number).lines[0].qty_returned == "1"


def test_a_return_id_names_one_return_only(shop: UnitOfWorkFactory, sale: CompletedSale,
                                           snapshot: Callable[[], dict]) -> None:
    returned(shop, sale.order_number, {"L1": 1}, return_id="ret-1")
    before = snapshot()

    other_lines = return_items(shop(), sale.order_number, {"L2": 1}, now=NOW, return_id="ret-1")
    hostile = return_items(shop(), sale.order_number, {"L2": 1}, now=NOW, return_id="ret 1; drop")

    assert isinstance(other_lines, Refused) and other_lines.reason == "return_id_reused"
    assert isinstance(hostile, Refused) and hostile.reason == "bad_return_id"
    assert snapshot() == before
    # A new id is a new return: a second mug comes back.
    assert returned(shop, sale.order_number, {"L1": 1}, return_id="ret-2").refund_minor == 990


def test_the_receipt_barcode_finds_the_order(shop: UnitOfWorkFactory, sale: CompletedSale) -> None:
    found = find_order(shop(read_only=True), f" {sale.order_number}\n")
    assert found == sale.order
    assert find_order(shop(read_only=True), "R2-000001").reason == "unknown_order"


def test_points_already_spent_are_not_taken_below_zero(shop: UnitOfWorkFactory, people: dict) -> None:
    # Bob (50 points) earns 12 on two mugs without spending any, then spends everything he has.
    done = checkout(shop(), attach_customer(scan(shop, new_sale(), MUG), "C4"), now=NOW, cashier_id="K1")
    assert isinstance(done, CompletedSale) and done.order.points_earned == 10
    with shop() as work:
        work.ledger.append(EntryKind.REDEMPTION, "C4", -55, at=NOW)  # spends 55 of his 60
        work.commit()

    back = returned(shop, done.order_number, {"L1": 1})

    assert (back.points_taken_back, back.points_not_recovered) == (5, 5)
    with shop(read_only=True) as work:
        assert work.customers.get("C4").points == 0


def test_after_the_return_window_a_manager_approves(shop: UnitOfWorkFactory, sale: CompletedSale) -> None:
    late = NOW + timedelta(days=15)
    refused = return_items(shop(), sale.order_number, {"L2": 1}, now=late, cashier_id="K1")
    assert isinstance(refused, Refused) and refused.reason == "return_window_closed"
    assert (
        return_items(shop(), sale.order_number, {"L2": 1}, now=late, manager_id="M1", pin="0000").reason
        == "wrong_pin"
    )

    approved = return_items(shop(), sale.order_number, {"L2": 1}, now=late, manager_id="M1", pin=MANAGER_PIN)
    assert isinstance(approved, ReturnResult) and approved.refund_minor == 321
    with shop(read_only=True) as work:
        record = work.audit.records()[-1]
    assert (record.action, record.actor_id) == ("items_returned", "M1")
    assert record.details["late"] is True and record.details["approved_by"] == "M1"


def test_a_return_in_manager_mode_is_the_managers_on_record(shop: UnitOfWorkFactory, sale: CompletedSale) -> None:
    assert return_items(shop(), sale.order_number, {"L1": 1}, now=NOW, manager_id="M1", pin="0000",
                        cashier_id="K1").reason == "wrong_pin"
    back = return_items(shop(), sale.order_number, {"L1": 1}, now=NOW, manager_id="M1", pin=MANAGER_PIN,
                        cashier_id="K1")
    assert isinstance(back, ReturnResult)

    assert {e.actor_id for e in back.entries} == {"M1"}
    with shop(read_only=True) as work:
        records = work.audit.records()
    assert [r.action for r in records[-2:]] == ["pin_refused", "items_returned"]
    details = records[-1].details
    assert records[-1].actor_id == "M1"
    assert (details["order"], details["customer"], details["refund_minor"]) == (sale.order_number, "C1", 989)
    assert (details["approved_by"], details["cashier"], details["late"]) == ("M1", "K1", False)


def test_a_cashiers_return_inside_the_window_is_the_cashiers_on_record(
    shop: UnitOfWorkFactory, sale: CompletedSale
) -> None:
    back = returned(shop, sale.order_number, {"L2": 1})
    assert {e.actor_id for e in back.entries} == {"K1"}
    with shop(read_only=True) as work:
        record = work.audit.records()[-1]
    assert (record.action, record.actor_id, record.details["approved_by"]) == ("items_returned", "K1", None)


def test_the_void_refuses_when_the_last_sale_is_not_the_one_shown(shop: UnitOfWorkFactory) -> None:
    first = checkout(shop(), scan(shop, new_sale(), MUG), now=NOW, cashier_id="K1")
    second = checkout(shop(), scan(shop, new_sale(), COFFEE), now=NOW, cashier_id="K1")
    assert isinstance(first, CompletedSale) and isinstance(second, CompletedSale)

    refused = void_last_order(shop(), manager_id="M1", pin=MANAGER_PIN, now=NOW, order_id=first.order_number)

    assert refused.reason == "not_last_order" and second.order_number in refused.message
    with shop(read_only=True) as work:
        assert work.orders.get(first.order_number).status == "paid"
        assert work.orders.get(second.order_number).status == "paid"
    voided = void_last_order(shop(), manager_id="M1", pin=MANAGER_PIN, now=NOW, order_id=second.order_number)
    assert isinstance(voided, VoidedOrder) and voided.order_id == second.order_number


def test_a_manager_voids_the_last_order_and_everything_is_reversed(shop: UnitOfWorkFactory) -> None:
    with shop() as work:
        work.promotions.issue_code("SPRING", "ONCE-1", customer_id=None, uses_left=1, at=NOW)
        work.commit()
    draft = apply_code(
        shop(read_only=True), attach_customer(scan(shop, new_sale(), MUG, MUG), "C1"), "ONCE-1"
    )
    done = checkout(shop(), request_redemption(draft, 100), now=NOW, cashier_id="K1")
    assert isinstance(done, CompletedSale)

    assert void_last_order(shop(), manager_id="M1", pin="1111", now=NOW).reason == "wrong_pin"
    voided = void_last_order(shop(), manager_id="M1", pin=MANAGER_PIN, now=NOW, note="card declined")

    assert isinstance(voided, VoidedOrder) and voided.order_id == done.order_number
    assert sorted(r.points for r in voided.reversals) == sorted(-e.points for e in done.entries)
    assert all(r.kind is EntryKind.REVERSAL for r in voided.reversals)
    with shop(read_only=True) as work:
        assert work.orders.get(done.order_number).status == "voided"
        assert work.customers.get("C1").points == 1500
        assert work.promotions.find_code("ONCE-1").uses_left == 1  # the code may be used again
        assert work.customers.get("C1").promo_uses == {}  # limits per customer count it no more
    assert void_last_order(shop(), manager_id="M1", pin=MANAGER_PIN, now=NOW).reason == "already_voided"
    assert return_items(shop(), done.order_number, {"L1": 1}, now=NOW).reason == "order_voided"


def test_an_order_with_returns_cannot_be_voided(shop: UnitOfWorkFactory, sale: CompletedSale) -> None:
    returned(shop, sale.order_number, {"L2": 1})
    assert void_last_order(shop(), manager_id="M1", pin=MANAGER_PIN, now=NOW).reason == "order_has_returns"


def test_part_of_a_weighed_line_comes_back_by_weight(shop: UnitOfWorkFactory) -> None:
    # 0.532 kg of bananas at 1.99/kg: 1.06 (1.05868 rounded); anonymous, so only money moves.
    draft = add_item(shop(read_only=True), new_sale(), BANANAS, "0.532")
    done = checkout(shop(), draft, now=NOW, cashier_id="K1")
    assert isinstance(done, CompletedSale) and done.order.total_minor == 106

    first = returned(shop, done.order_number, {"L1": "0.2"})
    assert (first.lines[0].qty, first.refund_minor) == ("0.2", 39)  # floor(1.06 * 0.2 / 0.532)
    assert return_items(shop(), done.order_number, {"L1": "0.4"}, now=NOW).reason == "more_than_sold"
    rest = returned(shop, done.order_number, {"L1": "0.332"})
    assert rest.refund_minor == 67 and first.refund_minor + rest.refund_minor == 106
