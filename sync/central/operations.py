"""Manager operations of the central service: imports, settings, programs, reports.

Every operation is a function of a `Session` (the caller owns the
transaction) and returns values or error lists; the CLI only prints them.
Points the central service grants itself (welcome points, birthday bonus) are
ordinary ledger entries of the pseudo-register `central`, booked through the
same `ledger.ingest` as a register's push.
"""

from __future__ import annotations

import csv
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.money import Currency, MoneyError
from sync.central import codes, feed, ledger, members
from sync.central.db import as_utc, utcnow
from sync.central.grants import book_central_entries
from sync.central.promotions import validate_promotions
from sync.central.tables import (
    AlertRow,
    CatalogItemRow,
    CodeRow,
    ConflictRow,
    CustomerRow,
    LedgerEntryRow,
    PromotionRow,
    SettingRow,
)
from sync.protocol import ChangeTopic, EntryKind

DEFAULT_SETTINGS: dict[str, Any] = {
    "currency": "USD",
    "program.welcome_points": 0,
    "program.welcome_code_percent": None,  # e.g. "10": a personal single-use code at enrollment
    "program.birthday_bonus_points": 0,
    "program.winback_days": 90,
    "program.winback_percent": "10",
    "program.top_spenders_share": "0.1",
    "program.default_phone_region": "US",  # phones typed without "+" are read in this region
}


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: message"


def get_setting(session: Session, key: str) -> Any:
    value = session.scalar(sa.select(SettingRow.value).where(SettingRow.key == key))
    return json.loads(value) if value is not None else DEFAULT_SETTINGS.get(key)


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(SettingRow, key)
    text = json.dumps(value)
    if row is None:
        session.add(SettingRow(key=key, value=text))
    else:
        row.value = text
    feed.emit(session, [(ChangeTopic.SETTING, key, {"key": key, "value": value})])


# -- customers -----------------------------------------------------------------------------------

_CUSTOMER_COLUMNS = {"id", "name", "email", "phone", "card", "birthday", "tier"}


def import_customers(session: Session, path: Path, chunk: int = 5000) -> ImportReport:
    """Bulk enrollment from CSV (header: id,name,email,phone,card,birthday,tier; only id required).

    A bad row is reported by line number and skipped; the rest import. New
    customers get the program's welcome points and, when set, a personal welcome code.
    """
    report = ImportReport()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        unknown = set(reader.fieldnames or []) - _CUSTOMER_COLUMNS
        if "id" not in (reader.fieldnames or []) or unknown:
            report.errors.append(f"line 1: header must have id and only {sorted(_CUSTOMER_COLUMNS)}"
                                 + (f" (unknown: {sorted(unknown)})" if unknown else ""))
            return report
        batch: list[tuple[int, dict[str, Any]]] = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            parsed, error = _parse_customer(row)
            if error:
                report.errors.append(f"line {line}: {error}")
                continue
            assert parsed is not None
            if parsed["id"] in seen:
                report.errors.append(f"line {line}: id {parsed['id']!r} appears twice in the file")
                continue
            seen.add(parsed["id"])
            batch.append((line, parsed))
            if len(batch) >= chunk:
                _upsert_customers(session, batch, report)
                batch = []
        _upsert_customers(session, batch, report)
    return report


def _parse_customer(row: dict[str, str | None]) -> tuple[dict[str, Any] | None, str | None]:
    if None in row:
        return None, "more fields than the header"
    values = {k: (v or "").strip() for k, v in row.items()}
    if not values.get("id"):
        return None, "id: required"
    if len(values["id"]) > 64:
        return None, "id: longer than 64 characters"
    birthday: date | None = None
    if values.get("birthday"):
        try:
            birthday = date.fromisoformat(values["birthday"])
        except ValueError:
            return None, f"birthday: {values['birthday']!r} is not a date (YYYY-MM-DD)"
    if values.get("email") and "@" not in values["email"]:
        return None, f"email: {values['email']!r} is not an email address"
    return {
        "id": values["id"],
        "name": values.get("name", ""),
        "email": values.get("email") or None,
        "phone": values.get("phone") or None,
        "card": values.get("card") or None,
        "birthday": birthday,
        "tier": values.get("tier") or None,
    }, None


