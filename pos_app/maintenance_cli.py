"""The register's upkeep commands: `--self-test`, `doctor`, `backup`, `restore`, `config`.

Each is a thin shell: read the settings, call `pos_app.self_test`,
`pos_app.services.health` or `pos_app.services.backup`, print what came back.
Every message names what to do; none ends in a traceback (a failure's
details go to the log file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pos_app.app import (
    SETTING_ENV,
    AppSettings,
    known_setting_keys,
    local_now,
    read_config_file,
    start_logging,
)


def _settings(config: Path | None = None) -> AppSettings:
    settings = AppSettings.load(config_path=config)
    start_logging(settings)
    return settings


def run_self_test_command(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion --self-test",
                                     description="prove this installation works, then exit")
    parser.add_argument("--config", type=Path, default=None, help="the register's config file")
    options = parser.parse_args(args)
    from pos_app.self_test import run_self_test

    return run_self_test(_settings(options.config))


def run_doctor(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion doctor",
                                     description="check this register and say what to do about each problem")
    parser.add_argument("--offline", action="store_true", help="skip the checks that use the network")
    parser.add_argument("--config", type=Path, default=None, help="the register's config file")
    options = parser.parse_args(args)
    settings = _settings(options.config)

    from pos_app.services import health
    from pos_app.storage.database import open_store
    from sync.protocol.models import CLOCK_SKEW_LIMIT_SECONDS

    findings = [_config_finding(settings)]
    paired = bool(settings.central_url and settings.central_token and settings.central_register_id)
    engine = None
    if not settings.database.is_file():
        findings.append(health.Finding("database", health.PROBLEM, f"{settings.database}: no database yet",
                                       "start the register once, or run `pos-companion --self-test`: "
                                       "either creates it"))
    else:
        engine = open_store(settings.database)
        uow = settings.store_factory(engine)
        findings.append(health.check_database(uow, settings.database))
    findings.append(health.check_free_disk(settings.database, settings.min_free_disk_mb))
    if options.offline:
        findings.append(health.Finding("central service", health.SKIPPED, "--offline"))
    else:
        findings.extend(health.check_central(settings.central_url, token=settings.central_token,
                                             register_id=settings.central_register_id,
                                             skew_limit_s=CLOCK_SKEW_LIMIT_SECONDS))
        findings.append(health.check_certificate(settings.central_url))
    findings.append(health.check_printer(settings.printer))
    findings.append(health.check_window_libraries())
    if engine is not None:
        try:
            findings.append(health.check_outbox(uow, paired=paired, max_age_hours=settings.outbox_max_age_hours))
            findings.append(health.check_sync_cycles(uow, paired=paired, max_hours=settings.sync_failure_max_hours))
            findings.append(health.check_audit_chain(uow))
            findings.append(health.check_sync_state(uow, paired=paired))
        finally:
            engine.dispose()
    width = max(len(f.check) for f in findings)
    for finding in findings:
        print(f"{finding.status.upper():<8} {finding.check:<{width}}  {finding.summary}")
        if finding.advice and finding.status != health.OK:
            print(f"{'':<8} {'':<{width}}  -> {finding.advice}")
    problems = sum(f.status == health.PROBLEM for f in findings)
    warnings = sum(f.status == health.WARNING for f in findings)
    print(f"{problems} problems, {warnings} warnings")
    return 1 if problems else 0


def _config_finding(settings: AppSettings):  # noqa: ANN202 - a health.Finding
    from pos_app.services.health import OK, WARNING, Finding

    path = settings.config_path
    if path is None or not path.is_file():
        return Finding("config", OK, f"no file at {path}: defaults and environment variables")
    unknown = sorted(set(read_config_file(path)) - known_setting_keys())
    if unknown:
        return Finding("config", WARNING, f"{path}: unknown keys {', '.join(unknown)} (ignored)",
                       "fix their spelling; docs/CONFIGURATION.md lists every key")
    return Finding("config", OK, f"{path}")


def run_backup(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion backup",
                                     description="copy the register's database while it runs")
    parser.add_argument("file", type=Path, nargs="?", default=None,
                        help="where to write the copy (default: a dated file in the backup folder)")
    parser.add_argument("--config", type=Path, default=None, help="the register's config file")
    options = parser.parse_args(args)
    settings = _settings(options.config)
    from pos_app.services.backup import backup_register
    from pos_app.services.outcome import Refused

    target = options.file or settings.backup_folder / (
        f"register-{settings.register_id}-{local_now():%Y%m%d-%H%M%S}.db")
    facts = backup_register(settings.database, target)
    if isinstance(facts, Refused):
        print(f"backup failed: {facts.message}", file=sys.stderr)
        return 1
    print(f"backed up {settings.database} to {facts.path} ({facts.size_bytes / 1_048_576:,.1f} MB, "
          f"schema {facts.revision}, {facts.entries} ledger entries, {facts.unsynced} not yet synced)")
    return 0


def run_restore(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="pos-companion restore",
        description="put a backup in place of the register's database (stop the register first)")
    parser.add_argument("file", type=Path, help="a file written by `pos-companion backup`")
    parser.add_argument("--discard-unsynced", action="store_true",
                        help="restore even though unsynced entries of the current database would be lost")
    parser.add_argument("--config", type=Path, default=None, help="the register's config file")
    options = parser.parse_args(args)
    settings = _settings(options.config)
    from pos_app.services.backup import restore_register
    from pos_app.services.outcome import Refused
    from pos_app.storage.database import open_store
    from pos_app.storage.migrations import current_revision

    restored = restore_register(options.file, settings.database, backup_folder=settings.backup_folder,
                                now=local_now(), discard_unsynced=options.discard_unsynced)
    if isinstance(restored, Refused):
        print(f"restore refused: {restored.message}" if restored.reason == "unsynced_entries"
              else f"restore failed: {restored.message}", file=sys.stderr)
        return 1
    engine = open_store(settings.database)  # a backup from an older release is upgraded here
    revision = current_revision(engine)
    engine.dispose()
    print(f"restored {options.file} to {settings.database} (schema {revision}, "
          f"{restored.facts.entries} ledger entries, {restored.facts.unsynced} waiting to sync)")
    if restored.kept_copy:
        print(f"the replaced database is kept as {restored.kept_copy}")
    if restored.discarded:
        print(f"{restored.discarded} unsynced entries of the replaced database were discarded (still in that copy)")
    return 0


def run_config(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pos-companion config",
                                     description="where the settings come from, and their values")
    parser.add_argument("--config", type=Path, default=None, help="the register's config file")
    options = parser.parse_args(args)
    settings = AppSettings.load(config_path=options.config)
    import os

    path = settings.config_path
    print(f"config file: {path} ({'present' if path and path.is_file() else 'absent: defaults apply'})")
    print(f"log folder:  {settings.log_folder}")
    print(f"backups:     {settings.backup_folder}")
    in_file = read_config_file(path) if path else {}
    for key, variable in SETTING_ENV.items():
        value = getattr(settings, key)
        if key == "central_token" and value:
            value = value[:4] + "…"
        source = variable if os.environ.get(variable) else ("file" if key in in_file else "default")
        print(f"  {key:<22} {value!s:<44} ({source})")
    if settings.central_register_id:
        store, register = settings.chain_identity
        print(f"paired as:   store {store}, register {register} ({settings.central_register_id}: the chain's names, "
              "used for order numbers and reports whatever store_id says)")
    return 0
