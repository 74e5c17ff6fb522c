"""The `pos-central` command: serve the central service and run manager operations.

    pos-central serve [--db URL] [--host 127.0.0.1] [--port 8765] [--workers N]
    pos-central init
    pos-central pair-register STORE REGISTER      # prints a one-time pairing code
    pos-central revoke-register REGISTER_ID       # e.g. S1.R1
    pos-central release-reserve REGISTER_ID [--dry-run]   # a revoked register's partner codes back to the pool
    pos-central import-catalog FILE.csv
    pos-central import-customers FILE.csv
    pos-central import-promotions FILE.json
    pos-central conflicts [--json]              # overdrafts, reused codes, duplicate members, refused records
    pos-central duplicates [--json]             # members sharing a phone or an email: merge them
    pos-central merge-customers KEEP OTHER      # OTHER's points, orders and codes move to KEEP
    pos-central balances CUSTOMER
    pos-central set-setting KEY JSON [--switch-currency]     # e.g. program.welcome_points 100
    pos-central import-settings FILE.json [--switch-currency]   # the program's settings from a file, all or nothing
    pos-central run-jobs [--job NAME] [--as-of YYYY-MM-DD] [--again]
    pos-central jobs [--json]                     # each job's time, last run, duration and result
    pos-central expiring --days 30 [--format csv] [--channel email|sms]
    pos-central import-segment NAME FILE.csv      # a custom segment (id, card, email or phone per line)
    pos-central segments
    pos-central import-rewards FILE.json          # the rewards catalogue, with partner code pools
    pos-central rewards
    pos-central offers CAMPAIGN [--format csv]    # a campaign's members with their codes, for messaging
    pos-central compact-feed [--keep N]
    pos-central backup FILE                       # SQLite: online copy; PostgreSQL: use pg_dump (printed)
    pos-central report --from DAY --to DAY [--by day|week|month] [--store S | --brand B] [--format table|csv|json]
    pos-central report-rebuild                    # recompute the report's aggregates from scratch
    pos-central admin-token add|revoke|list [NAME]   # chain-wide credentials (the report of every store)
    pos-central member-leave CUSTOMER [--at ISO]  # the member leaves the program (member-rejoin undoes it)

`--db` (or POS_CENTRAL_DB) is a SQLAlchemy URL; the default is the SQLite
file ./pos-central.db. PostgreSQL: `--db postgresql+psycopg://user@host/db`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from sync.central import (
    expiry,
    feed,
    imports,
    jobs,
    logs,
    members,
    offers,
    operations,
    registers,
    rewards,
    segments,
)
from sync.central import settings as central_settings
from sync.central.app import list_conflicts, run_in_transaction
from sync.central.db import DEFAULT_DB_URL, create_engine, sqlite_path, utcnow
from sync.central.errors import CentralError
from sync.central.program_file import SWITCH_CURRENCY_FLAG, check_setting, import_settings
from sync.central.schema import upgrade

T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("--db", default=os.environ.get("POS_CENTRAL_DB", DEFAULT_DB_URL),
                     help="SQLAlchemy URL (default: %(default)s)")
    # Given after the command, --db is the command's own; SUPPRESS keeps one given before it from being reset.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="SQLAlchemy URL (default: POS_CENTRAL_DB or "
                        f"{DEFAULT_DB_URL})")
    parser = argparse.ArgumentParser(prog="pos-central", description="The pos-companion central service.",
                                     parents=[top])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[common], help="run the HTTP API (OpenAPI at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema on start")
    serve.add_argument("--workers", type=int, default=1, help="API worker processes on this host (stateless)")
    serve.add_argument("--certfile", type=Path, help="TLS: the server's certificate chain (PEM); serves https")
    serve.add_argument("--keyfile", type=Path, help="TLS: the certificate's private key (PEM)")
    serve.add_argument("--no-jobs", action="store_true",
                       help="do not run the program's daily jobs from this process (another one does)")
    serve.add_argument("--jobs-poll", type=float, default=30.0, help="seconds between looks at the job schedule")
    sub.add_parser("init", parents=[common], help="create or upgrade the database schema")
    pair = sub.add_parser("pair-register", parents=[common], help="issue a one-time pairing code")
    pair.add_argument("store")
    pair.add_argument("register")
    pair.add_argument("--replace", action="store_true",
                      help="the register is paired: move it to a machine restored from its backup")
    revoke = sub.add_parser("revoke-register", parents=[common], help="revoke a register's credential")
    revoke.add_argument("register_id", help="STORE.REGISTER as printed at pairing")
    release = sub.add_parser("release-reserve", parents=[common],
                             help="return a revoked register's reserved partner codes to the pool")
    release.add_argument("register_id", help="STORE.REGISTER, revoked")
    release.add_argument("--dry-run", action="store_true", help="list the codes, release nothing")
    for name, what in (("import-catalog", "catalog CSV"), ("import-customers", "customers CSV"),
                       ("import-promotions", "promotions JSON (FORMAT.md section 2)")):
        cmd = sub.add_parser(name, parents=[common], help=f"import a {what}")
        cmd.add_argument("file", type=Path)
    conflicts = sub.add_parser("conflicts", parents=[common], help="list conflicts (overdrafts, reused codes)")
    conflicts.add_argument("--json", action="store_true")
    conflicts.add_argument("--limit", type=int, default=200)
    duplicates = sub.add_parser("duplicates", parents=[common],
                                help="members sharing a phone or an email (one person enrolled twice?)")
    duplicates.add_argument("--json", action="store_true")
    merge = sub.add_parser("merge-customers", parents=[common],
                           help="merge OTHER into KEEP: points, orders, codes and missing keys move to KEEP")
    merge.add_argument("keep")
    merge.add_argument("other")
    balances = sub.add_parser("balances", parents=[common], help="a customer's balance and overdraft")
    balances.add_argument("customer")
    setting = sub.add_parser("set-setting", parents=[common], help="set a program setting (JSON value)")
    setting.add_argument("key")
    setting.add_argument("value")
    program = sub.add_parser("import-settings", parents=[common], help="the program's settings from a JSON file")
    program.add_argument("file", type=Path)
    for cmd in (setting, program):
        cmd.add_argument(SWITCH_CURRENCY_FLAG, action="store_true",
                         help="allow a different currency once the program has sales: every booked amount is "
                              "re-labelled in it, nothing is converted")
    run_jobs = sub.add_parser("run-jobs", parents=[common], help="run the program's jobs now (by hand)")
    run_jobs.add_argument("--job", choices=list(jobs.jobs()), help="only this job (default: all, in order)")
    run_jobs.add_argument("--as-of", type=date.fromisoformat, help="the day to run for (default: today)")
    run_jobs.add_argument("--again", action="store_true", help="run a day that already ran (changes nothing new)")
    jobs_cmd = sub.add_parser("jobs", parents=[common], help="the jobs: schedule, last run, duration, result")
    jobs_cmd.add_argument("--json", action="store_true")
    expiring = sub.add_parser("expiring", parents=[common], help="members whose points expire soon")
    expiring.add_argument("--days", type=int, default=30)
    expiring.add_argument("--format", choices=["table", "csv"], default="table")
    expiring.add_argument("--channel", choices=["email", "sms"], help="only members who agreed to be told this way")
    segment = sub.add_parser("import-segment", parents=[common], help="a custom segment from a CSV file")
    segment.add_argument("name")
    segment.add_argument("file", type=Path)
    sub.add_parser("segments", parents=[common], help="every segment with its number of members")
    rewards_import = sub.add_parser("import-rewards", parents=[common], help="the rewards catalogue (JSON)")
    rewards_import.add_argument("file", type=Path)
    sub.add_parser("rewards", parents=[common], help="the rewards catalogue with its partner code pools")
    offers_cmd = sub.add_parser("offers", parents=[common], help="a campaign's target members with their codes")
    offers_cmd.add_argument("campaign", help="e.g. WINBACK-2026-03 (see pos-central jobs)")
    offers_cmd.add_argument("--format", choices=["table", "csv"], default="table")
    compact = sub.add_parser("compact-feed", parents=[common], help="drop superseded changes; old cursors get 410")
    compact.add_argument("--keep", type=int, default=100_000, help="keep this many latest changes intact")
    backup = sub.add_parser("backup", parents=[common],
                            help="copy a SQLite database while it serves (PostgreSQL: prints the pg_dump command)")
    backup.add_argument("file", type=Path)
    report = sub.add_parser("report", parents=[common], help="the Loyalty Program report for a date range")
    report.add_argument("--from", dest="first", required=True, type=_day, help="first local day, YYYY-MM-DD")
    report.add_argument("--to", dest="last", required=True, type=_day, help="last local day (included)")
    report.add_argument("--by", choices=["day", "week", "month"],
                        help="breakdown (default: 1-30 days daily, 31-90 weekly, longer monthly)")
    scope = report.add_mutually_exclusive_group()
    scope.add_argument("--store", help="one store (its sales, and the members it enrolled)")
    scope.add_argument("--brand", help="one brand (setting report.brands)")
    report.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sub.add_parser("report-rebuild", parents=[common], help="recompute the report's aggregates from scratch")
    admin = sub.add_parser("admin-token", parents=[common], help="chain-wide credentials for the report API")
    admin.add_argument("action", choices=["add", "revoke", "list"])
    admin.add_argument("name", nargs="?")
    leave = sub.add_parser("member-leave", parents=[common], help="a member leaves the program")
    leave.add_argument("customer")
    leave.add_argument("--at", type=datetime.fromisoformat, help="when (ISO time with zone; default now)")
    rejoin = sub.add_parser("member-rejoin", parents=[common], help="undo member-leave")
    rejoin.add_argument("customer")
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (YYYY-MM-DD)") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "backup":
        return _backup(args)
    engine = create_engine(args.db)
    try:
        upgrade(engine)
        return _COMMANDS[args.command](engine, args)
    except CentralError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a database error's text may hold members' data: logged masked
        logs.log_unexpected(exc)
        return 1
    finally:
        engine.dispose()


def _tx(engine: Any, work: Callable[[Session], T]) -> T:
    return run_in_transaction(engine, work, attempts=3)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.central.app import create_app
    from sync.central.report.background import Refresher
    from sync.central.scheduler import Scheduler

    if bool(args.certfile) != bool(args.keyfile):
        print("error: --certfile and --keyfile go together", file=sys.stderr)
        return 2
    for given in (args.certfile, args.keyfile):
        if given is not None and not given.is_file():
            print(f"error: {given}: no such file", file=sys.stderr)
            return 2
    tls = {"ssl_certfile": str(args.certfile), "ssl_keyfile": str(args.keyfile)} if args.certfile else {}
    scheme = "https" if tls else "http"
    if not tls and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("pos-central: warning: serving plain http beyond this machine: credentials and members' data "
              "travel in clear; give --certfile/--keyfile, or put a TLS reverse proxy in front", file=sys.stderr)
    print(f"pos-central: serving {args.db} on {scheme}://{args.host}:{args.port} (OpenAPI at /docs)", flush=True)
    if not args.no_migrate:
        engine = create_engine(args.db)
        upgrade(engine)
        engine.dispose()
    engine = create_engine(args.db)
    refresher = Refresher(engine)  # the report's aggregates stay current between reads; one per host
    refresher.start()
    scheduler = None
    if not args.no_jobs:  # the program's daily jobs, in this process; other processes' schedulers skip a run
        scheduler = Scheduler(engine, poll=args.jobs_poll)
        scheduler.start()
    try:
        if args.workers > 1:
            os.environ["POS_CENTRAL_DB"] = args.db
            uvicorn.run("sync.central.app:app_from_env", factory=True, workers=args.workers, host=args.host,
                        port=args.port, log_config=logs.log_config(), **tls)
        else:
            uvicorn.run(create_app(args.db, migrate=False), host=args.host, port=args.port,
                        log_config=logs.log_config(), **tls)
    finally:
        if scheduler is not None:
            scheduler.stop()
        refresher.stop()
        engine.dispose()
    return 0


def _backup(args: argparse.Namespace) -> int:
    from sync.central.backup import CentralBackupError, backup_sqlite, postgres_backup_advice

    source = sqlite_path(args.db)
    if source is None:
        print(f"error: {postgres_backup_advice(args.db)}", file=sys.stderr)
        return 2
    try:
        size = backup_sqlite(source, args.file)
    except CentralBackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {args.file} ({size / 1_048_576:,.1f} MB)")
    return 0


def _init(engine: Any, args: argparse.Namespace) -> int:
    print(f"database ready: {args.db}")
    return 0


def _pair(engine: Any, args: argparse.Namespace) -> int:
    register_id, code = _tx(engine, lambda s: registers.issue_pairing_code(s, args.store, args.register,
                                                                          replace=args.replace))
    print(f"register {register_id}: pairing code {code} (valid 24 hours, usable once)")
    return 0


def _revoke(engine: Any, args: argparse.Namespace) -> int:
    _tx(engine, lambda s: registers.revoke(s, args.register_id))
    print(f"register {args.register_id} revoked")
    return 0


def _release_reserve(engine: Any, args: argparse.Namespace) -> int:
    done = _tx(engine, lambda s: rewards.release_reserve(s, args.register_id, dry_run=args.dry_run))
    who = f"register {done.register_id} (revoked {done.revoked_at.isoformat()[:19]})"
    # Partner codes in full, as `conflicts` shows them: the operator asks the partner about them by code.
    for code in done.handed_out:
        print(f"  {code}: reported handed out by a claim it pushed: the member's, never released")
    if not done.released:
        print(f"{who} holds no partner codes in reserve: nothing to release")
        return 0
    print(f"{who}: {done.released} partner codes still reserved to it")
    for reward_id, codes in done.codes.items():
        print(f"  {reward_id:<16} {len(codes):>4} codes: {', '.join(codes)}")
    if done.dry_run:
        print(f"dry run: nothing released. Release them only once you know {done.register_id} did not hand them "
              "out (its last sync pushed everything, or the partner confirms them unused).")
        return 0
    print(f"released {done.released} partner codes to the pool ({done.topped_up} reserved at once for registers "
          "short of codes); recorded as an alert in pos-central conflicts")
    return 0


def _import(kind: str) -> Callable[[Any, argparse.Namespace], int]:
    def run(engine: Any, args: argparse.Namespace) -> int:
        if not args.file.exists():
            print(f"error: {args.file}: no such file", file=sys.stderr)
            return 1
        func = {"catalog": imports.import_catalog, "customers": imports.import_customers,
                "promotions": imports.import_promotions}[kind]
        report = _tx(engine, lambda s: func(s, args.file))
        for error in report.errors:
            print(f"{args.file}: {error}", file=sys.stderr)
        print(f"{kind}: {report.imported} imported, {report.updated} updated, {len(report.errors)} errors")
        if kind == "promotions" and report.errors:
            return 2  # a promotions file is all or nothing
        return 1 if report.errors and not (report.imported or report.updated) else 0

    return run


def _conflicts(engine: Any, args: argparse.Namespace) -> int:
    rows = _tx(engine, lambda s: list_conflicts(s, args.limit))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    leakage = _tx(engine, operations.leakage_total)
    for a in _tx(engine, operations.list_alerts):
        print(f"{a['created_at'][:19]}  ALERT {a['kind']:<12} register={a['register_id']} entry={a['entry_id']}"
              f"  {a['detail']}")
    for r in rows:
        print(f"{r['created_at'][:19]}  {r['kind']:<18} register={r['register_id']:<10} customer={r['customer_id']}"
              f"  points={r['points']}  leakage_minor={r['leakage_minor']}  {r['detail']}")
    for r in _tx(engine, operations.list_rejected_entries):
        print(f"{r['received_at'][:19]}  REJECTED entry     register={r['register_id']:<10} seq={r['seq']}"
              f"  {r['reason']}")
    refused = _tx(engine, operations.list_refused_records)
    for r in refused:
        print(f"{r['received_at'][:19]}  REFUSED {r['kind']:<12} register={r['register_id']:<10} record={r['id']}"
              f"  {r['reason']}")
    print(f"{len(rows)} conflicts, {len(refused)} refused records; promotion leakage {leakage} minor units")
    return 0


def _duplicates(engine: Any, args: argparse.Namespace) -> int:
    groups = _tx(engine, members.duplicate_groups)
    if args.json:
        print(json.dumps(groups, indent=2))
        return 0
    for group in groups:
        who = ", ".join(f"{m['id']} ({m['name'] or 'no name'}, enrolled at {m['enrolled_at_register'] or 'HQ'})"
                        for m in group["members"])
        print(f"{group['key']} {mask(group['key'], group['value'])}: {who}")
    print(f"{len(groups)} shared keys; merge with: pos-central merge-customers KEEP OTHER")
    return 0


def _merge(engine: Any, args: argparse.Namespace) -> int:
    merged = _tx(engine, lambda s: members.merge_members(s, args.keep, args.other, utcnow()))
    print(f"{merged.other} merged into {merged.keep}: {merged.points_moved} points, {merged.orders_moved} orders, "
          f"{merged.codes_moved} codes moved; keys moved: {', '.join(merged.keys_moved) or 'none'}. "
          "Every register learns it at its next sync.")
    return 0


def mask(key: str, value: str) -> str:
    """A phone or email shown with enough to recognise it, not enough to copy it from a screen or a log."""
    if key == "email" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{'*' * max(0, len(value) - 4)}{value[-4:]}"


def _balances(engine: Any, args: argparse.Namespace) -> int:
    report = _tx(engine, lambda s: operations.balance_report(s, args.customer))
    if report is None:
        print(f"error: no customer {args.customer}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2))
    return 0


def _set_setting(engine: Any, args: argparse.Namespace) -> int:
    try:
        value = json.loads(args.value)
    except json.JSONDecodeError:
        value = args.value

    def work(session: Session) -> str | None:
        problem = check_setting(session, args.key, value, switch_currency=args.switch_currency)
        if problem is None:
            central_settings.set_setting(session, args.key, value)
        return problem

    problem = _tx(engine, work)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"{args.key} = {json.dumps(value)}")
    return 0


def _import_settings(engine: Any, args: argparse.Namespace) -> int:
    if not args.file.exists():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 1
    keys, errors = _tx(engine, lambda s: import_settings(s, args.file, switch_currency=args.switch_currency))
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if errors:
        print(f"settings: nothing set, {len(errors)} errors")
        return 2
    print(f"settings: {len(keys)} set ({', '.join(keys)}); registers get them at their next sync")
    return 0


def _run_jobs(engine: Any, args: argparse.Namespace) -> int:
    from sync.central.days import chain_zone

    today = _tx(engine, lambda s: utcnow().astimezone(chain_zone(s)).date())
    day = args.as_of or today
    if day > today:  # a future day would stand as the last run and hold back the scheduler's real days
        print(f"error: --as-of {day} is after today ({today} in the jobs' time zone): jobs run for today or a "
              "past day", file=sys.stderr)
        return 2
    failed = 0
    for name in [args.job] if args.job else list(jobs.jobs()):
        outcome = jobs.run_job(engine, name, day, by_hand=True, again=args.again)
        if outcome.status == "ran":
            print(f"{name} {day}: done in {outcome.seconds:.1f} s: {_summary(outcome.result)}")
        elif outcome.status == jobs.FAILED:
            failed += 1
            print(f"{name} {day}: FAILED: {outcome.detail} (pos-central jobs shows it; run again to retry)",
                  file=sys.stderr)
        else:
            print(f"{name} {day}: skipped: {outcome.detail}")
    return 1 if failed else 0


def _summary(result: dict[str, Any] | None) -> str:
    """A run's result on one line (`members 12, progressions 1, ...`)."""
    parts = []
    for key, value in (result or {}).items():
        if key not in ("as_of", "refreshed_at", "since"):
            parts.append(f"{key} ({_summary(value)})" if isinstance(value, dict) else f"{key} {value}")
    return ", ".join(parts)


