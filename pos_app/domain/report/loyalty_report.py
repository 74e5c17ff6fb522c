"""The Loyalty Program report: every metric, computed once from daily sums both ends provide.

The central service (over its aggregates, all stores) and the register (over
its own orders) each gather a `ReportInputs` - daily order and points sums by
audience, distinct participant buyers per period, participants carried into
the range, enrollments and leavers per day, and the position figures (points
liability, tiers, rewards, leakage, promotions, control groups) - and
`build_report` turns it into a `LoyaltyReport`. The metrics, per period and
for the whole range:

- coverage: participants' share of the orders and of the revenue;
- average discount: money discounts, points value, and both, over the
  participants' revenue;
- share of points spent: points redeemed / points accrued;
- average order value of participants, non-participants and all customers;
  the headline is the participant vs non-participant gap;
- participants active at the end of each period, new enrollments, leavers;
- purchase rate: participants who placed an order in the period / everyone
  who was a participant at some time in it.

Ratios are `Decimal` shares (0.4213 is 42.13%), None where the denominator is
zero; money is integer minor units, averages rounded by `money.round_ratio`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any, get_args, get_origin, get_type_hints

from pos_app.domain.money import Currency, Rounding, round_ratio
from pos_app.domain.report.control import ControlComparison, GroupStats, Lift, compare_groups
from pos_app.domain.report.facts import Audience, MemberPoints, OrderFigures, PointsFigures, Sums
from pos_app.domain.report.periods import Grain, Period, check_range, period_index, periods

_SHARE = Decimal("0.0001")


def share(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a share with four decimals, or None when there is nothing to divide by."""
    if not denominator:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(numerator) / Decimal(denominator)).quantize(_SHARE)


def average_minor(total_minor: int, count: int) -> int | None:
    return round_ratio(total_minor, count, Rounding.HALF_UP) if count else None


# -- what both ends gather --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RewardFigures(Sums):
    claims: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class ConflictFigures(Sums):
    conflicts: int = 0
    leakage_minor: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class PromotionFigures(Sums):
    orders: int = 0
    cost_minor: int = 0
    revenue_minor: int = 0


@dataclass(frozen=True)
class ReportInputs:
    """The sums a report is built from; every day is a local day of the range."""

    first: date
    last: date
    grain: Grain
    buyers: Sequence[int]  # distinct participants who bought, per period of (first, last, grain)
    buyers_total: int  # ... over the whole range
    orders: Mapping[tuple[date, Audience], OrderFigures] = field(default_factory=dict)
    points: Mapping[date, PointsFigures] = field(default_factory=dict)  # participants' ledger entries
    participants_before: int = 0  # participants on the day before `first`
    enrolled: Mapping[date, int] = field(default_factory=dict)
    left: Mapping[date, int] = field(default_factory=dict)
    enrollments_by_store: Mapping[str, int] = field(default_factory=dict)
    liability: MemberPoints | None = None  # None: not known here (the central service has it)
    tiers: Mapping[str, int] = field(default_factory=dict)  # participants by tier now ("" no tier)
    tier_moves: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (from, to) in the range
    tier_order: Sequence[str] = ()  # lowest first
    rewards: Mapping[str, RewardFigures] = field(default_factory=dict)
    reward_names: Mapping[str, str] = field(default_factory=dict)
    leakage: Mapping[str, ConflictFigures] = field(default_factory=dict)
    promotions: Mapping[str, PromotionFigures] = field(default_factory=dict)
    promotion_names: Mapping[str, str] = field(default_factory=dict)
    control_groups: Sequence[tuple[str, str, GroupStats, GroupStats]] = ()
    currency: str = "USD"
    redeem_value: str = "0.01"  # money value of one point, in major units
    store: str | None = None
    brand: str | None = None
    source: str = "central"  # or "register"
    as_of: datetime | None = None
    participants_rule: str = "every enrolled member"


