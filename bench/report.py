"""The loyalty report at chain scale on PostgreSQL: a year of 5,000,000 orders and 1,000,000 members.

Two steps, so the slow one is done once:

    .venv/bin/python bench/report.py generate [--orders 5000000] [--members 1000000] [--schema report_bench]
    .venv/bin/python bench/report.py run [--schema report_bench] [--rebuilds 3] [--queries 300]

`generate` makes the year (`pos_app.demo.history`: seasonality, members and
anonymous buyers, returns, voids, tiers, rewards, a win-back offer with a
control group) and loads it into the schema by COPY, as the central
service's ingest would have left it, then ANALYZEs. It drops the schema
first. `run` measures, on that schema:

- the full rebuild of the report's aggregates (`report-rebuild`), `--rebuilds` times;
- report queries for random ranges (1 day to a year) and scopes (the chain,
  a brand, one store), each answered as `GET /v1/report` does (refresh, then
  the query): median and p99;
- the live path: a day of new orders marked as pushes mark them, then one
  refresh (what a reader or `pos-central serve` does every few seconds);
- a baseline in the same run (a primary-key lookup), so a noisy machine shows.

PostgreSQL: $POS_BENCH_POSTGRES_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.demo.history import HistorySpec, generate_history
from pos_app.domain.report.periods import Grain
from sync.central import feed
from sync.central.bulk_history import load_history
from sync.central.db import create_engine
from sync.central.report.live import mark
from sync.central.report.query import loyalty_report
from sync.central.report.refresh import rebuild, refresh
from sync.central.schema import upgrade
from sync.central.settings import set_setting

LAST_DAY = date(2026, 11, 30)
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _url(schema: str) -> str:
    base = os.environ.get("POS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def _stores(count: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rng = random.Random(7)
    return tuple((f"S{n:02d}", tuple(f"R{r}" for r in range(1, rng.choice((1, 2, 2, 3)) + 1)))
                 for n in range(1, count + 1))


def generate(args: argparse.Namespace) -> None:
    base = create_engine(_url("public"))
    with base.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{args.schema}"'))
    base.dispose()
    engine = create_engine(_url(args.schema))
    upgrade(engine)
    spec = HistorySpec(last_day=LAST_DAY, orders=args.orders, members=args.members, stores=_stores(args.stores),
                       winback_audience=max(2000, args.members // 20))
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        set_setting(session, "report.brands", {"Fresh": {"stores": [f"S{n:02d}" for n in range(31, args.stores + 1)],
                                                         "participants": None}})
        set_setting(session, "tiers", [{"name": "bronze", "threshold_minor": 0},
                                        {"name": "silver", "threshold_minor": 100_000},
                                        {"name": "gold", "threshold_minor": 500_000}])
        loaded = load_history(session, generate_history(spec), progress=lambda line: print(
            f"  {time.perf_counter() - started:7.0f} s  {line}", flush=True))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    print(f"generated and loaded in {time.perf_counter() - started:.0f} s: {loaded}")
    engine.dispose()


def _timed(engine: sa.Engine, work) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        result = work(session)
    return time.perf_counter() - started, result


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(args: argparse.Namespace) -> None:
    engine = create_engine(_url(args.schema))
    upgrade(engine)
    with engine.connect() as conn:
        orders = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
        members = conn.execute(sa.text("SELECT count(*) FROM customers")).scalar()
        stores = [r[0] for r in conn.execute(sa.text(
            "SELECT DISTINCT store_id FROM registers WHERE id <> 'central' ORDER BY 1"))]
        some_order = conn.execute(sa.text("SELECT id FROM orders LIMIT 1")).scalar()
    print(f"schema {args.schema}: {orders:,} orders, {members:,} members, {len(stores)} stores")
    baseline = []
    for _ in range(50):
        seconds, _r = _timed(engine, lambda s: s.execute(sa.text("SELECT total_minor FROM orders WHERE id = :i"),
                                                         {"i": some_order}).scalar())
        baseline.append(seconds)
    print(f"baseline (primary-key lookup in its own transaction): median {statistics.median(baseline) * 1000:.1f} ms")

    rebuilds = []
    for n in range(args.rebuilds):
        seconds, result = _timed(engine, lambda s: rebuild(s, NOW))
        rebuilds.append(seconds)
        print(f"rebuild {n + 1}: {seconds:.1f} s ({result})", flush=True)

    rng = random.Random(11)
    first_day = LAST_DAY - timedelta(days=364)
    timings: dict[str, list[float]] = {"chain": [], "brand": [], "store": []}
    for n in range(args.queries):
        length = rng.choice((1, 7, 30, 31, 90, 91, 180, 365))
        start = first_day + timedelta(days=rng.randrange(0, 365 - length + 1))
        kind = ("chain", "brand", "store")[n % 3]
        store = rng.choice(stores) if kind == "store" else None
        brand = "Fresh" if kind == "brand" else None
        grain = rng.choice((None, None, Grain.DAY if length <= 92 else Grain.WEEK, Grain.MONTH))

        def answer(session: Session, start: date = start, length: int = length, store: str | None = store,
                   brand: str | None = brand, grain: Grain | None = grain) -> object:
            refresh(session, NOW)
            return loyalty_report(session, start, start + timedelta(days=length - 1), grain=grain, store=store,
                                  brand=brand, now=NOW)

        seconds, _r = _timed(engine, answer)
        timings[kind].append(seconds)
    every = [t for values in timings.values() for t in values]
    for kind, values in (*timings.items(), ("all", every)):
        print(f"query {kind:<5}: n={len(values)} median {statistics.median(values) * 1000:.0f} ms, "
              f"p99 {_p(values, 0.99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")

    # The live path: a day's pushes at every store mark their cells; one refresh recounts them.
    def mark_day(session: Session) -> int:
        rows = session.execute(sa.text("SELECT store_id, created_at FROM orders WHERE created_at >= :a "
                                       "AND created_at < :b"), {"a": NOW - timedelta(days=1), "b": NOW}).all()
        mark(session, rows)
        return len(rows)

    _t, marked = _timed(engine, mark_day)
    _timed(engine, feed.assign_sequence)
    seconds, result = _timed(engine, lambda s: refresh(s, NOW))
    print(f"live refresh after a day of {marked:,} orders at {len(stores)} stores: {seconds:.2f} s ({result})")
    summary = {"orders": orders, "members": members, "rebuild_s": rebuilds,
               "query_p99_ms": {k: round(_p(v, 0.99) * 1000) for k, v in (*timings.items(), ("all", every))},
               "query_median_ms": round(statistics.median(every) * 1000),
               "baseline_median_ms": round(statistics.median(baseline) * 1000, 2), "live_refresh_s": seconds}
    print(json.dumps(summary))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--orders", type=int, default=5_000_000)
    gen.add_argument("--members", type=int, default=1_000_000)
    gen.add_argument("--stores", type=int, default=40)
    gen.add_argument("--schema", default="report_bench")
    measure = sub.add_parser("run")
    measure.add_argument("--schema", default="report_bench")
    measure.add_argument("--rebuilds", type=int, default=3)
    measure.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    generate(args) if args.step == "generate" else run(args)


if __name__ == "__main__":
    main()