def _jobs(engine: Any, args: argparse.Namespace) -> int:
    statuses = _tx(engine, jobs.job_statuses)
    if args.json:
        print(json.dumps([s.__dict__ for s in statuses], indent=2, default=str))
        return 0
    print(f"{'job':<9} {'at':<6} {'last day':<10} {'status':<8} {'tries':>5} {'took':>8}  result")
    for s in statuses:
        took = f"{s.seconds:.1f} s" if s.seconds is not None else "-"
        detail = s.error if s.status == jobs.FAILED else _summary(s.result)
        print(f"{s.name:<9} {s.at or 'off':<6} {str(s.last_date or '-'):<10} {s.status or 'never':<8} "
              f"{s.attempts:>5} {took:>8}  {detail or ''}")
    return 0


def _expiring(engine: Any, args: argparse.Namespace) -> int:
    from sync.central.days import chain_zone

    today = _tx(engine, lambda s: utcnow().astimezone(chain_zone(s)).date())
    expiry.run_job(engine, today, book=False)  # lots brought up to the last entry received
    found = _tx(engine, lambda s: expiry.expiring_members(s, today, args.days, args.channel))
    columns = ["customer_id", "name", "email", "phone", "consent_email", "consent_sms", "points", "first_on",
               "balance"]
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for m in found:
            writer.writerow([m.customer_id, m.name, m.email or "", m.phone or "", int(m.consent_email),
                             int(m.consent_sms), m.points, m.first_on.isoformat(), m.balance])
        return 0
    for m in found:
        print(f"{m.customer_id:<38} {m.points:>8,} points on {m.first_on}  {m.name}")
    print(f"{len(found)} members have points expiring by {today + timedelta(days=args.days)}")
    return 0


