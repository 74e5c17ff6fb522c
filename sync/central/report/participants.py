"""The report's members: when each one participates, where they enrolled, their points position today.

`report_members` holds one row per member, computed by the domain's rules
(`participation`, `member_points`) from the customer row and the member's
ledger. Two tables of counts follow it: `report_enrollment_cells` (who
started or stopped participating on which day, by home store and brands) and
`report_member_cells` (participants now by home store, brands and tier, with
their points). A rebuild recomputes all three; a refresh recomputes the
members whose rows changed and moves the counts by the difference. The
points position is "as of today": the first refresh of a new day recomputes
it for everyone.

A member's home store is the store of the register that enrolled them (`HQ`
for members the central service imported). A member merged into another
takes that member's span and brands (their entries are that member's) but is
not counted a second time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from pos_app.domain.report.facts import (
    HQ_STORE,
    MemberLedgerSums,
    Membership,
    last_lot_day,
    member_points,
    participation,
)
from pos_app.domain.report.periods import day_bounds
from sync.central.report.config import ReportConfig
from sync.central.report.dialect import bulk_insert, day_of, is_postgres, prepare, total, upsert_add
from sync.central.tables import (
    CustomerRow,
    LedgerEntryRow,
    RegisterRow,
    ReportEnrollmentCellRow,
    ReportMemberCellRow,
    ReportMemberRow,
)

MEMBERS = ReportMemberRow.__table__
ENROLLMENT_CELLS = ReportEnrollmentCellRow.__table__
MEMBER_CELLS = ReportMemberCellRow.__table__
_LEDGER = LedgerEntryRow.__table__


class MemberRow(NamedTuple):
    customer_id: str
    home_store: str
    brand_mask: int
    merged: bool
    since_day: date | None
    until_day: date | None
    tier: str
    balance: int
    pending: int
    expiring_30: int
    expiring_90: int

    @property
    def counted(self) -> bool:
        return bool(self.brand_mask) and not self.merged and self.since_day is not None

    @property
    def span(self) -> tuple[Any, ...]:
        """What the cells and scoped copies keep of a member: a change means counting them again."""
        return (self.brand_mask, self.merged, self.since_day, self.until_day, self.home_store)


COLUMNS = list(MemberRow._fields)


def _memberships(session: Session, ids: Sequence[str] | None) -> dict[str, Membership]:
    c, r = CustomerRow.__table__, RegisterRow.__table__
    query = (sa.select(c.c.id, c.c.enrolled_at, c.c.left_at, c.c.segments, c.c.merged_into, c.c.tier, r.c.store_id)
             .select_from(c.outerjoin(r, r.c.id == c.c.enrolled_register_id)))
    if ids is not None:
        query = query.where(c.c.id.in_(ids))
    out: dict[str, Membership] = {}
    none: frozenset[str] = frozenset()
    for cid, enrolled, left, segments, merged, tier, store in session.execute(query).all():
        held = frozenset(json.loads(segments)) if segments and segments != "[]" else none
        out[cid] = Membership(cid, enrolled, left, held, merged, store or HQ_STORE, tier)
    return out


def _with_targets(session: Session, found: dict[str, Membership]) -> dict[str, Membership]:
    """Add the members that merged members were merged into (followed to the end)."""
    wanted = {m.merged_into for m in found.values() if m.merged_into and m.merged_into not in found}
    while wanted:
        more = _memberships(session, sorted(wanted))
        found.update(more)
        wanted = {m.merged_into for m in more.values() if m.merged_into and m.merged_into not in found}
    return found


def _ledger_sums_query(session: Session, cfg: ReportConfig, today: date) -> sa.Select[Any]:
    """Each member's ledger summed as `MemberLedgerSums` says (`creates_lot`, `consumption` in SQL):
    customer_id, balance, consumed, lots_by_30, lots_by_90, recent_accrued."""
    tz = cfg.tz
    c30 = last_lot_day(today + timedelta(days=30), cfg.expiry_months)
    c90 = last_lot_day(today + timedelta(days=90), cfg.expiry_months)
    by_30, by_90 = day_bounds(c30, c30, tz)[1], day_bounds(c90, c90, tz)[1]  # lots of days up to c30, c90
    recent = day_bounds(today - timedelta(days=max(cfg.return_window_days - 1, 0)), today, tz)[0]
    if not is_postgres(session):
        by_30, by_90, recent = (_naive(t) for t in (by_30, by_90, recent))
    t = _LEDGER
    lot = sa.and_(t.c.points > 0, t.c.kind != "reversal")  # facts.creates_lot
    taken = sa.case((sa.or_(t.c.kind == "reversal", t.c.points < 0), -t.c.points), else_=0)  # facts.consumption
    when = t.c.created_at_register
    return sa.select(
        t.c.customer_id, total(session, t.c.points).label("balance"), total(session, taken).label("consumed"),
        total(session, sa.case((sa.and_(lot, when < by_30), t.c.points), else_=0)).label("lots_by_30"),
        total(session, sa.case((sa.and_(lot, when < by_90), t.c.points), else_=0)).label("lots_by_90"),
        total(session, sa.case((sa.and_(t.c.kind == "accrual", when >= recent), t.c.points), else_=0)
              ).label("recent_accrued"),
    ).where(t.c.customer_id.is_not(None)).group_by(t.c.customer_id)


def ledger_sums(session: Session, cfg: ReportConfig, today: date, ids: Sequence[str] | None
                ) -> dict[str, MemberLedgerSums]:
    """Each member's ledger summed as `MemberLedgerSums` says."""
    query = _ledger_sums_query(session, cfg, today)
    if ids is not None:
        query = query.where(_LEDGER.c.customer_id.in_(ids))
    return {cid: MemberLedgerSums(int(balance or 0), int(consumed or 0), int(by30 or 0), int(by90 or 0),
                                  int(fresh or 0))
            for cid, balance, consumed, by30, by90, fresh in session.execute(query).all()}


