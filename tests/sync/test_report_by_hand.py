"""The loyalty report on a small chain whose every figure is worked out by hand below.

Two stores (S1, S2), four members, nine orders in March 2026 - a void, a
whole return, a partial return, an order before its member enrolled, one
after its member left, anonymous sales - pushed to a real central service
(SQLite and PostgreSQL) as records and ledger entries, the way registers
push them. Every expected number is derived in the comments next to it.

Members (report time zone UTC, every enrolled member participates):
  C1 enrolled 2026-01-10 at S1.R1 (home S1), silver; opening +500 on 02-01
  C2 enrolled 2026-03-05 at S2.R1 (home S2), bronze
  C3 enrolled 2026-02-01 at S1.R1 (home S1), opening +300; leaves 2026-03-20 10:00
  C4 imported at the central service, enrolled 2025-12-01 (home HQ)

Orders (total = subtotal - discount - points value):
  O1 03-02 S1 C1  2 x 10.00, P1 -2.00, points -1.00          total 17.00  participant
  O2 03-03 S1 --  5.00                                         total  5.00  anonymous
  O3 03-04 S2 C2  8.00 (a day before C2 enrolled)              total  8.00  non-participant
  O4 03-10 S2 C2  L1 10.00 P1 -1.00; L2 3 x 3.00               total 18.00  participant;
                  2 of L2 returned 03-12: refund floor(9.00 x 2/3) = 6.00 -> kept 12.00
  O5 03-11 S1 C1  10.00, voided                                 counts nothing
  O6 03-15 S1 C3  14.00, 200 points paid (2.00)                total 12.00, wholly returned 03-16
  O7 03-21 S1 C3  6.00 (the day after C3 left)                 total  6.00  non-participant
  O8 03-22 S2 --  4.00                                          total  4.00  anonymous
  O9 03-25 S1 C1  30.00, P2 -3.00                               total 27.00  participant
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from harness import CentralServer
from sqlalchemy.orm import Session

from pos_app.domain.report.periods import Grain
from sync.central import feed, imports, leavers
from sync.central import settings as central_settings
from sync.central.report.query import loyalty_report
from sync.central.report.refresh import refresh
from sync.client import SyncClient
from sync.protocol import LedgerEntry
from sync.protocol.records import (
    AppliedPromotion,
    Consents,
    CustomerData,
    OrderData,
    OrderLineData,
    OrderReturnData,
    OrderVoidData,
    ReturnedLineData,
    SyncRecord,
)

NOW = datetime(2026, 4, 1, 8, tzinfo=UTC)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


class Register:
    """Pushes what a register of the chain would: records, then its ledger entries in seq order."""

    def __init__(self, central: CentralServer, store: str, register: str = "R1") -> None:
        self.client: SyncClient = central.client(store, register)
        self.store, self.name = store, register
        self.seq = 0
        self.records: list[SyncRecord] = []
        self.entries: list[LedgerEntry] = []

    def record(self, kind: str, data: object, when: datetime) -> None:
        self.records.append(SyncRecord.build(id=str(uuid.uuid4()), kind=kind, register_id=self.client.register_id,
                                             created_at_register=when, data=data.model_dump(mode="json")))

    def member(self, cid: str, enrolled: datetime) -> None:
        self.record("customer", CustomerData(id=cid, name=f"Member {cid}", consents=Consents(),
                                             enrolled_at=enrolled), enrolled)

    def order(self, number: int, when: datetime, customer: str | None, lines: list[tuple[int, int, int, int, dict]],
              status_points: int = 0) -> str:
        """lines: (qty, unit price, discount, points value, allocations)."""
        order_id = f"{self.store}-{self.name}-{number:06d}"
        made = [OrderLineData(line_id=f"L{i + 1}", position=i, sku=f"SKU{i}", qty=str(qty), unit_price_minor=price,
                              subtotal_minor=qty * price, discount_minor=disc, points_value_minor=pts,
                              net_minor=qty * price - disc - pts, allocations=alloc)
                for i, (qty, price, disc, pts, alloc) in enumerate(lines)]
        applied: dict[str, int] = {}
        for line in made:
            for pid, amount in line.allocations.items():
                applied[pid] = applied.get(pid, 0) + amount
        self.record("order", OrderData(
            id=order_id, store_id=self.store, customer_id=customer, created_at=when, currency="USD",
            subtotal_minor=sum(x.subtotal_minor for x in made), discount_minor=sum(x.discount_minor for x in made),
            points_value_minor=sum(x.points_value_minor for x in made), total_minor=sum(x.net_minor for x in made),
            points_redeemed=status_points, applied=[AppliedPromotion(id=k, amount_minor=v) for k, v in applied.items()],
            lines=made), when)
        return order_id

    def entry(self, kind: str, customer: str | None, points: int, when: datetime, **extra: object) -> LedgerEntry:
        self.seq += 1
        entry = LedgerEntry.build(register_id=self.client.register_id, seq=self.seq, kind=kind, customer_id=customer,
                                  points=points, created_at_register=when, online=False, **extra)
        self.entries.append(entry)
        return entry

    def push(self) -> None:
        answers = self.client.push_records(self.records).results
        assert [a.status for a in answers if a.status == "rejected"] == [], answers
        pushed = self.client.push(self.entries)
        assert not [r for r in pushed.results if r.status == "rejected"], pushed.results


@pytest.fixture
def chain(either_central: CentralServer, tmp_path):
    central = either_central
    with central.session() as s, s.begin():
        central_settings.set_setting(s, "tiers", [{"name": "bronze", "threshold_minor": 0},
                                                  {"name": "silver", "threshold_minor": 100_000},
                                                  {"name": "gold", "threshold_minor": 500_000}])
        path = tmp_path / "members.csv"
        path.write_text("id,name,tier\nC4,Imported Member,\n", encoding="utf-8")
        assert imports.import_customers(s, path).errors == []
        promotions = tmp_path / "promotions.json"
        promotions.write_text(json.dumps([
            {"id": "P1", "name": "Ten percent", "reward": {"type": "percent", "value": "10", "target": "order"}},
            {"id": "P2", "name": "Spring", "reward": {"type": "percent", "value": "10", "target": "order"}},
            {"id": "WB", "name": "Win-back", "reward": {"type": "percent", "value": "15", "target": "order"}},
            {"id": "ONCE", "name": "Single use", "codes": [{"code": "ONCE", "customer": None, "uses_left": 1}],
             "reward": {"type": "amount", "value": "1.50", "target": "order"}},
        ]), encoding="utf-8")
        assert imports.import_promotions(s, promotions).errors == []
    s1, s2 = Register(central, "S1"), Register(central, "S2")
    s1.member("C1", at(10, month=1))
    s1.member("C3", at(1, month=2))
    s2.member("C2", at(5))
    s1.entry("adjustment", "C1", 500, at(1, month=2), reason="opening")
    s1.entry("adjustment", "C3", 300, at(1, month=2), reason="opening")
    o1 = s1.order(1, at(2), "C1", [(2, 1000, 200, 100, {"P1": 200})], status_points=100)
    s1.entry("redemption", "C1", -100, at(2), order_id=o1, reason="payment")
    s1.entry("accrual", "C1", 17, at(2), order_id=o1, order_total_minor=1700)
    s1.order(2, at(3), None, [(1, 500, 0, 0, {})])
    o3 = s2.order(1, at(4), "C2", [(1, 800, 0, 0, {})])
    s2.entry("accrual", "C2", 8, at(4), order_id=o3, order_total_minor=800)
    o4 = s2.order(2, at(10), "C2", [(1, 1000, 100, 0, {"P1": 100}), (3, 300, 0, 0, {})])
    s2.entry("accrual", "C2", 18, at(10), order_id=o4, order_total_minor=1800)
    s2.record("order_return", OrderReturnData(id="ret-o4", order_id=o4, at=at(12), refund_minor=600, lines=[
        ReturnedLineData(line_id="L2", qty="2", refund_minor=600, points_taken_back=6)]), at(12))
    s2.entry("adjustment", "C2", -6, at(12), order_id=o4, reason="return_points_earned")
    o5 = s1.order(3, at(11), "C1", [(1, 1000, 0, 0, {})])
    accrual = s1.entry("accrual", "C1", 10, at(11), order_id=o5, order_total_minor=1000)
    s1.entry("reversal", "C1", -10, at(11, 11), order_id=o5, reverses=accrual.id)
    s1.record("order_void", OrderVoidData(order_id=o5, at=at(11, 11), refund_minor=1000), at(11, 11))
    o6 = s1.order(4, at(15), "C3", [(1, 1400, 0, 200, {})], status_points=200)
    s1.entry("redemption", "C3", -200, at(15), order_id=o6, reason="payment")
    s1.entry("accrual", "C3", 12, at(15), order_id=o6, order_total_minor=1200)
    s1.record("order_return", OrderReturnData(id="ret-o6", order_id=o6, at=at(16), refund_minor=1200, lines=[
        ReturnedLineData(line_id="L1", qty="1", refund_minor=1200, points_given_back=200, points_taken_back=12)]),
        at(16))
    s1.entry("adjustment", "C3", 200, at(16), order_id=o6, reason="return_points_spent")
    s1.entry("adjustment", "C3", -12, at(16), order_id=o6, reason="return_points_earned")
    s1.order(5, at(21), "C3", [(1, 600, 0, 0, {})])
    s2.order(3, at(22), None, [(1, 400, 0, 0, {})])
    o9 = s1.order(6, at(25), "C1", [(1, 3000, 300, 0, {"P2": 300})])
    s1.entry("accrual", "C1", 27, at(25), order_id=o9, order_total_minor=2700)
    s1.entry("redemption", "C1", -250, at(25), reason="reward:FREE")
    # The single-use code ONCE used at both stores while offline: the second use is leakage (1.50).
    s1.entry("code_use", "C1", 0, at(25), code="ONCE", discount_minor=150)
    s2.entry("code_use", None, 0, at(26), code="ONCE", discount_minor=150)
    # C4 spends 50 points offline with none: an overdraft of 50 points (0.50).
    s2.entry("redemption", "C4", -50, at(26), reason="payment")
    s1.push()
    s2.push()
    with central.session() as s, s.begin():
        s.execute(sa.text("UPDATE customers SET enrolled_at = :t WHERE id = 'C4'"), {"t": datetime(2025, 12, 1, tzinfo=UTC)})
        s.execute(sa.text("UPDATE customers SET tier = 'silver' WHERE id = 'C1'"))
        s.execute(sa.text("UPDATE customers SET tier = 'bronze' WHERE id = 'C2'"))
        leavers.member_left(s, "C3", at(20))
        s.execute(sa.text("INSERT INTO tier_changes (customer_id, from_tier, to_tier, changed_at, reason) "
                          "VALUES ('C2', 'bronze', 'silver', :t, 'progression')"), {"t": at(20)})
        s.execute(sa.text('INSERT INTO offer_audiences (promotion_id, customer_id, "group", assigned_at, source) '
                          "VALUES ('WB', 'C1', 'target', :t, 'test'), ('WB', 'C3', 'target', :t, 'test'), "
                          "('WB', 'C2', 'control', :t, 'test')"), {"t": at(1, 0)})
        s.execute(sa.text("INSERT INTO rewards (id, name, kind, points, active, data, updated_at) "
                          "VALUES ('FREE', 'A free pastry', 'discount', 250, :yes, '{}', :t)"), {"t": at(1), "yes": True})
    return central


def report(central: CentralServer, **kwargs: object):
    with Session(central.engine) as s, s.begin():
        feed.assign_sequence(s)
    with Session(central.engine) as s, s.begin():
        refresh(s, NOW)
    with Session(central.engine) as s:
        return loyalty_report(s, *MARCH, now=NOW, **kwargs)


def test_every_metric_of_the_chain_matches_the_figures_worked_out_by_hand(chain):
    r = report(chain, grain=Grain.WEEK)
    t = r.total
    # Counted: O1 O4 O9 (participants), O2 O3 O7 O8 (non-participants); O5 voided, O6 wholly returned.
    assert (t.orders_participants, t.orders_non_participants, t.orders_all) == (3, 4, 7)
    # Revenue: 1700 + (1800 - 600) + 2700 = 5600; 500 + 800 + 600 + 400 = 2300.
    assert (t.revenue_participants_minor, t.revenue_non_participants_minor, t.revenue_all_minor) == (5600, 2300, 7900)
    assert (t.coverage_orders, t.coverage_revenue) == (Decimal("0.4286"), Decimal("0.7089"))  # 3/7, 5600/7900
    # Discounts of participants: money 200 + 100 + 300 = 600 (L2 returned carried none), points 100.
    assert (t.discount_money_minor, t.discount_points_minor) == (600, 100)
    assert (t.average_discount_money, t.average_discount_points, t.average_discount_total) == (
        Decimal("0.1071"), Decimal("0.0179"), Decimal("0.1250"))  # 600/5600, 100/5600, 700/5600
    # AOV: 5600/3 = 1866.67 -> 1867; 2300/4 = 575; 7900/7 = 1128.57 -> 1129; the gap 1867 - 575.
    assert (t.aov_participants_minor, t.aov_non_participants_minor, t.aov_all_minor) == (1867, 575, 1129)
    assert r.headline_gap_minor == 1292
    # Points of participants, on the day: accrued 17 + 10 - 10 + 27 (C1) + 18 - 6 (C2) + 12 - 12 (C3) = 56
    # (C2's 8 on 03-04 came before C2 enrolled); redeemed 100 + 250 (C1) + 200 - 200 (C3) + 50 (C4) = 400.
    assert (t.points_accrued, t.points_redeemed) == (56, 400)
    assert t.points_spent_share == Decimal("7.1429")  # 400 / 56: more was spent than earned this month
    # Participants: C1, C3, C4 before March; C2 enrolled 03-05; C3 left 03-20; 3 at the end.
    assert (t.participants_end, t.enrollments, t.leavers, t.participants_in_period) == (3, 1, 1, 4)
    # Bought as participants: C1 (O1, O9) and C2 (O4); C3's only order as a participant was returned whole.
    assert (t.buyers, t.purchase_rate) == (2, Decimal("0.5000"))

    weeks = {p.label: p for p in r.periods}
    assert list(weeks) == ["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    assert (weeks["2026-W09"].first, weeks["2026-W09"].last) == (date(2026, 3, 1), date(2026, 3, 1))  # cut
    w11 = weeks["2026-W11"]  # 03-09..03-15: O4 (kept 1200); O5 voided, O6 returned whole
    assert (w11.orders_participants, w11.revenue_participants_minor, w11.buyers) == (1, 1200, 1)
    assert (w11.participants_in_period, w11.purchase_rate) == (4, Decimal("0.2500"))
    w12 = weeks["2026-W12"]  # 03-16..03-22: C3 leaves 03-20; O7 (C3, after leaving) and O8 anonymous
    assert (w12.leavers, w12.participants_end, w12.orders_participants, w12.orders_non_participants) == (1, 3, 0, 2)

    # Points liability now (04-01) of the participants now (C1, C2, C4; C3 left):
    # C1 500 + 17 + 10 - 10 + 27 - 100 - 250 = 194; C2 8 + 18 - 6 = 20; C4 -50 -> an overdraft, not a liability.
    li = r.liability
    assert (li.outstanding_points, li.outstanding_minor) == (214, 214)
    # Pending: accruals within the 30-day return window (03-03 on), at most the balance:
    # C1 10 + 27 = 37; C2 8 + 18 = 26, of a balance of 20 -> 20.
    assert li.pending_points == 57
    assert (li.expiring_30_points, li.expiring_90_points, li.expired_points) == (0, 0, 0)

    assert [(x.tier, x.members) for x in r.tiers] == [("", 1), ("bronze", 1), ("silver", 1)]
    assert [(m.from_tier, m.to_tier, m.members, m.direction) for m in r.tier_moves] == [("bronze", "silver", 1, "up")]
    free = next(x for x in r.rewards if x.reward_id == "FREE")
    # One claim of 250 points, of 400 redeemed; per 1,000 of the 4 participants of the month: 250.
    assert (free.name, free.claims, free.points, free.share_of_redeemed, free.claims_per_1000) == (
        "A free pastry", 1, 250, Decimal("0.6250"), Decimal("250.00"))
    assert [(s.store, s.enrollments) for s in r.enrollments_by_store] == [("S2", 1)]
    # Leakage: the second use of ONCE (150) and C4's overdraft of 50 points worth 50.
    assert {x.kind: (x.conflicts, x.leakage_minor, x.points) for x in r.leakage} == {
        "code_already_used": (1, 150, 0), "offline_overdraft": (1, 0, 50)}
    assert (r.leakage_minor, r.overdraft_points) == (200, 50)
    # Promotions: P1 on O1 (200) and O4 (100): 2 orders, revenue 1700 + 1200; P2 on O9.
    assert {p.promotion_id: (p.orders, p.cost_minor, p.revenue_minor) for p in r.promotions} == {
        "P1": (2, 300, 2900), "P2": (1, 300, 2700)}

    # Win-back WB: targets C1 (O1, O9: 4400) and C3 (O7: 600; O6 returned whole), control C2 (O3, O4: 2000).
    (wb,) = r.control_groups
    assert (wb.promotion_id, wb.name) == ("WB", "Win-back")
    assert (wb.target.members, wb.target.buyers, wb.target.orders, wb.target.revenue_minor) == (2, 2, 3, 5000)
    assert wb.target.revenue_squares == 4400 ** 2 + 600 ** 2
    assert (wb.control.members, wb.control.buyers, wb.control.orders, wb.control.revenue_minor) == (1, 1, 2, 2000)
    assert wb.purchase_rate.difference == 0
    assert (wb.revenue_per_member.target, wb.revenue_per_member.control, wb.revenue_per_member.difference) == (
        Decimal(2500), Decimal(2000), Decimal(500))
    assert wb.revenue_per_member.relative == Decimal("0.25")
    assert wb.revenue_per_member.low is None  # one control member: no variance, no interval
    assert wb.average_order.difference == Decimal("666.666667")  # 5000/3 - 2000/2
    assert wb.incremental_revenue_minor == 1000  # 500 a member, for 2 members


def test_one_store_counts_its_sales_and_the_members_it_enrolled(chain):
    r = report(chain, store="S1")
    t = r.total
    # Sales at S1: O1, O9 (participants), O2, O7 (not); O5 voided, O6 returned.
    assert (t.orders_participants, t.revenue_participants_minor) == (2, 4400)
    assert (t.orders_non_participants, t.revenue_non_participants_minor) == (2, 1100)
    # S1's members: C1, C3; C3 left; C1 bought at S1 as a participant: 1 of 2.
    assert (t.participants_end, t.leavers, t.participants_in_period, t.buyers) == (1, 1, 2, 1)
    assert t.purchase_rate == Decimal("0.5000")
    # S1's points: C1 17 + 10 - 10 + 27 and C3 12 - 12 accrued; 100 + 250 + 200 - 200 redeemed.
    assert (t.points_accrued, t.points_redeemed) == (44, 350)
    assert r.liability.outstanding_points == 194  # C1 only
    assert {x.kind for x in r.leakage} == set()  # both conflicts were booked at S2


def test_a_report_is_live_a_new_order_counts_at_once(chain):
    central = chain
    before = report(central).total
    late = Register(central, "S2", "R2")
    late.order(1, at(28), "C2", [(1, 999, 0, 0, {})])
    late.push()
    after = report(central).total
    assert (after.orders_participants, after.revenue_participants_minor) == (
        before.orders_participants + 1, before.revenue_participants_minor + 999)
    with central.session() as s, s.begin():
        leavers.member_left(s, "C2", at(28, 9))  # left the same morning: the order was not a participant's
    moved = report(central).total
    assert (moved.orders_participants, moved.orders_non_participants) == (
        before.orders_participants, before.orders_non_participants + 1)
    assert moved.leavers == before.leavers + 1


def test_a_stores_tier_moves_and_offer_audiences_are_those_of_its_members_and_follow_the_jobs(chain):
    # C2 (home S2) moved bronze -> silver; nobody S1 enrolled moved. The win-back's control group is C2 alone
    # (home S2), so neither store has both groups to compare.
    s1, s2 = report(chain, store="S1"), report(chain, store="S2")
    assert (s1.tier_moves, s1.control_groups) == ((), ())
    assert [(m.from_tier, m.to_tier, m.members) for m in s2.tier_moves] == [("bronze", "silver", 1)]
    # The program's jobs go on after that report: C1 (home S1) moves silver -> gold, and a second offer holds
    # out C3 (home S1) against C1; C2 (home S2) is targeted too. The next report of S1 counts its own.
    with chain.session() as s, s.begin():
        s.execute(sa.text("INSERT INTO tier_changes (customer_id, from_tier, to_tier, changed_at, reason) "
                          "VALUES ('C1', 'silver', 'gold', :t, 'progression')"), {"t": at(25)})
        s.execute(sa.text('INSERT INTO offer_audiences (promotion_id, customer_id, "group", assigned_at, source) '
                          "VALUES ('WB2', 'C1', 'target', :t, 'test'), ('WB2', 'C2', 'target', :t, 'test'), "
                          "('WB2', 'C3', 'control', :t, 'test')"), {"t": at(2, 0)})
    s1 = report(chain, store="S1")
    assert [(m.from_tier, m.to_tier, m.members) for m in s1.tier_moves] == [("silver", "gold", 1)]
    (wb2,) = s1.control_groups
    assert (wb2.promotion_id, wb2.target.members, wb2.control.members) == ("WB2", 1, 1)
    chain_wide = report(chain)
    assert sorted((m.from_tier, m.to_tier) for m in chain_wide.tier_moves) == [("bronze", "silver"), ("silver", "gold")]
    assert {g.promotion_id: (g.target.members, g.control.members) for g in chain_wide.control_groups} == {
        "WB": (2, 1), "WB2": (2, 1)}
