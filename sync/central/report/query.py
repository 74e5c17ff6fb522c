"""Answering a report for a date range, for the chain, one brand or one store, from the daily cells.

Sales and points figures are those of the scope's stores (a brand's stores;
for the chain, all of them, the central service's own bookings included as
the pseudo-store `HQ`). Member figures - participants over time, enrollments
and leavers, purchase rate, tiers, points liability - are those of the
scope's members: for a store, the participants it enrolled (its home
members); for a brand, the members of the brand's segment; for the chain,
every participant. A store's purchase rate is the share of its home members
who bought at the store.

Every query reads cells whose size depends on days and stores, never on
orders, so any range answers in the same short time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pyroaring import BitMap
from sqlalchemy.orm import Session

from pos_app.domain.report.control import GroupStats
from pos_app.domain.report.facts import Audience, MemberPoints, OrderFigures, PointsFigures
from pos_app.domain.report.loyalty_report import (
    ConflictFigures,
    LoyaltyReport,
    PromotionFigures,
    ReportInputs,
    RewardFigures,
    build_report,
    report_periods,
)
from pos_app.domain.report.periods import Grain, RangeError, day_bounds, default_grain
from sync.central.report.cells import CHAIN
from sync.central.report.config import ReportConfig, load_config
from sync.central.report.dialect import as_date, is_postgres, tune
from sync.central.tables import (
    ConflictRow,
    LedgerEntryRow,
    OfferAudienceRow,
    PromotionRow,
    RegisterRow,
    ReportAudienceMemberRow,
    ReportBuyerCellRow,
    ReportEnrollmentCellRow,
    ReportMemberCellRow,
    ReportOfferOrderRow,
    ReportOrderCellRow,
    ReportPointsCellRow,
    ReportPromotionCellRow,
    ReportRewardCellRow,
    ReportTierMoveRow,
    RewardRow,
)

MAX_CONTROL_GROUPS = 10


def parse_grain(value: str | None) -> Grain | None:
    """The breakdown asked for (`day`, `week`, `month`), or None for the default."""
    if not value:
        return None
    try:
        return Grain(value.strip().lower())
    except ValueError:
        raise RangeError(f"by: {value!r} is not day, week or month") from None


class _Scope:
    """Which stores' cells and which members a report reads."""

    def __init__(self, session: Session, cfg: ReportConfig, store: str | None, brand: str | None) -> None:
        if store is not None and brand is not None:
            raise RangeError("choose a store or a brand, not both")
        rules = cfg.rules
        self.store, self.brand = store, brand
        self.stores: frozenset[str] | None = None  # None: every store
        self.outside: frozenset[str] = frozenset()  # the default brand: every store but the named brands'
        if store is not None:
            known = session.scalar(sa.select(sa.func.count()).select_from(RegisterRow).where(
                RegisterRow.store_id == store))
            if not known:
                raise RangeError(f"unknown store {store!r}")
            self.stores = frozenset({store})
            self.bit = rules.store_bit(store)
        elif brand is not None:
            self.bit = rules.brand_bit(brand)
            stores = rules.stores_of(brand)
            if stores is None:
                self.outside = frozenset(s for b in rules.named for s in b.stores)
            else:
                self.stores = stores
        else:
            self.bit = 0

    def cells(self, column: Any) -> list[Any]:
        if self.stores is not None:
            return [column.in_(sorted(self.stores))]
        if self.outside:
            return [column.not_in(sorted(self.outside))]
        return []

    def members(self, table: Any) -> list[Any]:
        where = [table.c.brand_mask.op("&")(self.bit) != 0] if self.bit else [table.c.brand_mask != 0]
        if self.store is not None:
            where.append(table.c.home_store == self.store)
        return where


