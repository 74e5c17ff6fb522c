"""The register's operations: plain functions the task runner runs off the GUI thread.

Each method of `RegisterOps` opens its own unit of work through a service
and returns a value; nothing here touches a widget. A changing operation
returns what changed (`OpChanges`) with its result, so the window redraws
only those panels, after Anki's `OpChanges`. The moment comes from the
injected clock (timezone-aware, local), so tests control it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pos_app.domain.account import Role
from pos_app.domain.audit_chain import AuditRecord
from pos_app.domain.customer_profile import Consents, CustomerProfile
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.sale_record import SaleRecord
from pos_app.qt.wording import is_birthday_week
from pos_app.services.accounts import Authenticated, verify_pin
from pos_app.services.audit import audit_records
from pos_app.services.balances import PointsStatement, points_statement
from pos_app.services.enrollment import enroll_customer
from pos_app.services.identification import Identification, identify
from pos_app.services.manager_actions import (
    Adjusted,
    Transferred,
    adjust_points,
    transfer_points,
)
from pos_app.services.outcome import Refused
from pos_app.services.returns import find_order, return_items, void_last_order
from pos_app.services.tiers import rolling_year_start
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
class PersonalOffer:
    code: str
    name: str
    uses_left: int | None


@dataclass(frozen=True, slots=True)
class CustomerCard:
    """Everything the customer panel shows about one customer."""

    customer: CustomerProfile
    confirmed: int
    pending: int
    held: int
    offers: tuple[PersonalOffer, ...]
    birthday_week: bool
    expiring_soon: int = 0
    expiring_on: date | None = None
    next_tier: str | None = None
    to_next_tier: int = 0  # minor units of spend still needed for `next_tier`
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class Changed:
    """A changing op's answer: its result value and what it changed."""

    result: object
    changes: OpChanges = field(default_factory=OpChanges)


class RegisterOps:
    def __init__(self, uow: UnitOfWorkFactory, clock: Callable[[], datetime]) -> None:
        self.uow = uow
        self.clock = clock

    # -- customers ----------------------------------------------------------------------------


    def save_exposure(self, state: object) -> None:
        """Persist the offline caps' counters and the cache age (they must survive a restart)."""
        from pos_app.services.sync_ports import save_exposure_state

        save_exposure_state(self.uow, state)
    def identify(self, typed: str) -> Identification:
        return identify(self.uow(read_only=True), typed)

    def customer_card(self, customer_id: str) -> CustomerCard | Refused:
        today = self.clock().date()
        statement = points_statement(self.uow(read_only=True), customer_id, today)
        if isinstance(statement, Refused):
            return statement
        with self.uow(read_only=True) as uow:
            customer = uow.customers.get(customer_id)
            if customer is None:
                return Refused("unknown_customer", f"no customer {customer_id!r}")
            settings = uow.settings.get()
            now = self.clock()
            spend = uow.orders.spend_between(customer_id, rolling_year_start(now), now)
            above = sorted((t for t in settings.tiers if t.threshold_minor > spend), key=lambda t: t.threshold_minor)
            current = settings.tier_for_spend(spend)
            # The next tier above both the spend and the tier held (a cached tier may come from the central
            # service, which sees every store): the cashier can tell the customer how far it is.
            ranks = {t.name: t.threshold_minor for t in settings.tiers}
            held = max(ranks.get(customer.tier or "", 0), ranks.get(current or "", 0))
            nxt = next((t for t in above if t.threshold_minor > held), None)
            offers = []
            for code in uow.promotions.codes_of_customer(customer_id):
                if code.uses_left is not None and code.uses_left <= 0:
                    continue
                promo = uow.promotions.get(code.promotion_id)
                if promo is None:
                    continue
                offers.append(PersonalOffer(code.display or code.code, promo.get("name", promo["id"]),
                                            code.uses_left))
            coded = {o.name for o in offers}
            for promo in uow.promotions.in_force(now):
                audience = promo.get("audience")
                if not isinstance(audience, dict) or promo.get("codes") or promo.get("name") in coded:
                    continue  # public offers are for everyone; code-gated ones are listed by their code
                if customer.id in (audience.get("customers") or ()) \
                        or (customer.tier and customer.tier in (audience.get("tiers") or ())) \
                        or set(customer.segments) & set(audience.get("segments") or ()):
                    offers.append(PersonalOffer("", promo.get("name", promo["id"]), None))
        card = _card(customer, statement, tuple(offers), today)
        if nxt is not None:
            card = replace(card, next_tier=nxt.name, to_next_tier=nxt.threshold_minor - spend,
                           currency=settings.currency)
        return card

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
        return find_order(self.uow(read_only=True), scanned)

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


def _card(customer: CustomerProfile, statement: PointsStatement, offers: tuple[PersonalOffer, ...],
          today: date) -> CustomerCard:
    balance = statement.balance
    soon = [lot for lot in statement.lots if (lot.expires_on - today).days <= 30]
    return CustomerCard(
        customer=customer,
        confirmed=balance.confirmed,
        pending=balance.pending,
        held=balance.held,
        offers=offers,
        birthday_week=is_birthday_week(customer.birthday, today),
        expiring_soon=sum(lot.remaining for lot in soon),
        expiring_on=min((lot.expires_on for lot in soon), default=None),
    )


__all__ = ["Changed", "CustomerCard", "OpChanges", "PersonalOffer", "RegisterOps"]
