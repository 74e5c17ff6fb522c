"""Members of the chain at the central service: one profile per member, whichever store enrolled them.

A register publishes a member it enrolled or edited as a `customer` record;
the central service keeps the profile (name, card, phone, email, birthday,
consents) and sends it to every register through the change feed. The
identification keys are read the chain's one way (`sync.protocol.identity`).

A card number belongs to one member of the chain (registers find members by
it), so a card another member already holds is not given to a second one:
the record is taken without it and flagged `duplicate_card`. A phone or an
email already used by another member is taken and flagged
(`duplicate_phone`, `duplicate_email`): the same person enrolled at two
stores while offline. Every such conflict is listed for managers
(`pos-central conflicts`, `pos-central duplicates`), who merge the two
(`merge_members`): the other member's points move to the kept one by a
transfer pair, their orders, codes and holds follow, the keys the kept one
lacks are moved over, and the other is marked `merged_into`, so registers
find the kept member by the other's old card, phone or email. Points that a
register still books to the other member later are forwarded the same way
(`forward_merged_balances`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.db import as_utc
from sync.central.errors import CentralError, NotFound
from sync.central.tables import CodeRow, ConflictRow, CustomerRow, HoldRow, OrderRow, RegisterRow
from sync.protocol import ChangeTopic, EntryKind, identity, new_entry_id
from sync.protocol.records import CustomerData

_CUSTOMERS = CustomerRow.__table__

FLAG_DUPLICATE_CARD = "duplicate_card"
FLAG_DUPLICATE_PHONE = "duplicate_phone"
FLAG_DUPLICATE_EMAIL = "duplicate_email"
FLAG_MERGED_MEMBER = "merged_member"
CONFLICT_MEMBERS_MERGED = "members_merged"


@dataclass
class CustomerState:
    """A locked customer row as plain values; written back in one statement at the end of a push."""

    id: str
    name: str
    email: str | None
    phone: str | None
    card: str | None
    birthday: Any
    tier: str | None
    segments: str
    balance: int
    overdraft: int
    spent_minor: int
    last_order_at: datetime | None
    enrolled_at: datetime
    consent_email: bool = False
    consent_sms: bool = False
    enrolled_register_id: str | None = None
    merged_into: str | None = None
    # What the program's jobs computed (revision 0020); a push never changes them.
    tier_spend_minor: int | None = None
    tier_spend_until: datetime | None = None
    tier_kept_until: Any = None
    lots: str | None = None
    lots_at: datetime | None = None


_STATE_FIELDS = {f.name for f in fields(CustomerState)}


def customer_record(row: CustomerRow | CustomerState) -> dict[str, Any]:
    """A member as the change feed carries it to registers."""
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "phone": row.phone,
        "card": row.card,
        "birthday": row.birthday.isoformat() if row.birthday else None,
        "tier": row.tier,
        "segments": json.loads(row.segments or "[]"),
        "balance": row.balance,
        "overdraft": row.overdraft,
        "consents": {"email": bool(row.consent_email), "sms": bool(row.consent_sms)},
        "merged_into": row.merged_into,
        # The chain-wide figures registers show instead of their own partial view (see `sync.central.tiers`
        # and `sync.central.expiry`): the spend of orders before `tier_spend_until`, the last day a tier above that
        # spend is kept, and the first lots to expire as of `lots_at`.
        "tier_spend_minor": row.tier_spend_minor,
        "tier_spend_until": as_utc(row.tier_spend_until).isoformat() if row.tier_spend_until else None,
        "tier_kept_until": row.tier_kept_until.isoformat() if row.tier_kept_until else None,
        "expiring": expiring_lots(row.lots),
        "lots_at": as_utc(row.lots_at).isoformat() if row.lots_at else None,
    }


EXPIRING_IN_RECORD = 5  # lots a member's record carries, first to expire first


def expiring_lots(lots: str | None) -> list[dict[str, Any]]:
    """The first lots to expire, from the stored JSON `[[expires_on, points], ...]`."""
    return [{"on": on, "points": points} for on, points in json.loads(lots or "[]")[:EXPIRING_IN_RECORD]]


def _stub(customer_id: str, now: datetime) -> dict[str, Any]:
    return {"id": customer_id, "name": "", "segments": "[]", "balance": 0, "overdraft": 0, "spent_minor": 0,
            "enrolled_at": now, "consent_email": False, "consent_sms": False}


def insert_ignore(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on both dialects."""
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).on_conflict_do_nothing()
    session.execute(stmt, rows)


