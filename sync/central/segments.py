"""Segments: named groups of members that personal promotions are aimed at (`audience.segments`).

Built-in segments are rules with parameters, in the setting `segments`:

    [{"name": "lapsed_60d",     "rule": "lapsed",         "days": 60},
     {"name": "top_spenders",   "rule": "top_spenders",   "percentile": 90, "days": 365},
     {"name": "new_members",    "rule": "new_members",    "days": 30},
     {"name": "birthday_month", "rule": "birthday_month"},
     {"name": "gold_and_up",    "rule": "tier",           "tiers": ["gold", "platinum"]}]

- `lapsed`: no order for `days` days (a member who never bought: enrolled at least that long ago);
- `top_spenders`: the members whose net spend over the last `days` days is at or above the
  `percentile`-th percentile of the members who spent anything (90: the top 10%);
- `new_members`: enrolled within the last `days` days;
- `birthday_month`: born in the month of the run;
- `tier`: holding one of `tiers`.

Without the setting the program has `lapsed_60d` and `top_spenders` (90th percentile over a year).
The segment job recomputes them as of the start of its day (`sync.central.jobs`).

Custom segments come from files: `pos-central import-segment VIP vip.csv` makes the file's members
the segment's members (a column `id`, `card`, `email` or `phone` finds each one; a line that finds
nobody, or a member twice, is reported with its number and skipped). They live in `segment_members`
and the job keeps them. A member's `segments` (what registers receive) are both kinds together.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from sync.central import members
from sync.central.bulk import insert_rows, update_rows
from sync.central.days import chain_zone, start_of
from sync.central.db import utcnow
from sync.central.member_updates import chunks, emit_members, write_members
from sync.central.settings import get_setting
from sync.central.tables import CustomerRow, SegmentMemberRow
from sync.protocol import identity

RULES = {
    "lapsed": {"days"},
    "top_spenders": {"percentile", "days"},
    "new_members": {"days"},
    "birthday_month": set(),
    "tier": {"tiers"},
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class SegmentRule:
    name: str
    rule: str
    days: int = 0
    percentile: float = 90.0
    tiers: tuple[str, ...] = ()


def default_rules(session: Session) -> list[dict[str, Any]]:
    share = float(get_setting(session, "program.top_spenders_share") or 0.1)
    return [{"name": "lapsed_60d", "rule": "lapsed", "days": 60},
            {"name": "top_spenders", "rule": "top_spenders", "percentile": round(100 - share * 100, 6), "days": 365}]


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"segment name {name!r}: letters, digits, '_', '-' or '.', at most 64")
    return name


def segment_rules(value: Any) -> list[SegmentRule]:
    """The `segments` setting as rules; ValueError naming the first thing wrong (`segments[2].days: ...`)."""
    if not isinstance(value, list):
        raise ValueError("segments: a list of {\"name\", \"rule\", ...parameters}")
    rules: list[SegmentRule] = []
    for i, item in enumerate(value):
        where = f"segments[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: an object with name and rule")
        try:
            name = check_name(item.get("name"))  # type: ignore[arg-type]
        except ValueError as exc:
            raise ValueError(f"{where}.name: {exc}") from None
        rule = item.get("rule")
        if rule not in RULES:
            raise ValueError(f"{where}.rule: one of {', '.join(sorted(RULES))}")
        unknown = set(item) - {"name", "rule"} - RULES[rule]
        if unknown:
            raise ValueError(f"{where}: unknown field {sorted(unknown)[0]!r} for rule {rule}")
        days = item.get("days", 365 if rule == "top_spenders" else 0)
        if "days" in RULES[rule] and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
            raise ValueError(f"{where}.days: a whole number of days, at least 1")
        percentile = item.get("percentile", 90)
        if rule == "top_spenders" and (isinstance(percentile, bool) or not isinstance(percentile, int | float)
                                       or not 0 <= percentile < 100):
            raise ValueError(f"{where}.percentile: a number from 0 to below 100 (90: the top 10%)")
        tiers = item.get("tiers", [])
        if rule == "tier" and (not isinstance(tiers, list) or not tiers or not all(isinstance(t, str) for t in tiers)):
            raise ValueError(f"{where}.tiers: a list of tier names")
        if any(r.name == name for r in rules):
            raise ValueError(f"{where}.name: {name!r} twice")
        rules.append(SegmentRule(name, rule, int(days), float(percentile), tuple(tiers)))
    return rules


def program_rules(session: Session) -> list[SegmentRule]:
    value = get_setting(session, "segments")
    return segment_rules(default_rules(session) if value is None else value)


# -- the daily job ---------------------------------------------------------------------------------


def _rule_members(conn: sa.Connection, rule: SegmentRule, as_of: date, start: datetime) -> set[str]:
    live = CustomerRow.merged_into.is_(None)
    if rule.rule == "lapsed":
        last = sa.func.coalesce(CustomerRow.last_order_at, CustomerRow.enrolled_at)
        return set(conn.scalars(sa.select(CustomerRow.id).where(live, last < start - timedelta(days=rule.days))))
    if rule.rule == "new_members":
        since = start - timedelta(days=rule.days)
        return set(conn.scalars(sa.select(CustomerRow.id).where(live, CustomerRow.enrolled_at >= since,
                                                                CustomerRow.enrolled_at < start)))
    if rule.rule == "birthday_month":
        return set(conn.scalars(sa.select(CustomerRow.id).where(
            live, sa.extract("month", CustomerRow.birthday) == as_of.month)))
    if rule.rule == "tier":
        return set(conn.scalars(sa.select(CustomerRow.id).where(live, CustomerRow.tier.in_(rule.tiers))))
    from sync.central.tiers import spend_by_member

    spend = spend_by_member(start - timedelta(days=rule.days), start)
    spenders = conn.execute(sa.select(spend.c.customer_id, spend.c.spend).where(spend.c.spend > 0)).all()
    ranked = sorted(spenders, key=lambda r: (-int(r.spend), r.customer_id))
    keep = max(1, int(len(ranked) * (100 - rule.percentile) / 100)) if ranked else 0
    return {r.customer_id for r in ranked[:keep]}


def run_job(engine: Engine, as_of: date) -> dict[str, Any]:
    """Recompute the built-in segments as of the start of `as_of` and publish the members whose segments changed."""
    from sync.central.app import run_in_transaction

    def read(session: Session) -> tuple[list[SegmentRule], Any]:
        return program_rules(session), chain_zone(session)

    rules, zone = run_in_transaction(engine, read)
    start = start_of(as_of, zone)
    wanted: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, int] = {}
    with engine.connect() as conn:
        for rule in rules:
            found = _rule_members(conn, rule, as_of, start)
            sizes[rule.name] = len(found)
            for cid in found:
                wanted[cid].add(rule.name)
        for segment, cid in conn.execute(sa.select(SegmentMemberRow.segment, SegmentMemberRow.customer_id)):
            wanted[cid].add(segment)
        current = conn.execute(sa.select(CustomerRow.id, CustomerRow.segments)
                               .where(CustomerRow.merged_into.is_(None))).all()
    changes = []
    for cid, text in current:
        now = json.dumps(sorted(wanted.get(cid, ())))
        if now != (text or "[]"):
            changes.append((cid, now))
    wanted.clear()
    written = write_members(engine, ({"id": cid, "segments": text} for cid, text in changes), ("segments",))
    return {"as_of": as_of.isoformat(), "segments": sizes, "members_changed": written}


# -- custom segments from files --------------------------------------------------------------------


@dataclass
class SegmentImport:
    name: str
    members: int = 0
    added: int = 0
    removed: int = 0
    errors: list[str] | None = None


_KEY_COLUMNS = ("id", "customer_id", "card", "email", "phone")


def import_segment(session: Session, name: str, path: Path) -> SegmentImport:
    """Make the members the file names the custom segment `name` (see the module docstring)."""
    from sync.central.imports import ImportReport, _rows

    check_name(name)
    if name in {rule.name for rule in program_rules(session)}:
        raise ValueError(f"{name!r} is a built-in segment (setting `segments`): choose another name")
    report = ImportReport()
    region = str(get_setting(session, "program.default_phone_region") or "US")
    found: dict[str, int] = {}
    rows = list(_rows(path, report, set(), None))
    if not report.errors and rows and not set(rows[0][1]) & set(_KEY_COLUMNS):
        report.errors.append(f"line 1: the header needs one of {', '.join(_KEY_COLUMNS)}")
        rows = []
    for line, row in rows:
        try:
            member = _find_member(session, row, region)
        except ValueError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        if member in found:
            report.errors.append(f"line {line}: member {member} is already on line {found[member]}")
            continue
        found[member] = line
    result = SegmentImport(name, len(found), errors=report.errors)
    if not found and report.errors:
        return result  # nothing usable: the segment stays as it was
    before = set(session.scalars(sa.select(SegmentMemberRow.customer_id).where(SegmentMemberRow.segment == name)))
    added, removed = sorted(set(found) - before), sorted(before - set(found))
    now = utcnow()
    if removed:
        for group in chunks(removed, 5000):
            session.execute(sa.delete(SegmentMemberRow).where(SegmentMemberRow.segment == name,
                                                              SegmentMemberRow.customer_id.in_(group)))
    insert_rows(session, SegmentMemberRow.__table__,
                [{"segment": name, "customer_id": cid, "added_at": now} for cid in added])
    _retag(session, name, added, removed)
    result.added, result.removed = len(added), len(removed)
    return result


def _find_member(session: Session, row: dict[str, str], region: str) -> str:
    column = next((c for c in _KEY_COLUMNS if row.get(c)), None)
    if column is None:
        raise ValueError("no id, card, email or phone on this line")
    value = row[column]
    try:
        if column in ("id", "customer_id"):
            match = CustomerRow.id == value
        elif column == "card":
            match = CustomerRow.card == identity.card_number(value)
        elif column == "email":
            match = sa.func.lower(CustomerRow.email) == identity.email(value).lower()
        else:
            match = CustomerRow.phone == identity.phone(value, region)
    except identity.IdentityError as exc:
        raise ValueError(f"{column}: {exc.message}") from None
    ids = list(session.scalars(sa.select(CustomerRow.id).where(match).order_by(CustomerRow.id).limit(3)))
    if not ids:
        raise ValueError(f"no member with {column} {value}")
    if len(ids) > 1:
        raise ValueError(f"{column} {value} belongs to {', '.join(ids)}: use their id")
    return members.resolve_member(session, ids[0])


def _retag(session: Session, name: str, added: list[str], removed: list[str]) -> None:
    """Put `name` into (or out of) these members' segments and publish them."""
    gone = set(removed)
    for group in chunks(added + removed, 5000):
        rows = session.execute(sa.select(CustomerRow.id, CustomerRow.segments).where(CustomerRow.id.in_(group))).all()
        params = []
        for cid, text in rows:
            names = set(json.loads(text or "[]"))
            names = names - {name} if cid in gone else names | {name}
            params.append({"id": cid, "segments": json.dumps(sorted(names))})
        update_rows(session, CustomerRow.__table__, "id", params, ("segments",))
        emit_members(session, group)


