"""The report view's two sources, as plain calls the task runner runs off the GUI thread.

`here` computes this register's report from its own store (works offline);
`store` asks the central service for its report of this register's store
(every register of the store, and what only the chain knows: leavers, tier
movements, leakage, control groups). Both answer a `LoyaltyReport`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pos_app.domain.report.loyalty_report import LoyaltyReport
from pos_app.domain.report.periods import Grain
from pos_app.services.chain import ChainCalls
from pos_app.services.loyalty_report import register_report
from pos_app.storage.unit_of_work import UnitOfWorkFactory


class ReportOps:
    def __init__(self, uow: UnitOfWorkFactory, clock: Callable[[], datetime], chain: ChainCalls | None) -> None:
        self.uow, self.clock, self.chain = uow, clock, chain

    @property
    def has_central(self) -> bool:
        return self.chain is not None

    def today(self) -> date:
        return self.clock().date()

    def here(self, first: date, last: date, grain: Grain | None) -> LoyaltyReport:
        return register_report(self.uow(read_only=True), first, last, now=self.clock(), grain=grain)

    def store(self, first: date, last: date, grain: Grain | None) -> LoyaltyReport:
        """Raises `ChainUnreachable` (offline, no answer) like every call to the central service."""
        if self.chain is None:
            from pos_app.services.chain import ChainUnreachable

            raise ChainUnreachable("this register is not paired with a central service")
        return LoyaltyReport.from_json(
            self.chain.fetch_report(first.isoformat(), last.isoformat(), grain.value if grain else None))


__all__ = ["ReportOps"]
