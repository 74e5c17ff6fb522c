"""Engine creation for the register's SQLite file.

Every connection gets the same pragmas, set by a connect listener so no code
path can forget them: WAL (readers never block the writer), synchronous=FULL
(a commit survives power loss: the register commits before the receipt
prints), foreign keys on, and a busy timeout so a second writer waits instead
of failing. pysqlite's own transaction handling is switched off and replaced
by explicit BEGIN statements: a connection with the `pos_write` execution
option (every writing unit of work) starts with `BEGIN IMMEDIATE`, which
takes the write lock up front, so two writers queue on the busy timeout
instead of failing when a read turns into a write. Everything else (reads,
`engine.connect()`) begins a plain deferred transaction.

The file holds members' names, phones and e-mails: on a fresh machine its
folder is created, and the file is created readable by its owner only (0600;
SQLite gives the `-wal` and `-shm` files the database file's mode). A file
found readable by others is tightened on open.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000
WRITE = "pos_write"  # execution option: begin with the write lock (BEGIN IMMEDIATE)


def create_store_engine(path: str | Path, *, echo: bool = False) -> Engine:
    """An engine on the SQLite file at `path` (created when absent), pragmas set on connect."""
    prepare_private_file(Path(path))
    engine = create_engine(f"sqlite+pysqlite:///{Path(path)}", echo=echo)
    install_pragmas(engine)
    return engine


def prepare_private_file(path: Path) -> None:
    """Make `path`'s folder if missing, create the file 0600 if missing, tighten it if others may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty file is an empty database
    if os.name == "posix":
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            try:
                mode = stat.S_IMODE(candidate.stat().st_mode)
            except FileNotFoundError:
                continue
            if mode & 0o077:
                candidate.chmod(mode & 0o700)


def install_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache per connection
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        if connection.get_execution_options().get(WRITE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def open_store(path: str | Path, *, echo: bool = False) -> Engine:
    """The composition root's one call: an engine whose database is migrated to head."""
    from pos_app.storage.migrations import upgrade_to_head

    engine = create_store_engine(path, echo=echo)
    upgrade_to_head(engine)
    return engine


__all__ = ["BUSY_TIMEOUT_MS", "WRITE", "create_store_engine", "install_pragmas", "open_store", "prepare_private_file"]
