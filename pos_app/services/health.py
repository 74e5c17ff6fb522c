"""A register's health, check by check: what is wrong, and what to do about it.

Each check returns one `Finding`: `ok`, `warning` (the register works, but
someone should look), `problem` (something a store will notice: lost sales,
no sync, tampering) or `skipped` (not applicable here), with a summary and,
unless all is well, the advice a store manager or support can act on.
`pos-companion doctor` prints them; the window's manager mode can show the
same list. The checks read the register's own store through a unit of work
and touch the network only in `check_central`, `check_certificate` and the
network printer's connect.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pos_app.services.audit import verify_audit_chain
from pos_app.storage.unit_of_work import UnitOfWorkFactory

OK, WARNING, PROBLEM, SKIPPED = "ok", "warning", "problem", "skipped"
# Sync cycles failing in a row before `doctor` warns: one or two are a blip the loop retries through.
SYNC_WARN_AFTER_CYCLES = 3
# The Date header counts whole seconds, and servers refresh it once a second: ours may read up to 2 s old.
DATE_HEADER_SLACK_S = 2


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    status: str  # ok | warning | problem | skipped
    summary: str
    advice: str | None = None


def check_database(uow: UnitOfWorkFactory, path: Path) -> Finding:
    """SQLite's full integrity check, the schema at the newest revision, the file private to its owner."""
    from pos_app.storage.migrations import current_revision, head_revision

    with uow.engine.connect() as connection:
        verdicts = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    if verdicts != ["ok"]:
        return Finding("database", PROBLEM, f"{path}: integrity check failed: {'; '.join(verdicts[:3])}",
                       "stop the register, keep a copy of the file, and restore the latest backup "
                       "(`pos-companion restore FILE`); entries not synced since that backup are at risk")
    revision, head = current_revision(uow.engine), head_revision()
    if revision != head:
        return Finding("database", PROBLEM, f"{path}: schema {revision}, this program needs {head}",
                       "start the register once: it upgrades the schema; if it cannot, run a newer program")
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        return Finding("database", WARNING, f"{path}: readable by other users ({oct(path.stat().st_mode)[-3:]})",
                       f"chmod 600 {path}")
    size = path.stat().st_size / 1_048_576
    return Finding("database", OK, f"{path}: integrity ok, schema {revision}, {size:,.1f} MB")


def check_free_disk(path: Path, min_free_mb: int) -> Finding:
    usage = shutil.disk_usage(path.parent if path.parent.exists() else Path.home())
    free_mb = usage.free // 1_048_576
    summary = f"{free_mb:,} MB free on the database's disk ({usage.free / usage.total:.0%})"
    if free_mb < min_free_mb:
        return Finding("free disk", PROBLEM, summary + f", under the {min_free_mb:,} MB set",
                       "free space on that disk (old backups, logs); when it fills up the register cannot "
                       "record a sale")
    return Finding("free disk", OK, summary)


