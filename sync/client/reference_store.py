"""A minimal register store on SQLite implementing `OutboxSource` and `ChangeSink`.

It is the reference for `pos_app.storage` and what the sync tests run
against: each entry is written (UUIDv7 id, next gapless seq) in one
transaction before any network call; pulled records and the cursor are saved
in one transaction; WAL with `synchronous=FULL`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.protocol import Change, EntryKind, EntryResult, LedgerEntry

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    customer_id TEXT,
    points INTEGER NOT NULL,
    status TEXT,           -- the server's answer; NULL while pending
    reason TEXT
);
CREATE TABLE IF NOT EXISTS pulled (
    topic TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (topic, key)
);
CREATE TABLE IF NOT EXISTS applied_changes (seq INTEGER PRIMARY KEY);  -- proves exactly-once application
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class ReferenceRegisterStore:
    """Outbox and pulled state of one register in one SQLite file."""

    def __init__(self, path: str | Path, register_id: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), *, synchronous: str = "FULL") -> None:
        self.path = Path(path)
        self.register_id = register_id
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL survives power loss; NORMAL (WAL) survives a killed process and is what bulk tests use.
        self._conn.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'FULL' else 'NORMAL'}")
        self._conn.executescript(_SCHEMA)
        # Fault hook for tests: runs inside apply_page's transaction, after the records, before the cursor.
        self.between_page_and_cursor: Callable[[], None] | None = None

    def close(self) -> None:
        self._conn.close()

    def _tx(self) -> _Tx:
        return _Tx(self._conn, self._lock)

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Reads share the connection with the writers: one at a time."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- writing entries (what a checkout does) --------------------------------------------------

    def record(self, kind: EntryKind | str, customer_id: str | None, points: int, **fields: Any) -> LedgerEntry:
        """Append one entry to the outbox (id and seq assigned, on disk before it is returned)."""
        if EntryKind(kind) is EntryKind.ACCRUAL and "reason" not in fields:
            # Points are earned by an order, which carries its total (the central service checks the one
            # against the other and refuses an accrual without an order).
            fields.setdefault("order_id", f"{self.register_id}-sale-{uuid.uuid4().hex[:8]}")
            fields.setdefault("order_total_minor", max(points, 0) * 100)
        with self._tx() as cur:
            seq = (cur.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]) + 1
            entry = LedgerEntry.build(register_id=self.register_id, seq=seq, kind=EntryKind(kind),
                                      customer_id=customer_id, points=points,
                                      created_at_register=self._clock(), **fields)
            cur.execute("INSERT INTO outbox (seq, id, body, customer_id, points) VALUES (?, ?, ?, ?, ?)",
                        (seq, entry.id, entry.model_dump_json(), customer_id, points))
        return entry

    # -- OutboxSource ----------------------------------------------------------------------------

    def pending_batch(self, limit: int) -> list[LedgerEntry]:
        rows = self._read("SELECT body FROM outbox WHERE status IS NULL ORDER BY seq LIMIT ?", (limit,))
        return [LedgerEntry.model_validate_json(r[0]) for r in rows]

    def mark_acknowledged(self, results: Sequence[EntryResult]) -> None:
        with self._tx() as cur:
            cur.executemany(
                "UPDATE outbox SET status = ?, reason = ? WHERE id = ? AND status IS NULL",
                [(r.status.value, r.reason, r.id) for r in results],
            )

    def entries_from(self, seq: int, limit: int) -> list[LedgerEntry]:
        rows = self._read("SELECT body FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?", (seq, limit))
        return [LedgerEntry.model_validate_json(r[0]) for r in rows]

    def pending_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM outbox WHERE status IS NULL")[0][0]

    # -- ChangeSink ------------------------------------------------------------------------------

    def cursor(self) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = 'cursor'")
        return rows[0][0] if rows else None

    def apply_page(self, changes: Sequence[Change], new_cursor: str) -> None:
        with self._tx() as cur:
            for change in changes:
                cur.execute("INSERT INTO applied_changes (seq) VALUES (?)", (change.seq,))
                self._put(cur, change)
            if self.between_page_and_cursor is not None:
                self.between_page_and_cursor()
            cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)", (new_cursor,))

    def apply_snapshot(self, cursor: str, items: Iterable[Change]) -> None:
        with self._tx() as cur:
            cur.execute("DELETE FROM pulled")
            cur.execute("DELETE FROM applied_changes")
            batch: list[tuple[str, str, str]] = []
            for change in items:
                if change.data is not None:
                    batch.append((change.topic.value, change.key, json.dumps(change.data)))
                if len(batch) >= 5000:
                    cur.executemany("INSERT OR REPLACE INTO pulled (topic, key, data) VALUES (?, ?, ?)", batch)
                    batch.clear()
            cur.executemany("INSERT OR REPLACE INTO pulled (topic, key, data) VALUES (?, ?, ?)", batch)
            cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)", (cursor,))
            cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshots', "
                        "COALESCE((SELECT value FROM meta WHERE key = 'snapshots'), 0) + 1)")

    @staticmethod
    def _put(cur: sqlite3.Cursor, change: Change) -> None:
        if change.data is None:
            cur.execute("DELETE FROM pulled WHERE topic = ? AND key = ?", (change.topic.value, change.key))
        else:
            cur.execute("INSERT OR REPLACE INTO pulled (topic, key, data) VALUES (?, ?, ?)",
                        (change.topic.value, change.key, json.dumps(change.data)))

    # -- reading ---------------------------------------------------------------------------------

    def record_of(self, topic: str, key: str) -> dict[str, Any] | None:
        rows = self._read("SELECT data FROM pulled WHERE topic = ? AND key = ?", (topic, key))
        return json.loads(rows[0][0]) if rows else None

    def records(self, topic: str) -> dict[str, dict[str, Any]]:
        rows = self._read("SELECT key, data FROM pulled WHERE topic = ?", (topic,))
        return {k: json.loads(d) for k, d in rows}

    def count(self, topic: str) -> int:
        return self._read("SELECT COUNT(*) FROM pulled WHERE topic = ?", (topic,))[0][0]

    def available_points(self, customer_id: str) -> int:
        """Server-confirmed balance + local entries not yet acknowledged."""
        confirmed = (self.record_of("customer", customer_id) or {}).get("balance", 0)
        pending = self._read(
            "SELECT COALESCE(SUM(points), 0) FROM outbox WHERE status IS NULL AND customer_id = ?", (customer_id,)
        )[0][0]
        return confirmed + pending

    def answers(self) -> dict[str, tuple[str | None, str | None]]:
        return {i: (s, r) for i, s, r in self._read("SELECT id, status, reason FROM outbox")}

    def snapshot_count(self) -> int:
        rows = self._read("SELECT value FROM meta WHERE key = 'snapshots'")
        return int(rows[0][0]) if rows else 0


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self._conn = conn
        self._lock = lock

    def __enter__(self) -> sqlite3.Cursor:
        self._lock.acquire()
        self._cur = self._conn.cursor()
        self._cur.execute("BEGIN IMMEDIATE")
        return self._cur

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._cur.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()
