"""Benchmark of register <-> central sync (run by hand, not in tests).

    .venv/bin/python bench/register_sync.py                         # SQLite central
    .venv/bin/python bench/register_sync.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/register_sync.py --entries 10000 --registers 20 --per-register 2500 --customers 1000000

The central service runs as a real `pos-central serve` child process on
loopback; the registers are threads of this process with their own
`SyncClient`. Measured:

1. drain: one register's outbox of N offline entries (a reference SQLite
   store, synchronous=FULL), pushed in batches of 500 by `SyncLoop`
   (target: 5,000 entries in <= 60 s);
2. ingest: R registers pushing concurrently (batches of 250) over 2,000
   customers of which 20 are hot; entries per second at the central service
   (target >= 3,000/s on PostgreSQL with 20 registers);
3. initial sync (with --customers N): N customers bulk-imported, then a new
   register's first sync (snapshot download + hash check + apply).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session
from store import card_number, phone_number  # bench/store.py: valid cards (EAN-13) and phones

from sync.central import registers
from sync.central.db import create_engine
from sync.central.schema import upgrade
from sync.client import RetryPolicy, SyncClient, SyncLoop
from sync.client.reference_store import ReferenceRegisterStore
from sync.protocol import EntryKind, EntryResult, LedgerEntry


class MemoryOutbox:
    """An in-memory OutboxSource, so that the ingest numbers measure the central service."""

    def __init__(self, entries: list[LedgerEntry]) -> None:
        self.entries = entries
        self.position = 0

    def pending_batch(self, limit: int) -> list[LedgerEntry]:
        return self.entries[self.position : self.position + limit]

    def mark_acknowledged(self, results: Sequence[EntryResult]) -> None:
        self.position += len(results)

    def pending_count(self) -> int:
        return len(self.entries) - self.position


class Central:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.engine = create_engine(db_url)
        upgrade(self.engine)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.central.cli", "serve", "--db", db_url, "--port", str(self.port),
             "--no-migrate"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def client(self, store: str, register: str) -> SyncClient:
        with Session(self.engine) as s, s.begin():
            code = registers.issue_pairing_code(s, store, register, replace=True)[1]
        client = SyncClient(self.url, read_timeout=120, retry=RetryPolicy(base=0.05, cap=1, max_attempts=5))
        client.pair(code)
        return client

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.text("SELECT COUNT(*) FROM ledger_entries")).scalar() or 0

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.engine.dispose()


def entries_for(register_id: str, count: int, rng: random.Random, customers: int, hot: int) -> list[LedgerEntry]:
    now = datetime.now(UTC)
    out = []
    for seq in range(1, count + 1):
        customer = f"H{rng.randrange(hot)}" if rng.random() < 0.2 else f"C{rng.randrange(customers)}"
        if rng.random() < 0.7:
            kind, points = EntryKind.ACCRUAL, rng.randint(1, 50)
        else:
            kind, points = EntryKind.REDEMPTION, -rng.randint(1, 40)
        out.append(LedgerEntry.build(register_id=register_id, seq=seq, kind=kind, customer_id=customer,
                                     points=points, created_at_register=now, order_id=f"{register_id}-{seq}"))
    return out


def bench_drain(central: Central, count: int, workdir: Path) -> str:
    client = central.client("B", "DRAIN")
    store = ReferenceRegisterStore(workdir / f"drain-{uuid.uuid4().hex}.db", client.register_id or "")
    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(count):
        store.record("accrual", f"C{rng.randrange(500)}", rng.randint(1, 50), order_id=f"drain-{i}")
    recorded = time.perf_counter() - started
    loop = SyncLoop(client, store, store, batch_size=500)
    started = time.perf_counter()
    loop.push_pending()
    pushed = time.perf_counter() - started
    assert store.pending_count() == 0
    store.close()
    return (f"drain {count} offline entries: push {pushed:.2f} s ({count / pushed:,.0f} entries/s); "
            f"writing them locally took {recorded:.2f} s (synchronous=FULL, one transaction each)")


def bench_ingest(central: Central, registers_n: int, per_register: int, batch: int) -> str:
    rng = random.Random(2)
    loops = []
    total = registers_n * per_register
    for r in range(registers_n):
        client = central.client("B", f"R{r}")
        outbox = MemoryOutbox(entries_for(client.register_id or "", per_register, rng, 2000, 20))
        loops.append(SyncLoop(client, outbox, outbox, batch_size=batch))  # type: ignore[arg-type]
    before = central.count()
    barrier = threading.Barrier(registers_n + 1)

    def run(loop: SyncLoop) -> None:
        barrier.wait()
        loop.push_pending()

    threads = [threading.Thread(target=run, args=(loop,)) for loop in loops]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    stored = central.count() - before
    rejected = total - stored
    return (f"ingest {registers_n} registers x {per_register} entries (batches of {batch}): {elapsed:.2f} s, "
            f"{total / elapsed:,.0f} entries/s ({rejected} answered rejected, the rest stored)")


def bench_initial_sync(central: Central, customers: int, workdir: Path) -> str:
    csv_path = workdir / "customers.csv"
    with csv_path.open("w") as handle:
        handle.write("id,name,email,phone,card,birthday,tier\n")
        for i in range(customers):
            handle.write(f"M{i:07d},Customer {i},m{i}@example.com,{phone_number(i)},{card_number(i)},1980-01-01,silver\n")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sync.central.cli", "import-customers", str(csv_path),
                    "--db", central.db_url], check=True, stdout=subprocess.DEVNULL)
    imported = time.perf_counter() - started
    client = central.client("B", "NEW")
    store = ReferenceRegisterStore(workdir / f"initial-{uuid.uuid4().hex}.db", client.register_id or "")
    started = time.perf_counter()
    SyncLoop(client, store, store).pull_changes()
    synced = time.perf_counter() - started
    count = store.count("customer")
    store.close()
    return (f"initial sync of a new register with {count:,} customers: {synced:.1f} s "
            f"(central bulk import of {customers:,} took {imported:.1f} s)")


def run_suite(label: str, db_url: str, args: argparse.Namespace, workdir: Path) -> list[str]:
    central = Central(db_url)
    try:
        lines = [f"[{label}] " + bench_drain(central, args.entries, workdir),
                 f"[{label}] " + bench_ingest(central, args.registers, args.per_register, args.batch)]
        if args.customers:
            lines.append(f"[{label}] " + bench_initial_sync(central, args.customers, workdir))
        return lines
    finally:
        central.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000, help="offline entries drained by one register")
    parser.add_argument("--registers", type=int, default=20)
    parser.add_argument("--per-register", type=int, default=2_500)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--customers", type=int, default=0, help="also time an initial sync with this many")
    parser.add_argument("--postgres", help="PostgreSQL URL; a scratch schema is created and dropped")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.skip_sqlite:
            lines += run_suite("sqlite", f"sqlite:///{workdir / 'central.db'}", args, workdir)
        if args.postgres:
            schema = f"pos_bench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.postgres else "?"
            try:
                lines += run_suite("postgresql", f"{args.postgres}{sep}options=-csearch_path%3D{schema}", args,
                                   workdir)
            finally:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
