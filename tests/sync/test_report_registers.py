"""The same sales through real registers: the register's own report and the central service's agree.

Two stores with one register each (S1.R1, S2.R1), each its real SQLite store
synced by the real `SyncLoop` to a real central service (SQLite and
PostgreSQL). Members enroll, buy, pay with points, use a promotion code,
return part of a sale and void another, through the same use cases the
window calls. Then the report a register computes from its own orders
(offline, `register_report`) must equal the central service's report of its
store, metric for metric, and the chain's report must add the two stores up.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from test_chain import CATALOG, MEMBERS, PROMOTIONS, Till

from pos_app.domain.account import Role
from pos_app.domain.report.periods import Grain
from pos_app.services.accounts import create_user
from pos_app.services.loyalty_report import register_report
from pos_app.services.returns import ReturnResult, VoidedOrder, return_items, void_last_order
from sync.central import feed, imports
from sync.central import settings as central_settings
from sync.central.report.query import loyalty_report
from sync.central.report.refresh import refresh

MANAGER_PIN = "864213"


@pytest.fixture
def tills(either_central, tmp_path):
    central = either_central
    import json

    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    with central.session() as s, s.begin():
        central_settings.set_setting(s, "currency", "USD")
        central_settings.set_setting(s, "return_window_days", 0)
        assert imports.import_catalog(s, write("catalog.csv", CATALOG)).errors == []
        assert imports.import_customers(s, write("members.csv", MEMBERS)).errors == []
        assert imports.import_promotions(s, write("promotions.json", json.dumps(PROMOTIONS))).errors == []
    made = {name: Till(central, tmp_path, *name.split(".")) for name in ("S1.R1", "S2.R1")}
    for till in made.values():
        till.sync()
        create_user(till.uow(), user_id="boss", name="Boss", role=Role.MANAGER, pin=MANAGER_PIN,
                    now=datetime.now(UTC))
    yield made
    for till in made.values():
        till.close()


def central_report(central, **scope):
    with central.session() as s, s.begin():
        feed.assign_sequence(s)
    with central.session() as s, s.begin():
        refresh(s)
    today = datetime.now(UTC).date()
    with central.session() as s:
        return loyalty_report(s, today - timedelta(days=6), today, grain=Grain.DAY, **scope)


def local_report(till):
    now = datetime.now(UTC)
    return register_report(till.uow(read_only=True), now.date() - timedelta(days=6), now.date(), now=now,
                           grain=Grain.DAY)


SAME = ("orders_participants", "orders_non_participants", "orders_all", "revenue_participants_minor",
        "revenue_non_participants_minor", "revenue_all_minor", "coverage_orders", "coverage_revenue",
        "discount_money_minor", "discount_points_minor", "average_discount_total", "points_accrued",
        "points_redeemed", "points_spent_share", "aov_participants_minor", "aov_non_participants_minor",
        "aov_all_minor", "participants_end", "enrollments", "participants_in_period", "buyers", "purchase_rate")


def test_a_registers_own_report_equals_the_central_services_report_of_its_store(tills, either_central):
    central = either_central
    s1, s2 = tills["S1.R1"], tills["S2.R1"]
    ana = s1.enroll("Ana Ruiz", phone="+14155550191").customer.id
    bo = s2.enroll("Bo Lind", email="bo@example.com").customer.id
    sold = [s1.paid("MUG", "COF", member=ana), s1.paid("BAG"),  # a member, an anonymous buyer
            s1.paid("COF", "COF", member="C1", codes=("SPRING",))]  # a member imported at the central service
    kept = s1.paid("MUG", "MUG", "COF", member=ana)
    mug = next(line for line in kept.order.lines if line.sku == "MUG")
    back = return_items(s1.uow(), kept.order_number, {mug.line_id: 1}, now=datetime.now(UTC),
                        manager_id="boss", pin=MANAGER_PIN)
    assert isinstance(back, ReturnResult) and back.refund_minor == mug.net_minor // 2
    paid_with_points = s1.paid("BAG", member=ana, points=20)
    sold += [kept, paid_with_points]
    at_two = [s2.paid("BAG", member=bo), s2.paid("MUG")]
    s2.paid("COF", member=bo)  # voided below: counts for nothing
    voided = void_last_order(s2.uow(), manager_id="boss", pin=MANAGER_PIN, now=datetime.now(UTC))
    assert isinstance(voided, VoidedOrder)
    for till in tills.values():
        till.sync()
        till.sync()

    for name, till in tills.items():
        here, there = local_report(till), central_report(central, store=name.split(".")[0])
        for field in SAME:
            assert getattr(here.total, field) == getattr(there.total, field), (name, field)
        for mine, theirs in zip(here.periods, there.periods, strict=True):
            assert (mine.label, mine.orders_all, mine.revenue_all_minor, mine.buyers) == (
                theirs.label, theirs.orders_all, theirs.revenue_all_minor, theirs.buyers)
        assert {p.promotion_id: (p.orders, p.cost_minor) for p in here.promotions} == {
            p.promotion_id: (p.orders, p.cost_minor) for p in there.promotions}
        assert (here.liability.outstanding_points, here.liability.pending_points) == (
            there.liability.outstanding_points, there.liability.pending_points)

    one = local_report(s1).total
    assert (one.orders_all, one.orders_participants, one.orders_non_participants) == (5, 4, 1)
    assert one.revenue_all_minor == sum(done.order.total_minor for done in sold) - back.refund_minor
    assert one.discount_points_minor == paid_with_points.order.points_value_minor == 20
    assert one.discount_money_minor == sum(done.order.discount_minor for done in sold if done.order.customer_id) \
        - sum(line.discount_minor for line in kept.order.lines if line.line_id == mug.line_id) // 2
    # Ana is S1's only home member (C1 was imported at the central service): she bought, 1 of 1.
    assert (one.participants_end, one.enrollments, one.buyers, one.purchase_rate) == (1, 1, 1, 1)
    two = local_report(s2).total
    assert (two.orders_all, two.orders_participants) == (2, 1)
    assert two.revenue_all_minor == sum(done.order.total_minor for done in at_two)

    chain = central_report(central)
    for field in ("orders_participants", "orders_non_participants", "revenue_all_minor", "discount_money_minor",
                  "points_accrued", "points_redeemed"):
        assert getattr(chain.total, field) == getattr(one, field) + getattr(two, field), field
    assert chain.total.participants_end == 3  # Ana, Bo and the imported C1


def test_the_register_reports_offline_from_its_own_orders(tills, either_central):
    central = either_central
    s2 = tills["S2.R1"]
    done = s2.paid("MUG")
    report = local_report(s2)  # never synced: the register alone
    assert (report.source, report.store, report.total.orders_all, report.total.revenue_all_minor) == (
        "register", "S2.R1", 1, done.order.total_minor)
    assert [f.name for f in fields(report.total)] == [f.name for f in fields(central_report(central).total)]
