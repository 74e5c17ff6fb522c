"""Each of the program's daily jobs over a million members and a year of orders (run by hand, not in tests).

    .venv/bin/python bench/jobs.py                                   # generate, then run each job twice
    .venv/bin/python bench/jobs.py --reuse                           # run on the data generated before
    .venv/bin/python bench/jobs.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --members 1000000

The data (`bench/program_data.py`) goes into a scratch schema (`--schema`, dropped and created again)
of the PostgreSQL database `--db`. The program is set as `sync/README.md` shows (tiers with retention,
points valid `--expiry-months`, five segment rules, the three offers with control groups, a partner
reward with 100,000 codes for 20 registers). Each job then runs through `sync.central.jobs.run_job`,
exactly as the scheduler runs it:

1. for the day after the last order (`first run`): every member's tier, lots, segments are computed
   the first time (the heaviest run there is: every member's figures change and are published);
2. for the day after (`next day`): what a daily run costs once the program is up to date.

Target (the issue): each job finishes within 5 minutes on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from program_data import generate, rows_in, scratch_schema
from sqlalchemy.orm import Session

from sync.central.db import create_engine
from sync.central.jobs import jobs, run_job
from sync.central.program_file import import_settings
from sync.central.rewards import import_rewards

PROGRAM = {
    "tiers": [{"name": "bronze", "threshold_minor": 0, "multiplier": "1"},
              {"name": "silver", "threshold_minor": 20000, "multiplier": "1.25"},
              {"name": "gold", "threshold_minor": 60000, "multiplier": "1.5"}],
    "tiers.window_months": 12,
    "tiers.retention_months": 6,
    "segments": [{"name": "lapsed_60d", "rule": "lapsed", "days": 60},
                 {"name": "top_spenders", "rule": "top_spenders", "percentile": 90, "days": 365},
                 {"name": "new_members", "rule": "new_members", "days": 30},
                 {"name": "birthday_month", "rule": "birthday_month"},
                 {"name": "gold", "rule": "tier", "tiers": ["gold"]}],
    "offers.welcome": {"reward": {"type": "percent", "value": "10", "target": "order"}, "within_days": 14,
                       "control_share": 0.1},
    "offers.birthday": {"points": 500, "control_share": 0.1},
    "offers.winback": {"days": 60, "reward": {"type": "percent", "value": "20", "target": "order"},
                       "control_share": 0.2},
    "rewards.partner_reserve": 5,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--schema", default="bench_jobs")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--orders-per-member", type=float, default=4.0)
    parser.add_argument("--expiry-months", type=int, default=11, help="validity of points (the year's first lots expire)")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run (jobs run again)")
    args = parser.parse_args()

    url = f"{args.db}?options=-csearch_path%3D{args.schema}"
    if not args.reuse:
        url = scratch_schema(args.db, args.schema)
        print(f"generating {args.members:,} members into schema {args.schema} ...", flush=True)
        made = generate(url, members=args.members, orders_per_member=args.orders_per_member,
                        log=lambda text: print(text, flush=True))
        print(f"generated {made.members:,} members, {made.orders:,} orders, {made.entries:,} ledger entries "
              f"in {made.seconds:.0f} s (orders up to {made.end})", flush=True)
    engine = create_engine(url)
    with engine.connect() as conn:
        end = conn.execute(sa.text("SELECT MAX(created_at) FROM orders")).scalar_one().date() + timedelta(days=1)
    with tempfile.TemporaryDirectory() as folder, Session(engine) as session, session.begin():
        program = Path(folder) / "program.json"
        program.write_text(json.dumps({**PROGRAM, "points.expiry_months": args.expiry_months}), encoding="utf-8")
        keys, errors = import_settings(session, program)
        assert not errors, errors
        rewards = Path(folder) / "rewards.json"
        rewards.write_text(json.dumps([{"id": "CINEMA", "name": "Cinema ticket", "kind": "partner", "points": 800,
                                        "codes": [f"CC-{n:06d}" for n in range(100_000)]}]), encoding="utf-8")
        report = import_rewards(session, rewards)
        assert not report.errors, report.errors
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in rows_in(url)), flush=True)

    results: list[tuple[str, str, float, str]] = []
    for label, day in (("first run", end), ("next day", end + timedelta(days=1))):
        for name in jobs():
            started = time.monotonic()
            outcome = run_job(engine, name, day, by_hand=True, again=True)
            seconds = time.monotonic() - started
            assert outcome.status == "ran", outcome
            summary = {k: v for k, v in outcome.result.items() if k not in ("as_of", "refreshed_at", "since")}
            results.append((name, label, seconds, json.dumps(summary, sort_keys=True)))
            print(f"{name:<9} {label:<9} as of {day}: {seconds:7.1f} s  {summary}", flush=True)
    engine.dispose()

    print("\n| job | run | seconds | what it did |\n|---|---|---|---|")
    for name, label, seconds, summary in results:
        print(f"| {name} | {label} | {seconds:.1f} | `{summary}` |")
    slowest = max(seconds for _, _, seconds, _ in results)
    print(f"\nslowest job: {slowest:.1f} s (target: 300 s)")
    return 0 if slowest <= 300 else 1


if __name__ == "__main__":
    sys.exit(main())
