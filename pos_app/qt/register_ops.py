"""The register's operations: plain functions the task runner runs off the GUI thread.

Each method of `RegisterOps` opens its own unit of work through a service
and returns a value; nothing here touches a widget. A changing operation
returns what changed (`OpChanges`) with its result, so the window redraws
only those panels, after Anki's `OpChanges`. The moment comes from the
injected clock (timezone-aware, local), so tests control it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from pos_app.domain.account import Role, UserAccount
from pos_app.domain.audit_chain import AuditRecord
from pos_app.domain.customer_profile import Consents, CustomerProfile
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.sale_record import SaleRecord
from pos_app.printing.receipt import Receipt
from pos_app.services import parked_sales, receipts
from pos_app.services.accounts import Authenticated, active_accounts, sign_in, sign_out, verify_pin
from pos_app.services.audit import AuditLog, audit_log, audit_records
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
from pos_app.services.parked_sales import ParkedSale, Recalled
from pos_app.services.receipts import KeptReceipts, ReceiptHeader
from pos_app.services.returns import (
    ReturnedLine,
    ReturnResult,
    last_order,
    locate_order,
    quote_return,
    return_items,
    void_last_order,
)
from pos_app.services.sale import SaleDraft
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


@dataclass(frozen=True, slots=True)
class OrderOnFile:
    """A paid order as a return or a void shows it: with its customer's name."""

    order: SaleRecord
    customer_name: str | None = None


@dataclass(frozen=True, slots=True)
class ReturnDone:
    """A recorded return and its slip (kept with the order, to print)."""

    result: ReturnResult
    receipt: Receipt


class RegisterOps:
    def __init__(self, uow: UnitOfWorkFactory, clock: Callable[[], datetime],
                 receipt_header: ReceiptHeader | None = None, *, chain: ChainCalls | None = None) -> None:
        self.uow = uow
        self.clock = clock
        self.receipt_header = receipt_header or ReceiptHeader("", uow.register_id, "-")
        self.chain = chain  # the central service, for orders sold at other registers

    def save_exposure(self, state: object) -> None:
        """Persist the offline caps' counters and the cache age (they must survive a restart)."""
        from pos_app.services.sync_ports import save_exposure_state

        save_exposure_state(self.uow, state)

    # -- cashier sessions -----------------------------------------------------------------------

    def accounts(self) -> list[UserAccount]:
        return active_accounts(self.uow(read_only=True))

    def sign_in(self, user_id: str, pin: str) -> Authenticated | Refused:
        return sign_in(self.uow(), user_id, pin, self.clock(), register_id=self.uow.register_id)

    def sign_out(self, user_id: str, *, locked: bool) -> None:
        sign_out(self.uow(), user_id, self.clock(), register_id=self.uow.register_id, locked=locked)

    # -- parked sales and receipts --------------------------------------------------------------

    def park(self, draft: SaleDraft, *, cashier_id: str | None, label: str, item_count: int, total_minor: int,
             currency: str) -> ParkedSale | Refused:
        return parked_sales.park_sale(self.uow(), draft, now=self.clock(), cashier_id=cashier_id, label=label,
                                      item_count=item_count, total_minor=total_minor, currency=currency)

    def parked(self) -> list[ParkedSale]:
        return parked_sales.parked_sales(self.uow(read_only=True))

    def recall(self, parked_id: str) -> Recalled | Refused:
        return parked_sales.recall_sale(self.uow(), parked_id)

    def receipts_of(self, scanned: str) -> KeptReceipts | Refused:
        return receipts.find_receipt(self.uow(read_only=True), scanned)

    def last_receipts(self) -> KeptReceipts | Refused:
        return receipts.last_receipt(self.uow)

    # -- customers ----------------------------------------------------------------------------

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

    def order_on_file(self, scanned: str | None) -> OrderOnFile | Refused:
        """The order scanned (or this register's last one, for None) with its customer's name."""
        found = last_order(self.uow(read_only=True)) if scanned is None else self.find_order(scanned)
        if isinstance(found, Refused):
            return found
        customer = customer_by_id(self.uow(read_only=True), found.customer_id) if found.customer_id else None
        return OrderOnFile(found, customer.name if isinstance(customer, CustomerProfile) else None)

    @staticmethod
    def quote_return(order: SaleRecord, quantities: dict[str, int | str]) -> tuple[ReturnedLine, ...] | Refused:
        return quote_return(order, quantities)

    def return_items(self, *, order: OrderOnFile, quantities: dict[str, int | str], manager_id: str,
                     manager_name: str, pin: str, return_id: str, cashier_id: str | None = None,
                     cashier_name: str | None = None) -> Changed:
        """Record the return, then keep its slip with the order (the refund stands even if the slip is lost).

        `return_id` is chosen when the cashier confirms: a retry of that confirmation is not a second return.
        """
        result = return_items(self.uow(), order.order.id, quantities, now=self.clock(), cashier_id=cashier_id,
                              manager_id=manager_id, pin=pin, return_id=return_id)
        if isinstance(result, Refused):
            return Changed(result)
        header = replace(self.receipt_header, cashier=cashier_name or cashier_id or manager_name)
        slip = receipts.return_receipt(order.order, result, header, self.clock(), customer_name=order.customer_name,
                                       approved_by=manager_name)
        if not result.replayed:  # a retried return's slip was kept the first time
            receipts.keep_return_receipt(self.uow(), slip, self.clock())
        return Changed(ReturnDone(result, slip), OpChanges(customer=True, outbox=True))

    def void_order(self, *, order_id: str, manager_id: str, pin: str) -> Changed:
        """Void the register's last sale, which must be `order_id` (the one the manager confirmed)."""
        result = void_last_order(self.uow(), manager_id=manager_id, pin=pin, now=self.clock(), order_id=order_id)
        return Changed(result, OpChanges(customer=not isinstance(result, Refused), outbox=True))

    def program_settings(self) -> LoyaltySettings:
        with self.uow(read_only=True) as uow:
            return uow.settings.get()

    def audit_records(self) -> list[AuditRecord]:
        return audit_records(self.uow(read_only=True))

    def audit_log(self) -> AuditLog:
        return audit_log(self.uow(read_only=True))

    @staticmethod
    def export_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
        """Write rows as a CSV file (UTF-8, opened correctly by spreadsheets); returns the path written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    # -- status -------------------------------------------------------------------------------

    def catalogue_size(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.catalog.count()

    def outbox_size(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.ledger.outbox_size()


__all__ = ["Changed", "CustomerCard", "OpChanges", "OrderOnFile", "PersonalOffer", "RegisterOps", "ReturnDone"]
