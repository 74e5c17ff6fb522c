"""What only a manager may do, each under the manager's PIN and written to the audit log.

- `adjust_points`: add or remove points with a reason code, within the
  manager's daily limit (absolute points per local day);
- `transfer_points`: move points from one customer to another; the points
  keep their expiry dates;
- `reverse_entry`: undo a wrong entry with a reversal. A reversal may not be
  reversed and an entry is reversed at most once; a transfer is reversed on
  both sides at once.

No action may take a customer's available points below zero. A refusal
writes nothing but the PIN check's own bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from pos_app.domain.account import Role
from pos_app.domain.ledger import EntryKind, LedgerEntry, consume_first_to_expire
from pos_app.services.accounts import authenticate
from pos_app.services.outcome import Refused
from pos_app.storage.ledger import NewLot, new_entry_id
from pos_app.storage.unit_of_work import UnitOfWork

ADJUSTMENT_REASONS = ("goodwill", "correction", "missing_accrual", "damaged_goods", "complaint", "fraud")


@dataclass(frozen=True, slots=True)
class Adjusted:
    entry: LedgerEntry
    available: int  # the customer's available points afterwards


@dataclass(frozen=True, slots=True)
class Transferred:
    sent: LedgerEntry
    received: LedgerEntry


@dataclass(frozen=True, slots=True)
class Reversed:
    reversals: tuple[LedgerEntry, ...]


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    return start, start + timedelta(days=1)


def _approve(uow: UnitOfWork, manager_id: str, pin: str, now: datetime) -> Refused | None:
    approval = authenticate(uow, manager_id, pin, now, Role.MANAGER)
    if isinstance(approval, Refused):
        uow.commit()  # keep the wrong PIN count (and a lock); the action itself is not done
        return approval
    return None


def adjust_points(
    uow: UnitOfWork,
    *,
    manager_id: str,
    pin: str,
    customer_id: str,
    points: int,
    reason: str,
    now: datetime,
    note: str | None = None,
) -> Adjusted | Refused:
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        return Refused("zero_points", "an adjustment is a non-zero whole number of points")
    if reason not in ADJUSTMENT_REASONS:
        return Refused("unknown_reason", f"reason {reason!r} is not one of {', '.join(ADJUSTMENT_REASONS)}")
    with uow:
        if refused := _approve(uow, manager_id, pin, now):
            return refused
        customer = uow.customers.get(customer_id)
        if customer is None:
            return Refused("unknown_customer", f"no customer {customer_id!r}")
        if customer.points + points < 0:
            return Refused(
                "insufficient_points",
                f"{customer.name} has {customer.points} points; cannot remove {-points}",
            )
        manager = uow.users.get(manager_id)
        assert manager is not None
        limit = manager.daily_adjust_limit
        if limit is None:
            limit = uow.settings.get().manager_daily_adjust_limit
        used = uow.ledger.adjusted_by(manager_id, *_day_bounds(now))
        if used + abs(points) > limit:
            return Refused(
                "daily_limit",
                f"{manager.name} may adjust {limit} points a day; {used} used today, {abs(points)} asked",
            )
        entry = uow.ledger.append(
            EntryKind.ADJUSTMENT, customer_id, points, at=now, reason=reason, actor_id=manager_id, note=note
        )
        uow.audit.append(
            manager_id,
            "points_adjusted",
            {"entry": entry.id, "customer": customer_id, "points": points, "reason": reason, "note": note},
            now,
        )
        available = customer.points + points
        uow.commit()
        return Adjusted(entry, available)


def transfer_points(
    uow: UnitOfWork,
    *,
    manager_id: str,
    pin: str,
    from_customer_id: str,
    to_customer_id: str,
    points: int,
    now: datetime,
    note: str | None = None,
) -> Transferred | Refused:
    if from_customer_id == to_customer_id:
        return Refused("same_customer", "points cannot be transferred to the same customer")
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        return Refused("non_positive", "a transfer moves a positive whole number of points")
    with uow:
        if refused := _approve(uow, manager_id, pin, now):
            return refused
        sender = uow.customers.get(from_customer_id)
        receiver = uow.customers.get(to_customer_id)
        if sender is None or receiver is None:
            missing = from_customer_id if sender is None else to_customer_id
            return Refused("unknown_customer", f"no customer {missing!r}")
        if sender.points < points:
            return Refused(
                "insufficient_points", f"{sender.name} has {sender.points} points; cannot send {points}"
            )
        group = new_entry_id()
        lots = {lot.lot_id: lot for lot in uow.ledger.open_lots(from_customer_id, now.date())}
        parts = consume_first_to_expire(lots.values(), points, now.date())
        default_expiry = uow.ledger.default_expiry(now)
        incoming = [
            NewLot(part.points, lots[part.lot_id].expires_on if part.lot_id is not None else default_expiry)
            for part in parts
        ]
        sent = uow.ledger.append(
            EntryKind.TRANSFER,
            from_customer_id,
            -points,
            at=now,
            actor_id=manager_id,
            counterpart_id=to_customer_id,
            group_id=group,
            note=note,
            consume=parts,
        )
        received = uow.ledger.append(
            EntryKind.TRANSFER,
            to_customer_id,
            points,
            at=now,
            actor_id=manager_id,
            counterpart_id=from_customer_id,
            group_id=group,
            note=note,
            lots=incoming,
        )
        uow.audit.append(
            manager_id,
            "points_transferred",
            {
                "from": from_customer_id,
                "to": to_customer_id,
                "points": points,
                "entries": [sent.id, received.id],
            },
            now,
        )
        uow.commit()
        return Transferred(sent, received)


def reverse_entry(
    uow: UnitOfWork,
    *,
    manager_id: str,
    pin: str,
    entry_id: str,
    now: datetime,
    note: str | None = None,
) -> Reversed | Refused:
    with uow:
        if refused := _approve(uow, manager_id, pin, now):
            return refused
        entry = uow.ledger.get(entry_id)
        if entry is None:
            return Refused("unknown_entry", f"no ledger entry {entry_id!r}")
        if entry.kind is EntryKind.REVERSAL:
            return Refused("reversal_of_reversal", "a reversal cannot be reversed")
        targets = [entry]
        if entry.kind is EntryKind.TRANSFER and entry.group_id:
            targets = [e for e in uow.ledger.entries_of_group(entry.group_id) if e.kind is EntryKind.TRANSFER]
        for target in targets:
            if uow.ledger.reversal_of(target.id) is not None:
                return Refused("already_reversed", f"entry {target.id} was already reversed")
        for target in targets:
            if target.customer_id is not None and target.points > 0:
                customer = uow.customers.get(target.customer_id)
                assert customer is not None
                if customer.points < target.points:
                    return Refused(
                        "insufficient_points",
                        f"{customer.name} has {customer.points} points; reversing takes back {target.points}",
                    )
        group = new_entry_id() if len(targets) > 1 else None
        reversals = tuple(
            uow.ledger.append(
                EntryKind.REVERSAL,
                target.customer_id,
                -target.points,
                at=now,
                reverses=target.id,
                actor_id=manager_id,
                order_id=target.order_id,
                counterpart_id=target.counterpart_id,
                group_id=group,
                note=note,
            )
            for target in targets
        )
        uow.audit.append(
            manager_id,
            "entry_reversed",
            {"entries": [t.id for t in targets], "reversals": [r.id for r in reversals], "note": note},
            now,
        )
        uow.commit()
        return Reversed(reversals)


__all__ = [
    "ADJUSTMENT_REASONS",
    "Adjusted",
    "Reversed",
    "Transferred",
    "adjust_points",
    "reverse_entry",
    "transfer_points",
]