def _naive(moment: datetime) -> datetime:
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None)


def compute_members(session: Session, cfg: ReportConfig, today: date, ids: Sequence[str] | None) -> list[MemberRow]:
    found = _memberships(session, ids)
    everyone = _with_targets(session, dict(found))
    sums = ledger_sums(session, cfg, today, ids)
    tz, rules = cfg.tz, cfg.rules
    rows = []
    for cid, member in found.items():
        target = member
        seen = {cid}
        while target.merged_into and target.merged_into in everyone and target.merged_into not in seen:
            seen.add(target.merged_into)
            target = everyone[target.merged_into]
        span = participation(Membership(target.customer_id, target.enrolled_at, target.left_at, target.segments,
                                        None, target.home_store, target.tier), rules, tz)
        points = member_points(sums.get(cid, MemberLedgerSums()))
        rows.append(MemberRow(
            cid, member.home_store, span.brand_mask if span else 0, member.merged_into is not None,
            span.since if span else None, span.until if span else None, member.tier or "",
            points.balance, points.pending, points.expiring_30, points.expiring_90))
    return rows


# -- rebuild -----------------------------------------------------------------------------------------


def rebuild_members(session: Session, cfg: ReportConfig, today: date) -> int:
    """Every member's row, computed by the database in one statement, then the counts from them.

    The statement is `compute_members` for a member who was not merged: `facts.participation` of their
    own enrollment, leaving and segments (`span_sql`), `facts.member_points` of their ledger sums
    (`_points_sql`). The few merged members take their target's span as `compute_members` finds it.
    """
    prepare(session)
    session.execute(MEMBERS.delete())  # not TRUNCATE: readers keep reading the old rows meanwhile
    c, r = CustomerRow.__table__, RegisterRow.__table__
    sums = _ledger_sums_query(session, cfg, today).subquery("s")
    mask, since, until = span_sql(session, cfg, c)
    balance, pending, e30, e90 = _points_sql(session, sums)
    rows = sa.select(
        sa.func.row_number().over(), c.c.id,  # any dense numbering will do: ordinals only name members
        sa.func.coalesce(sa.func.nullif(r.c.store_id, ""), HQ_STORE),
        mask, c.c.merged_into.is_not(None), since, until,
        sa.func.coalesce(c.c.tier, ""), balance, pending, e30, e90,
    ).select_from(c.outerjoin(r, r.c.id == c.c.enrolled_register_id).outerjoin(sums, sums.c.customer_id == c.c.id))
    session.execute(MEMBERS.insert().from_select(["ordinal", *COLUMNS], rows))
    merged = list(session.scalars(sa.select(c.c.id).where(c.c.merged_into.is_not(None))))
    for chunk in _chunks(merged, 1000):
        _upsert_members(session, compute_members(session, cfg, today, chunk))
    rebuild_counts(session)
    return int(session.scalar(sa.select(sa.func.count()).select_from(MEMBERS)) or 0)