def loyalty_report(session: Session, first: date, last: date, *, grain: Grain | None = None,
                   store: str | None = None, brand: str | None = None, now: datetime | None = None,
                   cfg: ReportConfig | None = None) -> LoyaltyReport:
    tune(session)
    cfg = cfg or load_config(session)
    grain = grain or default_grain(first, last)
    bounds = report_periods(first, last, grain)
    scope = _Scope(session, cfg, store, brand)
    between = sa.and_
    o = ReportOrderCellRow.__table__
    orders = {
        (as_date(r[0]), Audience(r[1])): OrderFigures(int(r[2]), int(r[3]), int(r[4]), int(r[5]))
        for r in session.execute(
            sa.select(o.c.day, o.c.audience, sa.func.sum(o.c.orders), sa.func.sum(o.c.revenue_minor),
                      sa.func.sum(o.c.discount_minor), sa.func.sum(o.c.points_value_minor))
            .where(between(o.c.day >= first, o.c.day <= last), *scope.cells(o.c.store_id))
            .group_by(o.c.day, o.c.audience))}
    p = ReportPointsCellRow.__table__
    points = {
        as_date(r[0]): PointsFigures(*(int(v) for v in r[1:]))
        for r in session.execute(
            sa.select(p.c.day, sa.func.sum(p.c.accrued), sa.func.sum(p.c.redeemed), sa.func.sum(p.c.expired),
                      sa.func.sum(p.c.adjusted), sa.func.sum(p.c.net))
            .where(between(p.c.day >= first, p.c.day <= last), p.c.audience == Audience.PARTICIPANT.value,
                   *scope.cells(p.c.store_id))
            .group_by(p.c.day))}
    buyers, buyers_total = _buyers(session, scope, bounds, first, last)
    e = ReportEnrollmentCellRow.__table__
    before = session.execute(sa.select(sa.func.coalesce(sa.func.sum(e.c.enrolled), 0),
                                       sa.func.coalesce(sa.func.sum(e.c.left), 0))
                             .where(e.c.day < first, *scope.members(e))).one()
    enrolled: dict[date, int] = defaultdict(int)
    left: dict[date, int] = defaultdict(int)
    by_store: dict[str, int] = defaultdict(int)
    for day, home, n_in, n_out in session.execute(
            sa.select(e.c.day, e.c.home_store, sa.func.sum(e.c.enrolled), sa.func.sum(e.c.left))
            .where(e.c.day >= first, e.c.day <= last, *scope.members(e)).group_by(e.c.day, e.c.home_store)):
        enrolled[as_date(day)] += int(n_in)
        left[as_date(day)] += int(n_out)
        by_store[home] += int(n_in)
    mc = ReportMemberCellRow.__table__
    tiers: dict[str, int] = defaultdict(int)
    liability = MemberPoints()
    for tier, members, balance, pending, e30, e90 in session.execute(
            sa.select(mc.c.tier, sa.func.sum(mc.c.members), sa.func.sum(mc.c.balance), sa.func.sum(mc.c.pending),
                      sa.func.sum(mc.c.expiring_30), sa.func.sum(mc.c.expiring_90))
            .where(*scope.members(mc)).group_by(mc.c.tier)):
        tiers[tier or ""] += int(members)
        liability += MemberPoints(int(balance), int(pending), int(e30), int(e90))
    start, end = _utc_bounds(session, cfg, first, last)
    rewards, reward_names = _rewards(session, scope, first, last)
    promotions, promotion_names = _promotions(session, scope, first, last)
    return build_report(ReportInputs(
        first=first, last=last, grain=grain, buyers=buyers, buyers_total=buyers_total, orders=orders,
        points=points, participants_before=int(before[0]) - int(before[1]), enrolled=dict(enrolled),
        left=dict(left), enrollments_by_store=dict(by_store), liability=liability, tiers=dict(tiers),
        tier_moves=_tier_moves(session, scope, start, end), tier_order=cfg.tier_order,
        rewards=rewards, reward_names=reward_names, leakage=_leakage(session, scope, start, end),
        promotions=promotions, promotion_names=promotion_names,
        control_groups=_control_groups(session, scope, first, last, end),
        currency=cfg.currency, redeem_value=cfg.redeem_value, store=store, brand=brand, source="central",
        as_of=now, participants_rule=cfg.participants_rule,
    ))


