"""The point-expiry run of a register that works alone: what is left of lots past their date expires.

For every customer with such lots the run writes one `expiry` entry that
consumes exactly those lots' remaining points. A lot expires at the end of
its `expires_on` day, so a run on that day leaves it alone. Running twice
expires nothing the second time.

A register that follows a central service never expires points itself: the
central ledger holds every store's lots and expires them
(`sync.central.expiry`); the expiry entries reach the register as balances
(refused `central_expires_points`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.ledger import EntryKind, LedgerEntry, LotConsumption
from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ExpiryRun:
    entries: tuple[LedgerEntry, ...]

    @property
    def points(self) -> int:
        return -sum(entry.points for entry in self.entries)


def run_point_expiry(uow: UnitOfWork, *, now: datetime) -> ExpiryRun | Refused:
    today = now.date()
    with uow:
        if uow.sync_state.follows_central():
            return Refused("central_expires_points",
                           "the central service expires points over every store; this register shows them")
        entries = []
        for customer_id in uow.ledger.customers_with_lots_expired(today):
            parts = [
                LotConsumption(lot.lot_id, lot.remaining)
                for lot in uow.ledger.lots(customer_id)
                if lot.expires_on < today and lot.remaining > 0
            ]
            total = sum(part.points for part in parts)
            if total:
                entries.append(
                    uow.ledger.append(
                        EntryKind.EXPIRY, customer_id, -total, at=now, reason="lots_expired", consume=parts
                    )
                )
        uow.commit()
        return ExpiryRun(tuple(entries))


__all__ = ["ExpiryRun", "run_point_expiry"]