# -- what the report shows --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodMetrics:
    label: str
    first: date
    last: date
    orders_participants: int
    orders_non_participants: int
    orders_all: int
    revenue_participants_minor: int
    revenue_non_participants_minor: int
    revenue_all_minor: int
    coverage_orders: Decimal | None
    coverage_revenue: Decimal | None
    discount_money_minor: int
    discount_points_minor: int
    average_discount_money: Decimal | None
    average_discount_points: Decimal | None
    average_discount_total: Decimal | None
    points_accrued: int
    points_redeemed: int
    points_spent_share: Decimal | None
    aov_participants_minor: int | None
    aov_non_participants_minor: int | None
    aov_all_minor: int | None
    aov_gap_minor: int | None
    participants_end: int
    enrollments: int
    leavers: int
    participants_in_period: int
    buyers: int
    purchase_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Liability:
    outstanding_points: int
    outstanding_minor: int
    pending_points: int
    expired_points: int  # in the range
    expired_minor: int
    expiring_30_points: int
    expiring_30_minor: int
    expiring_90_points: int
    expiring_90_minor: int


@dataclass(frozen=True, slots=True)
class TierShare:
    tier: str
    members: int
    share: Decimal | None


@dataclass(frozen=True, slots=True)
class TierMove:
    from_tier: str
    to_tier: str
    members: int
    direction: str  # up | down | in | out | across


@dataclass(frozen=True, slots=True)
class RewardRow:
    reward_id: str
    name: str
    claims: int
    points: int
    share_of_redeemed: Decimal | None
    claims_per_1000: Decimal | None


@dataclass(frozen=True, slots=True)
class StoreEnrollments:
    store: str
    enrollments: int


@dataclass(frozen=True, slots=True)
class LeakageRow:
    kind: str
    conflicts: int
    leakage_minor: int
    points: int


@dataclass(frozen=True, slots=True)
class PromotionRow:
    promotion_id: str
    name: str
    orders: int
    cost_minor: int
    revenue_minor: int
    cost_share: Decimal | None  # cost / (revenue + cost): the share of the list price given away


