"""Properties of returns over random carts: refunds never exceed what was paid, points never go negative."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.domain.ledger import EntryKind
from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.outcome import Refused
from pos_app.services.returns import ReturnResult, return_items
from pos_app.services.sale import (
    SaleDraft,
    add_product,
    apply_code,
    attach_customer,
    new_sale,
    request_redemption,
)
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import NOW, PRODUCTS, stock

CUSTOMERS = ("C1", "C2", "C4", None)  # 1,500, 300 and 50 points; anonymous


@pytest.fixture
def shop(uow: UnitOfWorkFactory, people: dict) -> UnitOfWorkFactory:
    stock(uow)
    return uow


carts = st.lists(
    st.tuples(st.sampled_from([p for p in PRODUCTS if not p.weighted]), st.integers(1, 4)),
    min_size=1,
    max_size=5,
)
weights = st.lists(st.sampled_from(["0.125", "0.5", "1.37", "2"]), max_size=2)
steps = st.lists(st.tuples(st.integers(0, 6), st.integers(1, 3)), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cart=carts,
    weighed=weights,
    customer=st.sampled_from(CUSTOMERS),
    redeem=st.one_of(st.just("max"), st.integers(0, 400)),
    with_code=st.booleans(),
    spend_after=st.integers(0, 100),
    returns=steps,
)
def test_refunds_never_exceed_what_was_paid_and_points_never_go_negative(
    shop: UnitOfWorkFactory,
    cart: list,
    weighed: list[str],
    customer: str | None,
    redeem: object,
    with_code: bool,
    spend_after: int,
    returns: list[tuple[int, int]],
) -> None:
    draft: SaleDraft = new_sale()
    for item, qty in cart:
        draft = add_product(draft, item, qty)  # type: ignore[assignment]
    bananas = next(p for p in PRODUCTS if p.weighted)
    for kg in weighed:
        draft = add_product(draft, bananas, kg)  # type: ignore[assignment]
    if customer is not None:
        draft = attach_customer(draft, customer)
        with shop(read_only=True) as work:
            spendable = work.ledger.balance(customer, NOW.date()).spendable
        if redeem == "max" or redeem <= spendable:  # type: ignore[operator]
            draft = request_redemption(draft, redeem)  # type: ignore[assignment]
    if with_code:
        draft = apply_code(shop(read_only=True), draft, "SPRING10")  # type: ignore[assignment]
    sale = checkout(shop(), draft, now=NOW, cashier_id="K1")
    assert isinstance(sale, CompletedSale), sale
    order = sale.order
    if customer is not None and spend_after:
        with shop() as work:  # the customer spends some of the new points elsewhere before returning
            available = work.customers.get(customer).points
            if available > 0:
                work.ledger.append(EntryKind.REDEMPTION, customer, -min(spend_after, available), at=NOW)
                work.commit()

    refunded = 0
    by_line = dict.fromkeys([line.line_id for line in order.lines], 0)
    left = {line.line_id: Fraction(line.qty) for line in order.lines}
    for pick, qty in returns:
        line = order.lines[pick % len(order.lines)]
        amount: int | str = qty if not line.weighted else line.qty
        result = return_items(shop(), order.id, {line.line_id: amount}, now=NOW, cashier_id="K1")
        if Fraction(amount) > left[line.line_id]:
            assert isinstance(result, Refused) and result.reason == "more_than_sold"
            continue
        assert isinstance(result, ReturnResult), result
        left[line.line_id] -= Fraction(amount)
        refunded += result.refund_minor
        by_line[line.line_id] += result.refund_minor
        assert result.points_taken_back + result.points_not_recovered == sum(
            x.points_taken_back for x in result.lines
        )
        if customer is not None:
            with shop(read_only=True) as work:
                assert work.customers.get(customer).points >= 0

    assert 0 <= refunded <= order.total_minor
    with shop(read_only=True) as work:
        stored = work.orders.get(order.id)
    assert stored.refunded_minor == refunded
    for line in stored.lines:
        assert 0 <= by_line[line.line_id] <= line.net_minor
        if Fraction(line.qty_returned) == Fraction(line.qty):  # fully returned: exactly its frozen net
            assert by_line[line.line_id] == line.net_minor
    fully = all(value == 0 for value in left.values())
    if fully:
        assert refunded == order.total_minor
