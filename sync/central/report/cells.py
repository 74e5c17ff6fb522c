"""The report's daily cells: what one store sold and booked on one local day, by audience.

A cell is recomputed whole from the source rows - orders (with their lines
when something was returned), ledger entries, offer audiences - never
patched: `compute(scope)` reads one store's day (or, for a rebuild, every
day of every store) and `replace(scope)` writes it. The SQL only groups rows
by what the rules look at (status, kind, sign, reason; the audience from the
member's precomputed span); what each group counts for is decided by the
domain (`order_figures`, `points_figures`, `promotion_costs`). Orders with
returns are read one by one with their lines, because a returned unit takes
its own share of the line's discount.

Participants who bought are kept per (day, store) as roaring bitmaps of
member ordinals (`pyroaring`), and per day for the chain (`*`, their union),
so a distinct count over any range is a union of bitmaps, not a scan. A
store's cell also keeps those of its buyers whose home store it is (not
merged away): its purchase rate's numerator, without reading its members.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from pyroaring import BitMap
from sqlalchemy.orm import Session

from pos_app.domain.report.facts import (
    Audience,
    OrderFigures,
    PointsFigures,
    ReturnedLine,
    order_figures,
    points_figures,
    promotion_costs,
    reward_of,
)
from pos_app.domain.report.loyalty_report import PromotionFigures, RewardFigures
from pos_app.domain.report.periods import day_bounds
from sync.central.report.config import ReportConfig
from sync.central.report.dialect import as_date, bulk_insert, day_of, is_postgres, json_field, prepare, total
from sync.central.report.participants import span_sql
from sync.central.report.side import SideReads
from sync.central.tables import (
    CustomerRow,
    LedgerEntryRow,
    OfferAudienceRow,
    OrderLineRow,
    OrderReturnRow,
    OrderRow,
    RegisterRow,
    ReportBuyerCellRow,
    ReportMemberRow,
    ReportOfferOrderRow,
    ReportOrderCellRow,
    ReportPointsCellRow,
    ReportPromotionCellRow,
    ReportRewardCellRow,
)

CHAIN = "*"
ORDERS, L, R = OrderRow.__table__, LedgerEntryRow.__table__, RegisterRow.__table__
M, A, CUSTOMERS = ReportMemberRow.__table__, OfferAudienceRow.__table__, CustomerRow.__table__
LINES, RETURNS = OrderLineRow.__table__, OrderReturnRow.__table__
ORDER_CELLS, POINTS_CELLS = ReportOrderCellRow.__table__, ReportPointsCellRow.__table__
REWARD_CELLS, PROMOTION_CELLS = ReportRewardCellRow.__table__, ReportPromotionCellRow.__table__
BUYER_CELLS, OFFER_ORDERS = ReportBuyerCellRow.__table__, ReportOfferOrderRow.__table__


@dataclass(frozen=True)
class CellScope:
    """One store's local day."""

    store_id: str
    day: date


