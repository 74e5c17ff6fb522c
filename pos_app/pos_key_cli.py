"""`pos-companion pos-key add|remove|list`: the keys a store's tills use for the register's POS API.

    pos-companion pos-key add till-1      # prints the new key once: give it to the till's integrator
    pos-companion pos-key list            # the keys' names and when they were made (never the keys)
    pos-companion pos-key remove till-1   # the till using it is refused from its next call

The register keeps only a hash of each key (`pos_app.services.pos_keys`);
a lost key cannot be shown again: remove it and add another.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run_pos_key(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion pos-key", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="the register's config file")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="make a key for a till (printed once)")
    add.add_argument("name", help="the till's name: letters, digits, '.', '_' or '-', at most 32")
    remove = sub.add_parser("remove", help="remove a till's key")
    remove.add_argument("name")
    sub.add_parser("list", help="the keys' names")
    try:
        options = parser.parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0) and 2

    from pos_app.app import AppSettings, local_now
    from pos_app.services.outcome import Refused
    from pos_app.services.pos_keys import add_key, list_keys, remove_key
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    settings = AppSettings.load(config_path=options.config)
    if options.action != "add" and not settings.database.is_file():
        print(f"no register store at {settings.database}: no keys yet (pos-companion pos-key add NAME)",
              file=sys.stderr)
        return 1
    settings.database.parent.mkdir(parents=True, exist_ok=True)  # a key made before the register's first start
    engine = open_store(settings.database)
    factory = UnitOfWorkFactory(engine, settings.register_id)
    try:
        if options.action == "add":
            issued = add_key(factory(), options.name, now=local_now())
            if isinstance(issued, Refused):
                print(f"not added: {issued.message}", file=sys.stderr)
                return 1
            print(issued.key)
            print(f"(the key of till {issued.name!r}, shown this once: the register keeps only its hash; "
                  f"send it as 'Authorization: Bearer <key>')", file=sys.stderr)
            return 0
        if options.action == "remove":
            removed = remove_key(factory(), options.name)
            if isinstance(removed, Refused):
                print(f"not removed: {removed.message}", file=sys.stderr)
                return 1
            print(f"removed the key of till {removed!r}")
            return 0
        keys = list_keys(factory(read_only=True))
        for key in keys:
            print(f"{key.name}\tadded {key.created_at.astimezone():%Y-%m-%d %H:%M}")
        if not keys:
            print("no keys: pos-companion pos-key add NAME", file=sys.stderr)
        return 0
    finally:
        engine.dispose()
