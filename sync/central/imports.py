"""Loading the program from files: members (CSV), the catalogue (CSV), promotions (FORMAT.md JSON).

An import never breaks the chain. A file is read as UTF-8; a line that is not
(a file saved as Latin-1) is reported with its number and skipped while the
good lines import. A member row is checked like an enrollment at a till
(`sync.protocol.identity`): a card with a wrong check digit, a phone that is
not one, an email that is not one or is too long, and a card, phone or email
that another member already holds (or an earlier line of the same file) are
refused with the line's number. A column the file does not have leaves that
field of existing members alone: `id,tier` changes tiers and nothing else;
clearing a field takes the column with an empty value.

Promotions are checked with the register engine's own parser, the whole file
or nothing, and a code that another promotion already owns is refused, so
the central service never publishes what a register could not apply. A
code's `uses_left` changed in the file since its last import is applied; the
same value imported again leaves the uses already counted alone.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.money import Currency, MoneyError
from pos_app.domain.promotion import normalize_code
from sync.central import codes, feed, members
from sync.central.db import utcnow
from sync.central.grants import book_central_entries
from sync.central.promotions import validate_promotions
from sync.central.settings import get_setting
from sync.central.tables import CatalogItemRow, CodeRow, CustomerRow, PromotionRow, TierChangeRow
from sync.protocol import ChangeTopic, EntryKind, identity

CUSTOMER_COLUMNS = ("id", "name", "email", "phone", "card", "birthday", "tier")
_KEYS = ("card", "phone", "email")
_NOT_UTF8 = "not UTF-8 text (save the file as UTF-8)"


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: message"


def _rows(path: Path, report: ImportReport, required: set[str], allowed: set[str] | None
          ) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV file; a row that is not UTF-8 or has too many fields is reported, not given."""
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if any(_has_bad_bytes(name) for name in header):
            report.errors.append(f"line 1: {_NOT_UTF8}")
            return
        unknown = set(header) - allowed if allowed is not None else set()
        if not required <= set(header) or unknown:
            report.errors.append(
                f"line 1: the header must have {', '.join(sorted(required))}"
                + (f" and only {', '.join(c for c in CUSTOMER_COLUMNS)}" if allowed is not None else "")
                + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else ""))
            return
        for row in reader:
            line = reader.line_num
            if None in row:
                report.errors.append(f"line {line}: more fields than the header")
                continue
            if any(_has_bad_bytes(v) for v in row.values() if v):
                report.errors.append(f"line {line}: {_NOT_UTF8}")
                continue
            yield line, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


# -- members -------------------------------------------------------------------------------------


def import_customers(session: Session, path: Path, chunk: int = 5000) -> ImportReport:
    """Members from CSV (header: id and any of name,email,phone,card,birthday,tier); see the module docstring.

    New members get the program's welcome points; a tier the file sets is written to the tier history
    (`tier_changes`, reason `import`), and the daily tier job moves it from then on.
    """
    report = ImportReport()
    region = str(_setting(session, "program.default_phone_region") or "US")
    tiers = frozenset(str(t.get("name")) for t in _setting(session, "tiers") or () if isinstance(t, dict))
    batch: list[tuple[int, dict[str, Any]]] = []
    seen_ids: set[str] = set()
    seen_keys: dict[tuple[str, str], str] = {}
    for line, row in _rows(path, report, {"id"}, set(CUSTOMER_COLUMNS)):
        try:
            parsed = _parse_member(row, region, tiers)
        except ValueError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        if parsed["id"] in seen_ids:
            report.errors.append(f"line {line}: id {parsed['id']!r} appears twice in the file")
            continue
        clash = next((f"{k} {parsed[k]} is also on the line of member {seen_keys[(k, _key(k, parsed[k]))]}"
                      for k in _KEYS if parsed.get(k) and (k, _key(k, parsed[k])) in seen_keys), None)
        if clash:
            report.errors.append(f"line {line}: {clash}")
            continue
        seen_ids.add(parsed["id"])
        for k in _KEYS:
            if parsed.get(k):
                seen_keys[(k, _key(k, parsed[k]))] = parsed["id"]
        batch.append((line, parsed))
        if len(batch) >= chunk:
            _upsert_members(session, batch, report)
            batch = []
    _upsert_members(session, batch, report)
    report.errors.sort(key=_line_number)
    return report


