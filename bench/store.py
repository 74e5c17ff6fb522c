"""Benchmark of the register's local store (run by hand, not in tests).

    .venv/bin/python bench/store.py                      # 1,000,000 customers, 50,000 products
    .venv/bin/python bench/store.py --customers 20000    # a quick look

Generates a store in a SQLite file through the real migrations (so with the
FTS5 triggers and every index), bulk-inserting with executemany in large
transactions, then times identification through the use-case functions
(a read-only unit of work each, as the register does): by card, phone and
email (p50/p99) and by name prefix (p50/p99), plus a checkout-shaped storage
commit (order + 3 lines + redemption + accrual + outbox, synchronous=FULL).
Targets: card/phone/email p99 <= 2 ms, name prefix p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from stdnum import ean

from pos_app.domain.ledger import EntryKind
from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.sale_record import SaleRecord, SoldLine
from pos_app.services.identification import (
    Candidates,
    Identified,
    identify_by_card,
    identify_by_email,
    identify_by_phone,
    search_by_name,
)
from pos_app.storage.database import open_store
from pos_app.storage.ledger import new_entry_id
from pos_app.storage.unit_of_work import UnitOfWorkFactory

FIRST = (
    "Ana José María Jürgen Zoë Chloé Søren Łukasz Noémie Renée Björn François Inès Ömer Çağla Dmitri Olga Fatima "
    "Mohammed Wei Yuki Hiro Priya Arjun Lars Ingrid Pablo Lucía Mateo Sofía Emma Liam Olivia Noah Ava Elijah Mia "
    "James Amelia Oliver Harper Lucas Evelyn Mason Abigail Ethan Emily Logan Ella Aiden Elizabeth Jackson Camila "
    "Sebastian Luna Jack Sofia Owen Avery Samuel Mila Ryan Aria Nathan Scarlett Leo Penelope Isaac Layla Gabriel "
    "Chloe Julian Victoria Levi Madison Anthony Eleanor Dylan Grace Thomas Nora Charles Riley Christopher Zoey"
).split()
LAST = (
    "Müller Pérez García Fernández López Martínez González Rodríguez Sánchez Ramírez Smith Johnson Williams Brown "
    "Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
    "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Dubois Lefèvre "
    "Moreau Laurent Simon Michel Leroy Roux Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Blanc "
    "Guérin Boyer Garnier Chevalier François Legrand Gauthier Rossi Russo Ferrari Esposito Bianchi Romano Colombo "
    "Ricci Marino Greco Bruno Gallo Conti DeLuca Costa Giordano Mancini Rizzo Lombardi Moretti Novák Svoboda "
    "Dvořák Černý Procházka Kučera Veselý Horák Němec Pokorný Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński "
    "Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski "
    "Andersen Nielsen Hansen Pedersen Larsen Sørensen Rasmussen Jørgensen Petersen Madsen Kristensen Olsen Yılmaz "
    "Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt "
    "Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki Yamaguchi Matsumoto"
).split()
AREA_CODES = ("212", "213", "312", "415", "512", "617", "646", "702", "718", "818", "917", "206", "303", "404")
NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def card_number(i: int) -> str:
    body = f"2{i:011d}"
    return body + ean.calc_check_digit(body)


def phone_number(i: int) -> str:
    area = AREA_CODES[i % len(AREA_CODES)]
    rest = i // len(AREA_CODES)
    return f"+1{area}{2 + rest // 1_000_000 % 8}{rest // 10_000 % 100:02d}{rest % 10_000:04d}"


def ascii_fold(word: str) -> str:
    """Most addresses are ASCII; SQLite's lower() folds ASCII only."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