def check_central(url: str | None, *, token: str | None, register_id: str | None,
                  skew_limit_s: float, clock: Callable[[], datetime] | None = None) -> list[Finding]:
    """Reach the central service's /health; compare its clock with ours (`clock`: the register's)."""
    from sync.client import SyncClient
    from sync.client.errors import SyncError

    if not url:
        return [Finding("central service", SKIPPED, "not paired: the register works locally only",
                        "to sync, pair it: `pos-central pair-register STORE REGISTER`, then "
                        "`pos-companion pair URL CODE`"),
                Finding("clock", SKIPPED, "no central service to compare with")]
    if not (token and register_id):
        return [Finding("central service", PROBLEM, f"{url} is set but the register has no credential",
                        "pair it again: `pos-companion pair URL CODE`"),
                Finding("clock", SKIPPED, "no central service to compare with")]
    client = SyncClient(url, connect_timeout=5.0, read_timeout=10.0, **({"clock": clock} if clock else {}))
    try:
        health = client.health()
    except SyncError as exc:
        return [Finding("central service", PROBLEM, f"{url}: {_short(exc)}",
                        "check the network cable or Wi-Fi and that the central service runs "
                        "(`systemctl status pos-central` there); sales go on offline and sync later"),
                Finding("clock", SKIPPED, "the central service did not answer")]
    finally:
        client.close()
    central = Finding("central service", OK, f"{url} answers (protocol {health.protocol})")
    skew = health.clock_skew_seconds()
    if skew is None:
        return [central, Finding("clock", SKIPPED, "the central service sent no Date header")]
    if abs(skew) <= DATE_HEADER_SLACK_S:
        return [central, Finding("clock", OK, f"register clock agrees with the central service (within "
                                              f"{DATE_HEADER_SLACK_S} s, the HTTP Date header's precision)")]
    direction = "ahead of" if skew > 0 else "behind"
    summary = f"register clock {abs(skew):.0f} s {direction} the central service"
    if abs(skew) > skew_limit_s:
        return [central, Finding("clock", PROBLEM, summary,
                                 "set the register's time (enable NTP: `timedatectl set-ntp true`, or the "
                                 "system's date settings): points expiry, promotions and entry times use it")]
    if abs(skew) > 60:
        return [central, Finding("clock", WARNING, summary, "enable automatic time synchronisation (NTP)")]
    return [central, Finding("clock", OK, summary)]


def check_certificate(url: str | None, *, warn_days: int = 30, timeout: float = 5.0,
                      now: datetime | None = None) -> Finding:
    """For https: the certificate verifies (system or REQUESTS_CA_BUNDLE trust) and is not about to expire."""
    if not url:
        return Finding("certificate", SKIPPED, "no central service configured")
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https":
        if host in ("127.0.0.1", "localhost", "::1"):
            return Finding("certificate", SKIPPED, "central service on this machine over http")
        return Finding("certificate", WARNING, f"{url} is plain http: the token and members' data travel in clear",
                       "serve the central service over https (a certificate from the chain's CA or a "
                       "reverse proxy) and pair again with the https URL")
    port = parts.port or 443
    context = ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE") or _certifi_bundle())
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            certificate = tls.getpeercert()
    except ssl.SSLCertVerificationError as exc:
        return Finding("certificate", PROBLEM, f"{host}:{port}: certificate not trusted: {exc.verify_message}",
                       "install the chain's CA certificate and point REQUESTS_CA_BUNDLE at it, or renew the "
                       "server's certificate; until then the register cannot sync")
    except (OSError, ssl.SSLError) as exc:
        return Finding("certificate", PROBLEM, f"{host}:{port}: no TLS connection: {_short(exc)}",
                       "check that the central service (or its proxy) serves https on that port")
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(certificate["notAfter"]), UTC)
    days = (expires - (now or datetime.now(UTC))).days
    summary = f"{host}: trusted, expires {expires:%Y-%m-%d} ({days} days)"
    if days < warn_days:
        return Finding("certificate", WARNING, summary, "renew the central service's certificate before it expires")
    return Finding("certificate", OK, summary)


def _certifi_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # pragma: no cover - requests depends on it
        return None
    return certifi.where()


