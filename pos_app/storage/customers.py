"""Cached customers: lookups by each identification key, and the name search.

Card numbers are unique; a phone or an email may be shared (a family), so
those lookups return lists. Name search goes through the FTS5 index
`customers_fts` (accents folded by the tokenizer); user text never reaches
FTS5 syntax unescaped: it is cut into word tokens, each quoted as a string
and marked as a prefix, so `'; DROP TABLE`, `NEAR(`, `*` or an emoji are just
words (or nothing), never operators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pos_app.domain.customer_profile import ChainFigures, Consents, CustomerProfile, ExpiringLot
from pos_app.storage.tables import CustomerRow

# Word characters as FTS5's unicode61 tokenizer sees them (letters, digits); the rest separates.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_SEARCH_TERMS = 8


def name_search_terms(text_: str) -> list[str]:
    """The words of a typed name, as the FTS5 tokenizer would cut them (at most 8)."""
    return _WORD.findall(text_ or "")[:MAX_SEARCH_TERMS]


def fts5_prefix_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every term must appear as a word prefix.

    Each term is a double-quoted FTS5 string (inner quotes doubled) followed by
    `*`, so no input can form an operator, a column filter or a syntax error.
    """
    return " ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def to_profile(row: CustomerRow) -> CustomerProfile:
    return CustomerProfile(
        id=row.id,
        name=row.name,
        card_number=row.card_number,
        phone=row.phone,
        email=row.email,
        birthday=row.birthday,
        tier=row.tier,
        segments=tuple(row.segments or ()),
        consents=Consents(email=row.consent_email, sms=row.consent_sms),
        confirmed_points=row.confirmed_points,
        pending_points=row.pending_points,
        first_order=row.first_order,
        promo_uses=dict(row.promo_uses or {}),
        merged_into=row.merged_into,
    )


def _row_values(profile: CustomerProfile) -> dict[str, object]:
    return {
        "id": profile.id,
        "name": profile.name,
        "card_number": profile.card_number,
        "phone": profile.phone,
        "email": profile.email,
        "birthday": profile.birthday,
        "tier": profile.tier,
        "segments": list(profile.segments),
        "consent_email": profile.consents.email,
        "consent_sms": profile.consents.sms,
        "confirmed_points": profile.confirmed_points,
        "first_order": profile.first_order,
        "promo_uses": dict(profile.promo_uses),
    }


# Columns a feed record may also carry (the central service publishes consents and merges since revision 0006,
# the chain-wide figures of its daily jobs since revision 0040).
_CENTRAL_EXTRAS = ("consent_email", "consent_sms", "merged_into", "tier_spend_minor", "tier_spend_until",
                   "tier_kept_until", "expiring", "lots_at")


# A member's whole row as plain columns (no ORM object), the chain's figures with it: the till's hot reads.
_MEMBER_COLUMNS = (
    CustomerRow.id, CustomerRow.name, CustomerRow.card_number, CustomerRow.phone, CustomerRow.email,
    CustomerRow.birthday, CustomerRow.tier, CustomerRow.segments, CustomerRow.consent_email,
    CustomerRow.consent_sms, CustomerRow.confirmed_points, CustomerRow.pending_points, CustomerRow.first_order,
    CustomerRow.promo_uses, CustomerRow.merged_into, CustomerRow.tier_spend_minor, CustomerRow.tier_spend_until,
    CustomerRow.tier_kept_until, CustomerRow.expiring, CustomerRow.lots_at,
)
_MEMBER_BY_ID = select(*_MEMBER_COLUMNS).where(CustomerRow.id == bindparam("key"))
_MEMBER_BY_CARD = select(*_MEMBER_COLUMNS).where(CustomerRow.card_number == bindparam("key"))

# Every ledger entry of a member moves their pending points: built once (still an ORM UPDATE, so a member's
# row loaded in the same session is kept in step).
_ADD_PENDING = (
    update(CustomerRow)
    .where(CustomerRow.id == bindparam("customer_id"))
    .values(pending_points=CustomerRow.pending_points + bindparam("delta"))
)


def _chain_figures(row: Any) -> ChainFigures:
    lots = tuple(ExpiringLot(date.fromisoformat(lot["on"]), int(lot["points"])) for lot in row.expiring or ())
    return ChainFigures(row.tier_spend_minor, row.tier_spend_until, row.tier_kept_until, lots, row.lots_at)