@dataclass(frozen=True)
class LoyaltyReport:
    first: date
    last: date
    grain: Grain
    currency: str
    store: str | None
    brand: str | None
    source: str
    as_of: datetime | None
    participants_rule: str
    periods: tuple[PeriodMetrics, ...]
    total: PeriodMetrics
    liability: Liability | None
    tiers: tuple[TierShare, ...]
    tier_moves: tuple[TierMove, ...]
    rewards: tuple[RewardRow, ...]
    enrollments_by_store: tuple[StoreEnrollments, ...]
    leakage: tuple[LeakageRow, ...]
    leakage_minor: int
    overdraft_points: int
    promotions: tuple[PromotionRow, ...]
    control_groups: tuple[ControlComparison, ...]

    @property
    def headline_gap_minor(self) -> int | None:
        """The headline: participants' average order value less non-participants'."""
        return self.total.aov_gap_minor

    @property
    def is_empty(self) -> bool:
        return self.total.orders_all == 0 and self.total.participants_end == 0

    def money(self, minor: int | None) -> str:
        return "—" if minor is None else Currency.of(self.currency).format_minor(minor)

    def to_json(self) -> dict[str, Any]:
        return _encode(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LoyaltyReport:
        return _decode(cls, data)


# -- building it -----------------------------------------------------------------------------------


def report_periods(first: date, last: date, grain: Grain) -> tuple[Period, ...]:
    check_range(first, last)
    return periods(first, last, grain)


def build_report(inputs: ReportInputs) -> LoyaltyReport:
    bounds = report_periods(inputs.first, inputs.last, inputs.grain)
    if len(inputs.buyers) != len(bounds):
        raise ValueError(f"{len(inputs.buyers)} buyer counts for {len(bounds)} periods")
    where = period_index(bounds)
    orders: list[dict[Audience, OrderFigures]] = [{} for _ in bounds]
    for (day, who), figures in inputs.orders.items():
        if day in where:
            bucket = orders[where[day]]
            bucket[who] = bucket.get(who, OrderFigures()) + figures
    points = [PointsFigures() for _ in bounds]
    for day, figures in inputs.points.items():
        if day in where:
            points[where[day]] += figures
    enrolled, left = [0] * len(bounds), [0] * len(bounds)
    for day, n in inputs.enrolled.items():
        if day in where:
            enrolled[where[day]] += n
    for day, n in inputs.left.items():
        if day in where:
            left[where[day]] += n
    rows: list[PeriodMetrics] = []
    carried = inputs.participants_before
    for i, period in enumerate(bounds):
        end = carried + enrolled[i] - left[i]
        rows.append(_metrics(period.label, period.first, period.last, orders[i], points[i], end, enrolled[i],
                             left[i], carried + enrolled[i], inputs.buyers[i]))
        carried = end
    everything: dict[Audience, OrderFigures] = {}
    for bucket in orders:
        for who, figures in bucket.items():
            everything[who] = everything.get(who, OrderFigures()) + figures
    all_points = sum(points, PointsFigures())
    total = _metrics("total", inputs.first, inputs.last, everything, all_points, carried, sum(enrolled), sum(left),
                     inputs.participants_before + sum(enrolled), inputs.buyers_total)
    value = _point_value(inputs.currency, inputs.redeem_value)
    liability = None
    if inputs.liability is not None:
        held = inputs.liability
        liability = Liability(held.balance, value(held.balance), held.pending, all_points.expired,
                              value(all_points.expired), held.expiring_30, value(held.expiring_30),
                              held.expiring_90, value(held.expiring_90))
    leakage = tuple(LeakageRow(kind, f.conflicts, f.leakage_minor, f.points)
                    for kind, f in sorted(inputs.leakage.items()))
    overdraft = sum(f.points for f in inputs.leakage.values())
    return LoyaltyReport(
        first=inputs.first, last=inputs.last, grain=inputs.grain, currency=inputs.currency, store=inputs.store,
        brand=inputs.brand, source=inputs.source, as_of=inputs.as_of, participants_rule=inputs.participants_rule,
        periods=tuple(rows), total=total, liability=liability,
        tiers=_tiers(inputs.tiers, inputs.tier_order), tier_moves=_moves(inputs.tier_moves, inputs.tier_order),
        rewards=_rewards(inputs, all_points.redeemed, total.participants_in_period),
        enrollments_by_store=tuple(StoreEnrollments(s, n) for s, n in sorted(
            inputs.enrollments_by_store.items(), key=lambda item: (-item[1], item[0])) if n),
        leakage=leakage, leakage_minor=sum(row.leakage_minor for row in leakage) + value(overdraft),
        overdraft_points=overdraft,
        promotions=tuple(sorted((PromotionRow(pid, inputs.promotion_names.get(pid, pid), f.orders, f.cost_minor,
                                              f.revenue_minor, share(f.cost_minor, f.revenue_minor + f.cost_minor))
                                 for pid, f in inputs.promotions.items() if f.orders or f.cost_minor),
                                key=lambda row: (-row.cost_minor, row.promotion_id))),
        control_groups=tuple(compare_groups(pid, name, target, control)
                             for pid, name, target, control in inputs.control_groups),
    )


def _metrics(label: str, first: date, last: date, orders: Mapping[Audience, OrderFigures], points: PointsFigures,
             participants_end: int, enrollments: int, leavers: int, participants_in_period: int,
             buyers: int) -> PeriodMetrics:
    mine = orders.get(Audience.PARTICIPANT, OrderFigures())
    others = orders.get(Audience.MEMBER, OrderFigures()) + orders.get(Audience.ANONYMOUS, OrderFigures())
    everyone = mine + others
    aov_mine = average_minor(mine.revenue_minor, mine.orders)
    aov_others = average_minor(others.revenue_minor, others.orders)
    return PeriodMetrics(
        label=label, first=first, last=last,
        orders_participants=mine.orders, orders_non_participants=others.orders, orders_all=everyone.orders,
        revenue_participants_minor=mine.revenue_minor, revenue_non_participants_minor=others.revenue_minor,
        revenue_all_minor=everyone.revenue_minor,
        coverage_orders=share(mine.orders, everyone.orders),
        coverage_revenue=share(mine.revenue_minor, everyone.revenue_minor),
        discount_money_minor=mine.discount_minor, discount_points_minor=mine.points_value_minor,
        average_discount_money=share(mine.discount_minor, mine.revenue_minor),
        average_discount_points=share(mine.points_value_minor, mine.revenue_minor),
        average_discount_total=share(mine.discount_minor + mine.points_value_minor, mine.revenue_minor),
        points_accrued=points.accrued, points_redeemed=points.redeemed,
        points_spent_share=share(points.redeemed, points.accrued),
        aov_participants_minor=aov_mine, aov_non_participants_minor=aov_others,
        aov_all_minor=average_minor(everyone.revenue_minor, everyone.orders),
        aov_gap_minor=None if aov_mine is None or aov_others is None else aov_mine - aov_others,
        participants_end=participants_end, enrollments=enrollments, leavers=leavers,
        participants_in_period=participants_in_period, buyers=buyers,
        purchase_rate=share(buyers, participants_in_period),
    )


def _point_value(currency: str, redeem_value: str):  # type: ignore[no-untyped-def]
    money = Currency.of(currency)
    each = Decimal(redeem_value)

    def value(points: int) -> int:
        return money.from_decimal(Decimal(points) * each)

    return value


def _tiers(tiers: Mapping[str, int], order: Sequence[str]) -> tuple[TierShare, ...]:
    total = sum(tiers.values())
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(tiers, key=lambda t: (rank.get(t, -1 if not t else len(rank)), t))
    return tuple(TierShare(name, tiers[name], share(tiers[name], total)) for name in names if tiers[name])


def _moves(moves: Mapping[tuple[str, str], int], order: Sequence[str]) -> tuple[TierMove, ...]:
    rank = {name: i for i, name in enumerate(order)}

    def direction(before: str, after: str) -> str:
        if not before:
            return "in"
        if not after:
            return "out"
        if before in rank and after in rank and rank[before] != rank[after]:
            return "up" if rank[after] > rank[before] else "down"
        return "across"

    return tuple(TierMove(a, b, n, direction(a, b))
                 for (a, b), n in sorted(moves.items(), key=lambda item: (-item[1], item[0])) if n)


def _rewards(inputs: ReportInputs, redeemed: int, participants: int) -> tuple[RewardRow, ...]:
    rows = []
    for reward_id, figures in inputs.rewards.items():
        per_1000 = None
        if participants:
            with localcontext() as ctx:
                ctx.prec = 40
                per_1000 = (Decimal(figures.claims) * 1000 / participants).quantize(Decimal("0.01"))
        rows.append(RewardRow(reward_id, inputs.reward_names.get(reward_id, reward_id), figures.claims,
                              figures.points, share(figures.points, redeemed), per_1000))
    return tuple(sorted(rows, key=lambda row: (-row.claims, row.reward_id)))


# -- JSON (the central service's answer, read back by the register) --------------------------------


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, ControlComparison):
            out["incremental_revenue_minor"] = _encode(value.incremental_revenue_minor)
        return out
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _decode(kind: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = get_origin(kind)
    if origin is tuple:
        item = get_args(kind)[0]
        return tuple(_decode(item, v) for v in data)
    if origin is not None:  # X | None
        options = [a for a in get_args(kind) if a is not type(None)]
        return _decode(options[0], data)
    if is_dataclass(kind):
        hints = get_type_hints(kind)
        return kind(**{f.name: _decode(hints[f.name], data[f.name]) for f in fields(kind) if f.name in data})
    if kind is Decimal:
        return Decimal(str(data))
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    if kind is Grain:
        return Grain(data)
    return data


# -- CSV and text --------------------------------------------------------------------------------


_PERIOD_COLUMNS = [f.name for f in fields(PeriodMetrics)]


def report_csv(report: LoyaltyReport) -> str:
    """The report as CSV: the periods (and the total) first, then each section after a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_PERIOD_COLUMNS)
    for row in (*report.periods, report.total):
        writer.writerow([_cell(getattr(row, name)) for name in _PERIOD_COLUMNS])
    sections: list[tuple[str, Sequence[Any]]] = [
        ("liability", (report.liability,) if report.liability else ()),
        ("tiers", report.tiers), ("tier_moves", report.tier_moves), ("rewards", report.rewards),
        ("enrollments_by_store", report.enrollments_by_store), ("leakage", report.leakage),
        ("promotions", report.promotions),
    ]
    for name, rows in sections:
        if not rows:
            continue
        writer.writerow([])
        columns = [f.name for f in fields(rows[0])]
        writer.writerow([f"[{name}]", *columns])
        for row in rows:
            writer.writerow(["", *(_cell(getattr(row, c)) for c in columns)])
    if report.control_groups:
        writer.writerow([])
        writer.writerow(["[control_groups]", "promotion_id", "name", "metric", "target", "control", "difference",
                         "relative", "low_95", "high_95", "target_members", "control_members"])
        for c in report.control_groups:
            for metric, lift in (("purchase_rate", c.purchase_rate), ("revenue_per_member_minor", c.revenue_per_member),
                                 ("average_order_minor", c.average_order)):
                writer.writerow(["", c.promotion_id, c.name, metric, *(_cell(v) for v in (
                    lift.target, lift.control, lift.difference, lift.relative, lift.low, lift.high)),
                    c.target.members, c.control.members])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def percent(value: Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal(1).scaleb(-digits))}%"


def report_text(report: LoyaltyReport) -> str:
    """The report as a terminal table (what `pos-central report --format table` prints)."""
    t = report.total
    m = report.money
    scope = f"store {report.store}" if report.store else (f"brand {report.brand}" if report.brand else "the chain")
    lines = [
        f"Loyalty Program report — {scope}, {report.first} to {report.last} (by {report.grain.value}; "
        f"participants: {report.participants_rule})",
        "",
        f"Headline: participants' average order {m(t.aov_participants_minor)} vs non-participants' "
        f"{m(t.aov_non_participants_minor)}: gap {m(t.aov_gap_minor)} (all customers {m(t.aov_all_minor)})",
        f"Coverage: {percent(t.coverage_orders)} of orders, {percent(t.coverage_revenue)} of revenue "
        f"({t.orders_participants:,} of {t.orders_all:,} orders; {m(t.revenue_participants_minor)} of "
        f"{m(t.revenue_all_minor)})",
        f"Average discount: {percent(t.average_discount_total)} of participants' revenue "
        f"(money {percent(t.average_discount_money)}, points {percent(t.average_discount_points)})",
        f"Share of points spent: {percent(t.points_spent_share)} ({t.points_redeemed:,} redeemed of "
        f"{t.points_accrued:,} accrued)",
        f"Participants: {t.participants_end:,} at the end (+{t.enrollments:,} enrolled, -{t.leavers:,} left); "
        f"purchase rate {percent(t.purchase_rate)} ({t.buyers:,} of {t.participants_in_period:,} bought)",
    ]
    if report.liability is not None:
        li = report.liability
        lines.append(f"Points liability: {li.outstanding_points:,} points = {m(li.outstanding_minor)}; pending "
                     f"{li.pending_points:,}; expired in the range {li.expired_points:,}; expiring in 30 days "
                     f"{li.expiring_30_points:,} ({m(li.expiring_30_minor)}), in 90 days {li.expiring_90_points:,}")
    lines += ["", _table(["period", "orders", "partic.", "coverage o/r", "AOV partic.", "AOV non", "AOV all",
                          "avg disc.", "pts spent", "participants", "+enr", "-left", "purch. rate"],
                         [[p.label, f"{p.orders_all:,}", f"{p.orders_participants:,}",
                           f"{percent(p.coverage_orders)}/{percent(p.coverage_revenue)}",
                           m(p.aov_participants_minor), m(p.aov_non_participants_minor), m(p.aov_all_minor),
                           percent(p.average_discount_total), percent(p.points_spent_share),
                           f"{p.participants_end:,}", f"{p.enrollments:,}", f"{p.leavers:,}",
                           percent(p.purchase_rate)] for p in (*report.periods, t)])]
    if report.tiers:
        lines += ["", "Tiers: " + ", ".join(f"{s.tier or 'no tier'} {s.members:,} ({percent(s.share)})"
                                            for s in report.tiers)]
    if report.tier_moves:
        lines.append("Tier movements: " + ", ".join(f"{mv.from_tier or '—'}→{mv.to_tier or '—'} {mv.members:,}"
                                                    for mv in report.tier_moves))
    if report.rewards:
        lines += ["", _table(["reward", "claims", "points", "of redeemed", "per 1,000"],
                             [[r.name, f"{r.claims:,}", f"{r.points:,}", percent(r.share_of_redeemed),
                               str(r.claims_per_1000 or "—")] for r in report.rewards])]
    if report.enrollments_by_store:
        lines += ["", "Enrollments by store: " + ", ".join(f"{s.store} {s.enrollments:,}"
                                                          for s in report.enrollments_by_store)]
    if report.promotions:
        lines += ["", _table(["promotion", "orders", "cost", "revenue", "cost share"],
                             [[f"{p.promotion_id} {p.name}"[:48], f"{p.orders:,}", m(p.cost_minor),
                               m(p.revenue_minor), percent(p.cost_share)] for p in report.promotions[:20]])]
    lines += ["", f"Leakage from offline conflicts: {m(report.leakage_minor)} "
                  f"({report.overdraft_points:,} points overdrawn offline; "
                  + (", ".join(f"{row.kind} {row.conflicts}" for row in report.leakage) or "no conflicts") + ")"]
    for c in report.control_groups:
        lines += ["", f"Control group — {c.promotion_id} {c.name}: target {c.target.members:,}, "
                      f"control {c.control.members:,}",
                  _lift_line("purchase rate", c.purchase_rate, percent),
                  _lift_line("revenue per member", c.revenue_per_member, lambda v: _money_decimal(report, v)),
                  _lift_line("average order", c.average_order, lambda v: _money_decimal(report, v))]
    return "\n".join(lines)


def _money_decimal(report: LoyaltyReport, value: Decimal | None) -> str:
    return "—" if value is None else report.money(int(value.to_integral_value()))


def _lift_line(name: str, lift: Lift, show: Any) -> str:
    interval = "" if lift.low is None else f", 95% CI {show(lift.low)} to {show(lift.high)}"
    return (f"  {name}: target {show(lift.target)} vs control {show(lift.control)}: lift {show(lift.difference)}"
            f" ({percent(lift.relative)}{interval})")


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
            for r in rows]
    return "\n".join(out)


__all__ = [
    "ConflictFigures",
    "Liability",
    "LoyaltyReport",
    "PeriodMetrics",
    "PromotionFigures",
    "ReportInputs",
    "RewardFigures",
    "average_minor",
    "build_report",
    "percent",
    "report_csv",
    "report_periods",
    "report_text",
    "share",
]