def _utc_bounds(session: Session, cfg: ReportConfig, first: date, last: date) -> tuple[datetime, datetime]:
    from datetime import UTC

    start, end = day_bounds(first, last, cfg.tz)
    if not is_postgres(session):
        start, end = (t.astimezone(UTC).replace(tzinfo=None) for t in (start, end))
    return start, end


def _buyers(session: Session, scope: _Scope, bounds: tuple[Any, ...], first: date, last: date
            ) -> tuple[list[int], int]:
    b = ReportBuyerCellRow.__table__
    where = [b.c.day >= first, b.c.day <= last]
    if scope.stores is None and not scope.outside:
        where.append(b.c.scope == CHAIN)
    elif scope.stores is not None:
        where.append(b.c.scope.in_(sorted(scope.stores)))
    else:
        where += [b.c.scope != CHAIN, b.c.scope.not_in(sorted(scope.outside))]
    per_period = [BitMap() for _ in bounds]
    starts = [period.first for period in bounds]
    # A store's purchase rate counts its home members who bought there (`home_bitmap`).
    column = b.c.home_bitmap if scope.store is not None else b.c.bitmap
    for day, blob in session.execute(sa.select(b.c.day, column).where(*where)):
        if blob is None:
            continue
        day = as_date(day)
        index = max(i for i, s in enumerate(starts) if s <= day)
        per_period[index] |= BitMap.deserialize(blob)
    total = BitMap.union(*per_period) if per_period else BitMap()
    return [len(bm) for bm in per_period], len(total)


def _rewards(session: Session, scope: _Scope, first: date, last: date
             ) -> tuple[dict[str, RewardFigures], dict[str, str]]:
    r = ReportRewardCellRow.__table__
    figures = {row[0]: RewardFigures(int(row[1]), int(row[2])) for row in session.execute(
        sa.select(r.c.reward_id, sa.func.sum(r.c.claims), sa.func.sum(r.c.points))
        .where(r.c.day >= first, r.c.day <= last, *scope.cells(r.c.store_id)).group_by(r.c.reward_id))}
    names = dict(session.execute(sa.select(RewardRow.id, RewardRow.name)).all())
    for reward_id in names:
        figures.setdefault(reward_id, RewardFigures())
    return figures, names


def _promotions(session: Session, scope: _Scope, first: date, last: date
                ) -> tuple[dict[str, PromotionFigures], dict[str, str]]:
    import json

    p = ReportPromotionCellRow.__table__
    figures = {row[0]: PromotionFigures(int(row[1]), int(row[2]), int(row[3])) for row in session.execute(
        sa.select(p.c.promotion_id, sa.func.sum(p.c.orders), sa.func.sum(p.c.cost_minor),
                  sa.func.sum(p.c.revenue_minor))
        .where(p.c.day >= first, p.c.day <= last, *scope.cells(p.c.store_id)).group_by(p.c.promotion_id))}
    names = {}
    if figures:
        for pid, data in session.execute(sa.select(PromotionRow.id, PromotionRow.data).where(
                PromotionRow.id.in_(sorted(figures)))):
            names[pid] = str(json.loads(data).get("name") or pid)
    return figures, names


def _tier_moves(session: Session, scope: _Scope, start: datetime, end: datetime) -> dict[tuple[str, str], int]:
    t = ReportTierMoveRow.__table__  # the tier history with each member's scope
    query = (sa.select(t.c.from_tier, t.c.to_tier, sa.func.count())
             .where(t.c.changed_at >= start, t.c.changed_at < end, *scope.members(t))
             .group_by(t.c.from_tier, t.c.to_tier))
    return {(a or "", b or ""): int(n) for a, b, n in session.execute(query)}


def _leakage(session: Session, scope: _Scope, start: datetime, end: datetime) -> dict[str, ConflictFigures]:
    """Conflicts that cost money or points, on the day of the sale that caused them (else when decided)."""
    c, r, entry = ConflictRow.__table__, RegisterRow.__table__, LedgerEntryRow.__table__
    when = sa.func.coalesce(entry.c.created_at_register, c.c.created_at)
    query = (sa.select(c.c.kind, sa.func.count(), sa.func.sum(c.c.leakage_minor), sa.func.sum(c.c.points))
             .select_from(c.outerjoin(r, r.c.id == c.c.register_id).outerjoin(entry, entry.c.id == c.c.entry_id))
             .where(when >= start, when < end,
                    sa.or_(c.c.leakage_minor > 0, c.c.points > 0), *scope.cells(r.c.store_id))
             .group_by(c.c.kind))
    return {kind: ConflictFigures(int(n), int(leak or 0), int(points or 0)) for kind, n, leak, points in
            session.execute(query)}


