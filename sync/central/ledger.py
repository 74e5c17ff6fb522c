"""Ingesting pushed ledger entries: idempotency, gapless seq, and the conflict policy.

One push is one transaction. The register row is locked first (one push per
register at a time), then every customer and code the batch touches, in key
order so that concurrent pushes never deadlock each other. Inside those locks
the server decides each entry in `seq` order:

- an id it already holds with the same payload hash is answered `exists`; with
  another hash (or a seq already holding another id) the whole push is a 409;
- a batch that would leave a hole in the register's seq is refused (422);
- business refusals (`reversal_of_reversal`, `already_reversed`,
  `insufficient_balance` for an online entry, ...) are `rejected(reason)`,
  recorded so that a resend gets the same answer;
- points spent offline beyond the balance are posted and flagged, and the
  shortfall is booked as an offline overdraft that later accruals pay down;
- a single-use code already used at the server: the entry is posted and
  flagged, its discount booked as promotion leakage. First committed wins.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from pos_app.domain.promotion import normalize_code as domain_normalize_code
from sync.central import feed
from sync.central.codes import code_record
from sync.central.errors import Forbidden, PayloadConflict, SeqGap
from sync.central.holds import consume_holds
from sync.central.invariants import EntryChecks, out_of_range
from sync.central.members import CustomerState, customer_record, lock_customers, write_customers
from sync.central.orders import chain_order_id, order_from_entry
from sync.central.report import live as report_live
from sync.central.tables import (
    CodeRow,
    ConflictRow,
    LedgerEntryRow,
    OrderRow,
    OverdraftEventRow,
    RegisterRow,
    RejectedEntryRow,
)
from sync.protocol import ChangeTopic, EntryKind, EntryResult, EntryStatus, LedgerEntry
from sync.protocol.models import UnreadableEntry, canonical_payload

FLAG_OVERDRAFT = "offline_overdraft"
FLAG_CODE_USED = "code_already_used"
FLAG_CODE_NOT_OWNER = "code_not_owner"
FLAG_UNKNOWN_CODE = "unknown_code"


def normalize_code(code: str) -> str:
    """The register engine's rule: case-insensitive after trimming spaces."""
    return domain_normalize_code(code)


@dataclass
class PushOutcome:
    results: list[EntryResult]
    acked_through_seq: int
    merged_members: frozenset[str] = frozenset()  # booked to members merged away: to forward


@dataclass
class ConflictingPayload:
    """What the 409 alert records (written after the push's rollback)."""

    register_id: str
    entry_id: str
    detail: str


class PayloadConflictError(PayloadConflict):
    def __init__(self, detail: str, alert: ConflictingPayload) -> None:
        super().__init__(detail)
        self.alert = alert


@dataclass(frozen=True)
class _Target:
    id: str
    kind: str
    customer_id: str | None
    points: int
    code: str | None
    flags: str


@dataclass
class _Bookings:
    ledger: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    overdraft: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Pushed:
    """One item of a push: a readable entry, or one answered `rejected` up front (`refusal`)."""

    id: str
    seq: int
    payload_hash: str
    entry: LedgerEntry | None
    refusal: str | None = None
    payload: str | None = None  # what is stored for an entry refused up front


def _pushed(item: LedgerEntry | UnreadableEntry, index: int, register: RegisterRow) -> _Pushed:
    if isinstance(item, LedgerEntry):
        if item.register_id != register.id:
            raise Forbidden(f"entries[{index}].register_id: {item.register_id!r} is not this register ({register.id})")
        if not item.hash_is_valid():
            payload = canonical_payload(item)
            return _Pushed(item.id, item.seq, item.payload_hash, None, "bad_hash", payload)
        return _Pushed(item.id, item.seq, item.payload_hash, item)
    raw = item.model_dump(mode="json")
    if raw.get("register_id") not in (None, register.id):
        raise Forbidden(f"entries[{index}].register_id: {str(raw.get('register_id'))[:64]!r} is not this register")
    try:
        LedgerEntry.model_validate(raw)
        reason = "bad_entry"
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = f"bad_entry: {'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg', '')}"
    payload = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return _Pushed(item.id, item.seq, digest, None, reason[:64], payload)