@dataclass
class Cells:
    orders: dict[tuple[date, str, str], OrderFigures] = field(default_factory=dict)
    points: dict[tuple[date, str, str], PointsFigures] = field(default_factory=dict)
    rewards: dict[tuple[date, str, str], RewardFigures] = field(default_factory=dict)
    promotions: dict[tuple[date, str, str], PromotionFigures] = field(default_factory=dict)
    buyers: dict[tuple[date, str], BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    home_buyers: dict[tuple[date, str], BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    offer_orders: list[tuple[Any, ...]] = field(default_factory=list)


Points = tuple[dict[tuple[date, str, str], PointsFigures], dict[tuple[date, str, str], RewardFigures]]


def _add(target: dict[Any, Any], key: Any, value: Any) -> None:
    target[key] = target[key] + value if key in target else value


def _bound(session: Session, moment: datetime) -> datetime:
    return moment if is_postgres(session) else moment.astimezone(UTC).replace(tzinfo=None)


class _Sql:
    """The expressions every cell query shares, for one configuration and scope."""

    def __init__(self, session: Session, cfg: ReportConfig, scope: CellScope | None) -> None:
        self.session, self.cfg, self.scope = session, cfg, scope
        prepare(session)
        self.order_day = day_of(session, ORDERS.c.created_at, cfg.tz_name)
        self.entry_day = day_of(session, L.c.created_at_register, cfg.tz_name)
        if scope is not None:
            start, end = day_bounds(scope.day, scope.day, cfg.tz)
            self.start, self.end = _bound(session, start), _bound(session, end)

    def store_bit(self, store: Any) -> Any:
        named = {s: 1 << i for i, brand in enumerate(self.cfg.rules.brands) for s in brand.stores}
        return sa.case(named, value=store, else_=1) if named else sa.literal(1)

    def audience(self, customer: Any, day: Any, store: Any, span: tuple[Any, Any, Any] | None = None) -> Any:
        """facts.audience over the member's span (brand mask, first day, day left): by default the one
        precomputed in `report_members`."""
        mask, since, until = span or (M.c.brand_mask, M.c.since_day, M.c.until_day)
        takes_part = sa.and_(mask.op("&")(self.store_bit(store)) != 0, day >= since,
                             sa.or_(until.is_(None), day < until))
        return sa.case((customer.is_(None), Audience.ANONYMOUS.value),
                       (takes_part, Audience.PARTICIPANT.value), else_=Audience.MEMBER.value)

    def orders_where(self, *, returned: bool) -> list[Any]:
        has_returns = sa.exists().where(RETURNS.c.order_id == ORDERS.c.id)
        where = [ORDERS.c.created_at.is_not(None), ORDERS.c.store_id.is_not(None),
                 has_returns if returned else ~has_returns]
        if self.scope is not None:
            where += [ORDERS.c.store_id == self.scope.store_id, ORDERS.c.created_at >= self.start, ORDERS.c.created_at < self.end]
        return where

    def entries_where(self) -> list[Any]:
        where = [L.c.customer_id.is_not(None)]
        if self.scope is not None:
            where += [R.c.store_id == self.scope.store_id, L.c.created_at_register >= self.start,
                      L.c.created_at_register < self.end]
        return where


@dataclass(frozen=True)
class SourceReads:
    """The reads of a computation that need no member's row, under way (see `read_sources`), and where."""

    side: SideReads
    promotions: Future[list[tuple[tuple[date, str, str], PromotionFigures]]]
    offer_orders: Future[list[tuple[Any, ...]]]
    returned_lines: Future[dict[str, list[ReturnedLine]]]
    points: Future[Points] | None  # the entries of members not merged, when read on a side connection


def read_sources(side: SideReads, cfg: ReportConfig, scope: CellScope | None) -> SourceReads:
    """Start the reads that need no member (`report_members`, which a rebuild writes in its own
    transaction) on `side`: the applied promotions, the offer audiences' orders, the returned lines, and,
    when `side` is a connection of its own, the entries of the members not merged."""
    return SourceReads(side, side.submit(lambda s: _promotions(s, cfg, scope)),
                       side.submit(lambda s: _offer_orders(s, cfg, scope)),
                       side.submit(lambda s: _returned_lines(s, cfg, scope)),
                       side.submit(lambda s: _points(s, cfg, scope, "not merged")) if side.parallel else None)


def compute(session: Session, cfg: ReportConfig, scope: CellScope | None, sources: SourceReads | None = None
            ) -> Cells:
    """The cells of `scope` (None: every cell); `sources` are its reads already started elsewhere."""
    if sources is None:
        sources = read_sources(SideReads(session, parallel=False), cfg, scope)
    sql = _Sql(session, cfg, scope)
    cells = Cells()
    orders_from = ORDERS.outerjoin(M, M.c.customer_id == ORDERS.c.customer_id)
    day, aud = sql.order_day.label("day"), sql.audience(ORDERS.c.customer_id, sql.order_day, ORDERS.c.store_id).label("aud")

    # Orders nothing was returned of: summed by what the rules look at, with the participants who bought
    # (each ordinal as often as they bought: the bitmap keeps one, and the database need not sort them).
    is_participant = aud == Audience.PARTICIPANT.value
    at_home = sa.and_(is_participant, M.c.home_store == ORDERS.c.store_id, M.c.merged.is_(False))
    collect = sa.func.array_agg if is_postgres(session) else sa.func.group_concat
    who, home = collect(M.c.ordinal).filter(is_participant), collect(M.c.ordinal).filter(at_home)
    for row in session.execute(
            sa.select(day, ORDERS.c.store_id, aud, ORDERS.c.status, sa.func.count(), total(session, ORDERS.c.total_minor),
                      total(session, ORDERS.c.refunded_minor), total(session, ORDERS.c.discount_minor),
                      total(session, ORDERS.c.points_value_minor), who, home)
            .select_from(orders_from).where(*sql.orders_where(returned=False))
            .group_by(day, ORDERS.c.store_id, aud, ORDERS.c.status)).all():
        figures = order_figures(row[3], int(row[5]), int(row[6]), int(row[7]), int(row[8]), orders=int(row[4]))
        if not figures.is_zero:
            _add(cells.orders, (as_date(row[0]), row[1], row[2]), figures)
        if row[9] and figures.orders:
            cells.buyers[(as_date(row[0]), row[1])].update(_ordinals(row[9]))
            if row[10]:
                cells.home_buyers[(as_date(row[0]), row[1])].update(_ordinals(row[10]))

    # Orders with returns: one by one, with their lines.
    returned = session.execute(
        sa.select(ORDERS.c.id, day, ORDERS.c.store_id, aud, M.c.ordinal, ORDERS.c.status, ORDERS.c.total_minor, ORDERS.c.refunded_minor,
                  ORDERS.c.discount_minor, ORDERS.c.points_value_minor, ORDERS.c.applied, ORDERS.c.customer_id, ORDERS.c.created_at,
                  M.c.home_store, M.c.merged)
        .select_from(orders_from).where(*sql.orders_where(returned=True))).all()
    # Counting them is Python's work: on the side thread while this connection waits for the entries' scan.
    counted = sources.side.submit(lambda _s: _count_returned(returned, sources.returned_lines.result()))
    if sources.points is None:
        points = _points(session, cfg, scope)
    else:  # the members not merged were read on the side
        points = _points(session, cfg, scope, "merged", into=sources.points.result())
    part, returned_figures = counted.result()
    for key, figures in part.orders.items():
        _add(cells.orders, key, figures)
    for target, source in ((cells.buyers, part.buyers), (cells.home_buyers, part.home_buyers)):
        for key, bitmap in source.items():
            target[key] |= bitmap
    for key, promotion in part.promotions.items():
        _add(cells.promotions, key, promotion)
    for key, figures in sources.promotions.result():
        _add(cells.promotions, key, figures)
    cells.points, cells.rewards = points
    cells.offer_orders = sources.offer_orders.result()
    _returned_offer_orders(session, cells, returned, returned_figures)
    return cells


def _count_returned(returned: list[Any], lines: dict[str, list[ReturnedLine]]
                    ) -> tuple[Cells, dict[str, tuple[date, str, OrderFigures]]]:
    """The orders something was returned of, each with its lines: their cells, and each order's figures."""
    cells = Cells()
    returned_figures: dict[str, tuple[date, str, OrderFigures]] = {}
    for row in returned:
        order_day = as_date(row[1])
        figures = order_figures(row[5], row[6], row[7], row[8], row[9], returned_lines=lines.get(row[0], ()))
        returned_figures[row[0]] = (order_day, row[2], figures)
        if not figures.is_zero:
            _add(cells.orders, (order_day, row[2], row[3]), figures)
        if figures.orders and row[3] == Audience.PARTICIPANT.value:
            cells.buyers[(order_day, row[2])].add(int(row[4]))
            if row[13] == row[2] and not row[14]:
                cells.home_buyers[(order_day, row[2])].add(int(row[4]))
        applied = [(a["id"], int(a["amount_minor"])) for a in json.loads(row[10] or "[]")]
        for pid, cost in promotion_costs(row[5], applied, lines.get(row[0], ())).items():
            _add(cells.promotions, (order_day, row[2], pid),
                 PromotionFigures(figures.orders, cost, figures.revenue_minor))
    return cells, returned_figures


def _ordinals(collected: Any) -> list[int]:
    """An aggregate of ordinals: an array (PostgreSQL) or comma-separated text (SQLite)."""
    return collected if isinstance(collected, list) else [int(x) for x in str(collected).split(",")]


def _returned_lines(session: Session, cfg: ReportConfig, scope: CellScope | None) -> dict[str, list[ReturnedLine]]:
    """The lines of the orders something was returned of, by order."""
    sql = _Sql(session, cfg, scope)
    lines: dict[str, list[ReturnedLine]] = defaultdict(list)
    line_query = (sa.select(LINES.c.order_id, LINES.c.qty, LINES.c.qty_returned, LINES.c.discount_minor,
                            LINES.c.points_value_minor, LINES.c.allocations)
                  .select_from(LINES.join(ORDERS, ORDERS.c.id == LINES.c.order_id))
                  .where(*sql.orders_where(returned=True)))
    for row in session.execute(line_query):
        lines[row[0]].append(ReturnedLine(row[1], row[2], int(row[3]), int(row[4]),
                                          {k: int(v) for k, v in json.loads(row[5] or "{}").items()}))
    return lines


def _promotions(session: Session, cfg: ReportConfig, scope: CellScope | None
                ) -> list[tuple[tuple[date, str, str], PromotionFigures]]:
    """Each promotion's orders and cost, from the orders' applied promotions (nothing returned of them)."""
    sql = _Sql(session, cfg, scope)
    where = sa.and_(*sql.orders_where(returned=False), ORDERS.c.applied != "[]")
    if is_postgres(session):
        element = sa.func.json_array_elements(sa.cast(ORDERS.c.applied, sa.JSON)).table_valued("value").lateral("a")
        pid = element.c.value.op("->>")("id")
        amount = sa.cast(element.c.value.op("->>")("amount_minor"), sa.BigInteger)
        source = ORDERS.join(element, sa.true())
    else:
        element = sa.func.json_each(ORDERS.c.applied).table_valued("value").alias("a")
        pid = sa.func.json_extract(element.c.value, "$.id")
        amount = sa.func.json_extract(element.c.value, "$.amount_minor")
        source = ORDERS.join(element, sa.true())
    day = sql.order_day
    out = []
    for row in session.execute(
            sa.select(day, ORDERS.c.store_id, pid, ORDERS.c.status, sa.func.count(), sa.func.sum(amount),
                      total(session, ORDERS.c.total_minor), total(session, ORDERS.c.refunded_minor))
            .select_from(source).where(where).group_by(day, ORDERS.c.store_id, pid, ORDERS.c.status)):
        figures = order_figures(row[3], int(row[6]), int(row[7]), 0, 0, orders=int(row[4]))
        for promotion_id, cost in promotion_costs(row[3], [(row[2], int(row[5]))]).items():
            out.append(((as_date(row[0]), row[1], promotion_id),
                        PromotionFigures(figures.orders, cost, figures.revenue_minor)))
    return out


def _points(session: Session, cfg: ReportConfig, scope: CellScope | None, members: str = "all",
            into: Points | None = None) -> Points:
    """The entries' points and rewards by day, store and audience: of `all` members, read with their span
    in `report_members`; or in two parts that add up to the same (every group has one sign, so each
    figure is a sum): those `not merged`, their span computed from the customer row (no `report_members`
    needed: a side read), and those `merged` into another member (few), with the span they took."""
    sql = _Sql(session, cfg, scope)
    day = sql.entry_day
    source = L.join(R, R.c.id == L.c.register_id)
    where = sql.entries_where()
    if members == "not merged":
        customer = CUSTOMERS.alias("c")
        aud = sql.audience(L.c.customer_id, day, R.c.store_id, span_sql(session, cfg, customer))
        source = source.outerjoin(customer, customer.c.id == L.c.customer_id)
        where.append(customer.c.merged_into.is_(None))
    else:
        aud = sql.audience(L.c.customer_id, day, R.c.store_id)
        source = source.outerjoin(M, M.c.customer_id == L.c.customer_id)
        if members == "merged":
            where.append(L.c.customer_id.in_(sa.select(CUSTOMERS.c.id).where(CUSTOMERS.c.merged_into.is_not(None))))
    reason = sa.case((L.c.kind.in_(("adjustment", "redemption")), json_field(session, L.c.details, "reason")),
                     else_=None)
    positive = sa.case((L.c.points > 0, 1), else_=0)
    query = (sa.select(day, R.c.store_id, aud, L.c.kind, positive, reason, sa.func.count(), total(session, L.c.points))
             .select_from(source).where(*where).group_by(day, R.c.store_id, aud, L.c.kind, positive, reason))
    points, rewards = into or ({}, {})
    for row in session.execute(query).all():
        key = (as_date(row[0]), row[1], row[2])
        figures = points_figures(row[3], int(row[7]), row[5])
        if not figures.is_zero:
            _add(points, key, figures)
        reward = reward_of(row[3], row[5])
        if reward is not None and row[2] == Audience.PARTICIPANT.value:
            _add(rewards, (key[0], key[1], reward), RewardFigures(int(row[6]), -int(row[7])))
    return points, rewards


def _offer_orders(session: Session, cfg: ReportConfig, scope: CellScope | None) -> list[tuple[Any, ...]]:
    """Counted orders of offer audiences' members, placed after each member was assigned (nothing returned)."""
    sql = _Sql(session, cfg, scope)
    day = sql.order_day
    query = (sa.select(A.c.promotion_id, ORDERS.c.id, ORDERS.c.customer_id, A.c.group, day, ORDERS.c.store_id, ORDERS.c.status,
                       ORDERS.c.total_minor, ORDERS.c.refunded_minor)
             .select_from(ORDERS.join(A, sa.and_(A.c.customer_id == ORDERS.c.customer_id, ORDERS.c.created_at >= A.c.assigned_at)))
             .where(*sql.orders_where(returned=False)))
    out = []
    for row in session.execute(query):
        figures = order_figures(row[6], int(row[7]), int(row[8]), 0, 0)
        if figures.orders:
            out.append((row[0], row[1], row[2], row[3], as_date(row[4]), row[5], figures.revenue_minor))
    return out


def _returned_offer_orders(session: Session, cells: Cells, returned: list[Any],
                           returned_figures: dict[str, tuple[date, str, OrderFigures]]) -> None:
    """The orders with returns of offer audiences' members, placed after each member was assigned."""
    members = {row[11] for row in returned if row[11] is not None}
    if not members:
        return
    placed = {row[0]: (row[11], row[12]) for row in returned}
    query = sa.select(A.c.promotion_id, A.c.customer_id, A.c.group, A.c.assigned_at)
    if len(members) <= 1000:  # a cell's few members; a rebuild reads every audience (a small table)
        query = query.where(A.c.customer_id.in_(sorted(members)))
    audiences: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(query):
        if row.customer_id in members:
            audiences[row.customer_id].append(row)
    for order_id, (order_day, store, figures) in returned_figures.items():
        customer, at = placed[order_id]
        for pid, cid, group, assigned in audiences.get(customer, ()):
            if figures.orders and _utc(at) >= _utc(assigned):
                cells.offer_orders.append((pid, order_id, cid, group, order_day, store, figures.revenue_minor))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# -- writing -----------------------------------------------------------------------------------------


def replace(session: Session, cells: Cells, scope: CellScope | None) -> None:
    """Write the cells of `scope` (None: all of them, the tables emptied first)."""
    tables = (ORDER_CELLS, POINTS_CELLS, REWARD_CELLS, PROMOTION_CELLS, OFFER_ORDERS)
    if scope is None:
        for table in (*tables, BUYER_CELLS):
            session.execute(table.delete())  # not TRUNCATE: readers keep reading the old cells meanwhile
    else:
        for table in tables:
            session.execute(table.delete().where(table.c.store_id == scope.store_id, table.c.day == scope.day))
        session.execute(BUYER_CELLS.delete().where(BUYER_CELLS.c.scope == scope.store_id,
                                                   BUYER_CELLS.c.day == scope.day))
    bulk_insert(session, ORDER_CELLS, ["day", "store_id", "audience", "orders", "revenue_minor", "discount_minor",
                                       "points_value_minor"],
                ((*k, f.orders, f.revenue_minor, f.discount_minor, f.points_value_minor)
                 for k, f in cells.orders.items()))
    bulk_insert(session, POINTS_CELLS, ["day", "store_id", "audience", "accrued", "redeemed", "expired", "adjusted",
                                        "net"],
                ((*k, f.accrued, f.redeemed, f.expired, f.adjusted, f.net) for k, f in cells.points.items()))
    bulk_insert(session, REWARD_CELLS, ["day", "store_id", "reward_id", "claims", "points"],
                ((*k, f.claims, f.points) for k, f in cells.rewards.items()))
    bulk_insert(session, PROMOTION_CELLS, ["day", "store_id", "promotion_id", "orders", "cost_minor",
                                           "revenue_minor"],
                ((*k, f.orders, f.cost_minor, f.revenue_minor) for k, f in cells.promotions.items()))
    bulk_insert(session, OFFER_ORDERS, ["promotion_id", "order_id", "customer_id", "group", "day", "store_id",
                                        "revenue_minor"], cells.offer_orders)
    bulk_insert(session, BUYER_CELLS, ["day", "scope", "buyers", "bitmap", "home_bitmap"],
                ((d, s, len(bm), _serialize(bm), _serialize(cells.home_buyers.get((d, s), BitMap())))
                 for (d, s), bm in cells.buyers.items() if bm))
    if scope is None:
        chain: dict[date, BitMap] = defaultdict(BitMap)
        for (d, _store), bm in cells.buyers.items():
            chain[d] |= bm
        bulk_insert(session, BUYER_CELLS, ["day", "scope", "buyers", "bitmap"],
                    ((d, CHAIN, len(bm), _serialize(bm)) for d, bm in chain.items() if bm))


def refresh_chain_buyers(session: Session, days: Iterable[date]) -> None:
    """The chain's buyers of these days, as the union of the stores' bitmaps."""
    for day in sorted(set(days)):
        union = BitMap()
        for (blob,) in session.execute(sa.select(BUYER_CELLS.c.bitmap).where(
                BUYER_CELLS.c.day == day, BUYER_CELLS.c.scope != CHAIN)):
            union |= BitMap.deserialize(blob)
        session.execute(BUYER_CELLS.delete().where(BUYER_CELLS.c.day == day, BUYER_CELLS.c.scope == CHAIN))
        if union:
            session.execute(BUYER_CELLS.insert().values(day=day, scope=CHAIN, buyers=len(union),
                                                        bitmap=_serialize(union)))


def _serialize(bitmap: BitMap) -> bytes:
    bitmap.run_optimize()
    return bitmap.serialize()


__all__ = ["CHAIN", "CellScope", "Cells", "SourceReads", "compute", "read_sources", "refresh_chain_buyers", "replace"]