def ensure_customers(session: Session, ids: Iterable[str], now: datetime) -> int:
    """Create stubs for unknown members, in id order, in a short transaction of their own.

    Run before a push's transaction: inserting new rows there would make two
    pushes wait on each other's uncommitted inserts while holding row locks.
    Returns how many were created.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    present = set(session.scalars(sa.select(_CUSTOMERS.c.id).where(_CUSTOMERS.c.id.in_(wanted))).all())
    missing = [cid for cid in wanted if cid not in present]
    insert_ignore(session, _CUSTOMERS, [_stub(cid, now) for cid in missing])
    return len(missing)


def lock_customers(session: Session, ids: Iterable[str], now: datetime) -> dict[str, CustomerState]:
    """Members by id, created as stubs when unknown (enrolled offline), locked in id order."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = _select_locked(session, wanted)
    missing = [cid for cid in wanted if cid not in found]
    if missing:
        insert_ignore(session, _CUSTOMERS, [_stub(cid, now) for cid in missing])
        found.update(_select_locked(session, missing))
    return found


def _select_locked(session: Session, ids: list[str]) -> dict[str, CustomerState]:
    rows = session.execute(
        sa.select(_CUSTOMERS).where(_CUSTOMERS.c.id.in_(ids)).order_by(_CUSTOMERS.c.id).with_for_update()
    ).mappings()
    return {r["id"]: CustomerState(**{k: v for k, v in r.items() if k in _STATE_FIELDS}) for r in rows}


def write_customers(session: Session, customers: Iterable[CustomerState]) -> None:
    """Write back what a push changes of each member (balance, overdraft, spend, last order)."""
    rows = [
        {"b_id": c.id, "b_balance": c.balance, "b_overdraft": c.overdraft, "b_spent": c.spent_minor,
         "b_last": c.last_order_at}
        for c in customers
    ]
    if rows:
        session.execute(
            _CUSTOMERS.update()
            .where(_CUSTOMERS.c.id == sa.bindparam("b_id"))
            .values(balance=sa.bindparam("b_balance"), overdraft=sa.bindparam("b_overdraft"),
                    spent_minor=sa.bindparam("b_spent"), last_order_at=sa.bindparam("b_last")),
            rows,
        )


# -- a member published by a register ------------------------------------------------------------


@dataclass(frozen=True)
class MemberOutcome:
    flags: tuple[str, ...] = ()
    conflicts: tuple[dict[str, Any], ...] = ()


class BadMember(ValueError):
    """A member record whose keys are not a card, a phone or an email (the record is rejected)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalized_member(data: CustomerData, region: str) -> dict[str, Any]:
    """The profile's columns with every key in the chain's form; raises `BadMember`."""
    try:
        return {
            "name": identity.person_name(data.name),
            "card": identity.card_number(data.card) if data.card else None,
            "phone": identity.phone(data.phone, region) if data.phone else None,
            "email": identity.email(data.email) if data.email else None,
            "birthday": data.birthday,
            "consent_email": data.consents.email,
            "consent_sms": data.consents.sms,
        }
    except identity.IdentityError as exc:
        raise BadMember(f"{exc.code}: {exc.message}") from None


def holders(session: Session, column: str, value: str, but: str) -> list[str]:
    """Other live members holding `value` in `column` (card, phone or email)."""
    col = _CUSTOMERS.c[column]
    match = sa.func.lower(col) == value.lower() if column == "email" else col == value
    return list(session.scalars(
        sa.select(_CUSTOMERS.c.id).where(match, _CUSTOMERS.c.id != but, _CUSTOMERS.c.merged_into.is_(None))
        .order_by(_CUSTOMERS.c.id).limit(5)))


def apply_member(session: Session, register: RegisterRow, record_id: str, data: CustomerData,
                 customer: CustomerState, region: str, now: datetime) -> MemberOutcome:
    """Take a member's profile from a register (the row is locked by the caller); flags name conflicts."""
    values = normalized_member(data, region)
    if customer.merged_into is not None:
        return MemberOutcome((FLAG_MERGED_MEMBER,), (_conflict(
            FLAG_MERGED_MEMBER, register, record_id, customer.id,
            f"{customer.id} was merged into {customer.merged_into}; this edit from {register.id} was not applied",
            now),))
    flags: list[str] = []
    conflicts: list[dict[str, Any]] = []
    card = values.pop("card")
    if card and card != customer.card:
        others = holders(session, "card", card, customer.id)
        if others:
            flags.append(FLAG_DUPLICATE_CARD)
            conflicts.append(_conflict(FLAG_DUPLICATE_CARD, register, record_id, customer.id,
                                       f"card …{card[-4:]} already belongs to {others[0]}: not given to {customer.id}; "
                                       "merge the two members if they are one person", now))
        else:
            values["card"] = card
    elif card:
        values["card"] = card
    for column, flag in (("phone", FLAG_DUPLICATE_PHONE), ("email", FLAG_DUPLICATE_EMAIL)):
        value = values.get(column)
        if value and value != getattr(customer, column):
            others = holders(session, column, value, customer.id)
            if others:
                flags.append(flag)
                conflicts.append(_conflict(flag, register, record_id, customer.id,
                                           f"{column} also belongs to {', '.join(others)}; "
                                           "merge the members if they are one person", now))
    if customer.enrolled_register_id is None and data.enrolled_at is not None and not customer.name:
        values["enrolled_register_id"] = register.id
    if data.enrolled_at is not None and data.enrolled_at < (as_utc(customer.enrolled_at) or now):
        values["enrolled_at"] = data.enrolled_at
    session.execute(_CUSTOMERS.update().where(_CUSTOMERS.c.id == customer.id).values(**values))
    for key, value in values.items():
        setattr(customer, key, value)
    feed.emit(session, [(ChangeTopic.CUSTOMER, customer.id, customer_record(customer))])
    return MemberOutcome(tuple(flags), tuple(conflicts))


