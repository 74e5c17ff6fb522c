"""Drain of a register's offline entries written by the REAL register store (run by hand, not in tests).

    .venv/bin/python bench/register_drain.py                    # 5,000 entries, SyncLoop's defaults
    .venv/bin/python bench/register_drain.py --entries 10000 --per-commit 1

`bench/register_sync.py` drains the reference store; this one drains `pos_app.storage`
through `pos_app.services.sync_ports.StoreOutbox`, as the register app does
(`pos_app/app.py`: `SyncLoop` with its default batch of 200 and pages of 500).

1. A fresh register store (`open_store`: WAL, synchronous=FULL) gets C
   customers and N ledger entries written offline with `uow.ledger.append`,
   the call checkout makes (without the order rows): an accrual carrying the order total,
   sometimes a redemption of points the customer has, sometimes an anonymous
   code use with its discount (`--per-commit` entries per transaction; the
   writing is timed but is not the drain).
2. A real `pos-central serve` child process on loopback over a fresh SQLite
   file; the register pairs with a pairing code.
3. Timed: `SyncLoop.push_pending()` (the drain: every entry answered and
   acknowledged in the store), then `pull_changes()` (the balances the pushes
   changed come back), then the check: the central holds N entries, the
   outbox is empty, confirmed balances equal the central's.
"""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.ledger import EntryKind
from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import registers
from sync.central.db import create_engine
from sync.central.schema import upgrade
from sync.client import RetryPolicy, SyncClient, SyncLoop


def write_offline(factory: UnitOfWorkFactory, entries: int, customers: int, per_commit: int) -> int:
    """N entries as checkouts write them, offline; returns how many were written."""
    rng = random.Random(7)
    at = datetime.now(UTC)
    local = dict.fromkeys((f"C{n}" for n in range(customers)), 0)
    with factory() as uow:
        for customer_id in local:
            uow.customers.add(CustomerProfile(id=customer_id, name=f"Customer {customer_id}"), origin="central")
        uow.commit()
    written, sale = 0, 0
    while written < entries:
        with factory() as uow:
            for _ in range(per_commit):
                if written >= entries:
                    break
                sale += 1
                roll = rng.random()
                customer = rng.choice(list(local))
                if roll < 0.1:
                    uow.ledger.append(EntryKind.CODE_USE, None, 0, at=at,
                                      code=f"ONCE-{sale}", discount_minor=500)
                elif roll < 0.3 and local[customer] >= 20:
                    spent = rng.randint(1, min(local[customer], 40))
                    uow.ledger.append(EntryKind.REDEMPTION, customer, -spent, at=at,
                                      reason="payment")
                    local[customer] -= spent
                else:
                    points = rng.randint(1, 50)
                    uow.ledger.append(EntryKind.ACCRUAL, customer, points, at=at,
                                      order_total_minor=points * 100)
                    local[customer] += points
                written += 1
            uow.commit()
    return written


class Central:
    """`pos-central serve --no-jobs` (the console script's module) as a child process on a free loopback port.

    Without `--no-jobs` its scheduler runs the day's jobs (tiers, expiry, segments, ...) at once in the
    background, publishing members of its own while a benchmark measures the sync.
    """

    def __init__(self, db_url: str) -> None:
        self.engine = create_engine(db_url)
        upgrade(self.engine)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.central.cli", "serve", "--db", db_url, "--port", str(self.port),
             "--no-migrate", "--no-jobs"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)

    def pairing_code(self, store: str, register: str) -> str:
        with Session(self.engine) as s, s.begin():
            return registers.issue_pairing_code(s, store, register, replace=True)[1]

    def scalar(self, sql: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar() or 0

    def balances(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {r[0]: int(r[1]) for r in conn.execute(sa.text("SELECT id, balance FROM customers"))}

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5_000, help="offline entries to drain (default 5,000)")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--per-commit", type=int, default=3, help="entries per local transaction (a sale)")
    parser.add_argument("--batch", type=int, default=200, help="push batch (SyncLoop's default, as the app)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="register-drain-") as tmp:
        workdir = Path(tmp)
        engine = open_store(workdir / "register.db")
        factory = UnitOfWorkFactory(engine, register_id="R1")
        started = time.perf_counter()
        written = write_offline(factory, args.entries, args.customers, args.per_commit)
        wrote = time.perf_counter() - started

        central = Central(f"sqlite:///{workdir / 'central.db'}")
        try:
            client = SyncClient(central.url, read_timeout=60, retry=RetryPolicy(base=0.05, cap=1, max_attempts=5))
            register_id = client.pair(central.pairing_code("S1", "R1")).register_id
            outbox = StoreOutbox(factory, register_id)
            loop = SyncLoop(client, outbox, StoreChangeSink(factory, snapshot_prunes=()), batch_size=args.batch)
            assert outbox.pending_count() == written

            started = time.perf_counter()
            answered = loop.push_pending()
            drained = time.perf_counter() - started
            started = time.perf_counter()
            pulled = loop.pull_changes()
            pull_s = time.perf_counter() - started

            assert answered == written and outbox.pending_count() == 0
            assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == written
            held = central.balances()
            with factory(read_only=True) as uow:
                mismatched = [c for c, points in held.items()
                              if (p := uow.customers.get(c)) is None or p.confirmed_points != points
                              or p.pending_points != 0]
            assert not mismatched, mismatched[:10]
        finally:
            central.close()
            engine.dispose()

    print(f"register drain, real store (pos_app.storage + StoreOutbox), batch {args.batch}: "
          f"{written:,} offline entries pushed and acknowledged in {drained:.2f} s "
          f"({written / drained:,.0f} entries/s; target 5,000 in <= 60 s); "
          f"pull of the {pulled:,} changes they made: {pull_s:.2f} s; "
          f"writing them locally took {wrote:.2f} s ({args.per_commit} entries per transaction, synchronous=FULL)")


if __name__ == "__main__":
    main()
