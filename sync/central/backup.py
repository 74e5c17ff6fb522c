"""`pos-central backup FILE`: a consistent copy of a SQLite central database while it serves.

SQLite's online backup API copies the live file page by page (WAL included);
the copy is checked (`PRAGMA integrity_check`), left as one self-contained
file (rollback journal mode), flushed and renamed into place, readable by its
owner only. A PostgreSQL central database is backed up with PostgreSQL's own
tools (`pg_dump`), which `postgres_backup_advice` spells out.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path


class CentralBackupError(Exception):
    pass


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the database at `source` to `target`; returns the copy's size in bytes."""
    if not source.is_file():
        raise CentralBackupError(f"{source}: no such database")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(partial)) as dst:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode = DELETE")
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise CentralBackupError(f"the copy failed its integrity check: {verdict}")
        descriptor = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise CentralBackupError(f"{source}: cannot be copied: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def postgres_backup_advice(url: str) -> str:
    return ("a PostgreSQL central database is backed up with pg_dump, which takes a consistent snapshot "
            "while the service runs:\n"
            "  pg_dump --format=custom --file=pos-central-$(date +%F).dump 'postgresql://USER@HOST/DB'\n"
            "and restored into an empty database with:\n"
            "  pg_restore --dbname='postgresql://USER@HOST/NEWDB' --no-owner pos-central-DATE.dump\n"
            "(packaging/README.md, 'Backing up the central service')")


__all__ = ["CentralBackupError", "backup_sqlite", "postgres_backup_advice"]
