"""A customer's points as the cashier sees them: the balance both ways, the lots, the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pos_app.domain.ledger import LedgerEntry, PointLot, PointsBalance
from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class PointsStatement:
    balance: PointsBalance
    lots: tuple[PointLot, ...]  # this register's lots that still hold points, first to expire first
    entries: tuple[LedgerEntry, ...]  # this register's entries, oldest first


def points_statement(uow: UnitOfWork, customer_id: str, today: date) -> PointsStatement | Refused:
    with uow:
        balance = uow.ledger.balance(customer_id, today)
        if balance is None:
            return Refused("unknown_customer", f"no customer {customer_id!r}")
        return PointsStatement(
            balance,
            tuple(uow.ledger.open_lots(customer_id, today)),
            tuple(uow.ledger.entries_of(customer_id)),
        )


__all__ = ["PointsStatement", "points_statement"]
