"""What the report view draws, as plain values: headline cards, chart series with their hover texts, tables.

A pure-Python adapter over `LoyaltyReport` (no Qt here), so it is tested
without widgets; `report_view` only turns these values into QtCharts series
and labels. Chart values are floats because a chart axis is; every text a
person reads (cards, hover texts, tables) is formatted from the report's
exact values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos_app.domain.report.loyalty_report import LoyaltyReport, percent

REVENUE, ORDERS = "revenue", "orders"


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    value: str
    detail: str


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]
    hover: tuple[str, ...]  # per period: "2026-03: 42.1% of revenue"


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    labels: tuple[str, ...]  # on the axis
    bars: tuple[Series, ...]
    stacked: bool = False
    percent_axis: bool = False
    line: Series | None = None  # drawn over the bars on a second axis


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _pct(value: Decimal | None) -> float:
    return float(value * 100) if value is not None else 0.0


def _money(report: LoyaltyReport, minor: int | None) -> float:
    return minor / 10 ** _digits(report) if minor is not None else 0.0


def _digits(report: LoyaltyReport) -> int:
    from pos_app.domain.money import Currency

    return Currency.of(report.currency).digits


def scope_title(report: LoyaltyReport) -> str:
    where = {"register": f"Register {report.store}"}.get(report.source) or (
        f"Store {report.store}" if report.store else (f"Brand {report.brand}" if report.brand else "The chain"))
    return f"{where} · {report.first:%d %b %Y} – {report.last:%d %b %Y} · by {report.grain.value}"


def cards(report: LoyaltyReport) -> tuple[Card, ...]:
    t, m = report.total, report.money
    gap = "—" if t.aov_gap_minor is None else (("+" if t.aov_gap_minor >= 0 else "−") + m(abs(t.aov_gap_minor)))
    return (
        Card("Member AOV gap", gap, f"members {m(t.aov_participants_minor)} · others "
                                    f"{m(t.aov_non_participants_minor)} · all {m(t.aov_all_minor)}"),
        Card("Coverage", percent(t.coverage_revenue), f"of revenue · {percent(t.coverage_orders)} of orders"),
        Card("Average discount", percent(t.average_discount_total),
             f"money {percent(t.average_discount_money)} · points {percent(t.average_discount_points)}"),
        Card("Points spent", percent(t.points_spent_share),
             f"{t.points_redeemed:,} of {t.points_accrued:,} accrued"),
        Card("Purchase rate", percent(t.purchase_rate), f"{t.buyers:,} of {t.participants_in_period:,} members"),
        Card("Participants", f"{t.participants_end:,}", f"+{t.enrollments:,} joined · −{t.leavers:,} left"),
    )


def axis_label(report: LoyaltyReport, index: int) -> str:
    """A period's short name on a chart's axis: `Mar`, `W09`, `03-05` (the range is in the title)."""
    period = report.periods[index]
    if report.grain.value == "month":
        return period.first.strftime("%b")
    if report.grain.value == "week":
        return period.label[-3:]
    return period.first.strftime("%m-%d")


def charts(report: LoyaltyReport, coverage_by: str = REVENUE) -> tuple[Chart, ...]:
    rows = report.periods
    labels = tuple(p.label for p in rows)
    m = report.money

    def series(name: str, values: list[float], hover: list[str]) -> Series:
        return Series(name, tuple(values), tuple(f"{label}: {text}" for label, text in zip(labels, hover, strict=True)))

    by_revenue = coverage_by == REVENUE
    coverage = series(
        "Members' share", [_pct(p.coverage_revenue if by_revenue else p.coverage_orders) for p in rows],
        [f"{percent(p.coverage_revenue)} of revenue ({m(p.revenue_participants_minor)} of {m(p.revenue_all_minor)})"
         if by_revenue else f"{percent(p.coverage_orders)} of orders ({p.orders_participants:,} of {p.orders_all:,})"
         for p in rows])
    aov = tuple(series(name, [_money(report, getattr(p, field)) for p in rows],
                       [f"{name} {m(getattr(p, field))}" for p in rows])
                for name, field in (("Members", "aov_participants_minor"),
                                    ("Non-members", "aov_non_participants_minor"),
                                    ("All customers", "aov_all_minor")))
    joined = series("Joined", [float(p.enrollments) for p in rows], [f"{p.enrollments:,} joined" for p in rows])
    gone = series("Left", [float(p.leavers) for p in rows], [f"{p.leavers:,} left" for p in rows])
    active = series("Active members", [float(p.participants_end) for p in rows],
                    [f"{p.participants_end:,} members at the end" for p in rows])
    money = series("Money discounts", [_pct(p.average_discount_money) for p in rows],
                   [f"money {percent(p.average_discount_money)} ({m(p.discount_money_minor)})" for p in rows])
    points = series("Points", [_pct(p.average_discount_points) for p in rows],
                    [f"points {percent(p.average_discount_points)} ({m(p.discount_points_minor)})" for p in rows])
    accrued = series("Accrued", [float(p.points_accrued) for p in rows], [f"{p.points_accrued:,} accrued" for p in rows])
    redeemed = series("Redeemed", [float(p.points_redeemed) for p in rows],
                      [f"{p.points_redeemed:,} redeemed ({percent(p.points_spent_share)} of accrued)" for p in rows])
    rate = series("Purchase rate", [_pct(p.purchase_rate) for p in rows],
                  [f"{percent(p.purchase_rate)} bought ({p.buyers:,} of {p.participants_in_period:,})" for p in rows])
    labels = tuple(axis_label(report, i) for i in range(len(rows)))
    return (
        Chart("coverage", "Coverage: members' share of " + ("revenue" if by_revenue else "orders"), labels,
              (coverage,), percent_axis=True),
        Chart("aov", "Average order value", labels, aov),
        Chart("participants", "Members: joined, left, active", labels, (joined, gone), line=active),
        Chart("discount", "Average discount (share of members' revenue)", labels, (money, points), stacked=True,
              percent_axis=True),
        Chart("points", "Points accrued and redeemed", labels, (accrued, redeemed)),
        Chart("purchase", "Purchase rate", labels, (rate,), percent_axis=True),
    )


def tables(report: LoyaltyReport) -> tuple[Table, ...]:
    m = report.money
    out: list[Table] = []
    if report.liability is not None:
        li = report.liability
        out.append(Table("liability", "Points liability", ("", "points", "value"), (
            ("Outstanding", f"{li.outstanding_points:,}", m(li.outstanding_minor)),
            ("Pending (return window)", f"{li.pending_points:,}", ""),
            ("Expiring within 30 days", f"{li.expiring_30_points:,}", m(li.expiring_30_minor)),
            ("Expiring within 90 days", f"{li.expiring_90_points:,}", m(li.expiring_90_minor)),
            ("Expired in the period", f"{li.expired_points:,}", m(li.expired_minor)))))
    if report.tiers or report.tier_moves:
        rows = [(s.tier.title() or "No tier", f"{s.members:,}", percent(s.share)) for s in report.tiers]
        rows += [(f"{mv.from_tier or '—'} → {mv.to_tier or '—'}", f"{mv.members:,}", mv.direction)
                 for mv in report.tier_moves]
        out.append(Table("tiers", "Tiers and movements", ("tier", "members", "share"), tuple(rows)))
    if report.rewards:
        out.append(Table("rewards", "Redemptions by reward", ("reward", "claims", "points", "per 1,000"), tuple(
            (r.name, f"{r.claims:,}", f"{r.points:,}", str(r.claims_per_1000 or "—")) for r in report.rewards)))
    if report.promotions:
        out.append(Table("promotions", "Promotions: cost and orders", ("promotion", "orders", "cost", "cost share"),
                         tuple((p.name, f"{p.orders:,}", m(p.cost_minor), percent(p.cost_share))
                               for p in report.promotions[:12])))
    if report.enrollments_by_store:
        out.append(Table("enrollments", "Enrollments by store", ("store", "enrollments"), tuple(
            (s.store, f"{s.enrollments:,}") for s in report.enrollments_by_store[:12])))
    leak = [(row.kind.replace("_", " "), f"{row.conflicts:,}", m(row.leakage_minor), f"{row.points:,}")
            for row in report.leakage]
    out.append(Table("leakage", f"Leakage from offline conflicts: {m(report.leakage_minor)}",
                     ("conflict", "count", "money", "points"), tuple(leak) or (("none", "0", m(0), "0"),)))
    for c in report.control_groups:
        def lift(value: Decimal | None, low: Decimal | None, high: Decimal | None, as_money: bool) -> str:
            show = (lambda v: report.money(int(v))) if as_money else percent
            text = "—" if value is None else show(value)
            return text if low is None else f"{text} (95% CI {show(low)} to {show(high)})"
        out.append(Table(f"control-{c.promotion_id}", f"Control group — {c.name}",
                         ("", "target", "control", "lift"), (
            ("Members", f"{c.target.members:,}", f"{c.control.members:,}", ""),
            ("Purchase rate", percent(c.purchase_rate.target), percent(c.purchase_rate.control),
             lift(c.purchase_rate.difference, c.purchase_rate.low, c.purchase_rate.high, False)),
            ("Revenue per member", _dec_money(report, c.revenue_per_member.target),
             _dec_money(report, c.revenue_per_member.control),
             lift(c.revenue_per_member.difference, c.revenue_per_member.low, c.revenue_per_member.high, True)),
            ("Average order", _dec_money(report, c.average_order.target), _dec_money(report, c.average_order.control),
             lift(c.average_order.difference, None, None, True)),
            ("Revenue it drove", "", "", report.money(int(c.incremental_revenue_minor or 0))))))
    return tuple(out)


def _dec_money(report: LoyaltyReport, value: Decimal | None) -> str:
    return "—" if value is None else report.money(int(value.to_integral_value()))


__all__ = ["ORDERS", "REVENUE", "Card", "Chart", "Series", "Table", "axis_label", "cards", "charts", "scope_title",
           "tables"]
