"""Backing up and restoring the register's database, and the rule that protects unsynced sales.

A backup may be taken at any time, while the register sells. A restore puts
an older copy back, so it would silently drop every ledger entry written
since that copy that the central service never received: points earned and
spent that exist nowhere else. `restore_register` therefore refuses when the
current database holds unsynced entries that the backup does not, unless the
caller says so explicitly (`discard_unsynced`), and names how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pos_app.services.outcome import Refused
from pos_app.storage.backup import (
    BackupError,
    DatabaseFacts,
    backup_database,
    entry_ids,
    read_facts,
    restore_database,
    unsynced_entry_ids,
)


@dataclass(frozen=True, slots=True)
class Restored:
    facts: DatabaseFacts  # the database now in place
    kept_copy: Path | None  # the database it replaced, kept beside the backups
    discarded: int  # unsynced entries dropped (only with discard_unsynced)


def backup_register(database: Path, target: Path) -> DatabaseFacts | Refused:
    try:
        return backup_database(database, target)
    except BackupError as exc:
        return Refused("backup_failed", str(exc))


def restore_register(backup: Path, database: Path, *, backup_folder: Path, now: datetime,
                     discard_unsynced: bool = False) -> Restored | Refused:
    """Put `backup` in place of `database`; refused over unsynced entries the backup lacks."""
    try:
        read_facts(backup)
        lost: set[str] = set()
        if database.is_file() and database.stat().st_size:
            pending = unsynced_entry_ids(database)
            lost = pending - entry_ids(backup, pending)
        if lost and not discard_unsynced:
            return Refused(
                "unsynced_entries",
                f"{len(lost)} ledger entries in {database} have not reached the central service and are not "
                f"in {backup.name}; restoring would lose them. Let the register sync first, or pass "
                f"--discard-unsynced to restore anyway (the current database is kept as a pre-restore copy)",
            )
        kept = restore_database(backup, database, keep_current_in=backup_folder, stamp=now.strftime("%Y%m%d-%H%M%S"))
        return Restored(read_facts(database), kept, len(lost))
    except BackupError as exc:
        return Refused("restore_failed", str(exc))


__all__ = ["Restored", "backup_register", "restore_register"]
