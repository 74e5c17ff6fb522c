"""What a chain-wide change adds to a register's sync cycle (run by hand, not in tests).

    .venv/bin/python bench/chain_cycle.py                      # 20 registers, SQLite central, 30 rounds
    .venv/bin/python bench/chain_cycle.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

A real `pos-central serve` child process on loopback (over a fresh SQLite file, or a scratch schema of
PostgreSQL) and N real register stores (`pos_app.storage`, WAL, synchronous=FULL), each paired as its own
register (stores S1..S4, five registers each) and synced with the real `SyncLoop` over `sync_ports`.

Each round:
1. baseline: every register runs one cycle with nothing new (push nothing, pull nothing): the cost of
   a cycle as such;
2. one register (a different one each round) enrolls a member, sells to them (an order with lines and
   a next-visit code) and runs its cycle, which pushes the member, the code, the order and the ledger
   entries;
3. every other register runs one cycle, which pulls the new member and the code.

Reported: per register, the cycle time in steps 2 and 3 less the same register's baseline cycle of that
round (median, p99 and max over all rounds), and the same without subtracting. The issue's target: a
cycle that carries a new member, a code and an order to 20 registers adds under 1 s to each register's
cycle.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from register_drain import Central
from sqlalchemy.orm import Session

from pos_app.services import sale
from pos_app.services.checkout import CompletedSale, pay
from pos_app.services.enrollment import Enrolled, enroll_customer
from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import imports
from sync.central import settings as central_settings
from sync.client import RetryPolicy, SyncClient, SyncLoop

CATALOG = "sku,name,price\nMUG,Mug,12.00\nCOF,Coffee,3.50\n"
PROMOTIONS = '[{"id": "NV", "name": "10% off your next visit", "reward": {"type": "percent", "value": "10", ' \
             '"target": "order"}}]'


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


class Register:
    def __init__(self, central: Central, folder: Path, store: str, register: str) -> None:
        self.engine = open_store(folder / f"{store}-{register}.db")
        self.uow = UnitOfWorkFactory(self.engine, register, store_id=store, register_name=register)
        client = SyncClient(central.url, read_timeout=30, retry=RetryPolicy(base=0.05, cap=1, max_attempts=5))
        client.pair(central.pairing_code(store, register))
        self.loop = SyncLoop(client, StoreOutbox(self.uow, client.register_id), StoreChangeSink(self.uow))

    def cycle(self) -> float:
        started = time.perf_counter()
        assert self.loop.run_once(), self.loop.status.message
        return time.perf_counter() - started

    def enroll_and_sell(self, n: int) -> None:
        now = datetime.now(UTC)
        done = enroll_customer(self.uow(), name=f"Member {n}", now=now, phone=f"+1415555{n:04d}",
                               email=f"member{n}@example.com")
        assert isinstance(done, Enrolled), done
        draft = sale.attach_customer(sale.add_item(self.uow(read_only=True), sale.new_sale(), "MUG"),  # type: ignore[arg-type]
                                     done.customer.id)
        paid = pay(self.uow, draft, now=now, cashier_id="K1")
        assert isinstance(paid, CompletedSale) and paid.next_visit is not None, paid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", help="PostgreSQL URL: the central on a scratch schema of it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chain-cycle-") as tmp:
        folder = Path(tmp)
        schema = None
        if args.postgres:
            schema = f"bench_chain_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            db_url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}options=-csearch_path%3D{schema}"
        else:
            db_url = f"sqlite:///{folder / 'central.db'}"
        central = Central(db_url)
        try:
            (folder / "catalog.csv").write_text(CATALOG)
            (folder / "promotions.json").write_text(PROMOTIONS)
            with Session(central.engine) as s, s.begin():
                central_settings.set_setting(s, "program.next_visit_promotion_id", "NV")
                imports.import_catalog(s, folder / "catalog.csv")
                imports.import_promotions(s, folder / "promotions.json")
            registers = [Register(central, folder, f"S{i // 5 + 1}", f"R{i % 5 + 1}") for i in range(args.registers)]
            for register in registers:
                register.cycle()  # the first sync (snapshot)
            added_origin, added_others, raw = [], [], []
            for n in range(args.rounds):
                baseline = [r.cycle() for r in registers]
                origin = n % len(registers)
                registers[origin].enroll_and_sell(n)
                took = registers[origin].cycle()
                added_origin.append(took - baseline[origin])
                raw.append(took)
                for i, register in enumerate(registers):
                    if i != origin:
                        took = register.cycle()
                        added_others.append(took - baseline[i])
                        raw.append(took)
            members = central.scalar("SELECT COUNT(*) FROM customers")
            orders = central.scalar("SELECT COUNT(*) FROM orders WHERE has_lines")
            for register in registers:
                with register.uow(read_only=True) as uow:
                    assert uow.customers.count() == members, "every register holds every member"
        finally:
            central.close()
            if schema:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print(f"chain cycle, {args.registers} registers, {args.rounds} rounds, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'} central; {members} members and {orders} orders at the "
          f"central, every register holding every member")
    for label, values in (("added to the selling register's cycle (push member, code, order, entries)", added_origin),
                          ("added to every other register's cycle (pull member and code)", added_others),
                          ("whole cycle carrying the change (any register)", raw)):
        print(f"  {label}: median {statistics.median(values) * 1000:.1f} ms, p99 {p99(values) * 1000:.1f} ms, "
              f"max {max(values) * 1000:.1f} ms (n={len(values)})")


if __name__ == "__main__":
    main()