def plan(session: Session, register: RegisterRow, entries: Sequence[LedgerEntry | UnreadableEntry]
         ) -> tuple[list[_Pushed], dict[str, EntryResult], list[_Pushed]]:
    """Check a push without writing: (its items in seq order, answers already known, fresh items to book).

    Raises `Forbidden` (another register's entry), `PayloadConflictError` (an id or seq the server holds
    with another payload) or `SeqGap` (the push would leave a hole): the whole push is then refused.
    """
    ordered = _check_batch(register, [_pushed(item, i, register) for i, item in enumerate(entries)])
    # Entries above the acked seq cannot hold a seq here yet (seq stays gapless), so only their ids are checked.
    known = _known(session, register.id, ordered, by_seq=ordered[0].seq <= register.acked_seq) if ordered else {}
    results: dict[str, EntryResult] = {}
    fresh: list[_Pushed] = []
    for item in ordered:
        prior = known.get(item.id) or known.get(f"seq:{item.seq}")
        if prior is None:
            fresh.append(item)
            continue
        if prior["id"] != item.id or prior["payload_hash"] != item.payload_hash or prior["seq"] != item.seq:
            raise PayloadConflictError(
                f"entry {item.id} (seq {item.seq}) conflicts with the entry {prior['id']} the server holds",
                ConflictingPayload(register.id, item.id, f"seq {item.seq}: payload differs from what is stored"),
            )
        results[item.id] = prior["result"]
    expected = register.acked_seq + 1
    for item in fresh:
        if item.seq != expected:
            raise SeqGap(
                f"register {register.id}: expected seq {expected}, got {item.seq}",
                acked_through_seq=register.acked_seq,
            )
        expected += 1
    return ordered, results, fresh


def customers_to_enroll(fresh: Sequence[_Pushed]) -> set[str]:
    """The members a planned push would book entries for (created as stubs before its transaction)."""
    return {p.entry.customer_id for p in fresh if p.entry is not None and p.entry.customer_id}


def ingest(session: Session, register: RegisterRow, entries: Sequence[LedgerEntry | UnreadableEntry],
           now: datetime) -> PushOutcome:
    """Decide and book one pushed batch; `register` must be locked by the caller."""
    ordered, results, fresh = plan(session, register, entries)
    merged: frozenset[str] = frozenset()
    if fresh:
        booked, merged = _book(session, register, fresh, now)
        results.update(booked)
        register.acked_seq = fresh[-1].seq
    return PushOutcome([results[p.id] for p in ordered], register.acked_seq, merged)


def _check_batch(register: RegisterRow, items: Sequence[_Pushed]) -> list[_Pushed]:
    by_id: dict[str, _Pushed] = {}
    by_seq: dict[int, str] = {}
    for i, item in enumerate(items):
        if item.id in by_id and by_id[item.id].payload_hash != item.payload_hash:
            raise PayloadConflictError(
                f"entries[{i}]: id {item.id} twice with different payloads",
                ConflictingPayload(register.id, item.id, "same id twice in one batch"),
            )
        if by_seq.get(item.seq, item.id) != item.id:
            raise PayloadConflictError(
                f"entries[{i}]: seq {item.seq} twice in one batch",
                ConflictingPayload(register.id, item.id, f"seq {item.seq} twice in one batch"),
            )
        by_id[item.id] = item
        by_seq[item.seq] = item.id
    return sorted(by_id.values(), key=lambda p: p.seq)