def span_sql(session: Session, cfg: ReportConfig, c: Any) -> tuple[Any, Any, Any]:
    """`facts.participation` of a customer row (`c`, the customers table or an alias), as SQL: the brand
    mask (`ParticipantRules.member_mask` of the segments held), the first local day and the day they left
    (never before the first); 0, NULL, NULL for a member merged away, never enrolled or in no brand's segment.
    A merged member takes their target's span: `report_members` has it, this does not."""
    mask: Any = sa.literal(0)
    for i, brand in enumerate(cfg.rules.brands):
        held = sa.true() if brand.segment is None else _holds(session, c.c.segments, brand.segment)
        mask = mask + sa.case((held, 1 << i), else_=0)
    since = day_of(session, c.c.enrolled_at, cfg.tz_name)
    left = day_of(session, c.c.left_at, cfg.tz_name)
    until = sa.case((c.c.left_at.is_(None), None), (left < since, since), else_=left)
    counted = sa.and_(c.c.merged_into.is_(None), c.c.enrolled_at.is_not(None), mask != 0)
    return (sa.case((counted, mask), else_=0), sa.case((counted, since), else_=None),
            sa.case((counted, until), else_=None))


def _holds(session: Session, segments: Any, name: str) -> Any:
    """The JSON list of segments names `name`."""
    if is_postgres(session):
        return sa.cast(sa.func.coalesce(segments, "[]"), JSONB).has_key(name)
    each = sa.func.json_each(sa.func.coalesce(segments, "[]")).table_valued("value").alias("held")
    return sa.exists().select_from(each).where(each.c.value == name)


def _points_sql(session: Session, sums: Any) -> tuple[Any, Any, Any, Any]:
    """`facts.member_points` of the ledger sums (a member without entries: all zero)."""
    most, least = (sa.func.greatest, sa.func.least) if is_postgres(session) else (sa.func.max, sa.func.min)

    def value(column: Any) -> Any:
        return sa.cast(sa.func.coalesce(column, 0), sa.BigInteger)

    balance = most(value(sums.c.balance), 0)
    return (balance, least(most(value(sums.c.recent_accrued), 0), balance),
            least(most(value(sums.c.lots_by_30) - value(sums.c.consumed), 0), balance),
            least(most(value(sums.c.lots_by_90) - value(sums.c.consumed), 0), balance))


def _counts(rows: Iterable[MemberRow], sign: int = 1, enroll: dict[Any, list[int]] | None = None,
            counts: dict[Any, list[int]] | None = None) -> tuple[dict[Any, list[int]], dict[Any, list[int]]]:
    """Who started and stopped participating on which day, and who participates now with what points."""
    enroll = {} if enroll is None else enroll
    counts = {} if counts is None else counts
    for row in rows:
        if not row.counted:
            continue
        enroll.setdefault((row.since_day, row.home_store, row.brand_mask), [0, 0])[0] += sign
        if row.until_day is not None:
            enroll.setdefault((row.until_day, row.home_store, row.brand_mask), [0, 0])[1] += sign
        else:
            cell = counts.setdefault((row.home_store, row.brand_mask, row.tier), [0, 0, 0, 0, 0])
            for i, value in enumerate((1, row.balance, row.pending, row.expiring_30, row.expiring_90)):
                cell[i] += sign * value
    return enroll, counts


def rebuild_counts(session: Session) -> None:
    """Enrollment and member cells from `report_members` (plain counting)."""
    m = MEMBERS
    session.execute(ENROLLMENT_CELLS.delete())
    session.execute(MEMBER_CELLS.delete())
    counted = sa.and_(m.c.brand_mask != 0, m.c.merged.is_(False), m.c.since_day.is_not(None))
    starts = sa.select(m.c.since_day.label("day"), m.c.home_store, m.c.brand_mask,
                       sa.literal(1).label("enrolled"), sa.literal(0).label("left")).where(counted)
    stops = sa.select(m.c.until_day.label("day"), m.c.home_store, m.c.brand_mask,
                      sa.literal(0).label("enrolled"), sa.literal(1).label("left")).where(
        counted, m.c.until_day.is_not(None))
    both = sa.union_all(starts, stops).subquery()
    session.execute(ENROLLMENT_CELLS.insert().from_select(
        ["day", "home_store", "brand_mask", "enrolled", "left"],
        sa.select(both.c.day, both.c.home_store, both.c.brand_mask, sa.func.sum(both.c.enrolled),
                  sa.func.sum(both.c.left)).group_by(both.c.day, both.c.home_store, both.c.brand_mask)))
    session.execute(MEMBER_CELLS.insert().from_select(
        ["home_store", "brand_mask", "tier", "members", "balance", "pending", "expiring_30", "expiring_90"],
        sa.select(m.c.home_store, m.c.brand_mask, m.c.tier, sa.func.count(), sa.func.sum(m.c.balance),
                  sa.func.sum(m.c.pending), sa.func.sum(m.c.expiring_30), sa.func.sum(m.c.expiring_90))
        .where(counted, m.c.until_day.is_(None)).group_by(m.c.home_store, m.c.brand_mask, m.c.tier)))


