"""`pos-companion user add ID NAME --role manager|cashier`: create a register account.

The PIN is asked twice on the terminal (never on the command line, where it
would land in the shell's history), or read from standard input with
`--pin-stdin` for provisioning scripts. The first manager of a freshly paired
register is made this way; later ones too, or from manager mode.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from pos_app.app import AppSettings, local_now
from pos_app.domain.account import Role
from pos_app.services.accounts import check_pin_format, create_user
from pos_app.services.outcome import Refused


def run_user(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion user", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="create a cashier or manager account")
    add.add_argument("user_id")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CASHIER.value)
    add.add_argument("--daily-limit", type=int, default=None, help="a manager's daily adjustment limit (points)")
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    add.add_argument("--config", type=Path, default=None, help="the register's config file")
    options = parser.parse_args(args)

    role = Role(options.role)
    if options.pin_stdin:
        pin = sys.stdin.readline().strip()
    elif not sys.stdin.isatty():
        print("no terminal to type the PIN on: send it on standard input with --pin-stdin "
              f"(e.g. printf '%s\\n' \"$PIN\" | pos-companion user add {options.user_id} ... --pin-stdin)",
              file=sys.stderr)
        return 2
    else:
        digits = "6-8" if role is Role.MANAGER else "4-8"
        try:
            pin = getpass.getpass(f"PIN ({digits} digits): ")
            if (bad := check_pin_format(pin, role)) is not None:
                print(f"{bad.message}; nothing was created", file=sys.stderr)
                return 2
            again = getpass.getpass("PIN again: ")
        except (EOFError, KeyboardInterrupt):
            print("\nno PIN typed; nothing was created", file=sys.stderr)
            return 1
        if again != pin:
            print("the two PINs differ; nothing was created", file=sys.stderr)
            return 1

    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    settings = AppSettings.load(config_path=options.config)
    engine = open_store(settings.database)
    try:
        created = create_user(
            UnitOfWorkFactory(engine, settings.register_id)(),
            user_id=options.user_id,
            name=options.name,
            role=Role(options.role),
            pin=pin,
            now=local_now(),
            daily_adjust_limit=options.daily_limit,
        )
    finally:
        engine.dispose()
    if isinstance(created, Refused):
        print(f"not created: {created.message}", file=sys.stderr)
        return 1
    print(f"{created.role.value} {created.id} ({created.name}) created in {settings.database}")
    return 0