def _known(session: Session, register_id: str, entries: list[_Pushed], *, by_seq: bool = True
           ) -> dict[str, dict[str, Any]]:
    """What the server already holds for these ids or this register's seqs, keyed by id and `seq:N`."""
    ids = [e.id for e in entries]
    low, high = min(e.seq for e in entries), max(e.seq for e in entries)
    known: dict[str, dict[str, Any]] = {}
    # Two index-friendly queries per table (by id; by register and seq range) rather than one OR.
    for table, id_match, seq_match in (
        (LedgerEntryRow, LedgerEntryRow.id.in_(ids),
         sa.and_(LedgerEntryRow.register_id == register_id, LedgerEntryRow.seq.between(low, high))),
        (RejectedEntryRow, RejectedEntryRow.id.in_(ids),
         sa.and_(RejectedEntryRow.register_id == register_id, RejectedEntryRow.seq.between(low, high))),
    ):
        columns = [table.id, table.seq, table.register_id, table.payload_hash,
                   table.flags if table is LedgerEntryRow else table.reason]
        for condition in (id_match, seq_match) if by_seq else (id_match,):
            for row in session.execute(sa.select(*columns).where(condition)).all():
                if table is LedgerEntryRow:
                    flags = [f for f in row.flags.split(",") if f]
                    result = EntryResult(id=row.id, seq=row.seq, status=EntryStatus.EXISTS, flags=flags,
                                         reason="flagged" if flags else None)
                else:
                    result = EntryResult(id=row.id, seq=row.seq, status=EntryStatus.REJECTED, reason=row.reason)
                info = {"id": row.id, "seq": row.seq if row.register_id == register_id else -1,
                        "payload_hash": row.payload_hash, "result": result}
                known[row.id] = info
                if row.register_id == register_id:
                    known[f"seq:{row.seq}"] = info
    return known


def _load_targets(session: Session, entries: list[LedgerEntry]) -> tuple[dict[str, _Target], set[str]]:
    wanted = {e.reverses for e in entries if e.reverses}
    if not wanted:
        return {}, set()
    rows = session.execute(
        sa.select(LedgerEntryRow.id, LedgerEntryRow.kind, LedgerEntryRow.customer_id, LedgerEntryRow.points,
                  LedgerEntryRow.code, LedgerEntryRow.flags)
        .where(LedgerEntryRow.id.in_(wanted))
    ).all()
    targets = {r.id: _Target(r.id, r.kind, r.customer_id, r.points, r.code, r.flags) for r in rows}
    reversed_already = set(
        session.scalars(sa.select(LedgerEntryRow.reverses).where(LedgerEntryRow.reverses.in_(wanted))).all()
    )
    return targets, reversed_already


def _refusal(entry: LedgerEntry, targets: dict[str, _Target], reversed_already: set[str]) -> str | None:
    kind = entry.kind
    if kind is EntryKind.REVERSAL:
        if entry.reverses is None:
            return "reversal_without_target"
        target = targets.get(entry.reverses)
        if target is None:
            return "unknown_entry"
        if target.kind == EntryKind.REVERSAL.value:
            return "reversal_of_reversal"
        if entry.reverses in reversed_already:
            return "already_reversed"
        if target.customer_id != entry.customer_id:
            return "customer_mismatch"
        if entry.points != -target.points:
            return "reversal_amount_mismatch"
        return None
    if entry.reverses is not None:
        return "reverses_on_non_reversal"
    if kind is EntryKind.ACCRUAL and entry.points <= 0:
        return "accrual_not_positive"
    if kind in (EntryKind.REDEMPTION, EntryKind.EXPIRY) and entry.points >= 0:
        return "points_must_be_negative"
    if kind in (EntryKind.ADJUSTMENT, EntryKind.TRANSFER) and entry.points == 0:
        return "zero_points"
    if kind is EntryKind.CODE_USE and (not entry.code or entry.discount_minor is None):
        return "code_use_without_code"
    if entry.customer_id is None and (entry.points != 0 or kind is not EntryKind.CODE_USE):
        return "customer_required"
    return None