def _upsert_customers(session: Session, batch: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
    if not batch:
        return
    ids = [c["id"] for _, c in batch]
    existing = {r.id: r for r in session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_(ids)))}
    now = utcnow()
    new_rows = []
    for _, data in batch:
        row = existing.get(data["id"])
        if row is None:
            new_rows.append({**data, "segments": "[]", "balance": 0, "overdraft": 0, "spent_minor": 0,
                             "enrolled_at": now})
        else:
            for key, value in data.items():
                setattr(row, key, value)
            report.updated += 1
    if new_rows:
        session.execute(sa.insert(CustomerRow), new_rows)
        report.imported += len(new_rows)
    session.flush()
    welcome = int(get_setting(session, "program.welcome_points") or 0)
    fresh_ids = [r["id"] for r in new_rows]
    if welcome > 0 and fresh_ids:
        book_central_entries(session, [(cid, EntryKind.ADJUSTMENT, welcome, f"welcome:{cid}") for cid in fresh_ids])
    welcome_percent = get_setting(session, "program.welcome_code_percent")
    if welcome_percent and fresh_ids:
        now = utcnow()
        for cid in fresh_ids:
            issue_personal_code(session, f"WELCOME-{cid}", cid, str(welcome_percent), "Welcome", now, days=60)
    rows = session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_(ids))).all()
    feed.emit(session, [(ChangeTopic.CUSTOMER, r.id, members.customer_record(r)) for r in rows])
    session.flush()
    session.expunge_all()  # a million-row import must not keep a million objects in the identity map


# -- catalog and promotions -----------------------------------------------------------------------


def import_catalog(session: Session, path: Path) -> ImportReport:
    """Catalog CSV: sku,name,price[,categories,brand,tags] (lists separated by '|'), price like "12.50"."""
    report = ImportReport()
    currency = Currency.of(get_setting(session, "currency") or "USD")
    records: list[tuple[str, dict[str, Any]]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"sku", "price"} <= set(reader.fieldnames or []):
            report.errors.append("line 1: header must have at least sku and price")
            return report
        for row in reader:
            line = reader.line_num
            sku = (row.get("sku") or "").strip()
            if not sku:
                report.errors.append(f"line {line}: sku: required")
                continue
            try:
                price_minor = currency.parse_minor((row.get("price") or "").strip())
            except MoneyError as exc:
                report.errors.append(f"line {line}: price: {exc}")
                continue
            data = {
                "sku": sku,
                "name": (row.get("name") or "").strip(),
                "unit_price": currency.format_minor(price_minor),
                "categories": _split(row.get("categories")),
                "brand": (row.get("brand") or "").strip() or None,
                "tags": _split(row.get("tags")),
            }
            records.append((sku, data))
    for sku, data in records:
        row = session.get(CatalogItemRow, sku)
        if row is None:
            session.add(CatalogItemRow(sku=sku, data=json.dumps(data)))
            report.imported += 1
        else:
            row.data = json.dumps(data)
            report.updated += 1
    session.flush()
    feed.emit(session, [(ChangeTopic.CATALOG_ITEM, sku, data) for sku, data in records])
    return report


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def import_promotions(session: Session, path: Path) -> ImportReport:
    report = ImportReport()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        report.errors.append(f"line {exc.lineno}: {exc.msg}")
        return report
    promotions, errors = validate_promotions(document, Currency.of(get_setting(session, "currency") or "USD"))
    if errors:
        report.errors = errors
        return report
    for promo in promotions:
        upsert_promotion(session, promo, report)
    return report


def upsert_promotion(session: Session, promo: dict[str, Any], report: ImportReport | None = None) -> None:
    now = utcnow()
    row = session.get(PromotionRow, promo["id"])
    if row is None:
        session.add(PromotionRow(id=promo["id"], data=json.dumps(promo), updated_at=now))
        if report:
            report.imported += 1
    else:
        row.data, row.updated_at = json.dumps(promo), now
        if report:
            report.updated += 1
    changes: list[feed.Record] = [(ChangeTopic.PROMOTION, promo["id"], promo)]
    for code in promo.get("codes", []):
        key = ledger.normalize_code(code["code"])
        code_row = session.get(CodeRow, key)
        if code_row is None:
            code_row = CodeRow(code=key, promotion_id=promo["id"], customer_id=code.get("customer"),
                               uses_allowed=code.get("uses_left"), used=0)
            session.add(code_row)
        changes.append((ChangeTopic.CODE, key, codes.code_record(code_row)))
    session.flush()
    feed.emit(session, changes)


# -- programs ------------------------------------------------------------------------------------


@dataclass
class ProgramReport:
    birthday_bonuses: int = 0
    winback_codes: int = 0
    segment_changes: int = 0


def run_programs(session: Session, today: date | None = None, now: datetime | None = None) -> ProgramReport:
    """Birthday bonus, win-back codes and segment recomputation (run daily, e.g. from cron)."""
    now = now or utcnow()
    today = today or now.date()
    report = ProgramReport()
    report.birthday_bonuses = grant_birthday_bonuses(session, today)
    report.segment_changes = recompute_segments(session, now)
    report.winback_codes = issue_winback_codes(session, now)
    return report


def grant_birthday_bonuses(session: Session, today: date) -> int:
    points = int(get_setting(session, "program.birthday_bonus_points") or 0)
    if points <= 0:
        return 0
    candidates = [
        cid for cid, birthday in session.execute(
            sa.select(CustomerRow.id, CustomerRow.birthday).where(CustomerRow.birthday.is_not(None)))
        if _is_birthday(birthday, today)
    ]
    tags = {cid: f"birthday:{cid}:{today.year}" for cid in candidates}
    already = set(session.scalars(sa.select(LedgerEntryRow.order_id).where(LedgerEntryRow.order_id.in_(tags.values()))))
    grants = [(cid, EntryKind.ACCRUAL, points, tag) for cid, tag in tags.items() if tag not in already]
    return book_central_entries(session, grants)


