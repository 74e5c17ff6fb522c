"""Claiming a catalogue reward with points: a free coffee for 150 points."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pos_app.domain.ledger import EntryKind
from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.outcome import Refused
from pos_app.services.returns import return_items
from pos_app.services.rewards import cancel_reward, claim_reward, list_rewards
from pos_app.services.sale import (
    SaleDraft,
    apply_code,
    attach_customer,
    new_sale,
    request_redemption,
    void_sale,
)
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import COFFEE, MUG, NOW, priced, scan, stock


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict) -> UnitOfWorkFactory:
    stock(uow)
    return uow


def claimed(shop: UnitOfWorkFactory, draft: SaleDraft, reward_id: str = "COFFEE150") -> SaleDraft:
    result = claim_reward(shop(read_only=True), draft, reward_id, now=NOW)
    assert isinstance(result, SaleDraft), result
    return result


def test_a_free_coffee_for_150_points(shop: UnitOfWorkFactory) -> None:
    assert [(r.id, r.points) for r in list_rewards(shop(read_only=True))] == [("COFFEE150", 150)]
    draft = claimed(shop, attach_customer(scan(shop, new_sale(), COFFEE, MUG), "C1"))
    (claim,) = draft.rewards

    shown = priced(shop, draft)
    assert [(a.id, a.amount) for a in shown.result.applied] == [("FREECOFFEE", 350), ("MUGS10", 120)]
    assert shown.result.total == 1080
    assert shown.points_after == 1500 - 150 + 10

    sale = checkout(shop(), draft, now=NOW, cashier_id="K1")
    assert isinstance(sale, CompletedSale)

    coffee = sale.order.lines[0]
    assert (coffee.net_minor, coffee.points_redeemed, coffee.allocations) == (0, 150, {"FREECOFFEE": 350})
    assert [(c.code, c.customer_id, c.uses_left) for c in sale.issued_codes] == [(claim.code, "C1", 1)]
    with shop(read_only=True) as work:
        entries = work.ledger.entries_of_order(sale.order.id)
        assert [(e.kind, e.points, e.code, e.reason) for e in entries] == [
            (EntryKind.REDEMPTION, -150, claim.code, "reward:COFFEE150"),
            (EntryKind.CODE_USE, 0, claim.code, None),
            (EntryKind.ACCRUAL, 10, None, None),
        ]
        assert work.ledger.discount_of(entries[1].id) == 350
        assert work.promotions.find_code(claim.code).uses_left == 0  # single use, spent by this sale
        assert work.customers.get("C1").points == 1360
    # The code is spent: entering it in another sale is refused.
    assert (
        apply_code(shop(read_only=True), attach_customer(new_sale(), "C1"), claim.code).reason == "code_used"
    )


def test_returning_the_free_coffee_gives_its_150_points_back(shop: UnitOfWorkFactory) -> None:
    draft = claimed(shop, attach_customer(scan(shop, new_sale(), COFFEE, MUG), "C1"))
    sale = checkout(shop(), draft, now=NOW, cashier_id="K1")
    assert isinstance(sale, CompletedSale)

    back = return_items(shop(), sale.order_number, {"L1": 1}, now=NOW, cashier_id="K1")

    assert back.refund_minor == 0 and back.points_given_back == 150
    with shop(read_only=True) as work:
        assert work.customers.get("C1").points == 1360 + 150


def test_claims_are_refused_without_a_customer_or_enough_points(shop: UnitOfWorkFactory) -> None:
    anonymous = scan(shop, new_sale(), COFFEE)
    assert claim_reward(shop(read_only=True), anonymous, "COFFEE150", now=NOW).reason == "customer_required"
    bob = attach_customer(anonymous, "C4")  # 50 points
    refused = claim_reward(shop(read_only=True), bob, "COFFEE150", now=NOW)
    assert refused.reason == "insufficient_points" and "50 left" in refused.message
    assert claim_reward(shop(read_only=True), bob, "NOPE", now=NOW).reason == "unknown_reward"
    jose = request_redemption(attach_customer(anonymous, "C2"), 200)  # 300 points, 200 asked already
    assert claim_reward(shop(read_only=True), jose, "COFFEE150", now=NOW).reason == "insufficient_points"


def test_a_claim_without_the_item_in_the_sale_is_refused_at_checkout(
    shop: UnitOfWorkFactory, snapshot: Callable[[], dict]
) -> None:
    draft = claimed(shop, attach_customer(scan(shop, new_sale(), MUG), "C1"))
    before = snapshot()

    refused = checkout(shop(), draft, now=NOW, cashier_id="K1")

    assert isinstance(refused, Refused) and refused.reason == "reward_not_in_sale"
    assert snapshot() == before


def test_a_voided_or_cancelled_claim_writes_nothing(
    shop: UnitOfWorkFactory, snapshot: Callable[[], dict]
) -> None:
    before = snapshot()
    draft = claimed(shop, attach_customer(scan(shop, new_sale(), COFFEE), "C1"))

    assert cancel_reward(draft, "COFFEE150").rewards == ()
    assert void_sale(draft).rewards == () and void_sale(draft).lines == ()
    assert snapshot() == before