def generate(path: Path, customers: int, products: int, rng: random.Random) -> None:
    engine = open_store(path)
    factory = UnitOfWorkFactory(engine, "R1")
    with factory() as work:
        work.settings.save(LoyaltySettings())
        work.commit()
    insert_customer = (
        "INSERT INTO customers (id, card_number, phone, email, name, birthday, tier, segments, consent_email, "
        "consent_sms, confirmed_points, pending_points, first_order, promo_uses, origin) "
        "VALUES (?, ?, ?, ?, ?, NULL, NULL, '[]', 0, 0, ?, 0, 0, '{}', 'central')"
    )
    batch = 100_000
    started = time.perf_counter()
    with engine.connect() as connection:
        for start in range(0, customers, batch):
            rows = []
            for i in range(start, min(start + batch, customers)):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                rows.append((f"C{i}", card_number(i), phone_number(i),
                             f"{ascii_fold(first)}.{ascii_fold(last)}{i}@Example.com", f"{first} {last}",
                             rng.randint(0, 20_000)))
            connection.exec_driver_sql(insert_customer, rows)
            connection.commit()
        product_rows = [
            (f"SKU{i}", f"400{i:09d}" + ean.calc_check_digit(f"400{i:09d}"),
             f"Product {i}", rng.randint(50, 50_000), json.dumps([rng.choice(["food", "office", "home"])]),
             rng.choice(["acme", "globex", None]))
            for i in range(products)
        ]
        connection.exec_driver_sql(
            "INSERT INTO products (sku, barcode, name, unit_price_minor, categories, brand, tags, no_discount, "
            "no_points, weighted, active) VALUES (?, ?, ?, ?, ?, ?, '[]', 0, 0, 0, 1)",
            product_rows,
        )
        connection.commit()
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    raw = engine.raw_connection()  # outside any transaction: fold the WAL into the file
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    print(f"generated {customers:,} customers and {products:,} products in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def timed(samples: int, call: Callable[[int], object]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call.

    CPU time is what the code costs; wall time adds waiting for the disk and,
    on a busy machine, for a core: on 2 shared cores a preempted call waits a
    scheduler slice (several ms), which shows in the wall p99 only.
    """
    wall, cpu = [], []
    for i in range(samples):
        c0, t0 = time.process_time(), time.perf_counter()
        call(i)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def report(label: str, times: tuple[list[float], list[float]], target_p99: float | None = None) -> str:
    wall, cpu = times
    p99 = percentile(wall, 0.99)
    verdict = ""
    if target_p99 is not None:
        verdict = f"  target p99 <= {target_p99:g} ms: {'met' if p99 <= target_p99 else 'MISSED'}"
    line = (
        f"{label:<34} n={len(wall):>6}  wall p50={statistics.median(wall):6.3f} p99={p99:6.3f} ms"
        f"  cpu p50={statistics.median(cpu):6.3f} p99={percentile(cpu, 0.99):6.3f} ms{verdict}"
    )
    print(line, flush=True)
    return line


def measure(path: Path, customers: int, lookups: int, rng: random.Random) -> None:
    size = path.stat().st_size
    print(f"database size: {size / 2**20:,.1f} MiB ({customers:,} customers)", flush=True)
    engine = open_store(path)
    factory = UnitOfWorkFactory(engine, "R1")
    read = lambda: factory(read_only=True)  # noqa: E731
    ids = [rng.randrange(customers) for _ in range(lookups)]
    with engine.connect() as connection:
        emails = [connection.exec_driver_sql("SELECT email FROM customers WHERE id = ?", (f"C{i}",)).scalar()
                  for i in ids]

    def found(result: object) -> None:
        assert isinstance(result, Identified | Candidates), result

    def name_query(k: int) -> str:
        r = random.Random(k)
        first, last = r.choice(FIRST), r.choice(LAST)
        shape = k % 3
        if shape == 0:
            return last[: r.randint(2, 5)]  # "mü", "schr"
        if shape == 1:
            return f"{first} {last[: r.randint(1, 4)]}"  # "josé mu"
        return f"{first[: r.randint(2, 4)]} {last[: r.randint(2, 4)]}".lower()  # "jo mül"

    # Interleaved, so that bursts of load from other processes hit every kind alike. The control is
    # a pure-Python loop about as long as a lookup, without the database: its wall p99 is what the
    # machine's scheduling alone adds.
    kinds: list[tuple[str, Callable[[int], object], float | None]] = [
        ("control: CPU loop, no database", lambda k: sum(range(30000)), None),
        ("identify by card", lambda k: found(identify_by_card(read(), card_number(ids[k]))), 2),
        ("identify by phone", lambda k: found(identify_by_phone(read(), phone_number(ids[k]))), 2),
        ("identify by email (other case)", lambda k: found(identify_by_email(read(), emails[k].upper())), 2),
        ("name prefix search", lambda k: search_by_name(read(), name_query(k)), 20),
    ]
    for k in range(200):  # warm the page cache like a register that has been running
        for _, call, _ in kinds:
            call(k)
    samples: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label, _, _ in kinds}
    for k in range(lookups):
        for label, call, _ in kinds:
            wall, cpu = timed(1, lambda _i, call=call, k=k: call(k))
            samples[label][0].extend(wall)
            samples[label][1].extend(cpu)
    for label, _, target in kinds:
        report(label, samples[label], target)

    def checkout(k: int) -> None:
        with factory() as work:
            order_id = new_entry_id()
            lines = tuple(SoldLine(f"L{n}", n, f"SKU{n}", "Thing", "1", 500, 500, 0, 0, 500) for n in range(3))
            work.orders.add(SaleRecord(id=order_id, register_id="R1", created_at=NOW, currency="USD",
                                       subtotal_minor=1500, discount_minor=0, points_value_minor=100,
                                       total_minor=1400, customer_id=f"C{ids[k]}", lines=lines))
            work.ledger.append(EntryKind.REDEMPTION, f"C{ids[k]}", -10, at=NOW, order_id=order_id)
            work.ledger.append(EntryKind.ACCRUAL, f"C{ids[k]}", 14, at=NOW, order_id=order_id)
            work.commit()

    report("checkout-shaped commit (storage)", timed(min(lookups, 1000), checkout))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--path", type=Path, default=None, help="the SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing file without generating")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    path = args.path or Path(tempfile.mkdtemp(prefix="pos-bench-")) / "store.db"
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(str(path) + suffix):
                os.remove(str(path) + suffix)
        generate(path, args.customers, args.products, rng)
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    measure(path, args.customers, args.lookups, rng)
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