class CustomerRepository:
    """`snapshot`: a dict kept for the life of a read-only transaction (`UnitOfWorkFactory.reads()`), in
    which a member read once is not read again (the transaction sees one snapshot); None elsewhere."""

    def __init__(self, session: Session, snapshot: dict[object, Any] | None = None) -> None:
        self._session = session
        self._snapshot = snapshot

    def get(self, customer_id: str) -> CustomerProfile | None:
        member = self._member(_MEMBER_BY_ID, customer_id)
        return None if member is None else member[0]

    def _member(self, statement: Any, key: str) -> tuple[CustomerProfile, ChainFigures] | None:
        """The member whose id (or card) is `key`: profile and chain figures, from one plain-row read."""
        memo_key = (statement is _MEMBER_BY_ID, key)
        if self._snapshot is not None and memo_key in self._snapshot:
            return self._snapshot[memo_key]
        row = self._session.connection().execute(statement, {"key": key}).one_or_none()
        member = None if row is None else (to_profile(row), _chain_figures(row))
        if self._snapshot is not None:
            self._snapshot[memo_key] = member
            if member is not None:
                self._snapshot[(True, member[0].id)] = member
        return member

    def _row(self, customer_id: str) -> CustomerRow | None:
        return self._session.scalars(select(CustomerRow).where(CustomerRow.id == customer_id)).one_or_none()

    def by_card(self, card_number: str) -> CustomerProfile | None:
        member = self._member(_MEMBER_BY_CARD, card_number)
        return None if member is None else member[0]

    def by_phone(self, e164: str, limit: int = 20) -> list[CustomerProfile]:
        rows = self._session.scalars(
            select(CustomerRow).where(CustomerRow.phone == e164).order_by(CustomerRow.name).limit(limit)
        )
        return [to_profile(row) for row in rows]

    def by_email(self, email: str, limit: int = 20) -> list[CustomerProfile]:
        """Case-insensitive through the lower(email) index (SQLite's lower() folds ASCII letters only)."""
        rows = self._session.scalars(
            select(CustomerRow)
            .where(func.lower(CustomerRow.email) == func.lower(email.strip()))
            .order_by(CustomerRow.name)
            .limit(limit)
        )
        return [to_profile(row) for row in rows]

    def search_name(self, typed: str, limit: int = 20) -> list[CustomerProfile]:
        """Up to `limit` customers with a name word starting with each typed word, sorted by name.

        The index yields matches in its own order and the search stops at `limit`
        (no ranking over a huge prefix set, so "ma" stays fast on a million names):
        the cashier types more to narrow a long list.
        """
        terms = name_search_terms(typed)
        if not terms:
            return []
        row_ids = (
            self._session.execute(
                text("SELECT rowid FROM customers_fts WHERE customers_fts MATCH :query LIMIT :limit"),
                {"query": fts5_prefix_query(terms), "limit": limit},
            )
            .scalars()
            .all()
        )
        if not row_ids:
            return []
        rows = self._session.scalars(select(CustomerRow).where(CustomerRow.row_id.in_(row_ids)))
        return sorted((to_profile(row) for row in rows), key=lambda c: (c.name.casefold(), c.id))

    def card_taken(self, card_number: str) -> bool:
        return (
            self._session.scalar(select(CustomerRow.row_id).where(CustomerRow.card_number == card_number))
            is not None
        )

    def add(
        self, profile: CustomerProfile, *, origin: str = "central", enrolled_at: datetime | None = None
    ) -> None:
        self._session.add(
            CustomerRow(**_row_values(profile), pending_points=0, origin=origin, enrolled_at=enrolled_at)
        )
        self._session.flush()

    def update_profile(self, profile: CustomerProfile) -> None:
        """Write a member's profile as edited at this register (name, keys, birthday, consents)."""
        self._session.execute(
            update(CustomerRow).where(CustomerRow.id == profile.id).values(
                name=profile.name, card_number=profile.card_number, phone=profile.phone, email=profile.email,
                birthday=profile.birthday, consent_email=profile.consents.email, consent_sms=profile.consents.sms))

    def upsert_many(self, profiles: Iterable[CustomerProfile]) -> int:
        """Store customers pulled from the central service; local `pending_points` are kept."""
        values = [_row_values(p) for p in profiles]
        if not values:
            return 0
        statement = sqlite_insert(CustomerRow).values(pending_points=0, origin="central")
        keep = {"id", "pending_points", "origin"}
        statement = statement.on_conflict_do_update(
            index_elements=[CustomerRow.id],
            set_={name: statement.excluded[name] for name in values[0] if name not in keep},
        )
        self._session.execute(statement, values)
        return len(values)

    def apply_central(self, records: Sequence[Mapping[str, object]]) -> int:
        """Store customers as the central service publishes them (the sync's pull), in one statement.

        Each record has `id`, `name`, `email`, `phone`, `card_number`, `birthday`,
        `tier`, `segments` and `confirmed_points`, and may have `consent_email`,
        `consent_sms`, `merged_into` and the chain-wide figures (`tier_spend_minor`,
        `tier_spend_until`, `tier_kept_until`, `expiring`, `lots_at`); every record
        of one call has the same keys. Only those columns change: the
        register's own state (pending points, consents, promotion uses, first
        order) is kept. A customer enrolled at this register (`origin`
        'register') keeps the contact details the central service does not know
        (it only ever saw the customer's ledger entries); the tier is always the
        central service's, which sees every store. The central service owns
        card numbers: a card it gives to one customer is taken from any other.
        """
        values = [dict(r) for r in records]
        if not values:
            return 0
        cards = sorted({str(v["card_number"]) for v in values if v.get("card_number")})
        if cards:
            owners = {str(v["card_number"]): v["id"] for v in values if v.get("card_number")}
            for card_number, customer_id in self._session.execute(
                select(CustomerRow.card_number, CustomerRow.id).where(CustomerRow.card_number.in_(cards))
            ).all():
                if owners.get(card_number) != customer_id:
                    self._session.execute(
                        update(CustomerRow).where(CustomerRow.id == customer_id).values(card_number=None)
                    )
        statement = sqlite_insert(CustomerRow).values(pending_points=0, origin="central")
        excluded = statement.excluded
        here = CustomerRow.origin == "register"

        def central_or_local(name: str, *, text_column: bool = True) -> object:
            blank = or_(excluded[name].is_(None), excluded[name] == "") if text_column else excluded[name].is_(None)
            return case((and_(here, blank), getattr(CustomerRow, name)), else_=excluded[name])

        statement = statement.on_conflict_do_update(
            index_elements=[CustomerRow.id],
            set_={
                "name": central_or_local("name"),
                "email": central_or_local("email"),
                "phone": central_or_local("phone"),
                "card_number": central_or_local("card_number"),
                "birthday": central_or_local("birthday", text_column=False),
                "tier": excluded.tier,  # the central service decides tiers over every store
                "segments": excluded.segments,
                "confirmed_points": excluded.confirmed_points,
                **{name: excluded[name] for name in _CENTRAL_EXTRAS if name in values[0]},
            },
        )
        self._session.execute(statement, values)
        return len(values)

    def chain_figures(self, customer_id: str) -> ChainFigures | None:
        """What the central service computed for the member over every store (None: unknown member)."""
        member = self._member(_MEMBER_BY_ID, customer_id)
        return None if member is None else member[1]

    def set_tier(self, customer_id: str, tier: str | None) -> None:
        self._session.execute(update(CustomerRow).where(CustomerRow.id == customer_id).values(tier=tier))

    def set_confirmed_points(self, customer_id: str, points: int) -> None:
        self._session.execute(
            update(CustomerRow).where(CustomerRow.id == customer_id).values(confirmed_points=points)
        )

    def add_pending_points(self, customer_id: str, delta: int) -> None:
        self._session.execute(_ADD_PENDING, {"customer_id": customer_id, "delta": delta})

    def confirm_points(self, customer_id: str, delta: int) -> None:
        """Move `delta` from pending to confirmed: the central service acknowledged those entries."""
        self._session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id)
            .values(
                pending_points=CustomerRow.pending_points - delta,
                confirmed_points=CustomerRow.confirmed_points + delta,
            )
        )

    def record_promotion_use(self, customer_id: str, promotion_id: str) -> None:
        row = self._row(customer_id)
        if row is not None:
            uses = dict(row.promo_uses or {})
            uses[promotion_id] = int(uses.get(promotion_id, 0)) + 1
            row.promo_uses = uses
            self._session.flush()

    def record_promotion_uses(self, customer_id: str, promotion_ids: Iterable[str], delta: int = 1) -> None:
        """`record_promotion_use` for several promotions of one sale, in one read and one write.

        `delta=-1` takes the uses back (a voided sale); a count never goes below zero.
        """
        ids = list(promotion_ids)
        if not ids:
            return
        uses = self._session.scalar(select(CustomerRow.promo_uses).where(CustomerRow.id == customer_id))
        if uses is None:
            return
        uses = dict(uses)
        for promotion_id in ids:
            count = max(0, int(uses.get(promotion_id, 0)) + delta)
            if count:
                uses[promotion_id] = count
            else:
                uses.pop(promotion_id, None)
        self._session.execute(
            update(CustomerRow).where(CustomerRow.id == customer_id).values(promo_uses=uses)
        )

    def mark_ordered(self, customer_id: str) -> None:
        """The customer has placed an order: first-order promotions no longer apply."""
        self._session.execute(
            update(CustomerRow).where(CustomerRow.id == customer_id).values(first_order=False)
        )

    def ids(self) -> list[str]:
        return list(self._session.scalars(select(CustomerRow.id).order_by(CustomerRow.row_id)))

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(CustomerRow)) or 0


__all__ = ["CustomerRepository", "fts5_prefix_query", "name_search_terms", "to_profile"]