def check_printer(raw: Mapping[str, Any], *, timeout: float = 3.0) -> Finding:
    """The printer setting is valid and the printer can be reached (network: a TCP connect; others: opened)."""
    from pos_app.printing.escpos_output import PrinterConfig, PrinterConfigError, open_printer

    try:
        config = PrinterConfig.from_dict(dict(raw))
    except PrinterConfigError as exc:
        return Finding("printer", PROBLEM, f"setting: {exc}", "fix [printer] in the config file "
                       "(docs/CONFIGURATION.md lists the fields of each kind)")
    if config.kind == "dummy":
        return Finding("printer", WARNING, "no receipt printer configured (kind dummy): receipts print nowhere",
                       "set [printer] in the config file: kind network, usb, serial or file")
    where = ", ".join(f"{k}={v}" for k, v in config.options.items())
    try:
        if config.kind == "network":
            host, port = config.options["host"], config.options.get("port", 9100)
            with socket.create_connection((host, port), timeout=timeout):
                pass
        elif config.kind == "file":
            path = Path(config.options["path"])
            if not path.exists() or not os.access(path, os.W_OK):
                raise OSError(f"{path} is missing or not writable")
        else:
            open_printer(config).close()
    except Exception as exc:  # noqa: BLE001 - python-escpos and pyusb raise many kinds; all mean "unreachable"
        return Finding("printer", PROBLEM, f"{config.kind} printer ({where}) unreachable: {_short(exc)}",
                       "check the printer is on, has paper and is connected (cable, network address); "
                       "sales go on and receipts can be reprinted")
    return Finding("printer", OK, f"{config.kind} printer ({where}) reachable")


def check_window_libraries() -> Finding:
    """On Linux: the X11 libraries Qt needs to open the register's window (see `pos_app.system_libraries`)."""
    import sys

    from pos_app.system_libraries import install_hint, missing_xcb_libraries

    if not sys.platform.startswith("linux"):
        return Finding("window libraries", SKIPPED, "not Linux: Qt brings what it needs")
    missing = missing_xcb_libraries()
    if missing:
        hint = install_hint(missing).splitlines()
        return Finding("window libraries", PROBLEM, hint[0], hint[1])
    return Finding("window libraries", OK, "every X11 library Qt's window needs is installed")


def check_outbox(uow: UnitOfWorkFactory, *, paired: bool, max_age_hours: float,
                 now: datetime | None = None) -> Finding:
    """How many entries wait for the central service, and since when."""
    with uow(read_only=True) as unit:
        waiting, oldest = unit.ledger.outbox_size(), unit.ledger.oldest_pending_at()
    if not waiting or oldest is None:
        return Finding("outbox", OK, "no entries waiting to sync")
    age_hours = ((now or datetime.now(UTC)) - oldest).total_seconds() / 3600
    summary = f"{waiting} entries waiting to sync, the oldest from {oldest.astimezone():%Y-%m-%d %H:%M} " \
              f"({age_hours:,.1f} h)"
    if not paired:
        return Finding("outbox", WARNING, summary + "; the register is not paired",
                       "pair the register so its entries reach the central service")
    if age_hours > max_age_hours:
        return Finding("outbox", PROBLEM, summary,
                       "the register has not synced for too long: check the central service and the network "
                       "(the checks above); members' balances elsewhere miss these points")
    return Finding("outbox", OK, summary)


def check_audit_chain(uow: UnitOfWorkFactory) -> Finding:
    verdict = verify_audit_chain(uow(read_only=True))
    if verdict.ok:
        return Finding("audit chain", OK, f"{verdict.records} records, every link verified")
    return Finding("audit chain", PROBLEM,
                   f"record {verdict.first_bad_seq} breaks the chain: {verdict.problem}",
                   "the audit log was edited outside the program: keep a copy of the database for the "
                   "investigation and tell the chain's loss-prevention team")


def check_sync_state(uow: UnitOfWorkFactory, *, paired: bool) -> Finding:
    """Has the register ever pulled the program, and did the central service refuse any of its entries?"""
    from pos_app.services.sync_ports import CURSOR_KEY

    with uow(read_only=True) as unit:
        cursor = unit.sync_state.get(CURSOR_KEY)
        rejected = unit.ledger.answered_outbox("rejected")
        flagged = unit.ledger.answered_outbox("created_flagged")
        synced = unit.ledger.answered_outbox("")
    if not paired:
        return Finding("sync state", SKIPPED, "not paired")
    if cursor is None:
        return Finding("sync state", WARNING, "the register has never pulled the program (no cursor)",
                       "start the register while the central service is reachable: it downloads members, "
                       "catalogue and promotions")
    summary = f"{synced} entries acknowledged, {flagged} flagged as conflicts, {rejected} rejected"
    if rejected:
        return Finding("sync state", WARNING, summary,
                       "entries the central service rejected count in no balance: review them "
                       "(`pos-central conflicts` at the central service) with the store manager")
    return Finding("sync state", OK, summary)


