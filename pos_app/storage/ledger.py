"""The ledger repository: appending entries, point lots, the outbox and balances.

`append` is the only way an entry is written, and it does all of one entry's
bookkeeping in the caller's transaction: the next gapless `seq` of this
register (a counter row bumped by the same transaction, so a rolled-back
entry leaves no hole), the entry with its UUIDv7 id, the lot it creates or the
lots it consumes first-to-expire-first, the outbox row with the exact bytes
that will be pushed, and the customer's cached pending points. The database
refuses UPDATE and DELETE of entries (triggers), a second reversal of one
entry (unique index) and a reversal of a reversal (trigger); services refuse
those cases earlier, as values, and these are the backstop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import uuid6
from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session, aliased

from pos_app.domain.ledger import (
    EntryKind,
    LedgerEntry,
    LotConsumption,
    PointLot,
    PointsBalance,
    add_months,
    canonical_json,
    consume_first_to_expire,
)
from pos_app.storage.customers import CustomerRepository
from pos_app.storage.tables import (
    CustomerRow,
    LedgerEntryRow,
    LotConsumptionRow,
    OutboxRow,
    PointLotRow,
    ProgramSettingsRow,
    RegisterSequenceRow,
)


@dataclass(frozen=True, slots=True)
class NewLot:
    """A lot an incoming entry creates (a transfer keeps the sender's expiry dates)."""

    points: int
    expires_on: date
    available_on: date | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One entry to push: `payload` is sent byte-for-byte until acknowledged."""

    entry_id: str
    seq: int
    payload: bytes


def new_entry_id() -> str:
    """A fresh UUIDv7 (time-ordered) as text."""
    return str(uuid6.uuid7())


def to_entry(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        register_id=row.register_id,
        seq=row.seq,
        kind=EntryKind(row.kind),
        customer_id=row.customer_id,
        points=row.points,
        created_at=row.created_at,
        reverses=row.reverses,
        order_id=row.order_id,
        code=row.code,
        reason=row.reason,
        actor_id=row.actor_id,
        counterpart_id=row.counterpart_id,
        group_id=row.group_id,
        note=row.note,
    )


def _wire(entry: LedgerEntry, discount_minor: int | None, order_total_minor: int | None) -> dict[str, Any]:
    """The pushed payload: the entry's wire form plus the sale amounts it carries, when it carries any."""
    wire = entry.to_wire()
    if discount_minor is not None:
        wire["discount_minor"] = discount_minor
    if order_total_minor is not None:
        wire["order_total_minor"] = order_total_minor
    return wire


_LOTS_SQL = """
    SELECT l.id, l.entry_id, l.customer_id, l.points, l.expires_on, l.available_on,
           l.points - COALESCE(u.used, 0) AS remaining
    FROM point_lots l
    LEFT JOIN (SELECT lot_id, SUM(points) AS used FROM lot_consumptions
               WHERE customer_id = :customer_id AND lot_id IS NOT NULL GROUP BY lot_id) u ON u.lot_id = l.id
    WHERE l.customer_id = :customer_id {where}
    ORDER BY l.expires_on, l.id
"""
_ALL_LOTS = text(_LOTS_SQL.format(where=""))
# Only what first-to-expire consumption may take: not expired, with points left.
_OPEN_LOTS = text(_LOTS_SQL.format(where="AND l.expires_on >= :today AND l.points > COALESCE(u.used, 0)"))

# The statements of every sale's entries, built once; inserts into the tables themselves (no ORM objects).
_INSERT_ENTRY = insert(LedgerEntryRow.__table__)
_INSERT_OUTBOX = insert(OutboxRow.__table__)
_INSERT_LOT = insert(PointLotRow.__table__)
_SEQUENCES = RegisterSequenceRow.__table__.c  # a plain UPDATE: no ORM object of the table is ever loaded
_NEXT_SEQ = (
    update(RegisterSequenceRow.__table__)
    .where(_SEQUENCES.register_id == bindparam("b_register_id"))
    .values(last_seq=_SEQUENCES.last_seq + 1)
    .returning(_SEQUENCES.last_seq)
)
_EXPIRY_MONTHS = select(ProgramSettingsRow.expiry_months).where(ProgramSettingsRow.id == 1)
_POINTS = select(CustomerRow.confirmed_points, CustomerRow.pending_points).where(
    CustomerRow.id == bindparam("customer_id"))


class LedgerRepository:
    def __init__(self, session: Session, register_id: str, customers: CustomerRepository,
                 snapshot: dict[object, Any] | None = None) -> None:
        self._session = session
        self.register_id = register_id
        self._customers = customers
        self._snapshot = snapshot  # a read-only transaction's lookups (see `CustomerRepository`)

    # -- writing -----------------------------------------------------------------------------

    def append(
        self,
        kind: EntryKind,
        customer_id: str | None,
        points: int,
        *,
        at: datetime,
        reverses: str | None = None,
        order_id: str | None = None,
        code: str | None = None,
        reason: str | None = None,
        actor_id: str | None = None,
        counterpart_id: str | None = None,
        group_id: str | None = None,
        note: str | None = None,
        lots: Sequence[NewLot] | None = None,
        available_on: date | None = None,
        consume: Sequence[LotConsumption] | None = None,
        discount_minor: int | None = None,
        order_total_minor: int | None = None,
    ) -> LedgerEntry:
        """Write one entry and everything that goes with it (see the module docstring).

        A positive entry creates `lots` (default: one lot expiring after the
        program's expiry months, spendable from `available_on`); a negative
        one consumes lots first-to-expire-first (or exactly `consume`, e.g.
        the expired lots for an expiry entry); a reversal undoes exactly what
        its entry did to the lots. `discount_minor` (a code use's discount)
        and `order_total_minor` (what the order's customer paid) are stored
        and added to the pushed payload only when given. Checks that are business rules
        (balance, limits) belong to the services; violations of the ledger's
        integrity raise (IntegrityError), which is a bug in the caller.
        """
        if not isinstance(points, int) or isinstance(points, bool):
            raise TypeError("points are integers")
        kind = EntryKind(kind)
        if at.tzinfo is None:
            raise ValueError("ledger moments must be timezone-aware")
        today = at.date()  # the register's local day: expiry dates and lot choice follow it
        at = at.astimezone(UTC)  # the payload says exactly what the row holds
        entry = LedgerEntry(
            id=new_entry_id(),
            register_id=self.register_id,
            seq=self._next_seq(),
            kind=kind,
            customer_id=customer_id,
            points=points,
            created_at=at,
            reverses=reverses,
            order_id=order_id,
            code=code,
            reason=reason,
            actor_id=actor_id,
            counterpart_id=counterpart_id,
            group_id=group_id,
            note=note,
        )
        self._session.execute(
            _INSERT_ENTRY,
            dict(
                id=entry.id,
                register_id=entry.register_id,
                seq=entry.seq,
                kind=kind.value,
                customer_id=customer_id,
                points=points,
                created_at=at,
                reverses=reverses,
                order_id=order_id,
                code=code,
                reason=reason,
                actor_id=actor_id,
                counterpart_id=counterpart_id,
                group_id=group_id,
                note=note,
                discount_minor=discount_minor,
                order_total_minor=order_total_minor,
            ),
        )
        if customer_id is not None and points != 0:
            if kind is EntryKind.REVERSAL:
                self._undo_lots(entry, reverses, today)
            elif points > 0:
                expires_on = add_months(today, self._expiry_months())
                self._create_lots(entry, lots or [NewLot(points, expires_on, available_on)])
            elif consume is not None:
                if sum(part.points for part in consume) != -points:
                    raise ValueError("the consumption of an entry must add up to its points")
                self._consume(entry, consume)
            else:
                self._consume(entry, consume_first_to_expire(self.open_lots(customer_id, today), -points, today))
            self._customers.add_pending_points(customer_id, points)
        self._session.execute(
            _INSERT_OUTBOX,
            dict(
                entry_id=entry.id,
                register_id=entry.register_id,
                seq=entry.seq,
                payload=canonical_json(_wire(entry, discount_minor, order_total_minor)),
                created_at=at,
            ),
        )
        return entry

    def _next_seq(self) -> int:
        seq = self._session.execute(_NEXT_SEQ, {"b_register_id": self.register_id}).scalar_one_or_none()
        if seq is None:
            self._session.execute(
                insert(RegisterSequenceRow).values(register_id=self.register_id, last_seq=1)
            )
            seq = 1
        return seq

    def _expiry_months(self) -> int:
        months = self._session.scalar(_EXPIRY_MONTHS)
        return 12 if months is None else months

    def default_expiry(self, at: datetime) -> date:
        """When points earned at `at` (the register's local time) expire."""
        return add_months(at.date(), self._expiry_months())

    def _create_lots(self, entry: LedgerEntry, lots: Sequence[NewLot]) -> None:
        if sum(lot.points for lot in lots) != entry.points:
            raise ValueError("the lots of an entry must add up to its points")
        self._session.execute(
            _INSERT_LOT,
            [
                {
                    "entry_id": entry.id,
                    "customer_id": entry.customer_id,
                    "points": lot.points,
                    "expires_on": lot.expires_on,
                    "available_on": lot.available_on,
                }
                for lot in lots
            ],
        )

    def _consume(self, entry: LedgerEntry, parts: Iterable[LotConsumption]) -> None:
        rows = [
            {
                "entry_id": entry.id,
                "customer_id": entry.customer_id,
                "lot_id": part.lot_id,
                "points": part.points,
            }
            for part in parts
            if part.points
        ]
        if rows:
            self._session.execute(insert(LotConsumptionRow), rows)

    def _undo_lots(self, entry: LedgerEntry, reverses: str | None, today: date) -> None:
        original = self.get(reverses) if reverses else None
        if original is None:
            raise ValueError(f"reversal of an unknown entry {reverses!r}")
        if original.points < 0:
            # Give back exactly what the original took, lot by lot.
            taken = self._session.execute(
                select(LotConsumptionRow.lot_id, func.sum(LotConsumptionRow.points))
                .where(LotConsumptionRow.entry_id == original.id)
                .group_by(LotConsumptionRow.lot_id)
            ).all()
            self._consume(entry, [LotConsumption(lot_id, -points) for lot_id, points in taken])
        else:
            # Take the points back from the lots the original created first, then first-to-expire.
            own = [lot for lot in self.lots(original.customer_id or "") if lot.entry_id == original.id]
            left = -entry.points
            parts: list[LotConsumption] = []
            for lot in own:
                take = min(max(lot.remaining, 0), left)
                if take:
                    parts.append(LotConsumption(lot.lot_id, take))
                    left -= take
            if left:
                others = [lot for lot in self.lots(original.customer_id or "") if lot.entry_id != original.id]
                parts.extend(consume_first_to_expire(others, left, today))
            self._consume(entry, parts)

    # -- reading -----------------------------------------------------------------------------

    def get(self, entry_id: str) -> LedgerEntry | None:
        row = self._session.get(LedgerEntryRow, entry_id)
        return None if row is None else to_entry(row)

    def reversal_of(self, entry_id: str) -> LedgerEntry | None:
        row = self._session.scalars(
            select(LedgerEntryRow).where(LedgerEntryRow.reverses == entry_id)
        ).one_or_none()
        return None if row is None else to_entry(row)

    def entries_of(self, customer_id: str) -> list[LedgerEntry]:
        rows = self._session.scalars(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.customer_id == customer_id)
            .order_by(LedgerEntryRow.seq)
        )
        return [to_entry(row) for row in rows]

    def entries_of_group(self, group_id: str) -> list[LedgerEntry]:
        rows = self._session.scalars(
            select(LedgerEntryRow).where(LedgerEntryRow.group_id == group_id).order_by(LedgerEntryRow.seq)
        )
        return [to_entry(row) for row in rows]

    def entries_of_order(self, order_id: str) -> list[LedgerEntry]:
        rows = self._session.scalars(
            select(LedgerEntryRow).where(LedgerEntryRow.order_id == order_id).order_by(LedgerEntryRow.seq)
        )
        return [to_entry(row) for row in rows]

    def lots(self, customer_id: str) -> list[PointLot]:
        """The customer's locally known lots with what is left of each, first to expire first."""
        return self._to_lots(self._session.execute(_ALL_LOTS, {"customer_id": customer_id}).all())

    def open_lots(self, customer_id: str, today: date) -> list[PointLot]:
        """The lots that still hold points and have not expired on `today`, first to expire first."""
        key = ("open_lots", customer_id, today)
        if self._snapshot is not None and key in self._snapshot:
            return list(self._snapshot[key])
        params = {"customer_id": customer_id, "today": today.isoformat()}
        lots = self._to_lots(self._session.connection().execute(_OPEN_LOTS, params).all())
        if self._snapshot is not None:
            self._snapshot[key] = tuple(lots)
        return lots

    @staticmethod
    def _to_lots(rows: Sequence[Any]) -> list[PointLot]:
        return [
            PointLot(
                lot_id=r[0],
                entry_id=r[1],
                customer_id=r[2],
                points=r[3],
                expires_on=date.fromisoformat(r[4]),
                available_on=date.fromisoformat(r[5]) if r[5] else None,
                remaining=r[6],
            )
            for r in rows
        ]

    def customers_with_lots_expired(self, today: date) -> list[str]:
        """Customers having a lot that expired before `today` and still holds points."""
        rows = self._session.execute(
            text(
                "SELECT DISTINCT l.customer_id FROM point_lots l WHERE l.expires_on < :today AND l.points > "
                "COALESCE((SELECT SUM(c.points) FROM lot_consumptions c WHERE c.lot_id = l.id), 0) "
                "ORDER BY l.customer_id"
            ),
            {"today": today.isoformat()},
        ).scalars()
        return list(rows)

    def balance(self, customer_id: str, today: date) -> PointsBalance | None:
        """Confirmed + pending points, with the part held until the return window closes."""
        if self._snapshot is not None:  # the member's row is read once per snapshot, with their points
            member = self._customers.get(customer_id)
            row = None if member is None else (member.confirmed_points, member.pending_points)
        else:
            row = self._session.execute(_POINTS, {"customer_id": customer_id}).one_or_none()
        if row is None:
            return None
        held = sum(lot.remaining for lot in self.open_lots(customer_id, today) if not lot.is_available(today))
        return PointsBalance(customer_id, confirmed=row[0], pending=row[1], held=held)

    def points_taken_since(self, customer_id: str, since: datetime) -> int:
        """Points this register's entries took from the customer after `since` (spent, moved, reversed)."""
        return (
            self._session.scalar(
                select(func.coalesce(func.sum(-LedgerEntryRow.points), 0)).where(
                    LedgerEntryRow.customer_id == customer_id,
                    LedgerEntryRow.points < 0,
                    LedgerEntryRow.created_at > since,
                )
            )
            or 0
        )

    def ledger_sum(self, customer_id: str) -> int:
        """The sum of this register's entries for the customer."""
        return (
            self._session.scalar(
                select(func.coalesce(func.sum(LedgerEntryRow.points), 0)).where(
                    LedgerEntryRow.customer_id == customer_id
                )
            )
            or 0
        )

    def adjusted_by(self, actor_id: str, start: datetime, end: datetime) -> int:
        """Absolute points a manager adjusted in [start, end)."""
        return (
            self._session.scalar(
                select(func.coalesce(func.sum(func.abs(LedgerEntryRow.points)), 0)).where(
                    LedgerEntryRow.actor_id == actor_id,
                    LedgerEntryRow.kind == EntryKind.ADJUSTMENT.value,
                    LedgerEntryRow.created_at >= start,
                    LedgerEntryRow.created_at < end,
                )
            )
            or 0
        )

    def last_seq(self) -> int:
        return (
            self._session.scalar(
                select(RegisterSequenceRow.last_seq).where(
                    RegisterSequenceRow.register_id == self.register_id
                )
            )
            or 0
        )

    def discount_of(self, entry_id: str) -> int | None:
        """The discount a code-use entry recorded (None for other entries)."""
        return self._session.scalar(select(LedgerEntryRow.discount_minor).where(LedgerEntryRow.id == entry_id))

    def unacknowledged_redeemed(self, since: datetime | None = None, customer_id: str | None = None) -> int:
        """Points spent by `redemption` entries the central service has not acknowledged yet.

        The register's offline exposure: limited to one customer and to the
        entries written at or after `since` (the outage's start) when given.
        """
        query = (
            select(func.coalesce(func.sum(-LedgerEntryRow.points), 0))
            .select_from(OutboxRow)
            .join(LedgerEntryRow, LedgerEntryRow.id == OutboxRow.entry_id)
            .where(
                OutboxRow.acknowledged_at.is_(None),
                LedgerEntryRow.kind == EntryKind.REDEMPTION.value,
                LedgerEntryRow.points < 0,
            )
        )
        if since is not None:
            query = query.where(LedgerEntryRow.created_at >= since)
        if customer_id is not None:
            query = query.where(LedgerEntryRow.customer_id == customer_id)
        return self._session.scalar(query) or 0

    # -- outbox ------------------------------------------------------------------------------

    def pending_outbox(self, limit: int = 100) -> list[OutboxItem]:
        """The oldest unacknowledged entries, in `seq` order."""
        rows = self._session.execute(
            select(OutboxRow.entry_id, OutboxRow.seq, OutboxRow.payload)
            .where(OutboxRow.acknowledged_at.is_(None))
            .order_by(OutboxRow.seq)
            .limit(limit)
        ).all()
        return [OutboxItem(entry_id, seq, bytes(payload)) for entry_id, seq, payload in rows]

    def outbox_size(self) -> int:
        return (
            self._session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.acknowledged_at.is_(None))
            )
            or 0
        )

    def oldest_pending_at(self) -> datetime | None:
        """When the oldest entry still waiting for the central service was written (None: nothing waits)."""
        return self._session.scalar(
            select(func.min(OutboxRow.created_at)).where(OutboxRow.acknowledged_at.is_(None))
        )

    def answered_outbox(self, result_prefix: str) -> int:
        """How many acknowledged outbox rows carry an answer starting with `result_prefix` (`rejected`, ...)."""
        return (
            self._session.scalar(
                select(func.count()).select_from(OutboxRow).where(
                    OutboxRow.acknowledged_at.is_not(None), OutboxRow.result.startswith(result_prefix)
                )
            )
            or 0
        )

    def acknowledge(
        self, entry_ids: Iterable[str], at: datetime, result: str = "created", *, confirm: bool = True
    ) -> int:
        """Mark entries acknowledged by the central service; their points move from pending to confirmed.

        With `confirm=False` (an entry the server rejected: its points are in no
        balance) the points only leave pending. Idempotent: an entry already
        acknowledged is left as it is. Returns how many changed.
        """
        changed = 0
        for entry_id in entry_ids:
            done = self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.entry_id == entry_id, OutboxRow.acknowledged_at.is_(None))
                .values(acknowledged_at=at, result=result)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                continue
            changed += 1
            customer_id, points = self._session.execute(
                select(LedgerEntryRow.customer_id, LedgerEntryRow.points).where(LedgerEntryRow.id == entry_id)
            ).one()
            if customer_id is not None and points:
                if confirm:
                    self._customers.confirm_points(customer_id, points)
                else:
                    self._customers.add_pending_points(customer_id, -points)
        return changed

    def acknowledged_at(self, entry_id: str) -> datetime | None:
        return self._session.scalar(select(OutboxRow.acknowledged_at).where(OutboxRow.entry_id == entry_id))

    def outbox_from(self, seq: int, limit: int) -> list[OutboxItem]:
        """Outbox rows with `seq` >= `seq`, acknowledged or not, in seq order (resending to a restored server)."""
        rows = self._session.execute(
            select(OutboxRow.entry_id, OutboxRow.seq, OutboxRow.payload)
            .where(OutboxRow.register_id == self.register_id, OutboxRow.seq >= seq)
            .order_by(OutboxRow.seq)
            .limit(limit)
        ).all()
        return [OutboxItem(entry_id, s, bytes(payload)) for entry_id, s, payload in rows]

    def unacknowledged_code_uses(self, code: str) -> int:
        """Uses of `code` this register made that the central service has not acknowledged yet.

        `code_use` entries not yet acknowledged, less reversals of code uses (a
        voided sale gave the use back) not yet acknowledged: what the central
        service's count of a code's uses does not know about.
        """
        key = code.strip().upper()
        original = aliased(LedgerEntryRow)
        pending = (
            select(func.count())
            .select_from(OutboxRow)
            .join(LedgerEntryRow, LedgerEntryRow.id == OutboxRow.entry_id)
            .where(OutboxRow.acknowledged_at.is_(None))
        )
        used = self._session.scalar(
            pending.where(
                LedgerEntryRow.kind == EntryKind.CODE_USE.value, func.upper(func.trim(LedgerEntryRow.code)) == key
            )
        ) or 0
        given_back = self._session.scalar(
            pending.join(original, original.id == LedgerEntryRow.reverses).where(
                LedgerEntryRow.kind == EntryKind.REVERSAL.value,
                original.kind == EntryKind.CODE_USE.value,
                func.upper(func.trim(original.code)) == key,
            )
        ) or 0
        return used - given_back


__all__ = ["LedgerRepository", "NewLot", "OutboxItem", "new_entry_id", "to_entry"]
