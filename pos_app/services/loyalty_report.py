"""The loyalty report of this register, computed here from its own orders and entries (works offline).

The metrics are the chain's (`pos_app.domain.report`): the same rules decide
what an order, a ledger entry and a member count for, with the program's
report settings as the central service published them (`report.timezone`,
`report.participants`, `report.brands`). The scope is this register: its
sales and its points, and the members it enrolled (its "home" members) for
participants over time, enrollments, purchase rate, tiers and their points.
What only the central service knows - members who left, tier movements,
leakage decided there, control groups, every other register's sales - is in
the chain view (`GET /v1/report`), which the manager mode fetches when online.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from pos_app.domain.report.facts import (
    Audience,
    MemberPoints,
    Membership,
    OrderFigures,
    ParticipantRules,
    PointsFigures,
    ReturnedLine,
    audience,
    order_figures,
    participation,
    points_figures,
    promotion_costs,
    reward_of,
)
from pos_app.domain.report.loyalty_report import (
    LoyaltyReport,
    PromotionFigures,
    ReportInputs,
    RewardFigures,
    build_report,
    report_periods,
)
from pos_app.domain.report.periods import Grain, RangeError, day_bounds, default_grain, local_day, zone
from pos_app.storage.unit_of_work import UnitOfWork

SETTING_PREFIX = "setting:"
# A member the chain enrolled before this register knew them: a participant on every day it has.
_KNOWN_BEFORE = datetime(1970, 1, 1, tzinfo=UTC)


def register_report(uow: UnitOfWork, first: date, last: date, *, now: datetime,
                    grain: Grain | None = None) -> LoyaltyReport:
    """The report of this register for `first`..`last` (local days); raises `RangeError` for a bad range."""
    grain = grain or default_grain(first, last)
    bounds = report_periods(first, last, grain)
    with uow:
        pulled = uow.sync_state.with_prefix(SETTING_PREFIX)
        program = uow.settings.get()
        tz = zone(str(pulled.get("report.timezone") or "UTC"))
        rules = ParticipantRules.from_settings(pulled.get("report.participants"), pulled.get("report.brands"))
        start, end = day_bounds(first, last, tz)
        orders = uow.report.orders_between(start, end)
        entries = uow.report.entries_between(start, end)
        members = uow.report.members()
        today = local_day(now, tz)
        window = today - timedelta(days=max(program.return_window_days - 1, 0))
        recent = uow.report.entries_between(day_bounds(window, today, tz)[0], now + timedelta(seconds=1))
        home = [m for m in members if m.enrolled_here]
        lots = {m.id: uow.ledger.open_lots(m.id, today) for m in home}
        names = uow.report.reward_names()
        applied_ids = sorted({pid for o in orders for line in o.lines for pid in line.allocations})
        promotion_names = uow.report.promotion_names(applied_ids)
        store = uow.store_id
        register = f"{uow.store_id}.{uow.register_name}"
    spans = {}
    for m in members:
        span = participation(Membership(m.id, m.enrolled_at or _KNOWN_BEFORE, None, frozenset(m.segments),
                                        m.merged_into), rules, tz)
        spans[m.id] = span
    index = {day: i for i, p in enumerate(bounds) for day in _days(p.first, p.last)}
    by_day: dict[tuple[date, Audience], OrderFigures] = defaultdict(OrderFigures)
    buyers: list[set[str]] = [set() for _ in bounds]
    promotions: dict[str, PromotionFigures] = defaultdict(PromotionFigures)
    home_ids = {m.id for m in home}
    for order in orders:
        day = local_day(order.created_at, tz)
        returned = any(line.qty_returned not in ("0", "") for line in order.lines) or order.refunded_minor > 0
        lines = [ReturnedLine(line.qty, line.qty_returned, line.discount_minor, line.points_value_minor,
                              line.allocations) for line in order.lines]
        figures = order_figures(order.status, order.total_minor, order.refunded_minor, order.discount_minor,
                                order.points_value_minor, returned_lines=lines if returned else None)
        who = audience(order.customer_id, spans.get(order.customer_id or ""), day, rules.store_bit(order.store_id))
        by_day[(day, who)] += figures
        if figures.orders and who is Audience.PARTICIPANT and order.customer_id in home_ids:
            buyers[index[day]].add(order.customer_id)
        applied: dict[str, int] = defaultdict(int)
        for line in order.lines:
            for pid, amount in line.allocations.items():
                applied[pid] += amount
        for pid, cost in promotion_costs(order.status, applied.items(), lines if returned else None).items():
            promotions[pid] += PromotionFigures(figures.orders, cost, figures.revenue_minor)
    points: dict[date, PointsFigures] = defaultdict(PointsFigures)
    rewards: dict[str, RewardFigures] = defaultdict(RewardFigures)
    for entry in entries:
        if entry.customer_id is None:
            continue
        day = local_day(entry.created_at, tz)
        if audience(entry.customer_id, spans.get(entry.customer_id), day, rules.store_bit(store)) \
                is not Audience.PARTICIPANT:
            continue
        points[day] += points_figures(entry.kind, entry.points, entry.reason)
        reward = reward_of(entry.kind, entry.reason)
        if reward is not None:
            rewards[reward] += RewardFigures(1, -entry.points)
    for reward_id in names:
        rewards.setdefault(reward_id, RewardFigures())
    enrolled: dict[date, int] = defaultdict(int)
    before = 0
    tiers: dict[str, int] = defaultdict(int)
    accrued_recently: dict[str, int] = defaultdict(int)
    for entry in recent:
        if entry.kind == "accrual" and entry.customer_id in home_ids:
            accrued_recently[entry.customer_id] += entry.points
    liability = MemberPoints()
    horizon_30, horizon_90 = today + timedelta(days=30), today + timedelta(days=90)
    for m in home:
        span = spans.get(m.id)
        if span is None or m.merged_into is not None:
            continue
        if span.since < first:
            before += 1
        elif span.since <= last:
            enrolled[span.since] += 1
        tiers[m.tier or ""] += 1
        balance = max(m.points, 0)
        liability += MemberPoints(
            balance, min(max(accrued_recently[m.id], 0), balance),
            min(sum(lot.remaining for lot in lots[m.id] if lot.expires_on <= horizon_30), balance),
            min(sum(lot.remaining for lot in lots[m.id] if lot.expires_on <= horizon_90), balance))
    rule = f"members of segment {rules.segment!r}" if rules.segment else "every enrolled member"
    return build_report(ReportInputs(
        first=first, last=last, grain=grain, buyers=[len(b) for b in buyers], buyers_total=len(set().union(*buyers)),
        orders=dict(by_day), points=dict(points), participants_before=before, enrolled=dict(enrolled),
        enrollments_by_store={register: sum(enrolled.values())}, liability=liability, tiers=dict(tiers),
        tier_order=tuple(t.name for t in sorted(program.tiers, key=lambda t: t.threshold_minor)),
        rewards=dict(rewards), reward_names=names, promotions=dict(promotions), promotion_names=promotion_names,
        currency=program.currency, redeem_value=program.redeem_value, store=register, source="register",
        as_of=now, participants_rule=rule))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


__all__ = ["RangeError", "register_report"]