def _book(session: Session, register: RegisterRow, items: list[_Pushed], now: datetime
          ) -> tuple[dict[str, EntryResult], frozenset[str]]:
    books = _Bookings()
    results: dict[str, EntryResult] = {}
    for item in items:
        if item.entry is None:  # refused up front: it keeps its seq, nothing else happens
            books.rejected.append({
                "id": item.id, "register_id": register.id, "seq": item.seq, "payload_hash": item.payload_hash,
                "payload": item.payload or "", "reason": item.refusal or "bad_entry", "received_at": now,
            })
            results[item.id] = EntryResult(id=item.id, seq=item.seq, status=EntryStatus.REJECTED,
                                           reason=item.refusal)
    fresh = [item.entry for item in items if item.entry is not None]
    # Everything that needs no lock first: customer rows stay locked only for the deciding and writing.
    checks = EntryChecks(session, register, fresh, now)
    targets, reversed_already = _load_targets(session, fresh)
    order_ids = {chain_order_id(e.order_id, register.store_id) for e in fresh
                 if e.order_id and e.order_total_minor is not None}
    seen_orders = set(session.scalars(sa.select(OrderRow.id).where(OrderRow.id.in_(order_ids))).all()) if order_ids else set()
    customers = lock_customers(session, (e.customer_id for e in fresh if e.customer_id), now)
    code_keys = {normalize_code(e.code) for e in fresh if e.code and e.kind is EntryKind.CODE_USE}
    code_keys |= {normalize_code(t.code) for t in targets.values() if t.code and t.kind == EntryKind.CODE_USE.value}
    codes = {
        c.code: c
        for c in session.scalars(
            sa.select(CodeRow).where(CodeRow.code.in_(sorted(code_keys))).order_by(CodeRow.code).with_for_update()
        ).all()
    } if code_keys else {}

    touched_codes: dict[str, CodeRow] = {}
    touched_customers: dict[str, CustomerState] = {}
    group_refusals: dict[str, str | None] = {}

    def refusal(entry: LedgerEntry, balances: dict[str, int]) -> str | None:
        customer = customers.get(entry.customer_id) if entry.customer_id else None
        reason = _refusal(entry, targets, reversed_already) or checks.refusal(entry)
        if reason is None and customer is not None:
            after = balances.get(customer.id, customer.balance) + entry.points
            if entry.online and entry.points < 0 and after < 0:
                reason = "insufficient_balance"
            elif out_of_range(after):
                reason = "balance_out_of_range"
            balances[customer.id] = after
        return reason

    def group_refusal(group_id: str) -> str | None:
        """A transfer's sides are booked together or refused together: the first refusal refuses them all."""
        balances: dict[str, int] = {}
        for side in (e for e in fresh if e.kind is EntryKind.TRANSFER and e.group_id == group_id):
            if (reason := refusal(side, balances)) is not None:
                return reason
        return None

    for entry in fresh:
        customer = customers.get(entry.customer_id) if entry.customer_id else None
        if entry.kind is EntryKind.TRANSFER and entry.group_id:
            if entry.group_id not in group_refusals:
                group_refusals[entry.group_id] = group_refusal(entry.group_id)
            reason = group_refusals[entry.group_id]
        else:
            reason = refusal(entry, {})
        if reason is not None:
            books.rejected.append({
                "id": entry.id, "register_id": register.id, "seq": entry.seq, "payload_hash": entry.payload_hash,
                "payload": canonical_payload(entry), "reason": reason, "received_at": now,
            })
            results[entry.id] = EntryResult(id=entry.id, seq=entry.seq, status=EntryStatus.REJECTED, reason=reason)
            continue
        flags = _apply_points(entry, customer, register.id, now, books) if customer is not None else []
        flags += _apply_code(entry, customer, codes, targets, register.id, now, books, touched_codes)
        if customer is not None and entry.order_id and entry.order_total_minor is not None:
            # An order no record brought (a register of an older release): known from its accrual alone.
            order = order_from_entry(entry.order_id, register, customer.id, entry.order_total_minor,
                                     entry.created_at_register, now)
            if order["id"] not in seen_orders:
                seen_orders.add(order["id"])
                books.orders.append(order)
                customer.spent_minor += entry.order_total_minor
                customer.last_order_at = now
        if customer is not None and entry.kind is EntryKind.REDEMPTION:
            consume_holds(session, register.id, customer.id, -entry.points, now)
        if entry.kind is EntryKind.REVERSAL and entry.reverses:
            reversed_already.add(entry.reverses)
        targets[entry.id] = _Target(entry.id, entry.kind.value, entry.customer_id, entry.points,
                                    normalize_code(entry.code) if entry.code else None, ",".join(flags))
        if customer is not None:
            touched_customers[customer.id] = customer
        books.ledger.append({
            "id": entry.id, "register_id": register.id, "seq": entry.seq, "kind": entry.kind.value,
            "customer_id": entry.customer_id, "points": entry.points, "reverses": entry.reverses,
            "code": normalize_code(entry.code) if entry.code else None, "discount_minor": entry.discount_minor,
            "order_id": entry.order_id, "order_total_minor": entry.order_total_minor, "online": entry.online,
            "created_at_register": entry.created_at_register, "received_at": now,
            "payload_hash": entry.payload_hash, "flags": ",".join(flags), "details": _details(entry),
            "reason": entry.reason, "group_id": entry.group_id,
        })
        status = EntryStatus.CREATED_FLAGGED if flags else EntryStatus.CREATED
        results[entry.id] = EntryResult(id=entry.id, seq=entry.seq, status=status, flags=flags,
                                        reason="flagged" if flags else None)

    for table, rows in ((LedgerEntryRow, books.ledger), (RejectedEntryRow, books.rejected),
                        (OverdraftEventRow, books.overdraft), (ConflictRow, books.conflicts), (OrderRow, books.orders)):
        if rows:
            session.execute(table.__table__.insert(), rows)  # Core executemany (pipelined on psycopg)
    report_live.entries_booked(session, register, books.ledger)
    write_customers(session, touched_customers.values())
    session.flush()  # code rows are ORM objects
    feed.emit(session, [
        *((ChangeTopic.CUSTOMER, c.id, customer_record(c)) for c in touched_customers.values()),
        *((ChangeTopic.CODE, c.code, code_record(c)) for c in touched_codes.values()),
    ])
    merged = frozenset(c.id for c in touched_customers.values() if c.merged_into is not None and c.balance)
    return results, merged