def _control_groups(session: Session, scope: _Scope, first: date, last: date, end: datetime
                    ) -> list[tuple[str, str, GroupStats, GroupStats]]:
    oo = ReportOfferOrderRow.__table__
    # The chain counts every member of an audience; a brand or a store those in its scope, read from the
    # audiences' copy with each member's scope.
    a = ReportAudienceMemberRow.__table__ if scope.store or scope.brand else OfferAudienceRow.__table__
    m = ReportAudienceMemberRow.__table__
    in_scope = [*scope.members(m)] if scope.store or scope.brand else []
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    for pid, group, n in session.execute(
            sa.select(a.c.promotion_id, a.c.group, sa.func.count())
            .where(a.c.assigned_at < end, *in_scope).group_by(a.c.promotion_id, a.c.group)):
        sizes[pid][group] = int(n)
    compared = sorted((pid for pid, g in sizes.items() if g.get("target") and g.get("control")),
                      key=lambda pid: (-sum(sizes[pid].values()), pid))[:MAX_CONTROL_GROUPS]
    out = []
    names = {}
    if compared:
        import json

        names = {pid: str(json.loads(data).get("name") or pid) for pid, data in session.execute(
            sa.select(PromotionRow.id, PromotionRow.data).where(PromotionRow.id.in_(compared)))}
    for pid in compared:
        per_member = (sa.select(oo.c.group, oo.c.customer_id, sa.func.count().label("n"),
                                sa.func.sum(oo.c.revenue_minor).label("revenue"))
                      .where(oo.c.promotion_id == pid, oo.c.day >= first, oo.c.day <= last)
                      .group_by(oo.c.group, oo.c.customer_id))
        if in_scope:
            per_member = per_member.join(m, sa.and_(m.c.promotion_id == oo.c.promotion_id,
                                                    m.c.customer_id == oo.c.customer_id)).where(*in_scope)
        stats: dict[str, list[int]] = {"target": [0, 0, 0, 0], "control": [0, 0, 0, 0]}
        for group, buyers, orders, revenue, squares in _group_sums(session, per_member.subquery()):
            if group in stats:
                stats[group] = [int(buyers), int(orders), int(revenue or 0), int(squares or 0)]
        groups = {g: GroupStats(sizes[pid][g], *stats[g]) for g in ("target", "control")}
        out.append((pid, names.get(pid, pid), groups["target"], groups["control"]))
    return out


def _group_sums(session: Session, per_member: Any) -> list[tuple[Any, ...]]:
    """Per group: members who bought, their orders, revenue and sum of squared revenue per member.

    PostgreSQL sums in the database (the squares as exact numerics), so a year's tens of thousands of
    members are not sent over; SQLite, whose integer sums overflow, sums here."""
    if is_postgres(session):
        revenue = sa.func.coalesce(per_member.c.revenue, 0)
        squares = sa.func.sum(sa.cast(revenue, sa.Numeric) * sa.cast(revenue, sa.Numeric))
        return list(session.execute(
            sa.select(per_member.c.group, sa.func.count(), sa.func.sum(per_member.c.n), sa.func.sum(revenue), squares)
            .group_by(per_member.c.group)))
    sums: dict[str, list[int]] = {}
    for group, _cid, n, revenue in session.execute(sa.select(per_member)):
        value = int(revenue or 0)
        cell = sums.setdefault(group, [0, 0, 0, 0])
        for i, add in enumerate((1, int(n), value, value * value)):
            cell[i] += add
    return [(group, *cell) for group, cell in sums.items()]


__all__ = ["MAX_CONTROL_GROUPS", "loyalty_report", "parse_grain"]