def set_custom_segments(session: Session, segments: dict[str, list[str]]) -> int:
    """Give members these custom segments (e.g. from a marketing tool), replacing their custom ones."""
    builtin = {rule.name for rule in program_rules(session)}
    ids = sorted(segments)
    now = utcnow()
    for group in chunks(ids, 5000):
        session.execute(sa.delete(SegmentMemberRow).where(SegmentMemberRow.customer_id.in_(group)))
    insert_rows(session, SegmentMemberRow.__table__, [
        {"segment": check_name(s), "customer_id": cid, "added_at": now}
        for cid in ids for s in sorted(set(segments[cid])) if s not in builtin])
    changed = 0
    for group in chunks(ids, 5000):
        current = session.execute(sa.select(CustomerRow.id, CustomerRow.segments).where(CustomerRow.id.in_(group))).all()
        params = [{"id": cid, "segments": json.dumps(sorted((set(json.loads(text or "[]")) & builtin)
                                                            | set(segments[cid])))} for cid, text in current]
        update_rows(session, CustomerRow.__table__, "id", params, ("segments",))
        emit_members(session, [p["id"] for p in params])
        changed += len(params)
    return changed


def segment_sizes(session: Session) -> list[tuple[str, str, int]]:
    """(name, kind, members) of every segment: the built-in rules, then the custom ones."""
    counts: dict[str, int] = defaultdict(int)
    for (text,) in session.execute(sa.select(CustomerRow.segments).where(CustomerRow.segments != "[]")):
        for name in json.loads(text or "[]"):
            counts[name] += 1
    builtin = program_rules(session)
    custom = session.execute(sa.select(SegmentMemberRow.segment, sa.func.count())
                             .group_by(SegmentMemberRow.segment).order_by(SegmentMemberRow.segment)).all()
    return ([(rule.name, f"rule {rule.rule}", counts.get(rule.name, 0)) for rule in builtin]
            + [(name, "custom", int(n)) for name, n in custom])


__all__ = ["SegmentImport", "SegmentRule", "import_segment", "program_rules", "run_job", "segment_rules",
           "segment_sizes", "set_custom_segments"]
