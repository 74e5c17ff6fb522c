"""A register catching up with the tier job's first run, and its selling meanwhile (run by hand, not in tests).

    .venv/bin/python bench/tier_catch_up.py                          # 100,000 members, about 3 minutes
    .venv/bin/python bench/tier_catch_up.py --members 300000 --orders-per-member 2 --sales 20   # about 7 minutes
    .venv/bin/python bench/tier_catch_up.py --members 1000000 --orders-per-member 2   # not run yet (25+ minutes?)
    .venv/bin/python bench/tier_catch_up.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --keep

The central: `bench/program_data.py` bulk-loads N members and their year of orders into a scratch schema
(`--schema`, dropped and created again; dropped at the end unless `--keep`) of PostgreSQL `--db`; every
member is published to the change feed as an import would (`member_updates.emit_members`), the tiers are
set as `bench/jobs.py` sets them (bronze/silver/gold, 12 months' window, 6 months' retention), with a small
catalogue. A real `pos-central serve --no-jobs` child process serves it on loopback (without `--no-jobs`
its scheduler would run the day's jobs at once, in the background, publishing members of their own).

Two real registers (`pos_app.storage`, WAL, synchronous=FULL; `StoreOutbox` / `StoreChangeSink` and the
real `SyncLoop` over HTTP, with the app's page size) pair and take their first sync (the snapshot). Then:

1. baseline: `--sales` checkouts at each register with its loop idle (`sale.add_item` + `checkout.pay`, a
   member attached), timed one by one;
2. the tier job's first run (`sync.central.jobs.run_job(engine, "tiers", ...)`, what
   `pos-central run-jobs --job tiers` runs): every member's tier goes from none to one, so every member is
   published again;
3. register A's next cycle (`SyncLoop.run_once` on a thread of its own, as the loop's thread runs it), with
   the feed as it is (no compaction is scheduled, so the cursor is still valid): timed until caught up, the
   pages it pulled (each HTTP answer timed), changes per second, the store's growth; meanwhile a checkout
   every `--sale-every` seconds at that register, timed;
4. `pos-central compact-feed --keep K` (run as the command; K the command's default 100,000, or half the
   tier job's changes when fewer), then register B's next cycle: a 410, so the snapshot path, timed the
   same way with checkouts meanwhile.

Printed: each step's times, checkout medians / p90 / max against the baseline, and the machine's control
(median CPU ms of `sum(range(30000))`, `bench/pos_api.py`'s `machine_speed`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pos_api import machine_speed
from program_data import generate, scratch_schema
from register_drain import Central
from sqlalchemy.orm import Session

from pos_app.services import sale
from pos_app.services.checkout import CompletedSale, pay
from pos_app.services.outcome import Refused
from pos_app.services.sync_ports import SNAPSHOTS_KEY, StoreChangeSink, StoreOutbox
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import imports
from sync.central.app import run_in_transaction
from sync.central.jobs import run_job
from sync.central.member_updates import CHUNK, emit_members
from sync.central.program_file import import_settings
from sync.client import RetryPolicy, SyncClient, SyncLoop

PROGRAM = {
    "tiers": [{"name": "bronze", "threshold_minor": 0, "multiplier": "1"},
              {"name": "silver", "threshold_minor": 20000, "multiplier": "1.25"},
              {"name": "gold", "threshold_minor": 60000, "multiplier": "1.5"}],
    "tiers.window_months": 12,
    "tiers.retention_months": 6,
}
CATALOG = "sku,name,price\nMUG,Mug,12.00\nCOF,Coffee,3.50\n"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


class Register:
    """A paired register: its real store, sync loop (the app's defaults) and a counter of its HTTP answers."""

    def __init__(self, central: Central, folder: Path, name: str) -> None:
        self.path = folder / f"{name}.db"
        self.engine = open_store(self.path)
        self.uow = UnitOfWorkFactory(self.engine, name, store_id="S1", register_name=name)
        self.client = SyncClient(central.url, read_timeout=600, retry=RetryPolicy(base=0.05, cap=1, max_attempts=5))
        self.client.pair(central.pairing_code("S1", name))
        self.loop = SyncLoop(self.client, StoreOutbox(self.uow, self.client.register_id or name),
                             StoreChangeSink(self.uow))
        self.answers: list[tuple[float, str, int]] = []  # (when, path, status)
        self.client.session.hooks["response"].append(self._answered)
        self.sold = 0

    def _answered(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.answers.append((time.perf_counter(), response.request.path_url.split("?")[0], response.status_code))

    def cycle(self) -> float:
        started = time.perf_counter()
        assert self.loop.run_once(), self.loop.status.message
        return time.perf_counter() - started

    def checkout(self, members: int) -> float:
        """One sale to a member, as the till makes it (scan, identify, pay); its wall time."""
        self.sold += 1
        member = f"M{(self.sold * 7919) % members + 1:07d}"
        started = time.perf_counter()
        draft = sale.add_item(self.uow(read_only=True), sale.new_sale(), "MUG")
        assert not isinstance(draft, Refused), draft
        paid = pay(self.uow, sale.attach_customer(draft, member), now=datetime.now(UTC), cashier_id="K1")
        took = time.perf_counter() - started
        assert isinstance(paid, CompletedSale), paid
        return took

    def scalar(self, sql: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()

    def snapshots(self) -> int:
        with self.uow(read_only=True) as uow:
            return int(uow.sync_state.get(SNAPSHOTS_KEY, 0) or 0)

    def close(self) -> None:
        self.client.close()
        self.engine.dispose()


@dataclass
class CatchUp:
    seconds: float
    pages: int
    snapshots: int
    failed_answers: int
    first_answer: float
    slowest_page: float
    median_page: float
    growth: int
    size_after: int
    tiers_held: int
    snapshot_answer: float = 0.0
    sales: list[float] = field(default_factory=list)
    next_cycle: float = 0.0


def catch_up(register: Register, members: int, sale_every: float) -> CatchUp:
    """The register's next cycle on a thread (as `SyncLoop`'s thread runs it) with checkouts meanwhile."""
    size_before = store_bytes(register.path)
    snapshots_before = register.snapshots()
    register.answers.clear()
    outcome: list[bool] = []
    started = time.perf_counter()
    worker = threading.Thread(target=lambda: outcome.append(register.loop.run_once()), name="pos-sync")
    worker.start()
    sales: list[float] = []
    while worker.is_alive():
        sales.append(register.checkout(members))
        worker.join(max(0.0, sale_every - sales[-1]))
    seconds = time.perf_counter() - started
    assert outcome == [True], register.loop.status.message
    pages = [a for a in register.answers if a[1] == "/v1/changes"]
    gaps = [b[0] - a[0] for a, b in zip(pages, pages[1:], strict=False)]
    result = CatchUp(
        seconds=seconds, pages=sum(1 for a in pages if a[2] == 200),
        snapshots=register.snapshots() - snapshots_before,
        failed_answers=sum(1 for a in register.answers if a[2] >= 400),
        first_answer=(register.answers[0][0] - started) if register.answers else 0.0,
        slowest_page=max(gaps, default=0.0), median_page=statistics.median(gaps) if gaps else 0.0,
        growth=store_bytes(register.path) - size_before, size_after=store_bytes(register.path),
        tiers_held=register.scalar("SELECT COUNT(*) FROM customers WHERE tier IS NOT NULL"), sales=sales,
        snapshot_answer=next((a[0] - started for a in register.answers if a[1] == "/v1/snapshot"), 0.0))
    result.next_cycle = register.cycle()
    return result


def publish_members(engine: sa.Engine) -> int:
    """Every member's record into the change feed, in chunks (what importing them publishes)."""
    with engine.connect() as conn:
        ids = list(conn.execute(sa.text("SELECT id FROM customers ORDER BY id")).scalars())
    for n in range(0, len(ids), CHUNK):
        part = ids[n:n + CHUNK]
        run_in_transaction(engine, lambda s, part=part: emit_members(s, part))
    return len(ids)


def sales_line(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"  checkouts {label}: n={len(ms)}, median {statistics.median(ms):.1f} ms, p90 {p90(ms):.1f} ms, "
            f"max {max(ms):.1f} ms")


def report(label: str, done: CatchUp, changes: int, baseline: list[float]) -> None:
    if done.snapshots:
        path = (f"{done.snapshots} snapshot(s) after a 410 ({done.failed_answers} error answers; the snapshot "
                f"answered after {done.snapshot_answer:.1f} s), then {done.pages} page(s)")
    else:
        path = (f"{done.pages} pages of changes, no snapshot; first answer after {done.first_answer:.2f} s, "
                f"between pages median {done.median_page * 1000:.0f} ms, slowest {done.slowest_page:.2f} s")
    print(f"{label}: caught up in {done.seconds:.1f} s ({changes:,} changes published, "
          f"{changes / done.seconds:,.0f} changes/s); {path}; store grew {done.growth / 1e6:+.1f} MB to "
          f"{done.size_after / 1e6:.1f} MB; {done.tiers_held:,} members with a tier at the register; the next "
          f"cycle {done.next_cycle * 1000:.0f} ms")
    print(sales_line("during the catch-up", done.sales))
    print(f"  (baseline median {statistics.median(baseline) * 1000:.1f} ms: the median sale took "
          f"{statistics.median(done.sales) / statistics.median(baseline):.1f}x as long)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--schema", default="bench_tier_catch_up")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders-per-member", type=float, default=4.0)
    parser.add_argument("--sales", type=int, default=30, help="baseline checkouts per register, loop idle")
    parser.add_argument("--sale-every", type=float, default=0.5, help="seconds between checkouts during catch-up")
    parser.add_argument("--compact-keep", type=int, help="compact-feed --keep before register B (default: the "
                        "command's 100,000, or half the tier job's changes when fewer, so that B gets its 410)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch schema afterwards")
    args = parser.parse_args()

    print(f"machine control: sum(range(30000)) median {machine_speed():.3f} ms CPU", flush=True)
    url = scratch_schema(args.db, args.schema)
    central: Central | None = None
    registers: list[Register] = []
    try:
        made = generate(url, members=args.members, orders_per_member=args.orders_per_member,
                        log=lambda text: print(text, flush=True))
        print(f"generated {made.members:,} members, {made.orders:,} orders in {made.seconds:.0f} s", flush=True)
        central = Central(url)
        engine = central.engine
        with tempfile.TemporaryDirectory(prefix="tier-catch-up-") as tmp:
            folder = Path(tmp)
            (folder / "program.json").write_text(json.dumps(PROGRAM), encoding="utf-8")
            (folder / "catalog.csv").write_text(CATALOG, encoding="utf-8")
            with Session(engine) as s, s.begin():
                keys, errors = import_settings(s, folder / "program.json")
                assert not errors, errors
                imports.import_catalog(s, folder / "catalog.csv")
            started = time.perf_counter()
            published = publish_members(engine)
            print(f"published {published:,} members to the feed in {time.perf_counter() - started:.0f} s", flush=True)

            for name in ("A", "B"):
                register = Register(central, folder, name)
                registers.append(register)
                took = register.cycle()
                print(f"register {name}: first sync (snapshot) {took:.1f} s, "
                      f"{register.scalar('SELECT COUNT(*) FROM customers'):,} members, store "
                      f"{store_bytes(register.path) / 1e6:.1f} MB", flush=True)
            baseline: list[float] = []
            for register in registers:
                baseline += [register.checkout(args.members) for _ in range(args.sales)]
                register.cycle()  # push those sales: the next cycle has only the tiers to pull
            print(sales_line("baseline (loop idle)", baseline), flush=True)

            with engine.connect() as conn:
                end = conn.execute(sa.text("SELECT MAX(created_at) FROM orders")).scalar_one().date() + timedelta(days=1)
                head = conn.execute(sa.text("SELECT COUNT(*) FROM changes")).scalar_one()
            started = time.perf_counter()
            outcome = run_job(engine, "tiers", end, by_hand=True, again=True)
            assert outcome.status == "ran", outcome
            with engine.connect() as conn:
                changes = conn.execute(sa.text("SELECT COUNT(*) FROM changes")).scalar_one() - head
            summary = {k: v for k, v in outcome.result.items() if k not in ("as_of", "window_start")}
            print(f"tiers job, first run as of {end}: {time.perf_counter() - started:.1f} s, {summary}; "
                  f"{changes:,} changes published", flush=True)

            done = catch_up(registers[0], args.members, args.sale_every)
            report("register A (feed as it is)", done, changes, baseline)

            keep = args.compact_keep or min(100_000, changes // 2)
            started = time.perf_counter()
            compacted = subprocess.run([sys.executable, "-m", "sync.central.cli", "compact-feed", "--db", url,
                                        "--keep", str(keep)], check=True, capture_output=True, text=True)
            print(f"compact-feed --keep {keep}: {time.perf_counter() - started:.1f} s: "
                  f"{compacted.stdout.strip()}", flush=True)
            done = catch_up(registers[1], args.members, args.sale_every)
            report("register B (after compact-feed)", done, changes, baseline)
            for register in registers:
                register.close()
            registers = []
    finally:
        for register in registers:
            register.close()
        if central is not None:
            central.close()
        if not args.keep:
            admin = sa.create_engine(args.db)
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'))
            admin.dispose()
    print(f"machine control: sum(range(30000)) median {machine_speed():.3f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