def _import_segment(engine: Any, args: argparse.Namespace) -> int:
    if not args.file.exists():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 1
    try:
        report = _tx(engine, lambda s: segments.import_segment(s, args.name, args.file))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for error in report.errors or []:
        print(f"{args.file}: {error}", file=sys.stderr)
    print(f"segment {report.name}: {report.members} members ({report.added} added, {report.removed} removed), "
          f"{len(report.errors or [])} errors")
    return 1 if report.errors and not report.members else 0


def _segments(engine: Any, args: argparse.Namespace) -> int:
    for name, kind, count in _tx(engine, segments.segment_sizes):
        print(f"{name:<24} {kind:<22} {count:>9,} members")
    return 0


def _import_rewards(engine: Any, args: argparse.Namespace) -> int:
    if not args.file.exists():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 1
    report = _tx(engine, lambda s: rewards.import_rewards(s, args.file))
    for error in report.errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    print(f"rewards: {report.imported} imported, {report.updated} updated, {report.codes_added} partner codes "
          f"added, {len(report.errors)} errors")
    return 2 if report.errors else 0


def _rewards(engine: Any, args: argparse.Namespace) -> int:
    for r in _tx(engine, rewards.catalogue):
        pool = f"  codes: {r['free']} free, {r['reserved']} reserved, {r['issued']} issued" if r["kind"] == "partner" else ""
        print(f"{r['id']:<16} {r['points']:>7,} pts  {r['kind']:<12} {'' if r['active'] else '(inactive) '}"
              f"{r['name']}{pool}")
    return 0


