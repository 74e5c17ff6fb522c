"""A chain's year, generated straight into a central database: members, orders and the ledger they made.

Used by `bench/jobs.py` (and meant for any benchmark that needs a chain's history, the loyalty report's
among them). The schema is the real one (`sync.central.schema.upgrade`); the rows are bulk-loaded with
PostgreSQL `COPY` in one pass per table, consistent with what registers would have pushed:

- `members` members (`M0000001`, ...), enrolled over the three years before `end`, half with an email,
  most with a phone, a birthday for four in five, consents for some;
- for each member a Poisson number of orders (mean `orders_per_member`) spread over the year before
  `end` at one of `stores` stores (one register each), totals log-normal around 30.00, 3% refunded in
  part, 1% voided; plus anonymous orders (10% on top);
- for each order of a member an `accrual` entry (1 point per 1.00 paid), for one in ten a `redemption`
  of part of the balance, all gapless per register (`seq`), time-ordered ids;
- `customers.balance`, `spent_minor` and `last_order_at` as the pushes would have left them.

    generate(url, members=1_000_000, orders_per_member=4.0, seed=7) -> Generated
"""

from __future__ import annotations

import io
import math
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync.central.db import create_engine
from sync.central.schema import upgrade

STORES = 20
CHUNK = 50_000


@dataclass(frozen=True)
class Generated:
    members: int
    orders: int
    entries: int
    end: date
    seconds: float


