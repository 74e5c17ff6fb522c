"""The unit of work: one session per `with` block, rolled back unless committed.

    factory = UnitOfWorkFactory(engine, register_id="R1")
    with factory() as uow:
        uow.ledger.append(EntryKind.ACCRUAL, "C1", 120, at=now)
        uow.commit()

Repositories are attributes of the unit of work and share its session;
callers never see the session. A writing unit of work begins with
`BEGIN IMMEDIATE` (see `database`); `factory(read_only=True)` begins a
deferred read transaction for lookups, which never waits for a writer. Sessions are created inside the
worker that uses them; only the engine is shared between threads.

A caller that must add its own rows to a use case's transaction (the POS
API keeps its answer with the sale it answers) holds the commit:

    work = factory().hold_commit()
    try:
        result = checkout(work, draft, ...)      # its commit() only flushes
        if work.commit_requested:
            work.pos_transactions.add(...)      # same transaction
        work.finish()                            # one commit for all of it
    finally:
        work.close()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pos_app.storage.accounts import AuditRepository, UserRepository
from pos_app.storage.catalog import CatalogRepository
from pos_app.storage.customers import CustomerRepository
from pos_app.storage.database import WRITE
from pos_app.storage.history_import import HistoryImport
from pos_app.storage.ledger import LedgerRepository
from pos_app.storage.orders import OrderRepository
from pos_app.storage.parked_sales import ParkedSaleRepository
from pos_app.storage.pos_api import PosKeyRepository, PosTransactionRepository
from pos_app.storage.promotions import PromotionRepository
from pos_app.storage.receipts import ReceiptRepository
from pos_app.storage.records import FeedQuarantineRepository, RecordOutboxRepository
from pos_app.storage.report_rows import ReportRowsRepository
from pos_app.storage.rewards import RewardRepository
from pos_app.storage.settings import SettingsRepository
from pos_app.storage.sync_state import SyncStateRepository

# What the database says when a write breaks a constraint of the data (not a locked or broken database).
CONSTRAINT_ERRORS: tuple[type[Exception], ...] = (IntegrityError, DataError)


class UnitOfWork:
    customers: CustomerRepository
    catalog: CatalogRepository
    promotions: PromotionRepository
    settings: SettingsRepository
    ledger: LedgerRepository
    orders: OrderRepository
    users: UserRepository
    audit: AuditRepository
    rewards: RewardRepository
    sync_state: SyncStateRepository
    records: RecordOutboxRepository
    quarantine: FeedQuarantineRepository
    report: ReportRowsRepository
    history: HistoryImport
    parked_sales: ParkedSaleRepository
    receipts: ReceiptRepository
    pos_keys: PosKeyRepository
    pos_transactions: PosTransactionRepository

    def __init__(self, session_factory: sessionmaker[Session], register_id: str, store_id: str = "S1",
                 register_name: str | None = None, *, shared: bool = False) -> None:
        self._session_factory = session_factory
        self.register_id = register_id
        self.store_id = store_id
        self.register_name = register_name or register_id
        self._session: Session | None = None
        self._committed = False
        self._hold = False
        self._commit_requested = False
        self._shared = shared  # `UnitOfWorkFactory.reads()`: nested `with` blocks reuse the open one
        self._snapshot: dict[object, Any] | None = None  # shared reads: lookups kept until the snapshot ends
        self._depth = 0

    def __enter__(self) -> UnitOfWork:
        if self._shared and self._depth:
            self._depth += 1
            return self
        if self._session is not None:
            raise RuntimeError("a unit of work is entered once")
        self._depth = 1
        session = self._session = self._session_factory()
        self._committed = False
        # Shared reads are one read-only snapshot: what was read once in it need not be read again.
        snapshot: dict[object, Any] | None = {} if self._shared else None
        self._snapshot = snapshot
        self.customers = CustomerRepository(session, snapshot)
        self.catalog = CatalogRepository(session)
        self.promotions = PromotionRepository(session, snapshot)
        self.settings = SettingsRepository(session)
        self.ledger = LedgerRepository(session, self.register_id, self.customers, snapshot)
        self.orders = OrderRepository(session)
        self.users = UserRepository(session)
        self.audit = AuditRepository(session)
        self.rewards = RewardRepository(session)
        self.sync_state = SyncStateRepository(session)
        self.records = RecordOutboxRepository(session)
        self.quarantine = FeedQuarantineRepository(session)
        self.report = ReportRowsRepository(session)
        self.history = HistoryImport(session, self.register_id)
        self.parked_sales = ParkedSaleRepository(session)
        self.receipts = ReceiptRepository(session)
        self.pos_keys = PosKeyRepository(session)
        self.pos_transactions = PosTransactionRepository(session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._session is not None
        self._depth -= 1
        if self._depth:
            return  # an inner block of shared reads: the outermost one ends the transaction
        if self._hold and self._commit_requested and exc_type is None:
            return  # the caller adds its rows, then `finish()` commits
        try:
            if not self._committed:
                self._session.rollback()
        finally:
            self._session.close()

    @property
    def order_prefix(self) -> str:
        """What this register's order ids start with: its store and its own id (`S1-R1`), unique in the chain."""
        return f"{self.store_id}-{self.register_name}"

    def _forget_snapshot(self) -> None:
        if self._snapshot is not None:
            self._snapshot.clear()  # the transaction ends (or writes): the next read sees a new snapshot

    def commit(self) -> None:
        assert self._session is not None, "commit() outside the with block"
        self._forget_snapshot()
        if self._hold:
            self._session.flush()
            self._commit_requested = True
            return
        self._session.commit()
        self._committed = True

    def hold_commit(self) -> UnitOfWork:
        """Make `commit()` only flush and keep the transaction open after the `with` block (see above)."""
        if self._session is not None:
            raise RuntimeError("hold the commit before the unit of work is entered")
        self._hold = True
        return self

    @property
    def commit_requested(self) -> bool:
        """A held unit of work whose use case asked to commit; its transaction is still open."""
        return self._hold and self._commit_requested and not self._committed

    def finish(self) -> None:
        """Commit what the held use case asked to commit and what the caller added since."""
        if self._session is not None and self.commit_requested:
            self._session.commit()
            self._committed = True

    def close(self) -> None:
        """End a held unit of work: whatever `finish()` did not commit is rolled back."""
        if self._session is not None:
            try:
                if not self._committed:
                    self._session.rollback()
            finally:
                self._session.close()

    def rollback(self) -> None:
        assert self._session is not None
        self._forget_snapshot()
        self._session.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction undone alone when it raises (the rest of the work stays)."""
        assert self._session is not None
        with self._session.begin_nested():
            yield

    def flush(self) -> None:
        """Send pending ORM changes to the database (e.g. to read them back in the same transaction)."""
        assert self._session is not None
        self._forget_snapshot()
        self._session.flush()


class UnitOfWorkFactory:
    """Makes units of work on one engine for one register of one store; cheap to call, safe to share.

    `register_id` keys this register's own ledger (its gapless `seq`); `store_id` and `register_name`
    name it in the chain, as paired with the central service (`S1` and `R1` for `S1.R1`, the register id
    by default): its order ids carry both.
    """

    def __init__(self, engine: Engine, register_id: str, *, store_id: str = "S1",
                 register_name: str | None = None) -> None:
        self.engine = engine
        self.register_id = register_id
        self.store_id = store_id
        self.register_name = register_name or register_id
        self._writing = sessionmaker(bind=engine.execution_options(**{WRITE: True}), expire_on_commit=False)
        self._reading = sessionmaker(bind=engine, expire_on_commit=False)

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self._reading if read_only else self._writing, self.register_id, self.store_id,
                          self.register_name)

    @contextmanager
    def reads(self) -> Iterator[UnitOfWorkFactory]:
        """A factory whose read-only units of work are one, open for the block: a series of lookups
        (a till's whole inquire) reads one snapshot in one transaction instead of opening one each.

        Within the snapshot a member's row, their balance and open lots and the pricing revision are read
        once and remembered (nothing can change them under a read transaction); a commit, rollback or flush
        of the shared unit of work forgets them. Writing units of work are made as usual.
        """
        shared = UnitOfWork(self._reading, self.register_id, self.store_id, self.register_name, shared=True)
        with shared:
            yield _SharedReads(self, shared)


class _SharedReads(UnitOfWorkFactory):
    def __init__(self, base: UnitOfWorkFactory, shared: UnitOfWork) -> None:  # noqa: D107
        self.engine = base.engine
        self.register_id = base.register_id
        self.store_id = base.store_id
        self.register_name = base.register_name
        self._writing = base._writing
        self._reading = base._reading
        self._shared = shared

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return self._shared if read_only else super().__call__()


__all__ = ["CONSTRAINT_ERRORS", "UnitOfWork", "UnitOfWorkFactory"]
