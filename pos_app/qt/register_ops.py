"""The register's operations: plain functions the task runner runs off the GUI thread.

Each method of `RegisterOps` opens its own unit of work through a service
and returns a value; nothing here touches a widget. A changing operation
returns what changed (`OpChanges`) with its result, so the window redraws
only those panels, after Anki's `OpChanges`. The moment comes from the
injected clock (timezone-aware, local), so tests control it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from pos_app.domain.account import Role
from pos_app.domain.audit_chain import AuditRecord
from pos_app.domain.customer_profile import Consents, CustomerProfile
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.sale_record import SaleRecord
from pos_app.services.accounts import Authenticated, verify_pin
from pos_app.services.audit import audit_records
from pos_app.services.chain import ChainCalls
from pos_app.services.customer_card import CustomerCard, PersonalOffer, customer_by_id, customer_card
from pos_app.services.enrollment import enroll_customer
from pos_app.services.identification import Identification, identify
from pos_app.services.manager_actions import (
    Adjusted,
    Transferred,
    adjust_points,
    transfer_points,
)
from pos_app.services.outcome import Refused
from pos_app.services.returns import locate_order, return_items, void_last_order
from pos_app.storage.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class OpChanges:
    """Which panels an operation's result touches."""

    customer: bool = False
    cart: bool = False
    promotions: bool = False
    totals: bool = False
    outbox: bool = False


@dataclass(frozen=True, slots=True)
class Changed:
    """A changing op's answer: its result value and what it changed."""

    result: object
    changes: OpChanges = field(default_factory=OpChanges)


class RegisterOps:
    def __init__(self, uow: UnitOfWorkFactory, clock: Callable[[], datetime], *,
                 chain: ChainCalls | None = None) -> None:
        self.uow = uow
        self.clock = clock
        self.chain = chain  # the central service, for orders sold at other registers

    # -- customers ----------------------------------------------------------------------------


    def save_exposure(self, state: object) -> None:
        """Persist the offline caps' counters and the cache age (they must survive a restart)."""
        from pos_app.services.sync_ports import save_exposure_state

        save_exposure_state(self.uow, state)
    def identify(self, typed: str) -> Identification:
        return identify(self.uow(read_only=True), typed)

    def customer_card(self, customer_id: str) -> CustomerCard | Refused:
        return customer_card(self.uow(read_only=True), customer_id, self.clock())

    def customer_by_id(self, customer_id: str) -> CustomerProfile | Refused:
        return customer_by_id(self.uow(read_only=True), customer_id)

    def enroll(self, *, name: str, phone: str | None, email: str | None, birthday: date | None,
               consents: Consents, cashier_id: str | None) -> Changed:
        result = enroll_customer(self.uow(), name=name, now=self.clock(), phone=phone or None,
                                 email=email or None, birthday=birthday, consents=consents,
                                 cashier_id=cashier_id)
        return Changed(result, OpChanges(customer=not isinstance(result, Refused), outbox=True))

    # -- manager ------------------------------------------------------------------------------

    def verify_manager(self, user_id: str, pin: str) -> Authenticated | Refused:
        return verify_pin(self.uow(), user_id, pin, self.clock(), Role.MANAGER)

    def verify_user(self, user_id: str, pin: str) -> Authenticated | Refused:
        return verify_pin(self.uow(), user_id, pin, self.clock())

    def adjust(self, *, manager_id: str, pin: str, customer_id: str, points: int, reason: str,
               note: str | None) -> Changed:
        result = adjust_points(self.uow(), manager_id=manager_id, pin=pin, customer_id=customer_id,
                               points=points, reason=reason, now=self.clock(), note=note)
        return Changed(result, OpChanges(customer=isinstance(result, Adjusted), promotions=True,
                                         totals=True, outbox=True))

    def transfer(self, *, manager_id: str, pin: str, from_customer_id: str, to_customer_id: str,
                 points: int, note: str | None) -> Changed:
        result = transfer_points(self.uow(), manager_id=manager_id, pin=pin,
                                 from_customer_id=from_customer_id, to_customer_id=to_customer_id,
                                 points=points, now=self.clock(), note=note)
        return Changed(result, OpChanges(customer=isinstance(result, Transferred), outbox=True))

    def find_order(self, scanned: str) -> SaleRecord | Refused:
        return locate_order(self.uow, scanned, chain=self.chain)

    def return_items(self, *, order_id: str, quantities: dict[str, int | str], manager_id: str, pin: str,
                     cashier_id: str | None = None) -> Changed:
        result = return_items(self.uow(), order_id, quantities, now=self.clock(), cashier_id=cashier_id,
                              manager_id=manager_id, pin=pin)
        return Changed(result, OpChanges(customer=not isinstance(result, Refused), outbox=True))

    def void_last_order(self, *, manager_id: str, pin: str) -> Changed:
        result = void_last_order(self.uow(), manager_id=manager_id, pin=pin, now=self.clock())
        return Changed(result, OpChanges(customer=not isinstance(result, Refused), outbox=True))

    def program_settings(self) -> LoyaltySettings:
        with self.uow(read_only=True) as uow:
            return uow.settings.get()

    def audit_log(self) -> list[AuditRecord]:
        return audit_records(self.uow(read_only=True))

    # -- status -------------------------------------------------------------------------------

    def catalogue_size(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.catalog.count()

    def outbox_size(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.ledger.outbox_size()


__all__ = ["Changed", "CustomerCard", "OpChanges", "PersonalOffer", "RegisterOps"]