def _details(entry: LedgerEntry) -> str | None:
    details = {k: v for k in ("reason", "actor_id", "counterpart_id", "group_id", "note")
               if (v := getattr(entry, k)) is not None}
    return json.dumps(details, sort_keys=True) if details else None


def _apply_points(entry: LedgerEntry, customer: CustomerState, register_id: str, now: datetime,
                  books: _Bookings) -> list[str]:
    flags: list[str] = []
    old, new = customer.balance, customer.balance + entry.points
    owed_before, owed_after = max(0, -old), max(0, -new)
    if owed_after != owed_before:
        books.overdraft.append({"customer_id": customer.id, "entry_id": entry.id,
                                "points": owed_after - owed_before, "created_at": now})
    if owed_after > owed_before:
        flags.append(FLAG_OVERDRAFT)
        books.conflicts.append({
            "kind": FLAG_OVERDRAFT, "register_id": register_id, "entry_id": entry.id, "customer_id": customer.id,
            "code": None, "points": owed_after - owed_before, "leakage_minor": 0,
            "detail": f"spent offline beyond the balance: {old} -> {new}", "created_at": now,
        })
    customer.balance = new
    customer.overdraft = owed_after
    return flags


def _apply_code(entry: LedgerEntry, customer: CustomerState | None, codes: dict[str, CodeRow], targets: dict[str, _Target],
                register_id: str, now: datetime, books: _Bookings, touched: dict[str, CodeRow]) -> list[str]:
    if entry.kind is EntryKind.REVERSAL and entry.reverses:
        target = targets[entry.reverses]
        # Undoing the winning use of a code gives the use back; a flagged loser never took one.
        if target.kind == EntryKind.CODE_USE.value and target.code in codes and FLAG_CODE_USED not in target.flags:
            code = codes[target.code]
            code.used = max(0, code.used - 1)
            touched[code.code] = code
        return []
    if entry.kind is not EntryKind.CODE_USE or not entry.code:
        return []
    key = normalize_code(entry.code)
    code = codes.get(key)
    leak = entry.discount_minor or 0
    if code is None:
        flag, detail = FLAG_UNKNOWN_CODE, f"code {key} is not known to the central service"
    elif code.customer_id is not None and (customer is None or code.customer_id != customer.id):
        who = customer.id if customer else "an anonymous sale"
        flag, detail = FLAG_CODE_NOT_OWNER, f"personal code {key} of {code.customer_id} used by {who}"
    elif code.uses_allowed is not None and code.used >= code.uses_allowed:
        flag, detail = FLAG_CODE_USED, f"code {key} already used {code.used} of {code.uses_allowed} times"
    else:
        code.used += 1
        touched[code.code] = code
        return []
    books.conflicts.append({
        "kind": flag, "register_id": register_id, "entry_id": entry.id, "customer_id": entry.customer_id,
        "code": key, "points": 0, "leakage_minor": leak, "detail": detail, "created_at": now,
    })
    return [flag]
