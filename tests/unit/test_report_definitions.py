"""The loyalty report's definitions (`pos_app.domain.report`), each on numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from pos_app.domain.report.control import GroupStats, compare_groups, held_out
from pos_app.domain.report.facts import (
    Audience,
    MemberLedgerSums,
    Membership,
    OrderFigures,
    ParticipantRules,
    PointsFigures,
    ReturnedLine,
    audience,
    last_lot_day,
    member_points,
    order_figures,
    participation,
    points_figures,
    promotion_costs,
    returned_share,
    reward_of,
)
from pos_app.domain.report.loyalty_report import (
    LoyaltyReport,
    ReportInputs,
    build_report,
    report_csv,
    report_text,
    share,
)
from pos_app.domain.report.periods import (
    Grain,
    RangeError,
    day_bounds,
    default_grain,
    local_day,
    periods,
    zone,
)


def test_the_breakdown_is_daily_up_to_30_days_weekly_up_to_90_then_monthly():
    first = date(2026, 1, 1)
    assert default_grain(first, first + timedelta(days=29)) is Grain.DAY
    assert default_grain(first, first + timedelta(days=30)) is Grain.WEEK
    assert default_grain(first, first + timedelta(days=89)) is Grain.WEEK
    assert default_grain(first, first + timedelta(days=90)) is Grain.MONTH


def test_periods_are_cut_to_the_range_and_named_for_a_chart():
    weeks = periods(date(2026, 3, 1), date(2026, 3, 31), Grain.WEEK)  # 1 March 2026 is a Sunday
    assert [(p.label, p.first.day, p.last.day) for p in weeks] == [
        ("2026-W09", 1, 1), ("2026-W10", 2, 8), ("2026-W11", 9, 15), ("2026-W12", 16, 22), ("2026-W13", 23, 29),
        ("2026-W14", 30, 31)]
    months = periods(date(2025, 12, 15), date(2026, 2, 3), Grain.MONTH)
    assert [(p.label, p.first, p.last) for p in months] == [
        ("2025-12", date(2025, 12, 15), date(2025, 12, 31)), ("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 3))]
    with pytest.raises(RangeError, match="before it starts"):
        periods(date(2026, 3, 2), date(2026, 3, 1), Grain.DAY)
    with pytest.raises(RangeError, match="at most"):
        periods(date(2020, 1, 1), date(2026, 1, 1), Grain.MONTH)


def test_a_local_day_follows_the_report_time_zone():
    madrid = zone("Europe/Madrid")
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 March in Madrid
    assert (local_day(late, zone("UTC")), local_day(late, madrid)) == (date(2026, 3, 1), date(2026, 3, 2))
    assert local_day(datetime(2026, 3, 1, 23, 30), zone("UTC")) == date(2026, 3, 1)  # naive: UTC
    start, end = day_bounds(date(2026, 3, 29), date(2026, 3, 29), madrid)  # the day clocks go forward
    assert (start.isoformat(), end.isoformat()) == ("2026-03-28T23:00:00+00:00", "2026-03-29T22:00:00+00:00")
    with pytest.raises(RangeError, match="unknown time zone"):
        zone("Mars/Olympus")


def test_an_order_counts_unless_voided_or_wholly_returned_and_keeps_only_what_was_kept():
    assert order_figures("voided", 1000, 0, 100, 0) == OrderFigures()
    assert order_figures("paid", 1000, 0, 100, 50, orders=3) == OrderFigures(3, 1000, 100, 50)
    # A line of 3 units with 90 of discount and 30 of points; 2 units returned: 60 and 20 go back with them.
    # Refund of those 2 units: floor(810 * 2/3) = 540.
    lines = [ReturnedLine("3", "2", 90, 30), ReturnedLine("1", "0", 0, 0, {})]
    assert order_figures("paid", 810 + 500, 540, 90, 30, returned_lines=lines) == OrderFigures(1, 770, 30, 10)
    everything = [ReturnedLine("3", "3", 90, 30), ReturnedLine("1", "1", 0, 0)]
    assert order_figures("paid", 1310, 1310, 90, 30, returned_lines=everything) == OrderFigures()
    assert returned_share(100, "3", "1") == 33 and returned_share(100, "3", "2") == 66
    assert returned_share(100, "0.750", "0.250") == 33  # a weighed line
    assert returned_share(100, "3", "5") == 100  # returned more than sold (two stores offline): all of it


def test_a_promotions_cost_is_its_discount_on_the_items_kept():
    lines = [ReturnedLine("2", "1", 200, 0, {"P1": 150, "P2": 50}), ReturnedLine("1", "0", 40, 0, {"P2": 40})]
    assert promotion_costs("paid", [("P1", 150), ("P2", 90)], lines) == {"P1": 75, "P2": 65}
    assert promotion_costs("voided", [("P1", 150)]) == {}


@pytest.mark.parametrize(("kind", "points", "reason", "expected"), [
    ("accrual", 40, None, PointsFigures(accrued=40, net=40)),
    ("redemption", -25, "payment", PointsFigures(redeemed=25, net=-25)),
    ("expiry", -10, "lots_expired", PointsFigures(expired=10, net=-10)),
    ("reversal", -40, None, PointsFigures(accrued=-40, net=-40)),  # a voided sale's accrual undone
    ("reversal", 25, None, PointsFigures(redeemed=-25, net=25)),  # ... and its points given back
    ("adjustment", -6, "return_points_earned", PointsFigures(accrued=-6, net=-6)),
    ("adjustment", 20, "return_points_spent", PointsFigures(redeemed=-20, net=20)),
    ("adjustment", 250, "goodwill", PointsFigures(adjusted=250, net=250)),
    ("transfer", -100, None, PointsFigures(net=-100)),
    ("code_use", 0, None, PointsFigures()),
])
def test_what_each_ledger_entry_counts_for(kind, points, reason, expected):
    assert points_figures(kind, points, reason) == expected


def test_a_reward_claim_is_a_redemption_naming_the_reward():
    assert reward_of("redemption", "reward:FREE-PASTRY") == "FREE-PASTRY"
    assert reward_of("redemption", "payment") is None and reward_of("adjustment", "reward:X") is None


def test_participants_per_brand_on_the_days_they_were_members():
    rules = ParticipantRules.from_settings(None, {"Bio": {"stores": ["S9"], "participants": "bio_club"}})
    assert [b.name for b in rules.brands] == ["", "Bio"]
    assert (rules.store_bit("S1"), rules.store_bit("S9")) == (1, 2)
    enrolled = datetime(2026, 3, 5, 15, tzinfo=UTC)
    member = Membership("C1", enrolled, left_at=datetime(2026, 3, 20, 10, tzinfo=UTC), segments=frozenset({"x"}))
    span = participation(member, rules, zone("UTC"))
    assert (span.since, span.until, span.brand_mask) == (date(2026, 3, 5), date(2026, 3, 20), 1)  # not in bio_club
    assert audience("C1", span, date(2026, 3, 4), 1) is Audience.MEMBER  # before enrolling
    assert audience("C1", span, date(2026, 3, 5), 1) is Audience.PARTICIPANT
    assert audience("C1", span, date(2026, 3, 19), 1) is Audience.PARTICIPANT
    assert audience("C1", span, date(2026, 3, 20), 1) is Audience.MEMBER  # the day they left
    assert audience("C1", span, date(2026, 3, 10), 2) is Audience.MEMBER  # at a Bio store: not a Bio member
    assert audience(None, None, date(2026, 3, 10), 1) is Audience.ANONYMOUS
    bio = participation(Membership("C2", enrolled, segments=frozenset({"bio_club"})), rules, zone("UTC"))
    assert bio.brand_mask == 3
    named = ParticipantRules.from_settings("vip", None)
    assert participation(Membership("C3", enrolled), named, zone("UTC")) is None  # not in the segment
    assert participation(Membership("C4", enrolled, merged_into="C1"), rules, zone("UTC")) is None
    with pytest.raises(RangeError, match="in two brands"):
        ParticipantRules.from_settings(None, {"A": {"stores": ["S1"]}, "B": {"stores": ["S1"]}})
    with pytest.raises(RangeError, match="unknown brand"):
        rules.brand_bit("Nope")


def test_points_liability_expires_first_to_expire():
    # 500 points earned in lots expiring within 30 days, 200 more within 90; 350 spent (first-to-expire):
    # 150 of the first lots are left to expire within 30 days, 350 within 90. Balance 500.
    sums = MemberLedgerSums(balance=500, consumed=350, lots_by_30=500, lots_by_90=700, recent_accrued=80)
    assert member_points(sums).as_tuple() == (500, 80, 150, 350)
    assert member_points(MemberLedgerSums(balance=-50, consumed=50)).as_tuple() == (0, 0, 0, 0)  # an overdraft
    # Lots expire 12 months after their day: by 30 June 2027 the lots of days up to 30 June 2026 expire.
    assert last_lot_day(date(2027, 6, 30), 12) == date(2026, 6, 30)
    assert last_lot_day(date(2027, 2, 28), 12) == date(2026, 2, 28)


def test_control_groups_lift_with_95_percent_intervals():
    rate = compare_groups("WB", "Win-back", GroupStats(100, 30, 45, 90_000, 0), GroupStats(50, 10, 12, 20_000, 0))
    # 0.30 - 0.20 = 0.10; SE = sqrt(0.3 x 0.7 / 100 + 0.2 x 0.8 / 50) = sqrt(0.0053) = 0.072801
    assert (rate.purchase_rate.difference, rate.purchase_rate.low, rate.purchase_rate.high) == (
        Decimal("0.100000"), Decimal("-0.042688"), Decimal("0.242688"))
    assert rate.purchase_rate.relative == Decimal("0.5") and rate.purchase_rate.significant is False
    # Revenue per member: target [0, 1000, 3000, 0] mean 1000 variance 2,000,000; control [0, 600, 0] mean 200
    # variance 120,000; SE = sqrt(2e6/4 + 120000/3) = 734.846923; 800 +- 1.959964 x SE.
    money = compare_groups("WB", "Win-back", GroupStats(4, 2, 3, 4000, 1000 ** 2 + 3000 ** 2),
                           GroupStats(3, 1, 1, 600, 600 ** 2))
    revenue = money.revenue_per_member
    assert (revenue.target, revenue.control, revenue.difference) == (Decimal(1000), Decimal(200), Decimal(800))
    assert (revenue.low, revenue.high) == (Decimal("-640.273514"), Decimal("2240.273514"))
    assert money.incremental_revenue_minor == 3200  # 800 a member, for the 4 who got the offer
    assert money.average_order.difference == Decimal("733.333333")  # 4000/3 - 600/1


def test_who_is_held_out_never_changes_and_is_about_the_share_asked():
    picks = [held_out("WB", f"C{n}", "0.2") for n in range(5000)]
    assert picks == [held_out("WB", f"C{n}", "0.2") for n in range(5000)]
    assert 900 < sum(picks) < 1100
    assert not any(held_out("WB", f"C{n}", "0") for n in range(100))


def test_a_report_of_two_days_with_every_ratio_by_hand():
    d1, d2 = date(2026, 5, 1), date(2026, 5, 2)
    report = build_report(ReportInputs(
        first=d1, last=d2, grain=Grain.DAY, buyers=[2, 1], buyers_total=2,
        orders={(d1, Audience.PARTICIPANT): OrderFigures(2, 3000, 300, 150),
                (d1, Audience.ANONYMOUS): OrderFigures(1, 1000, 0, 0),
                (d2, Audience.MEMBER): OrderFigures(1, 500, 0, 0),
                (d2, Audience.PARTICIPANT): OrderFigures(1, 2000, 0, 0)},
        points={d1: PointsFigures(accrued=50, redeemed=150, net=-100), d2: PointsFigures(accrued=20, net=20)},
        participants_before=9, enrolled={d2: 1}, left={d2: 2}))
    day1, day2 = report.periods
    assert (day1.coverage_orders, day1.coverage_revenue) == (Decimal("0.6667"), Decimal("0.7500"))
    assert (day1.aov_participants_minor, day1.aov_non_participants_minor, day1.aov_gap_minor) == (1500, 1000, 500)
    assert (day1.average_discount_money, day1.average_discount_points, day1.average_discount_total) == (
        Decimal("0.1000"), Decimal("0.0500"), Decimal("0.1500"))
    assert (day1.points_spent_share, day1.participants_end, day1.purchase_rate) == (
        Decimal("3.0000"), 9, Decimal("0.2222"))  # 150 of 50; 2 of 9
    assert (day2.participants_end, day2.participants_in_period, day2.purchase_rate) == (8, 10, Decimal("0.1000"))
    t = report.total
    assert (t.orders_participants, t.orders_all, t.revenue_all_minor) == (3, 5, 6500)
    assert (t.aov_participants_minor, t.aov_non_participants_minor, t.aov_all_minor) == (1667, 750, 1300)
    assert (t.points_spent_share, t.buyers, t.purchase_rate) == (Decimal("2.1429"), 2, Decimal("0.2000"))
    assert report.headline_gap_minor == 917
    again = LoyaltyReport.from_json(report.to_json())
    assert again == report
    assert report_csv(report).splitlines()[3].startswith("total,2026-05-01,2026-05-02,3,2,5,")
    assert "gap 9.17" in report_text(report)
    assert share(1, 3) == Decimal("0.3333") and share(1, 0) is None


def test_a_report_with_no_sales_says_so():
    report = build_report(ReportInputs(first=date(2026, 5, 1), last=date(2026, 5, 1), grain=Grain.DAY, buyers=[0],
                                       buyers_total=0))
    assert report.is_empty and report.total.coverage_orders is None and report.total.aov_gap_minor is None
    assert "—" in report_text(report)


def test_the_returns_and_rewards_reasons_are_the_registers():
    from pos_app.domain.report import facts
    from pos_app.services.checkout import REWARD_REASON_PREFIX
    from pos_app.services.returns import RETURN_EARNED_REASON, RETURN_SPENT_REASON

    assert (facts.RETURN_POINTS_EARNED, facts.RETURN_POINTS_SPENT, facts.REWARD_PREFIX) == (
        RETURN_EARNED_REASON, RETURN_SPENT_REASON, REWARD_REASON_PREFIX)


def test_a_moment_with_an_offset_is_its_local_day():
    plus_two = timezone(timedelta(hours=2))
    assert local_day(datetime(2026, 3, 2, 1, 0, tzinfo=plus_two), zone("UTC")) == date(2026, 3, 1)
