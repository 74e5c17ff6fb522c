"""`pos-companion pair URL CODE`: pair this register with a central service.

A manager runs `pos-central pair-register STORE REGISTER` at the central
service and reads out the one-time code; on the register this command trades
the code for the register's own credential and writes `central_url`,
`central_token` and `central_register_id` into the register's config file
(`$POS_COMPANION_CONFIG`, else `pos-companion.toml` in the user config
directory), keeping everything else in it. The file is made readable by its
owner only: the token is the register's password.

The rules (an unsynced outbox, a ledger that belongs to another register id)
are the use case's: `pos_app.services.pairing`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pos_app.app import AppSettings, default_config_path


def run_pair(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion pair", description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the central service, e.g. http://127.0.0.1:8765")
    parser.add_argument("code", help="the one-time pairing code from `pos-central pair-register`")
    parser.add_argument("--config", type=Path, default=None, help="config file to write (default: the user's)")
    options = parser.parse_args(args)

    from pos_app.services.outcome import Refused
    from pos_app.services.pairing import pair_register

    path = options.config or default_config_path(os.environ)
    settings = AppSettings.load(config_path=path)
    engine = None
    if settings.database.is_file():
        from pos_app.storage.database import open_store
        from pos_app.storage.unit_of_work import UnitOfWorkFactory

        engine = open_store(settings.database)
    try:
        paired = pair_register(
            UnitOfWorkFactory(engine, settings.register_id) if engine is not None else None,
            url=options.url,
            code=options.code,
            previous_register_id=settings.central_register_id,
            save=settings.save_credential,
            verify=settings.central_verify,
        )
    finally:
        if engine is not None:
            engine.dispose()
    if isinstance(paired, Refused):
        verb = "failed" if paired.reason == "pairing_failed" else "refused"
        print(f"pairing {verb}: {paired.message}", file=sys.stderr)
        return 1
    print(f"paired as register {paired.register_id} of store {paired.store_id}; credential saved in {path}")
    return 0
