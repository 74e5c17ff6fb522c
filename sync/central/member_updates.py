"""Writing what a job decided about many members, and telling every register.

A job computes new values for some members (a tier, the lots, the segments)
and hands them here as `{"id": ..., column: value, ...}`. They are written
in short transactions of `chunk` members each, so a push waiting for one of
those rows waits for one chunk, never for the whole job; each chunk emits
the changed members' records to the change feed in the same transaction.

On PostgreSQL the transactions run on a writer thread of their own
(`Writer`), in the order given, while the job goes on reading and deciding
(the database works on one core while Python works on the other). On
SQLite, whose one writer would wait for the job's own reading, they run at
once: a job there reads everything before it writes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.bulk import update_rows
from sync.central.db import is_postgres
from sync.central.members import customer_record
from sync.central.tables import CustomerRow
from sync.protocol import ChangeTopic

CHUNK = 5000
_CUSTOMERS = CustomerRow.__table__


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def emit_members(session: Session, ids: Sequence[str]) -> None:
    """Publish the current record of each member (read in this transaction)."""
    if not ids:
        return
    rows = session.execute(sa.select(_CUSTOMERS).where(_CUSTOMERS.c.id.in_(list(ids)))).all()
    feed.emit(session, [(ChangeTopic.CUSTOMER, row.id, customer_record(row)) for row in rows])


class Writer:
    """Write transactions run in order: on a thread of their own on PostgreSQL, at once on SQLite.

    `submit(work)` queues `work(session)` (at most `depth` waiting, so a fast reader cannot run far
    ahead); `close()` waits for all of them and returns their results in order. The first failure
    stops the writer and is raised by the next `submit` or by `close`.
    """

    def __init__(self, engine: Engine, depth: int = 2) -> None:
        self.engine = engine
        self.results: list[Any] = []
        self._error: BaseException | None = None
        self._queue: queue.Queue[Callable[[Session], Any] | None] | None = None
        self._thread: threading.Thread | None = None
        if is_postgres(engine):
            self._queue = queue.Queue(maxsize=depth)
            self._thread = threading.Thread(target=self._run, name="pos-central-writer", daemon=True)
            self._thread.start()

    def _do(self, work: Callable[[Session], Any]) -> None:
        from sync.central.app import run_in_transaction

        self.results.append(run_in_transaction(self.engine, work))

    def _run(self) -> None:
        assert self._queue is not None
        while (work := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._do(work)
                except BaseException as exc:  # handed to the job's own thread
                    self._error = exc

    def submit(self, work: Callable[[Session], Any]) -> None:
        if self._error is not None:
            raise self._error
        if self._queue is None:
            self._do(work)
        else:
            self._queue.put(work)

    def close(self) -> list[Any]:
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self.results


def member_writes(batch: list[dict[str, Any]], columns: Sequence[str], *,
                  also: Callable[[Session, list[dict[str, Any]]], None] | None = None,
                  emit: Callable[[dict[str, Any]], bool] = lambda _update: True) -> Callable[[Session], int]:
    """The transaction writing one chunk of members (see `write_members`)."""
    def work(session: Session) -> int:
        update_rows(session, _CUSTOMERS, "id", batch, columns)
        if also is not None:
            also(session, batch)
        emit_members(session, [u["id"] for u in batch if emit(u)])
        return len(batch)

    return work


def write_members(engine: Engine, updates: Iterable[dict[str, Any]], columns: Sequence[str], *,
                  chunk: int = CHUNK, also: Callable[[Session, list[dict[str, Any]]], None] | None = None,
                  emit: Callable[[dict[str, Any]], bool] = lambda _update: True) -> int:
    """Set `columns` of each member (see the module docstring); `also` runs in each chunk's transaction.

    `emit` says which members' records to publish (all by default: what they show changed).
    Returns how many members were written.
    """
    writer = Writer(engine)
    try:
        for batch in chunks(updates, chunk):
            writer.submit(member_writes(batch, columns, also=also, emit=emit))
    finally:
        results = writer.close()
    return sum(results)


__all__ = ["CHUNK", "Writer", "chunks", "emit_members", "member_writes", "write_members"]