def _tsv(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class _Copy:
    """Rows streamed into one table with COPY, in chunks of text, on a connection of its own (a connection
    runs one COPY at a time, and the tables fill side by side)."""

    def __init__(self, engine: Any, table: str, columns: tuple[str, ...]) -> None:
        self.raw = engine.raw_connection()
        self.context = self.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
        self.copy = self.context.__enter__()
        self.buffer = io.StringIO()
        self.count = 0

    def row(self, *values: Any) -> None:
        self.buffer.write("\t".join(_tsv(v) for v in values))
        self.buffer.write("\n")
        self.count += 1
        if self.count % CHUNK == 0:
            self.flush()

    def flush(self) -> None:
        self.copy.write(self.buffer.getvalue())
        self.buffer = io.StringIO()

    def close(self) -> None:
        self.flush()
        self.context.__exit__(None, None, None)
        self.raw.commit()
        self.raw.close()


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _uuid7(rng: random.Random, at: datetime) -> str:
    millis = int(at.timestamp() * 1000)
    tail = rng.getrandbits(74)
    value = (millis << 80) | (0x7 << 76) | ((tail >> 62) << 64) | (0b10 << 62) | (tail & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def generate(url: str, *, members: int = 1_000_000, orders_per_member: float = 4.0, seed: int = 7,
             end: date | None = None, log: Any = print) -> Generated:
    """Fill the (empty, migrated here) central database at `url` with a year of the chain (see the docstring)."""
    started = time.monotonic()
    end = end or datetime.now(UTC).date()
    end_at = datetime.combine(end, datetime.min.time(), tzinfo=UTC)
    year = 365 * 86400
    engine = create_engine(url)
    upgrade(engine)
    rng = random.Random(seed)
    seq = dict.fromkeys((f"S{s}.R1" for s in range(1, STORES + 1)), 0)
    orders = entries = 0
    try:
        now = datetime.now(UTC)
        regs = _Copy(engine, "registers", ("id", "store_id", "name", "token_hash", "acked_seq", "created_at", "paired_at"))
        customers = _Copy(engine, "customers", (
            "id", "name", "email", "phone", "card", "birthday", "tier", "segments", "balance", "overdraft",
            "spent_minor", "last_order_at", "enrolled_at", "consent_email", "consent_sms", "enrolled_register_id"))
        order_rows = _Copy(engine, "orders", (
            "id", "register_id", "customer_id", "total_minor", "received_at", "store_id", "created_at", "currency",
            "subtotal_minor", "refunded_minor", "points_earned", "points_redeemed", "status", "has_lines"))
        ledger = _Copy(engine, "ledger_entries", (
            "id", "register_id", "seq", "kind", "customer_id", "points", "order_id", "order_total_minor", "online",
            "created_at_register", "received_at", "payload_hash", "flags", "details"))
        numbers = dict.fromkeys(seq, 0)
        for n in range(1, members + 1):
            member = f"M{n:07d}"
            enrolled = end_at - timedelta(seconds=rng.uniform(0, 3 * year))
            store = f"S{rng.randint(1, STORES)}.R1"
            times = sorted(end_at - timedelta(seconds=rng.uniform(0, year)) for _ in range(_poisson(rng, orders_per_member)))
            balance = spent = 0
            last = None
            for at in times:
                at = max(at, enrolled)
                register = f"S{rng.randint(1, STORES)}.R1"
                numbers[register] += 1
                order_id = f"{register.split('.')[0]}-R1-{numbers[register]:07d}"
                total = max(100, int(rng.lognormvariate(math.log(3000), 0.8)))
                status = "voided" if rng.random() < 0.01 else "paid"
                refunded = int(total * rng.uniform(0.1, 1)) if status == "paid" and rng.random() < 0.03 else 0
                redeemed = 0
                if balance > 200 and rng.random() < 0.1:
                    redeemed = rng.randint(100, balance)
                    seq[register] += 1
                    ledger.row(_uuid7(rng, at), register, seq[register], "redemption", member, -redeemed, order_id,
                               None, False, at, at, "0" * 64, "", '{"reason": "payment"}')
                    balance -= redeemed
                    entries += 1
                earned = total // 100
                seq[register] += 1
                ledger.row(_uuid7(rng, at), register, seq[register], "accrual", member, earned, order_id, total,
                           False, at, at, "0" * 64, "", None)
                balance += earned
                entries += 1
                order_rows.row(order_id, register, member, total, at, register.split(".")[0], at, "USD", total,
                               refunded, earned, redeemed, status, False)
                orders += 1
                if status == "paid":
                    spent += total - refunded
                    last = at
            birthday = (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))) if rng.random() < 0.8 else None
            customers.row(member, f"Member {n}", f"m{n}@example.com" if rng.random() < 0.5 else None,
                          f"+1415{n:07d}" if rng.random() < 0.8 else None, None, birthday, None, "[]", balance,
                          0, spent, last, enrolled, rng.random() < 0.4, rng.random() < 0.3, store)
            if rng.random() < 0.1:  # an anonymous sale somewhere in the year
                register = f"S{rng.randint(1, STORES)}.R1"
                numbers[register] += 1
                at = end_at - timedelta(seconds=rng.uniform(0, year))
                order_rows.row(f"{register.split('.')[0]}-R1-{numbers[register]:07d}", register, None, 2500, at,
                               register.split(".")[0], at, "USD", 2500, 0, 0, 0, "paid", False)
                orders += 1
            if n % 100_000 == 0:
                log(f"  {n:,} members, {orders:,} orders, {entries:,} entries ({time.monotonic() - started:.0f} s)")
        for register, last_seq in seq.items():
            regs.row(register, register.split(".")[0], "R1", uuid.uuid4().hex + uuid.uuid4().hex, last_seq, now, now)
        for copy in (regs, customers, order_rows, ledger):
            copy.close()
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
    finally:
        engine.dispose()
    return Generated(members, orders, entries, end, time.monotonic() - started)


def scratch_schema(base_url: str, schema: str) -> str:
    """A fresh, empty schema `schema` in the database at `base_url`; returns the URL that uses it."""
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"


def rows_in(url: str) -> Iterator[tuple[str, int]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        for table in ("customers", "orders", "ledger_entries", "changes"):
            yield table, conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()


__all__ = ["Generated", "generate", "rows_in", "scratch_schema"]
