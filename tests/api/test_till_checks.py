"""A till's check as the register keeps it between calls: the till's lines, the cashier's additions.

`TillChecks` on a real register store (the demo's), without HTTP: what a
cashier changes in the window survives the till's next call unless the till
itself changes that field; a paid check starts over.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from pos_app.domain.cart import CartLine
from pos_app.services.outcome import Refused
from pos_app.services.rewards import claim_reward, list_rewards
from pos_app.services.sale import apply_code, request_redemption
from pos_app.services.till_checks import CheckPaid, CheckRequest, CheckShown, TillChecks, TillLine
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.api.till_client import DEMO_NOW, FRANCOIS_CARD, ZOE_CARD


@pytest.fixture
def factory(demo_template, tmp_path):  # noqa: ANN001, ANN201
    shutil.copyfile(demo_template, tmp_path / "register.db")
    engine = open_store(tmp_path / "register.db")
    yield UnitOfWorkFactory(engine, "R1")
    engine.dispose()


def pens(qty: int = 2, **sent: object) -> TillLine:
    line = CartLine(id="1", sku="WRI-0099", qty=qty, unit_price=459)
    return TillLine(replace(line, **sent), frozenset(sent))  # type: ignore[arg-type]


def request(member: str | None = ZOE_CARD, *, codes: tuple[str, ...] = (), redeem: int | str = 0,
            check_id: str = "T-1", lines: tuple[TillLine, ...] = ()) -> CheckRequest:
    return CheckRequest("till-1", check_id, lines or (pens(),), member, codes, redeem)


def test_the_tills_lines_get_the_catalogues_facts_unless_the_till_sent_them(factory) -> None:
    checks = TillChecks("S1")
    unknown = TillLine(CartLine(id="2", sku="NOT-IN-CATALOGUE", qty=1, unit_price=100))

    filled = checks.build(factory, request(lines=(pens(), unknown)))
    sent = checks.build(factory, request(lines=(pens(categories=frozenset({"gifts"})),), check_id="T-2"))

    first, second = filled.draft.lines
    assert (first.item.categories, first.item.name, first.unit_price_minor) == (("office", "writing"),
                                                                                 "Stapleton Ballpoint pens x10", 459)
    assert (second.item.name, second.item.categories) == ("NOT-IN-CATALOGUE", ())
    assert filled.messages == ("SKU NOT-IN-CATALOGUE: not in the catalogue, priced as sent",)
    assert sent.draft.lines[0].item.categories == ("gifts",)
    assert filled.draft.customer_id == "C00001"


def test_a_code_points_and_a_reward_added_by_the_cashier_stay_on_the_check(factory) -> None:
    checks = TillChecks("S1")
    draft = checks.build(factory, request(codes=("SAVE5",))).draft
    reward = next(r for r in list_rewards(factory(read_only=True)) if r.points <= 4820)
    on_screen = claim_reward(factory(read_only=True), draft, reward.id, now=DEMO_NOW)
    assert not isinstance(on_screen, Refused)
    on_screen = request_redemption(apply_code(factory(read_only=True), on_screen, "STAFF25"), 300)
    assert not isinstance(on_screen, Refused)

    assert checks.changed_by_cashier(on_screen)
    again = checks.build(factory, request(codes=("SAVE5",))).draft

    assert again.sale_id == draft.sale_id
    assert again.codes == ("SAVE5", "STAFF25")  # the till's, then the cashier's
    assert again.redeem == 300
    assert [claim.reward_id for claim in again.rewards] == [reward.id]


def test_a_field_the_till_changes_takes_the_tills_value(factory) -> None:
    checks = TillChecks("S1")
    draft = checks.build(factory, request(redeem=100)).draft
    on_screen = request_redemption(draft, 300)
    assert not isinstance(on_screen, Refused)
    checks.changed_by_cashier(on_screen)

    unchanged = checks.build(factory, request(redeem=100)).draft
    changed = checks.build(factory, request(redeem="max")).draft
    other_member = checks.build(factory, request(member=FRANCOIS_CARD, redeem="max")).draft

    assert (unchanged.redeem, changed.redeem) == (300, "max")
    assert other_member.customer_id == "C00007"


def test_a_paid_check_is_the_same_sale_again_and_the_window_hears_of_both(factory) -> None:
    checks = TillChecks("S1")
    heard: list[object] = []
    stop = checks.subscribe(heard.append)
    first = checks.build(factory, request()).draft
    checks.shown(request(), object(), ["a message"])  # type: ignore[arg-type]

    checks.paid(request(), first.sale_id, "R1-000001")
    after = checks.build(factory, request()).draft
    open_then = checks.is_till_sale(after.sale_id)
    stop()
    checks.paid(request(), after.sale_id, "R1-000002")

    assert after.sale_id == first.sale_id  # the same check the same day: checkout answers `already_paid`
    assert [type(event) for event in heard] == [CheckShown, CheckPaid]
    assert heard[1] == CheckPaid("till-1", "T-1", first.sale_id, "R1-000001")
    assert not checks.is_till_sale(first.sale_id) and open_then
    assert not checks.is_till_sale(after.sale_id)  # paid, and nobody listening any more


def test_the_same_check_id_from_two_tills_is_two_checks(factory) -> None:
    checks = TillChecks("S1")

    one = checks.build(factory, request()).draft
    two = checks.build(factory, replace(request(member=None), till="till-2")).draft

    assert one.sale_id != two.sale_id and (one.customer_id, two.customer_id) == ("C00001", None)