def _conflict(kind: str, register: RegisterRow | None, record_id: str | None, customer_id: str, detail: str,
              now: datetime) -> dict[str, Any]:
    return {"kind": kind, "register_id": register.id if register else "central", "entry_id": record_id,
            "customer_id": customer_id, "code": None, "points": 0, "leakage_minor": 0, "detail": detail,
            "created_at": now}


def duplicate_groups(session: Session, limit: int = 500) -> list[dict[str, Any]]:
    """Live members sharing a phone or an email (cards cannot be shared), for managers to merge."""
    groups: list[dict[str, Any]] = []
    for column in ("phone", "email"):
        col = _CUSTOMERS.c[column]
        key = sa.func.lower(col) if column == "email" else col
        shared = (sa.select(key.label("value")).where(col.is_not(None), _CUSTOMERS.c.merged_into.is_(None))
                  .group_by(key).having(sa.func.count() > 1).limit(limit).subquery())
        rows = session.execute(
            sa.select(shared.c.value, _CUSTOMERS.c.id, _CUSTOMERS.c.name, _CUSTOMERS.c.enrolled_register_id)
            .join(_CUSTOMERS, key == shared.c.value)
            .where(_CUSTOMERS.c.merged_into.is_(None))
            .order_by(shared.c.value, _CUSTOMERS.c.enrolled_at, _CUSTOMERS.c.id)).all()
        by_value: dict[str, list[dict[str, Any]]] = {}
        for value, cid, name, where in rows:
            by_value.setdefault(value, []).append({"id": cid, "name": name, "enrolled_at_register": where})
        groups.extend({"key": column, "value": value, "members": members} for value, members in by_value.items())
    return groups


# -- merging two members ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    keep: str
    other: str
    points_moved: int
    orders_moved: int
    codes_moved: int
    keys_moved: tuple[str, ...]


