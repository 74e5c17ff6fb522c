"""The report's refresh every few seconds inside `pos-central serve`, so no reader waits for a backlog."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.report.refresh import refresh

log = logging.getLogger(__name__)


class Refresher:
    """A daemon thread: `feed.assign_sequence`, then `refresh`, every `interval` seconds until stopped."""

    def __init__(self, engine: Engine, interval: float = 5.0) -> None:
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="report-refresher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_once(self) -> None:
        with Session(self.engine) as session, session.begin():
            feed.assign_sequence(session)
        with Session(self.engine) as session, session.begin():
            result = refresh(session)
        if result.rebuilt or result.cells:
            log.info("report refreshed: %s", result)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except Exception:  # a failed refresh is retried at the next tick; readers refresh themselves
                log.exception("report refresh failed")


__all__ = ["Refresher"]