def _is_birthday(birthday: date, today: date) -> bool:
    month, day = birthday.month, birthday.day
    if (month, day) == (2, 29) and not _leap(today.year):
        month, day = 2, 28
    return (month, day) == (today.month, today.day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def set_segments(session: Session, segments: dict[str, list[str]]) -> int:
    """Give customers these segments (e.g. from a marketing tool) and publish them to registers."""
    rows = session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_(segments)).with_for_update()).all()
    for row in rows:
        row.segments = json.dumps(sorted(segments[row.id]))
    session.flush()
    feed.emit(session, [(ChangeTopic.CUSTOMER, row.id, members.customer_record(row)) for row in rows])
    return len(rows)


def recompute_segments(session: Session, now: datetime) -> int:
    """`lapsed_60d`: no order for 60 days (enrolled at least 60 days ago); `top_spenders`: the top share by spend."""
    share = float(get_setting(session, "program.top_spenders_share") or 0.1)
    rows = session.scalars(sa.select(CustomerRow).with_for_update()).all()
    spenders = sorted((r for r in rows if r.spent_minor > 0), key=lambda r: (-r.spent_minor, r.id))
    top = {r.id for r in spenders[: max(1, int(len(spenders) * share))]} if spenders else set()
    cutoff = now - timedelta(days=60)
    changed = []
    for row in rows:
        segments = set(json.loads(row.segments or "[]")) - {"lapsed_60d", "top_spenders"}
        last = as_utc(row.last_order_at) or as_utc(row.enrolled_at)
        if last is not None and last < cutoff:
            segments.add("lapsed_60d")
        if row.id in top:
            segments.add("top_spenders")
        text = json.dumps(sorted(segments))
        if text != row.segments:
            row.segments = text
            changed.append(row)
    session.flush()
    feed.emit(session, [(ChangeTopic.CUSTOMER, r.id, members.customer_record(r)) for r in changed])
    return len(changed)


def issue_winback_codes(session: Session, now: datetime) -> int:
    """A personal single-use code for every customer with no order in N days (once per lapse)."""
    days = int(get_setting(session, "program.winback_days") or 90)
    percent = str(get_setting(session, "program.winback_percent") or "10")
    cutoff = now - timedelta(days=days)
    lapsed = [
        r for r in session.scalars(sa.select(CustomerRow))
        if (as_utc(r.last_order_at) or as_utc(r.enrolled_at)) < cutoff
    ]
    issued = 0
    for customer in lapsed:
        last = as_utc(customer.last_order_at) or as_utc(customer.enrolled_at)
        promo_id = f"WINBACK-{customer.id}-{last:%Y%m%d}"
        if session.get(PromotionRow, promo_id) is not None:
            continue
        issue_personal_code(session, promo_id, customer.id, percent, "We miss you", now, days=30)
        issued += 1
    return issued


def issue_personal_code(session: Session, promo_id: str, customer_id: str, percent: str, title: str,
                        now: datetime, days: int) -> str:
    """A personal promotion with one single-use code for one customer; returns the code."""
    code = promo_id.split("-", 1)[0][:2] + secrets.token_hex(4).upper()
    upsert_promotion(session, {
        "id": promo_id,
        "name": f"{title}: {percent}% off",
        "kind": "discount",
        "priority": 50,
        "audience": {"segments": [], "tiers": [], "customers": [customer_id]},
        "codes": [{"code": code, "customer": customer_id, "uses_left": 1}],
        "valid": {"from": now.date().isoformat(), "to": (now + timedelta(days=days)).date().isoformat()},
        "reward": {"type": "percent", "value": percent, "target": "order"},
    })
    return code


# -- reports -------------------------------------------------------------------------------------


def balance_report(session: Session, customer_id: str) -> dict[str, Any] | None:
    row = session.get(CustomerRow, customer_id)
    if row is None:
        return None
    ledger_sum = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntryRow.points), 0)).where(LedgerEntryRow.customer_id == customer_id)
    )
    return {**members.customer_record(row), "ledger_sum": int(ledger_sum or 0),
            "entries": session.scalar(sa.select(sa.func.count()).where(LedgerEntryRow.customer_id == customer_id))}


def leakage_total(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ConflictRow.leakage_minor), 0))) or 0)


def list_alerts(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Operator alerts, newest first (e.g. an entry id pushed with two payloads: 409)."""
    rows = session.scalars(sa.select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)).all()
    return [{"kind": r.kind, "register_id": r.register_id, "entry_id": r.entry_id, "detail": r.detail,
             "created_at": r.created_at.isoformat()} for r in rows]
