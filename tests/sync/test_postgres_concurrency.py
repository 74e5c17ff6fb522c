"""20+ registers pushing concurrently to PostgreSQL on a few hot customers.

Pass criteria: the ledger sums equal the balances on every read, and no
online entry ever drives a balance negative. A reader checks the invariant
continuously while the registers push.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from harness import CentralServer

from sync.client import SyncLoop
from sync.client.reference_store import ReferenceRegisterStore

REGISTERS = 20
HOT = ["H0", "H1", "H2"]


@pytest.fixture
def pg_central(postgres_url: str) -> Iterator[CentralServer]:
    schema = f"pos_sync_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres_url else "?"
    server = CentralServer(f"{postgres_url}{sep}options=-csearch_path%3D{schema}")
    try:
        yield server
    finally:
        server.stop()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_twenty_registers_on_hot_customers_keep_sums_consistent_and_online_never_negative(pg_central, tmp_path):
    central = pg_central
    hq = central.client("HQ", "SEED")
    seed = ReferenceRegisterStore(tmp_path / "seed.db", "HQ.SEED")
    for customer in HOT:
        seed.record("accrual", customer, 300)
    seed.record("accrual", "OFF", 100)
    SyncLoop(hq, seed, seed).push_pending()

    loops = []
    for r in range(REGISTERS):
        store = ReferenceRegisterStore(tmp_path / f"r{r}.db", f"S1.R{r}", synchronous="NORMAL")
        rng = random.Random(r)
        for _ in range(60):
            customer = rng.choice(HOT)
            roll = rng.random()
            if roll < 0.45:
                store.record("accrual", customer, rng.randint(1, 30))
            elif roll < 0.9:
                store.record("redemption", customer, -rng.randint(1, 60), online=True)
            else:
                store.record("redemption", "OFF", -rng.randint(1, 40))  # offline overspend
        loops.append(SyncLoop(central.client("S1", f"R{r}"), store, store, batch_size=7))

    stop = threading.Event()
    violations: list[str] = []
    reads = {"n": 0}

    def reader() -> None:
        query = sa.text(
            "SELECT c.id, c.balance, c.overdraft, COALESCE(SUM(l.points), 0) AS total FROM customers c "
            "LEFT JOIN ledger_entries l ON l.customer_id = c.id GROUP BY c.id, c.balance, c.overdraft")
        while not stop.is_set():
            with central.engine.connect() as conn:
                for row in conn.execute(query):
                    if row.balance != row.total:
                        violations.append(f"{row.id}: balance {row.balance} != ledger sum {row.total}")
                    if row.id in HOT and row.balance < 0:
                        violations.append(f"{row.id}: negative balance {row.balance} from online entries")
                    if row.overdraft != max(0, -row.balance):
                        violations.append(f"{row.id}: overdraft {row.overdraft} for balance {row.balance}")
            reads["n"] += 1

    barrier = threading.Barrier(REGISTERS)
    errors: list[BaseException] = []

    def register(loop: SyncLoop) -> None:
        try:
            barrier.wait()
            loop.push_pending()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    watcher = threading.Thread(target=reader)
    watcher.start()
    threads = [threading.Thread(target=register, args=(loop,)) for loop in loops]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    watcher.join()

    assert errors == []
    assert violations == []
    assert reads["n"] > 1
    assert all(loop.outbox.pending_count() == 0 for loop in loops)
    total = central.scalar("SELECT COUNT(*) FROM ledger_entries") + central.scalar(
        "SELECT COUNT(*) FROM rejected_entries")
    assert total == REGISTERS * 60 + len(HOT) + 1
    assert central.ledger_sums() == central.balances()
    assert central.scalar("SELECT COUNT(*) FROM rejected_entries WHERE reason = 'insufficient_balance'") > 0
    # Replaying each hot customer's ledger in commit order: no online entry ever took it below zero.
    for customer in HOT:
        running = 0
        for points, online in central.rows(
                "SELECT points, online FROM ledger_entries WHERE customer_id = :c ORDER BY server_seq", c=customer):
            running += points
            assert running >= 0 or not online
    off = central.rows("SELECT balance, overdraft FROM customers WHERE id = 'OFF'")[0]
    assert off.overdraft == max(0, -off.balance)
    assert central.scalar("SELECT COALESCE(SUM(points), 0) FROM overdraft_events WHERE customer_id = 'OFF'") == off.overdraft
    for loop in loops:
        loop.outbox.close()
    seed.close()