# What to do when the sync keeps failing, by `sync.client.errors.failure_reason`.
SYNC_FAILURE_ADVICE = {
    "unreachable": "the central service cannot be reached: check the network cable or Wi-Fi and that the central "
                   "service runs (`systemctl status pos-central` there); sales go on offline and sync later",
    "credential": "the central service refuses this register's credential (revoked, or the register paired "
                  "again elsewhere): ask the chain's administrator for a code for this same register id "
                  "(central_register_id, e.g. S1.R1: `pos-central pair-register S1 R1`, no --replace after a "
                  "revocation; if it answers that the register is active, another machine holds it: call "
                  "support), then pair from the window (F10, Central service) or run `pos-companion pair URL CODE` "
                  "here and restart the register; sales waiting to sync go with the next cycle under the new "
                  "credential",
    "certificate": "the central service's certificate is not trusted (expired, another host's, an unknown CA): "
                   "renew it, or set central_ca_bundle to the chain's CA certificate",
    "version": "this register's program and the central service do not speak the same protocol: upgrade the "
               "register (or the central service)",
    "refused": "the central service refuses what this register sends: take a backup (`pos-companion backup`), "
               "do not restore or pair again, and give support the register's log and `pos-central conflicts`",
    "other": "the register's log has the whole error: restart the register; if the failures go on, give "
             "support the log",
}


def check_sync_cycles(uow: UnitOfWorkFactory, *, paired: bool, max_hours: float) -> Finding:
    """Does the register's sync loop fail cycle after cycle? Since when, how many, why and what to do.

    A warning from `SYNC_WARN_AFTER_CYCLES` failed cycles in a row, a problem once they have failed for more
    than `max_hours` (counted up to the last try: a register switched off does not fail meanwhile). The sync
    loop keeps the record (`pos_app.services.sync_ports.StoreSyncJournal`); one good cycle clears it.
    """
    from pos_app.services.sync_ports import sync_failures

    if not paired:
        return Finding("sync cycles", SKIPPED, "not paired")
    failures = sync_failures(uow)
    if failures is None:
        return Finding("sync cycles", OK, "no failed sync cycle since the last successful one")
    hours = failures.failing_for_hours
    synced = (f"last synced {failures.last_synced_at.astimezone():%Y-%m-%d %H:%M}" if failures.last_synced_at
              else "no successful sync known")
    summary = (f"sync failing since {failures.since.astimezone():%Y-%m-%d %H:%M} ({hours:,.1f} h, "
               f"{failures.cycles} cycles in a row, the last at "
               f"{failures.last_failed_at.astimezone():%Y-%m-%d %H:%M}; "
               f"{synced}): {failures.message}")
    advice = SYNC_FAILURE_ADVICE.get(failures.reason, SYNC_FAILURE_ADVICE["other"])
    if hours > max_hours:
        return Finding("sync cycles", PROBLEM, summary, advice)
    if failures.cycles >= SYNC_WARN_AFTER_CYCLES:
        return Finding("sync cycles", WARNING, summary, advice)
    return Finding("sync cycles", OK, summary + " (the register retries)")


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


__all__ = [
    "OK",
    "PROBLEM",
    "SKIPPED",
    "SYNC_WARN_AFTER_CYCLES",
    "WARNING",
    "Finding",
    "check_audit_chain",
    "check_central",
    "check_certificate",
    "check_database",
    "check_free_disk",
    "check_outbox",
    "check_printer",
    "check_sync_cycles",
    "check_sync_state",
    "check_window_libraries",
]
