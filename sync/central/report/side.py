"""A second connection for the rebuild's reads of the source tables, so the database works on two cores.

A full rebuild is a handful of big scans. Some need the members the rebuild
is writing in its own, uncommitted transaction (the audience of an order is
decided by `report_members`); others read only the source tables - each
member's ledger sums, the promotions applied to orders, the orders of offer
audiences. `SideReads` runs the latter on a connection of its own, in a
thread, while the rebuild's transaction goes on with the former: on a
database server with two cores the two streams of work overlap.

The side transaction reads committed data at READ COMMITTED, as the
rebuild's own statements do; it starts after the rebuild took its lock and
emptied the queue of dirty cells, so whatever it sees newer than the
rebuild is queued again by the pushes that wrote it and recounted by the
next refresh. On SQLite (one writer, and the file is the caller's), or for
a session bound to a connection rather than an engine, each read runs at
once on the caller's session instead: the same results, one after another.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from sync.central.report.dialect import is_postgres, tune

T = TypeVar("T")


class SideReads:
    """Read-only work queued on a second connection (in order), or run at once where there is none."""

    def __init__(self, session: Session, *, parallel: bool = True) -> None:
        self._session = session
        bind = session.get_bind()
        usable = parallel and isinstance(bind, Engine) and is_postgres(session)
        self._engine: Engine | None = bind if usable else None
        self._pool: ThreadPoolExecutor | None = None
        self._side: Session | None = None
        if self._engine is not None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-side")

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def submit(self, work: Callable[[Session], T]) -> Future[T]:
        """Queue `work(session)`; its result (or its exception) is in the future returned."""
        if self._pool is None:
            done: Future[T] = Future()
            try:
                done.set_result(work(self._session))
            except BaseException as exc:
                done.set_exception(exc)
            return done
        return self._pool.submit(self._run, work)

    def _run(self, work: Callable[[Session], T]) -> T:
        if self._side is None:
            assert self._engine is not None
            self._side = Session(self._engine)
            self._side.begin()
            tune(self._side)
        return work(self._side)

    def _end(self) -> None:
        if self._side is not None:
            self._side.rollback()  # nothing was written: a read-only transaction ends either way
            self._side.close()
            self._side = None

    def close(self) -> None:
        """Wait for the queued reads and release the connection."""
        if self._pool is not None:
            self._pool.submit(self._end).result()
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> SideReads:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
                 ) -> Any:
        if self._pool is not None and kind is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)  # the rebuild failed: stop reading for it
            self._end()
            self._pool = None
        self.close()
        return None


__all__ = ["SideReads"]