def _line_number(error: str) -> int:
    head = error.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


def _key(column: str, value: str) -> str:
    return value.lower() if column == "email" else value


def _parse_member(values: dict[str, str], region: str, tiers: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The row's fields in their stored form, only those the file has; raises ValueError with the reason.

    `tiers`: the program's tier names; a tier outside them is refused (none set: any name is kept)."""
    member_id = values.get("id", "")
    if not member_id:
        raise ValueError("id: required")
    if len(member_id) > 64:
        raise ValueError("id: longer than 64 characters")
    parsed: dict[str, Any] = {"id": member_id}
    try:
        if "name" in values:
            parsed["name"] = identity.person_name(values["name"]) if values["name"] else ""
        if "card" in values:
            parsed["card"] = identity.card_number(values["card"]) if values["card"] else None
        if "phone" in values:
            parsed["phone"] = identity.phone(values["phone"], region) if values["phone"] else None
        if "email" in values:
            parsed["email"] = identity.email(values["email"]) if values["email"] else None
    except identity.IdentityError as exc:
        raise ValueError(exc.message) from None
    if "birthday" in values:
        try:
            parsed["birthday"] = date.fromisoformat(values["birthday"]) if values["birthday"] else None
        except ValueError:
            raise ValueError(f"birthday: {values['birthday'][:20]!r} is not a date (YYYY-MM-DD)") from None
    if "tier" in values:
        if len(values["tier"]) > 32:
            raise ValueError("tier: longer than 32 characters")
        if values["tier"] and tiers and values["tier"] not in tiers:
            raise ValueError(f"tier: {values['tier']!r} is not one of the program's ({', '.join(sorted(tiers))})")
        parsed["tier"] = values["tier"] or None
    return parsed


def _holders(session: Session, batch: list[tuple[int, dict[str, Any]]]) -> dict[tuple[str, str], str]:
    """Which members already hold the cards, phones and emails of the batch, keyed by (column, value)."""
    held: dict[tuple[str, str], str] = {}
    for column in _KEYS:
        values = sorted({_key(column, d[column]) for _, d in batch if d.get(column)})
        if not values:
            continue
        col = getattr(CustomerRow, column)
        match = sa.func.lower(col).in_(values) if column == "email" else col.in_(values)
        for cid, value in session.execute(
                sa.select(CustomerRow.id, col).where(match, CustomerRow.merged_into.is_(None))):
            held[(column, _key(column, value))] = cid
    return held


def _upsert_members(session: Session, batch: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
    if not batch:
        return
    held = _holders(session, batch)
    accepted: list[tuple[int, dict[str, Any]]] = []
    for line, data in batch:
        taken = next(((k, held[(k, _key(k, data[k]))]) for k in _KEYS
                      if data.get(k) and held.get((k, _key(k, data[k]))) not in (None, data["id"])), None)
        if taken:
            report.errors.append(f"line {line}: {taken[0]} {data[taken[0]]} already belongs to member {taken[1]}")
            continue
        accepted.append((line, data))
    ids = [d["id"] for _, d in accepted]
    existing = {r.id: r for r in session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_(ids)))}
    now = utcnow()
    new_rows = []
    tier_changes: list[dict[str, Any]] = []
    for _, data in accepted:
        row = existing.get(data["id"])
        if row is None:
            new_rows.append({"name": "", "email": None, "phone": None, "card": None, "birthday": None, "tier": None,
                             **data, "segments": "[]", "balance": 0, "overdraft": 0, "spent_minor": 0,
                             "enrolled_at": now, "consent_email": False, "consent_sms": False})
        else:
            if "tier" in data and data["tier"] != row.tier:
                tier_changes.append({"customer_id": row.id, "from_tier": row.tier, "to_tier": data["tier"],
                                     "changed_at": now, "reason": "import"})
            for key, value in data.items():
                setattr(row, key, value)
            report.updated += 1
    if new_rows:
        session.execute(sa.insert(CustomerRow), new_rows)
        report.imported += len(new_rows)
        tier_changes += [{"customer_id": r["id"], "from_tier": None, "to_tier": r["tier"], "changed_at": now,
                          "reason": "import"} for r in new_rows if r["tier"]]
    if tier_changes:
        session.execute(sa.insert(TierChangeRow), tier_changes)
    session.flush()
    fresh_ids = [r["id"] for r in new_rows]
    welcome = int(_setting(session, "program.welcome_points") or 0)
    if welcome > 0 and fresh_ids:
        book_central_entries(session, [(cid, EntryKind.ADJUSTMENT, welcome, f"welcome:{cid}") for cid in fresh_ids])
    rows = session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_(ids))).all()
    feed.emit(session, [(ChangeTopic.CUSTOMER, r.id, members.customer_record(r)) for r in rows])
    session.flush()
    session.expunge_all()  # a million-row import must not keep a million objects in the identity map