def merge_members(session: Session, keep_id: str, other_id: str, now: datetime) -> Merged:
    """Merge `other` into `keep` (see the module docstring); everything in the caller's transaction."""
    from sync.central.grants import CentralGrant, book_central_entries
    from sync.central.registers import ensure_central_register

    if keep_id == other_id:
        raise CentralError("a member cannot be merged into themselves")
    ensure_central_register(session)  # locked first, as every central booking does
    locked = _select_locked(session, sorted({keep_id, other_id}))
    for cid in (keep_id, other_id):
        if cid not in locked:
            raise NotFound(f"no member {cid}")
        if locked[cid].merged_into is not None:
            raise CentralError(f"{cid} was already merged into {locked[cid].merged_into}")
    keep, other = locked[keep_id], locked[other_id]
    moved_points = other.balance
    tag, group = f"merge:{other_id}>{keep_id}", new_entry_id()
    if moved_points:
        book_central_entries(session, [
            CentralGrant(other_id, EntryKind.TRANSFER, -moved_points, tag, counterpart_id=keep_id, group_id=group,
                         note=f"merged into {keep_id}"),
            CentralGrant(keep_id, EntryKind.TRANSFER, moved_points, tag, counterpart_id=other_id, group_id=group,
                         note=f"merged from {other_id}"),
        ])
    keys: list[str] = []
    keep_values: dict[str, Any] = {}
    other_values: dict[str, Any] = {"merged_into": keep_id}
    if other.card and not keep.card:
        other_values["card"] = None  # a card is held once: it moves
        keep_values["card"] = other.card
        keys.append("card")
    for column in ("phone", "email", "birthday"):
        if getattr(other, column) and not getattr(keep, column):
            keep_values[column] = getattr(other, column)  # the other keeps theirs too: still finds `keep`
            keys.append(column)
    if not keep.name and other.name:
        keep_values["name"] = other.name
    keep_values["consent_email"] = bool(keep.consent_email or other.consent_email)
    keep_values["consent_sms"] = bool(keep.consent_sms or other.consent_sms)
    keep_values["segments"] = json.dumps(sorted(set(json.loads(keep.segments or "[]"))
                                                | set(json.loads(other.segments or "[]"))))
    keep_values["spent_minor"] = keep.spent_minor + other.spent_minor
    lasts = [t for t in (as_utc(keep.last_order_at), as_utc(other.last_order_at)) if t is not None]
    keep_values["last_order_at"] = max(lasts) if lasts else None
    keep_values["enrolled_at"] = min(as_utc(keep.enrolled_at) or now, as_utc(other.enrolled_at) or now)
    other_values["spent_minor"] = 0
    session.execute(_CUSTOMERS.update().where(_CUSTOMERS.c.id == other_id).values(**other_values))
    session.execute(_CUSTOMERS.update().where(_CUSTOMERS.c.id == keep_id).values(**keep_values))
    orders = session.execute(sa.update(OrderRow).where(OrderRow.customer_id == other_id)
                             .values(customer_id=keep_id)).rowcount or 0
    codes = session.scalars(sa.select(CodeRow).where(CodeRow.customer_id == other_id).with_for_update()).all()
    for code in codes:
        code.customer_id = keep_id
    session.execute(sa.update(HoldRow).where(HoldRow.customer_id == other_id).values(customer_id=keep_id))
    session.add(ConflictRow(**_conflict(CONFLICT_MEMBERS_MERGED, None, None, other_id,
                                        f"{other_id} merged into {keep_id}: {moved_points} points, {orders} orders, "
                                        f"{len(codes)} codes moved; keys moved: {', '.join(keys) or 'none'}", now)))
    session.flush()
    from sync.central.codes import code_record

    rows = session.scalars(sa.select(CustomerRow).where(CustomerRow.id.in_([keep_id, other_id]))).all()
    feed.emit(session, [
        *((ChangeTopic.CUSTOMER, r.id, customer_record(r)) for r in rows),
        *((ChangeTopic.CODE, c.code, code_record(c)) for c in codes),
    ])
    return Merged(keep_id, other_id, moved_points, orders, len(codes), tuple(keys))


def resolve_member(session: Session, customer_id: str) -> str:
    """The member `customer_id` stands for today (the one it was merged into, followed to the end)."""
    seen = {customer_id}
    current = customer_id
    while True:
        target = session.scalar(sa.select(_CUSTOMERS.c.merged_into).where(_CUSTOMERS.c.id == current))
        if target is None or target in seen:
            return current
        seen.add(target)
        current = target


def forward_merged_balances(session: Session, customer_ids: Iterable[str] | None = None) -> int:
    """Move the points registers booked to merged members on to the members they were merged into.

    Registers that were offline during a merge still book sales to the old
    member; this forwards each such balance by a transfer pair. Returns how
    many members were forwarded.
    """
    from sync.central.grants import CentralGrant, book_central_entries
    from sync.central.registers import ensure_central_register

    query = sa.select(_CUSTOMERS.c.id).where(_CUSTOMERS.c.merged_into.is_not(None), _CUSTOMERS.c.balance != 0)
    if customer_ids is not None:
        wanted = sorted(set(customer_ids))
        if not wanted:
            return 0
        query = query.where(_CUSTOMERS.c.id.in_(wanted))
    candidates = list(session.scalars(query))
    if not candidates:
        return 0
    ensure_central_register(session)
    grants: list[CentralGrant] = []
    for other_id in candidates:
        keep_id = resolve_member(session, other_id)
        locked = _select_locked(session, sorted({other_id, keep_id}))
        points = locked[other_id].balance
        if not points or keep_id == other_id:
            continue
        tag, group = f"merge:{other_id}>{keep_id}", new_entry_id()
        grants += [CentralGrant(other_id, EntryKind.TRANSFER, -points, tag, counterpart_id=keep_id, group_id=group,
                                note=f"forwarded to {keep_id}"),
                   CentralGrant(keep_id, EntryKind.TRANSFER, points, tag, counterpart_id=other_id, group_id=group,
                                note=f"forwarded from {other_id}")]
    book_central_entries(session, grants)
    return len(grants) // 2


__all__ = [
    "BadMember",
    "CustomerState",
    "Merged",
    "MemberOutcome",
    "apply_member",
    "customer_record",
    "duplicate_groups",
    "ensure_customers",
    "expiring_lots",
    "forward_merged_balances",
    "insert_ignore",
    "lock_customers",
    "merge_members",
    "normalized_member",
    "resolve_member",
    "write_customers",
]