def _offers(engine: Any, args: argparse.Namespace) -> int:
    found = _tx(engine, lambda s: offers.offer_members(s, args.campaign))
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["campaign", "customer_id", "name", "code", "email", "phone"])
        for m in found:
            writer.writerow([m.campaign, m.customer_id, m.name, m.code or "", m.email or "", m.phone or ""])
        return 0
    for m in found:
        print(f"{m.customer_id:<38} {m.code or '-':<12} {m.email or m.phone or ''}")
    print(f"{len(found)} members to tell about {args.campaign}")
    return 0


def _compact(engine: Any, args: argparse.Namespace) -> int:
    def work(session: Session) -> tuple[int, int]:
        upto = max(0, feed.assign_sequence(session) - args.keep)
        return upto, feed.compact(session, upto)

    upto, dropped = _tx(engine, work)
    print(f"compacted up to change {upto}: {dropped} superseded changes dropped")
    return 0


def _report(engine: Any, args: argparse.Namespace) -> int:
    from pos_app.domain.report.loyalty_report import report_csv, report_text
    from pos_app.domain.report.periods import RangeError
    from sync.central.report.query import loyalty_report, parse_grain
    from sync.central.report.refresh import refresh

    try:
        grain = parse_grain(args.by)
        _tx(engine, feed.assign_sequence)
        _tx(engine, refresh)
        built = _tx(engine, lambda s: loyalty_report(s, args.first, args.last, grain=grain, store=args.store,
                                                     brand=args.brand, now=utcnow()))
    except RangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(built.to_json(), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(report_csv(built))
    else:
        print(report_text(built))
    return 0


def _report_rebuild(engine: Any, args: argparse.Namespace) -> int:
    from sync.central.report.refresh import rebuild

    result = _tx(engine, rebuild)
    print(f"report rebuilt in {result.seconds:.1f} s: {result.members:,} members, {result.cells:,} order cells")
    return 0


def _admin_token(engine: Any, args: argparse.Namespace) -> int:
    from sync.central.report import access

    if args.action == "list":
        for row in _tx(engine, access.list_admin_tokens):
            state = f"revoked {row['revoked_at'][:19]}" if row["revoked_at"] else "active"
            print(f"{row['name']:<24} created {row['created_at'][:19]}  {state}")
        return 0
    if not args.name:
        print(f"error: admin-token {args.action} needs a NAME", file=sys.stderr)
        return 2
    if args.action == "revoke":
        _tx(engine, lambda s: access.revoke_admin_token(s, args.name))
        print(f"admin credential {args.name} revoked")
        return 0
    token = _tx(engine, lambda s: access.add_admin_token(s, args.name))
    print(f"admin credential {args.name}: {token}")
    print("Keep it secret: it reads every store's report (Authorization: Bearer ...). It is not shown again.")
    return 0


def _member_leave(engine: Any, args: argparse.Namespace) -> int:
    from sync.central import leavers

    if args.at is not None and args.at.tzinfo is None:
        print("error: --at needs a time zone (e.g. 2026-03-01T18:00:00+01:00)", file=sys.stderr)
        return 2
    row = _tx(engine, lambda s: leavers.member_left(s, args.customer, args.at))
    print(f"{row.id} left the program at {row.left_at.isoformat()}")
    return 0


def _member_rejoin(engine: Any, args: argparse.Namespace) -> int:
    from sync.central import leavers

    row = _tx(engine, lambda s: leavers.member_rejoined(s, args.customer))
    print(f"{row.id} is a member again")
    return 0


_COMMANDS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "init": _init,
    "pair-register": _pair,
    "revoke-register": _revoke,
    "release-reserve": _release_reserve,
    "import-catalog": _import("catalog"),
    "import-customers": _import("customers"),
    "import-promotions": _import("promotions"),
    "conflicts": _conflicts,
    "duplicates": _duplicates,
    "merge-customers": _merge,
    "balances": _balances,
    "set-setting": _set_setting,
    "import-settings": _import_settings,
    "run-jobs": _run_jobs,
    "jobs": _jobs,
    "expiring": _expiring,
    "import-segment": _import_segment,
    "segments": _segments,
    "import-rewards": _import_rewards,
    "rewards": _rewards,
    "offers": _offers,
    "compact-feed": _compact,
    "report": _report,
    "report-rebuild": _report_rebuild,
    "admin-token": _admin_token,
    "member-leave": _member_leave,
    "member-rejoin": _member_rejoin,
}


if __name__ == "__main__":
    sys.exit(main())
