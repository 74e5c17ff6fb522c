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

import tomlkit

from pos_app.app import AppSettings, user_dir


def config_path(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return explicit
    env = os.environ.get("POS_COMPANION_CONFIG")
    return Path(env) if env else user_dir("config") / "pos-companion.toml"


def write_credential(path: Path, *, url: str, token: str, register_id: str) -> None:
    """Set the three central-service keys in the TOML config, keeping the rest as it was."""
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    document["central_url"] = url
    document["central_token"] = token
    document["central_register_id"] = register_id
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(tomlkit.dumps(document), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def run_pair(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion pair", description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the central service, e.g. http://127.0.0.1:8765")
    parser.add_argument("code", help="the one-time pairing code from `pos-central pair-register`")
    parser.add_argument("--config", type=Path, default=None, help="config file to write (default: the user's)")
    options = parser.parse_args(args)

    from pos_app.services.outcome import Refused
    from pos_app.services.pairing import pair_register

    path = config_path(options.config)
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
            save=lambda url, token, register_id: write_credential(path, url=url, token=token, register_id=register_id),
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
