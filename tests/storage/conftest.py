"""Fixtures for the local-store tests: a real SQLite file per test, migrated to head."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text

from pos_app.domain.account import Role
from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.loyalty_settings import LoyaltySettings, TierRule
from pos_app.services import accounts
from pos_app.services.accounts import create_user
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
MANAGER_PIN = "246810"
CASHIER_PIN = "1357"

SNAPSHOT_TABLES = (
    "customers",
    "ledger_entries",
    "point_lots",
    "lot_consumptions",
    "outbox",
    "register_sequences",
    "orders",
    "order_lines",
    "promotion_codes",
    "audit_log",
    "users",
    "order_returns",
    "record_outbox",
)


@pytest.fixture(autouse=True)
def cheap_pin_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small costs: the same algorithm and format, a fraction of the time."""
    monkeypatch.setattr(accounts, "PIN_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(tmp_path / "register.db")
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWorkFactory:
    """The unit-of-work factory of register R1 (call it for each unit of work)."""
    return UnitOfWorkFactory(engine, register_id="R1")


@pytest.fixture
def settings(uow: UnitOfWorkFactory) -> LoyaltySettings:
    value = LoyaltySettings(
        currency="USD",
        expiry_months=12,
        tiers=(TierRule("silver", 50_000, "1.25"), TierRule("gold", 200_000, "1.5")),
        default_phone_region="US",
        manager_daily_adjust_limit=1000,
    )
    with uow() as work:
        work.settings.save(value)
        work.commit()
    return value


@pytest.fixture
def add_customer(uow: UnitOfWorkFactory) -> Callable[..., CustomerProfile]:
    def add(customer_id: str, name: str, **fields: object) -> CustomerProfile:
        profile = CustomerProfile(id=customer_id, name=name, **fields)  # type: ignore[arg-type]
        with uow() as work:
            work.customers.add(profile)
            work.commit()
        return profile

    return add


@pytest.fixture
def people(settings: LoyaltySettings, add_customer: Callable[..., CustomerProfile]) -> dict[str, CustomerProfile]:
    """A few cached customers: two share a phone, names with accents."""
    return {
        "ana": add_customer("C1", "Ana Pérez", card_number="2000000000015", phone="+14155550101",
                            email="Ana.Perez@Example.com", confirmed_points=1500, birthday=date(1990, 11, 25)),
        "jose": add_customer("C2", "José Müller", card_number="2000000000022", phone="+14155550102",
                             email="jose@example.com", confirmed_points=300),
        "maria": add_customer("C3", "María Müller", card_number="2000000000039", phone="+14155550102",
                              email="maria@example.com", confirmed_points=0),
        "bob": add_customer("C4", "Bob O'Brien", card_number="2000000000046", phone="+442079460000",
                            email="bob@example.co.uk", confirmed_points=50),
    }


@pytest.fixture
def manager(uow: UnitOfWorkFactory) -> str:
    create_user(uow(), user_id="M1", name="Maya Manager", role=Role.MANAGER, pin=MANAGER_PIN, now=NOW)
    return "M1"


@pytest.fixture
def cashier(uow: UnitOfWorkFactory) -> str:
    create_user(uow(), user_id="K1", name="Kim Cashier", role=Role.CASHIER, pin=CASHIER_PIN, now=NOW)
    return "K1"


@pytest.fixture
def snapshot(engine: Engine) -> Callable[[], dict[str, list[tuple[object, ...]]]]:
    """Every row of the tables a use case writes, to assert that a refusal wrote nothing."""

    def take() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as connection:
            return {
                table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
                for table in SNAPSHOT_TABLES
            }

    return take
