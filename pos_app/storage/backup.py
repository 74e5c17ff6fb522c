"""Copies of the register's database, taken and put back with SQLite's online backup API.

`backup_database` copies a live database page by page (`sqlite3.Connection.backup`)
while the register keeps selling: the copy is one consistent moment, the WAL's
committed pages included, and a sale committed during the copy makes the API
restart its pass instead of tearing the file. The copy is written under a
temporary name, checked (`PRAGMA integrity_check`), flushed to disk and only
then renamed into place, readable by its owner only.

`restore_database` writes a checked backup over the register's database the
same way (the online backup API into the live file, so its WAL is handled),
after keeping the current file as a `pre-restore` copy beside the backups:
a restore never destroys anything that cannot be put back. Whether a restore
may go ahead at all (unsynced entries) is the use case's rule,
`pos_app.services.backup`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from pos_app.storage.database import prepare_private_file


class BackupError(Exception):
    """A file that is not a usable register database, or a copy that failed its check."""


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What a register database file holds, read without changing it."""

    path: Path
    revision: str | None
    entries: int
    unsynced: int
    size_bytes: int


def backup_database(source: Path, target: Path, *, pages_per_step: int = 1024) -> DatabaseFacts:
    """Copy the live database at `source` to `target` (replaced if present); returns the copy's facts."""
    if not source.is_file():
        raise BackupError(f"{source}: no database to back up")
    partial = target.with_name(target.name + ".partial")
    try:
        for leftover in _with_sidecars(partial):
            leftover.unlink(missing_ok=True)
        prepare_private_file(partial)
    except OSError as exc:
        raise BackupError(f"{target}: cannot write there: {exc.strerror}") from exc
    try:
        _copy(source, partial, pages_per_step, single_file=True)
        _check(partial)
        _fsync(partial)
        os.replace(partial, target)
    except OSError as exc:
        for leftover in _with_sidecars(partial):
            leftover.unlink(missing_ok=True)
        raise BackupError(f"{target}: cannot write there: {exc.strerror}") from exc
    except BaseException:
        for leftover in _with_sidecars(partial):
            leftover.unlink(missing_ok=True)
        raise
    return read_facts(target)


def restore_database(backup: Path, target: Path, *, keep_current_in: Path, stamp: str) -> Path | None:
    """Write `backup` over the database at `target`; the current file is first copied to `keep_current_in`.

    Returns the path of that kept copy (None when there was no current database).
    """
    _check(backup)
    kept = None
    if target.is_file() and target.stat().st_size:
        kept = keep_current_in / f"pre-restore-{stamp}-{target.name}"
        backup_database(target, kept)
    try:
        prepare_private_file(target)
        _copy(backup, target, pages_per_step=-1)
    except (OSError, sqlite3.OperationalError) as exc:
        raise BackupError(f"{target}: cannot be written: {exc}") from exc
    _check(target)
    return kept


def read_facts(path: Path) -> DatabaseFacts:
    """The schema revision, ledger size and unsynced entries of a register database file (opened read-only)."""
    with closing(_open_read_only(path)) as connection:
        try:
            revision_row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            entries = connection.execute("SELECT count(*) FROM ledger_entries").fetchone()[0]
            unsynced = connection.execute("SELECT count(*) FROM outbox WHERE acknowledged_at IS NULL").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path}: not a register database ({exc})") from exc
    return DatabaseFacts(path, revision_row[0] if revision_row else None, entries, unsynced, path.stat().st_size)


def unsynced_entry_ids(path: Path) -> set[str]:
    """Ids of the ledger entries in the outbox of `path` that the central service has not acknowledged."""
    with closing(_open_read_only(path)) as connection:
        return {row[0] for row in connection.execute("SELECT entry_id FROM outbox WHERE acknowledged_at IS NULL")}


def entry_ids(path: Path, candidates: Iterable[str]) -> set[str]:
    """Which of `candidates` are ledger entries in the database at `path`."""
    wanted = list(candidates)
    found: set[str] = set()
    with closing(_open_read_only(path)) as connection:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in connection.execute(
                f"SELECT id FROM ledger_entries WHERE id IN ({marks})", chunk))
    return found


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from exc


def _copy(source: Path, target: Path, pages_per_step: int, *, single_file: bool = False) -> None:
    """Online backup of `source` into `target`; a backup file is left in rollback mode (one self-contained file)."""
    with closing(_open_read_only(source)) as src, closing(sqlite3.connect(target)) as dst:
        try:
            src.backup(dst, pages=pages_per_step)
            if single_file:
                dst.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source}: cannot be copied: {exc}") from exc


def _check(path: Path) -> None:
    with closing(_open_read_only(path)) as connection:
        try:
            verdicts = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path}: not a database ({exc})") from exc
    if verdicts != ["ok"]:
        raise BackupError(f"{path}: integrity check failed: {'; '.join(verdicts[:3])}")
    if not {"alembic_version", "ledger_entries", "outbox"} <= tables:
        raise BackupError(f"{path}: not a register database (no ledger or outbox)")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _with_sidecars(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


__all__ = [
    "BackupError",
    "DatabaseFacts",
    "backup_database",
    "entry_ids",
    "read_facts",
    "restore_database",
    "unsynced_entry_ids",
]