def _setting(session: Session, key: str) -> Any:
    return get_setting(session, key)


# -- catalogue -----------------------------------------------------------------------------------


def import_catalog(session: Session, path: Path) -> ImportReport:
    """Catalog CSV: sku,name,price[,categories,brand,tags] (lists separated by '|'), price like "12.50"."""
    report = ImportReport()
    currency = Currency.of(_setting(session, "currency") or "USD")
    records: list[tuple[str, dict[str, Any]]] = []
    for line, row in _rows(path, report, {"sku", "name", "price"}, None):
        sku = row.get("sku", "")
        if not sku:
            report.errors.append(f"line {line}: sku: required")
            continue
        if len(sku) > 64 or len(row.get("name", "")) > 200:
            report.errors.append(f"line {line}: sku (64) or name (200 characters) too long")
            continue
        if not row.get("name", "").strip():
            report.errors.append(f"line {line}: name: required (the cashier and the receipt show it)")
            continue
        try:
            price_minor = currency.parse_minor(row.get("price", ""))
        except MoneyError as exc:
            report.errors.append(f"line {line}: price: {exc}")
            continue
        records.append((sku, {
            "sku": sku,
            "name": row.get("name", ""),
            "unit_price": currency.format_minor(price_minor),
            "categories": _split(row.get("categories")),
            "brand": row.get("brand") or None,
            "tags": _split(row.get("tags")),
        }))
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


# -- promotions ----------------------------------------------------------------------------------


def import_promotions(session: Session, path: Path) -> ImportReport:
    """FORMAT.md promotions (a list, or {"promotions": [...]}), all or nothing."""
    report = ImportReport()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        report.errors.append(f"byte {exc.start}: {_NOT_UTF8}")
        return report
    except json.JSONDecodeError as exc:
        report.errors.append(f"line {exc.lineno}: {exc.msg}")
        return report
    promotions, errors = validate_promotions(document, Currency.of(_setting(session, "currency") or "USD"))
    errors += _codes_owned_elsewhere(session, promotions)
    if errors:
        report.errors = errors
        return report
    for promo in promotions:
        upsert_promotion(session, promo, report)
    return report


def _codes_owned_elsewhere(session: Session, promotions: list[dict[str, Any]]) -> list[str]:
    wanted = {normalize_code(c["code"]): (i, j, p["id"]) for i, p in enumerate(promotions)
              for j, c in enumerate(p.get("codes") or [])}
    if not wanted:
        return []
    errors = []
    for key in sorted(wanted):
        owner = session.scalar(sa.select(CodeRow.promotion_id).where(CodeRow.code == key))
        i, j, promotion_id = wanted[key]
        if owner is not None and owner != promotion_id:
            errors.append(f"promotions[{i}].codes[{j}].code: code {key!r} already belongs to promotion {owner}")
    return errors


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
        key = normalize_code(code["code"])
        uses_left = code.get("uses_left")
        code_row = session.get(CodeRow, key)
        if code_row is None:
            code_row = CodeRow(code=key, promotion_id=promo["id"], customer_id=code.get("customer"),
                               uses_allowed=uses_left, used=0, imported_uses_left=uses_left)
            session.add(code_row)
        elif uses_left != code_row.imported_uses_left:
            # The marketer changed the uses in the file: that many are left from now on.
            code_row.uses_allowed = None if uses_left is None else code_row.used + uses_left
            code_row.imported_uses_left = uses_left
            code_row.customer_id = code.get("customer")
        changes.append((ChangeTopic.CODE, key, codes.code_record(code_row)))
    session.flush()
    feed.emit(session, changes)


__all__ = ["CUSTOMER_COLUMNS", "ImportReport", "import_catalog", "import_customers", "import_promotions",
           "upsert_promotion"]
