"""The `pos-companion` command: the register app, and `evaluate` for the engine.

    pos-companion                 start the register on the configured database (see pos_app.app)
    pos-companion --demo          create a demo store (5,000 customers) and start the register on it
    pos-companion --headless      the register without a window: sync loop and the till's POS API
    pos-companion pos-key add NAME   a key for a till's POS API (printed once; also remove, list)
    pos-companion evaluate FILE   run one FORMAT.md scenario through the engine, print the result
    pos-companion pair URL CODE   pair this register with a central service (see pos_app.pairing_cli)
    pos-companion user add ID NAME --role manager   create a register account (PIN asked twice)
    pos-companion --self-test     prove this installation works (database, engine, receipt, Qt), exit 0
    pos-companion doctor          check database, disk, central service, clock, printer, outbox, sync, audit
    pos-companion backup [FILE]   copy the register's database while it runs (SQLite online backup)
    pos-companion restore FILE    put a backup in place (refused over unsynced entries)
    pos-companion config          where the settings come from, and their values

A settings file or variable that cannot be used stops every command with one
line naming it (exit 2), never a traceback.
"""

from __future__ import annotations

import logging
import sys

USAGE = (
    "usage: pos-companion [--headless] [--demo [--customers N] [--data-dir DIR] [--no-central]]\n"
    "       pos-companion evaluate FILE|-\n"
    "       pos-companion pair URL CODE [--config FILE]\n"
    "       pos-companion user add ID NAME [--role cashier|manager] [--daily-limit N] [--pin-stdin]\n"
    "       pos-companion --self-test\n"
    "       pos-companion doctor [--offline]\n"
    "       pos-companion backup [FILE]\n"
    "       pos-companion restore FILE [--discard-unsynced]\n"
    "       pos-companion config\n"
    "       pos-companion pos-key add|remove NAME | pos-key list"
)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from pos_app.app import SettingsError, SystemLibrariesMissing

    try:
        return run_command(args)
    except SettingsError as exc:
        print(f"pos-companion: configuration: {exc}", file=sys.stderr)
        return 2
    except SystemLibrariesMissing as exc:
        print(f"pos-companion: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:  # a folder or file the command needs cannot be made or written
        _log_failure(args)
        print(f"pos-companion: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if not isinstance(exc, OperationalError):
            raise
        _log_failure(args)
        print(f"pos-companion: the register's database cannot be used: {exc.orig}", file=sys.stderr)
        return 1


def _log_failure(args: list[str]) -> None:
    """The traceback into the log file, when the command has opened one (never onto the terminal)."""
    if any(getattr(handler, "pos_companion", False) for handler in logging.getLogger().handlers):
        logging.getLogger(__name__).debug("pos-companion %s failed", " ".join(args[:1]), exc_info=True)


def run_command(args: list[str]) -> int:
    if args and args[0] == "evaluate":
        from pos_app.evaluate_cli import run_evaluate

        return run_evaluate(args[1:])
    if args and args[0] == "pair":
        from pos_app.pairing_cli import run_pair

        return run_pair(args[1:])
    if args and args[0] == "user":
        from pos_app.accounts_cli import run_user

        return run_user(args[1:])
    if args and args[0] == "--self-test":
        from pos_app.maintenance_cli import run_self_test_command

        return run_self_test_command(args[1:])
    if args and args[0] == "doctor":
        from pos_app.maintenance_cli import run_doctor

        return run_doctor(args[1:])
    if args and args[0] in ("backup", "restore"):
        from pos_app.maintenance_cli import run_backup, run_restore

        return (run_backup if args[0] == "backup" else run_restore)(args[1:])
    if args and args[0] == "config":
        from pos_app.maintenance_cli import run_config

        return run_config(args[1:])
    if args and args[0] == "pos-key":
        from pos_app.pos_key_cli import run_pos_key

        return run_pos_key(args[1:])
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    return run_register(args)


def run_register(args: list[str]) -> int:
    import argparse
    from pathlib import Path

    # argparse prints "usage: " itself: give it the lines without their own prefix
    parser = argparse.ArgumentParser(prog="pos-companion", usage=USAGE.removeprefix("usage: "))
    parser.add_argument("--demo", action="store_true", help="create a demo store and start the register on it")
    parser.add_argument("--customers", type=int, default=5000, help="demo loyalty members (default 5000)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the demo database goes")
    parser.add_argument("--no-central", action="store_true",
                        help="demo without the embedded central service (the register works offline)")
    parser.add_argument("--headless", action="store_true",
                        help="no window: the sync loop and the till's POS API only")
    try:
        options = parser.parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0) and 2

    from pos_app.app import (
        AppSettings,
        demo_hint,
        demo_pins,
        demo_till_key,
        prepare_demo,
        run_gui,
        run_headless,
        start_demo_sync,
        start_logging,
        user_dir,
    )

    settings = AppSettings.load()
    start_logging(settings)
    demo_sync = None
    if options.demo:
        directory = options.data_dir or user_dir("data") / "demo"
        print(f"Creating the demo store in {directory} ({options.customers:,} customers)…", file=sys.stderr)
        path, loaded = prepare_demo(directory, customers=options.customers)
        hint = demo_hint(loaded)
        print(hint, file=sys.stderr)
        # The demo opens on the sign-in screen like any register; the hint there gives the PINs.
        settings = settings.with_changes(database=path, hint=hint, demo_pins=demo_pins(loaded), printer={"kind": "dummy"},
                                         store_address=("12 High Street", "Springfield"))
        if not options.no_central:
            demo_sync = start_demo_sync(settings, directory, loaded.store)
            cut = "" if options.headless else " (Ctrl+K in the window cuts the connection)"
            print(f"Central service on {demo_sync[0].base_url}{cut}", file=sys.stderr)
        print(f"Key of the demo's till for the POS API: {demo_till_key(path)}", file=sys.stderr)
    if options.headless:
        return run_headless(settings, demo_sync=demo_sync)
    return run_gui(settings, demo_sync=demo_sync)


if __name__ == "__main__":
    sys.exit(main())
