"""What the report view draws, as plain values: headline cards, chart series with their hover texts, tables.

A plain adapter over `LoyaltyReport` (no widgets here: only Qt's
translations), so it is tested without widgets; `report_view` only turns these values into QtCharts series
and labels. Chart values are floats because a chart axis is; every text a
person reads (cards, hover texts, tables) is formatted from the report's
exact values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QT_TR_NOOP

from pos_app.domain.report.loyalty_report import LoyaltyReport
from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.list_models import tier_words

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


def _m(report: LoyaltyReport):
    """The report's money as figures in the register's locale, the currency named once ("—" for none)."""
    return lambda minor: "—" if minor is None else formats.money_figure(int(minor), report.currency)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else formats.percent(value)


def _n(value: int) -> str:
    return formats.number(value)


GRAIN_WORDS = {"day": QT_TR_NOOP("by day"), "week": QT_TR_NOOP("by week"), "month": QT_TR_NOOP("by month")}
DIRECTION_WORDS = {"up": QT_TR_NOOP("up"), "down": QT_TR_NOOP("down"), "in": QT_TR_NOOP("in"),
                   "out": QT_TR_NOOP("out"), "across": QT_TR_NOOP("across")}


def participants_words(rule: str) -> str:
    """Who the report counts as a participant, as the report's source wrote it, in the register's language."""
    if rule == "every enrolled member":
        return tr("every enrolled member")
    prefix = "members of segment "
    if rule.startswith(prefix):
        return tr("members of segment %1").replace("%1", rule[len(prefix):])
    return rule


def scope_title(report: LoyaltyReport) -> str:
    if report.source == "register":
        where = tr("Register %1").replace("%1", str(report.store))
    elif report.store:
        where = tr("Store %1").replace("%1", str(report.store))
    elif report.brand:
        where = tr("Brand %1").replace("%1", str(report.brand))
    else:
        where = tr("The chain")
    grain = GRAIN_WORDS.get(report.grain.value)
    return (f"{where} · {formats.day(report.first)} – {formats.day(report.last)} · "
            f"{tr(grain) if grain else report.grain.value}")


def cards(report: LoyaltyReport) -> tuple[Card, ...]:
    t, m = report.total, _m(report)
    gap = "—" if t.aov_gap_minor is None else (("+" if t.aov_gap_minor >= 0 else "−") + m(abs(t.aov_gap_minor)))
    return (
        Card(tr("Member AOV gap"), gap, tr("members %1 · others %2 · all %3").replace(
            "%1", m(t.aov_participants_minor)).replace("%2", m(t.aov_non_participants_minor)).replace(
            "%3", m(t.aov_all_minor))),
        Card(tr("Coverage"), percent(t.coverage_revenue), tr("of revenue · %1 of orders").replace(
            "%1", percent(t.coverage_orders))),
        Card(tr("Average discount"), percent(t.average_discount_total),
             tr("money %1 · points %2").replace("%1", percent(t.average_discount_money)).replace(
                 "%2", percent(t.average_discount_points))),
        Card(tr("Points spent"), percent(t.points_spent_share),
             tr("%1 of %2 accrued").replace("%1", _n(t.points_redeemed)).replace("%2", _n(t.points_accrued))),
        Card(tr("Purchase rate"), percent(t.purchase_rate),
             tr("%1 of %2 members").replace("%1", _n(t.buyers)).replace("%2", _n(t.participants_in_period))),
        Card(tr("Participants"), _n(t.participants_end),
             tr("+%1 joined · −%2 left").replace("%1", _n(t.enrollments)).replace("%2", _n(t.leavers))),
    )


def axis_label(report: LoyaltyReport, index: int) -> str:
    """A period's short name on a chart's axis: `Mar`, `W09`, `03-05` (the range is in the title)."""
    period = report.periods[index]
    if report.grain.value == "month":
        return formats.month(period.first)
    if report.grain.value == "week":
        return period.label[-3:]
    return period.first.strftime("%m-%d")


def charts(report: LoyaltyReport, coverage_by: str = REVENUE) -> tuple[Chart, ...]:
    rows = report.periods
    labels = tuple(p.label for p in rows)
    m = _m(report)

    def series(name: str, values: list[float], hover: list[str]) -> Series:
        return Series(name, tuple(values), tuple(f"{label}: {text}" for label, text in zip(labels, hover, strict=True)))

    by_revenue = coverage_by == REVENUE
    coverage = series(
        tr("Members' share"), [_pct(p.coverage_revenue if by_revenue else p.coverage_orders) for p in rows],
        [tr("%1 of revenue (%2 of %3)").replace("%1", percent(p.coverage_revenue)).replace(
            "%2", m(p.revenue_participants_minor)).replace("%3", m(p.revenue_all_minor))
         if by_revenue else tr("%1 of orders (%2 of %3)").replace("%1", percent(p.coverage_orders)).replace(
            "%2", _n(p.orders_participants)).replace("%3", _n(p.orders_all))
         for p in rows])
    aov = tuple(series(name, [_money(report, getattr(p, field)) for p in rows],
                       [f"{name} {m(getattr(p, field))}" for p in rows])
                for name, field in ((tr("Members"), "aov_participants_minor"),
                                    (tr("Non-members"), "aov_non_participants_minor"),
                                    (tr("All customers"), "aov_all_minor")))
    joined = series(tr("Joined"), [float(p.enrollments) for p in rows],
                    [tr("%1 joined").replace("%1", _n(p.enrollments)) for p in rows])
    gone = series(tr("Left"), [float(p.leavers) for p in rows], [tr("%1 left").replace("%1", _n(p.leavers)) for p in rows])
    active = series(tr("Active members"), [float(p.participants_end) for p in rows],
                    [tr("%1 members at the end").replace("%1", _n(p.participants_end)) for p in rows])
    money = series(tr("Money discounts"), [_pct(p.average_discount_money) for p in rows],
                   [tr("money %1 (%2)").replace("%1", percent(p.average_discount_money)).replace(
                       "%2", m(p.discount_money_minor)) for p in rows])
    points = series(tr("Points"), [_pct(p.average_discount_points) for p in rows],
                    [tr("points %1 (%2)").replace("%1", percent(p.average_discount_points)).replace(
                        "%2", m(p.discount_points_minor)) for p in rows])
    accrued = series(tr("Accrued"), [float(p.points_accrued) for p in rows],
                     [tr("%1 accrued").replace("%1", _n(p.points_accrued)) for p in rows])
    redeemed = series(tr("Redeemed"), [float(p.points_redeemed) for p in rows],
                      [tr("%1 redeemed (%2 of accrued)").replace("%1", _n(p.points_redeemed)).replace(
                          "%2", percent(p.points_spent_share)) for p in rows])
    rate = series(tr("Purchase rate"), [_pct(p.purchase_rate) for p in rows],
                  [tr("%1 bought (%2 of %3)").replace("%1", percent(p.purchase_rate)).replace(
                      "%2", _n(p.buyers)).replace("%3", _n(p.participants_in_period)) for p in rows])
    labels = tuple(axis_label(report, i) for i in range(len(rows)))
    return (
        Chart("coverage", tr("Coverage: members' share of revenue") if by_revenue
              else tr("Coverage: members' share of orders"), labels, (coverage,), percent_axis=True),
        Chart("aov", tr("Average order value"), labels, aov),
        Chart("participants", tr("Members: joined, left, active"), labels, (joined, gone), line=active),
        Chart("discount", tr("Average discount (share of members' revenue)"), labels, (money, points), stacked=True,
              percent_axis=True),
        Chart("points", tr("Points accrued and redeemed"), labels, (accrued, redeemed)),
        Chart("purchase", tr("Purchase rate"), labels, (rate,), percent_axis=True),
    )


def tables(report: LoyaltyReport) -> tuple[Table, ...]:
    m = _m(report)
    out: list[Table] = []
    if report.liability is not None:
        li = report.liability
        out.append(Table("liability", tr("Points liability"), ("", tr("points"), tr("value")), (
            (tr("Outstanding"), _n(li.outstanding_points), m(li.outstanding_minor)),
            (tr("Pending (return window)"), _n(li.pending_points), ""),
            (tr("Expiring within 30 days"), _n(li.expiring_30_points), m(li.expiring_30_minor)),
            (tr("Expiring within 90 days"), _n(li.expiring_90_points), m(li.expiring_90_minor)),
            (tr("Expired in the period"), _n(li.expired_points), m(li.expired_minor)))))
    if report.tiers or report.tier_moves:
        rows = [(tier_words(s.tier) if s.tier else tr("No tier"), _n(s.members), percent(s.share))
                for s in report.tiers]
        rows += [(f"{tier_words(mv.from_tier) if mv.from_tier else '—'} → "
                  f"{tier_words(mv.to_tier) if mv.to_tier else '—'}", _n(mv.members),
                  tr(DIRECTION_WORDS[mv.direction]) if mv.direction in DIRECTION_WORDS else mv.direction)
                 for mv in report.tier_moves]
        out.append(Table("tiers", tr("Tiers and movements"), (tr("tier"), tr("members"), tr("share")), tuple(rows)))
    if report.rewards:
        out.append(Table("rewards", tr("Redemptions by reward"), (tr("reward"), tr("claims"), tr("points"),
                                                                  tr("per 1,000")), tuple(
            (r.name, _n(r.claims), _n(r.points), formats.number(r.claims_per_1000) if r.claims_per_1000 else "—")
            for r in report.rewards)))
    if report.promotions:
        out.append(Table("promotions", tr("Promotions: cost and orders"),
                         (tr("promotion"), tr("orders"), tr("cost"), tr("cost share")),
                         tuple((p.name, _n(p.orders), m(p.cost_minor), percent(p.cost_share))
                               for p in report.promotions[:12])))
    if report.enrollments_by_store:
        out.append(Table("enrollments", tr("Enrollments by store"), (tr("store"), tr("enrollments")), tuple(
            (s.store, _n(s.enrollments)) for s in report.enrollments_by_store[:12])))
    leak = [(row.kind.replace("_", " "), _n(row.conflicts), m(row.leakage_minor), _n(row.points))
            for row in report.leakage]
    out.append(Table("leakage", tr("Leakage from offline conflicts: %1").replace("%1", m(report.leakage_minor)),
                     (tr("conflict"), tr("count"), tr("money"), tr("points")),
                     tuple(leak) or ((tr("none"), "0", m(0), "0"),)))
    for c in report.control_groups:
        def lift(value: Decimal | None, low: Decimal | None, high: Decimal | None, as_money: bool) -> str:
            show = (lambda v: m(int(v))) if as_money else percent
            text = "—" if value is None else show(value)
            return text if low is None else tr("%1 (95% CI %2 to %3)").replace("%1", text).replace(
                "%2", show(low)).replace("%3", show(high))
        out.append(Table(f"control-{c.promotion_id}", tr("Control group — %1").replace("%1", c.name),
                         ("", tr("target"), tr("control"), tr("lift")), (
            (tr("Members"), _n(c.target.members), _n(c.control.members), ""),
            (tr("Purchase rate"), percent(c.purchase_rate.target), percent(c.purchase_rate.control),
             lift(c.purchase_rate.difference, c.purchase_rate.low, c.purchase_rate.high, False)),
            (tr("Revenue per member"), _dec_money(report, c.revenue_per_member.target),
             _dec_money(report, c.revenue_per_member.control),
             lift(c.revenue_per_member.difference, c.revenue_per_member.low, c.revenue_per_member.high, True)),
            (tr("Average order"), _dec_money(report, c.average_order.target), _dec_money(report, c.average_order.control),
             lift(c.average_order.difference, None, None, True)),
            (tr("Revenue it drove"), "", "", m(int(c.incremental_revenue_minor or 0))))))
    return tuple(out)


def _dec_money(report: LoyaltyReport, value: Decimal | None) -> str:
    return "—" if value is None else formats.money_figure(int(value.to_integral_value()), report.currency)


__all__ = ["ORDERS", "REVENUE", "Card", "Chart", "Series", "Table", "axis_label", "cards", "charts",
           "participants_words", "scope_title", "tables"]