def recompute_points(session: Session, cfg: ReportConfig, today: date) -> None:
    """Every member's points position for a new day (what expires within 30 and 90 days moves daily)."""
    sums = ledger_sums(session, cfg, today, None)
    rows = [(cid, *member_points(s).as_tuple()) for cid, s in sums.items()]
    if is_postgres(session):
        session.execute(sa.text("CREATE TEMP TABLE report_points_now (customer_id varchar(64) PRIMARY KEY, "
                                "balance bigint, pending bigint, expiring_30 bigint, expiring_90 bigint) "
                                "ON COMMIT DROP"))
        table = sa.table("report_points_now", *(sa.column(c) for c in ("customer_id", "balance", "pending",
                                                                           "expiring_30", "expiring_90")))
        bulk_insert(session, table, ["customer_id", "balance", "pending", "expiring_30", "expiring_90"], rows)
        session.execute(sa.text(
            "UPDATE report_members m SET balance = p.balance, pending = p.pending, expiring_30 = p.expiring_30, "
            "expiring_90 = p.expiring_90 FROM report_points_now p WHERE p.customer_id = m.customer_id"))
    else:
        session.execute(MEMBERS.update().where(MEMBERS.c.customer_id == sa.bindparam("b_id")).values(
            balance=sa.bindparam("b_balance"), pending=sa.bindparam("b_pending"),
            expiring_30=sa.bindparam("b_e30"), expiring_90=sa.bindparam("b_e90")),
            [{"b_id": r[0], "b_balance": r[1], "b_pending": r[2], "b_e30": r[3], "b_e90": r[4]} for r in rows])
    rebuild_counts(session)


# -- refresh -----------------------------------------------------------------------------------------


def refresh_members(session: Session, cfg: ReportConfig, today: date, ids: Iterable[str]) -> list[str]:
    """Recompute these members; returns those whose participation changed (their orders need recounting)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    m = MEMBERS
    old = {}
    for chunk in _chunks(wanted, 1000):
        for row in session.execute(sa.select(*(m.c[c] for c in COLUMNS)).where(m.c.customer_id.in_(chunk))):
            old[row.customer_id] = MemberRow(*row)
    changed: list[str] = []
    enroll: dict[Any, list[int]] = {}
    counts: dict[Any, list[int]] = {}
    for chunk in _chunks(wanted, 1000):
        new_rows = compute_members(session, cfg, today, chunk)
        for new in new_rows:
            before = old.get(new.customer_id)
            if before is None or before.span != new.span:
                changed.append(new.customer_id)
            if before is not None:
                _counts((before,), -1, enroll, counts)
            _counts((new,), 1, enroll, counts)
        _upsert_members(session, new_rows)
    upsert_add(session, ENROLLMENT_CELLS, ("day", "home_store", "brand_mask"), [
        {"day": d, "home_store": h, "brand_mask": b, "enrolled": e, "left": left}
        for (d, h, b), (e, left) in enroll.items() if e or left])
    upsert_add(session, MEMBER_CELLS, ("home_store", "brand_mask", "tier"), [
        {"home_store": h, "brand_mask": b, "tier": t, "members": v[0], "balance": v[1], "pending": v[2],
         "expiring_30": v[3], "expiring_90": v[4]} for (h, b, t), v in counts.items() if any(v)])
    return changed


def _upsert_members(session: Session, rows: list[MemberRow]) -> None:
    """Update the members' rows; a new member gets the next ordinal (the caller holds the report's lock)."""
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    known = set(session.scalars(sa.select(MEMBERS.c.customer_id).where(
        MEMBERS.c.customer_id.in_([r.customer_id for r in rows]))))
    last = session.scalar(sa.select(sa.func.coalesce(sa.func.max(MEMBERS.c.ordinal), 0))) or 0
    values = []
    for row in rows:
        value = row._asdict()
        if row.customer_id not in known:
            last += 1
            value["ordinal"] = last
        values.append(value)
    fresh = [v for v in values if "ordinal" in v]
    if fresh:
        session.execute(MEMBERS.insert(), fresh)
    stale = [v for v in values if "ordinal" not in v]
    if stale:
        stmt = (postgresql.insert(MEMBERS) if is_postgres(session) else sqlite.insert(MEMBERS))
        session.execute(stmt.on_conflict_do_update(
            index_elements=["customer_id"], set_={c: stmt.excluded[c] for c in COLUMNS if c != "customer_id"}),
            stale)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


__all__ = ["COLUMNS", "MemberRow", "compute_members", "ledger_sums", "rebuild_counts", "rebuild_members", "span_sql",
           "recompute_points", "refresh_members"]
