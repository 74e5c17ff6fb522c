"""The scheduler `pos-central serve` runs: each job once a day at its time in the chain's zone.

Settings (`pos-central set-setting`, or a program file with `import-settings`):

- `jobs.schedule`: `{"tiers": "02:00", "expiry": "02:15", ...}`, the local time each job becomes due
  (a job set to null does not run by itself);
- `jobs.timezone`: the chain's IANA zone (`Europe/Madrid`; default UTC);
- `jobs.retry_minutes`, `jobs.max_attempts`: how a failed run is retried.

Every `poll` seconds the scheduler looks at the jobs due today and runs, in
the schedule's order, each one whose day is not done yet (a server started
after a job's time runs it at once). Whether a run happens is decided by
`sync.central.jobs.run_job`, so several processes each running a scheduler
over one PostgreSQL database run each job once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, time

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from sync.central.days import chain_zone
from sync.central.db import utcnow
from sync.central.jobs import DONE, FAILED, RetryPolicy, RunOutcome, jobs, run_job, runner_name
from sync.central.settings import get_setting
from sync.central.tables import JobRunRow

log = logging.getLogger(__name__)

DEFAULT_SCHEDULE = {"tiers": "02:00", "expiry": "02:15", "segments": "02:30", "offers": "03:00", "rewards": "03:30"}


def parse_time(text: str) -> time:
    """`HH:MM` (24 h); ValueError with a readable message otherwise."""
    try:
        parsed = time.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{text!r} is not a time of day (HH:MM)") from None
    return parsed.replace(second=0, microsecond=0)


def schedule(session: Session) -> dict[str, str | None]:
    """Each job's local time (None: not scheduled), defaults filled in."""
    configured = get_setting(session, "jobs.schedule") or {}
    return {name: configured.get(name, DEFAULT_SCHEDULE.get(name)) for name in jobs()}


class Scheduler:
    """A background thread running the due jobs (see the module docstring)."""

    def __init__(self, engine: Engine, *, poll: float = 30.0, clock: Callable[[], datetime] = utcnow,
                 runner: str | None = None) -> None:
        self.engine = engine
        self.poll = poll
        self.clock = clock
        self.runner = runner or runner_name()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="pos-central-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the scheduler must outlive a database that is briefly away
                log.exception("scheduler tick failed; trying again in %.0f s", self.poll)
            self._stop.wait(self.poll)

    def due(self) -> list[tuple[str, datetime]]:
        """(job, local now) for each job whose time has come today and whose day is not done or given up."""
        from sync.central.app import run_in_transaction

        now = self.clock()

        def read(session: Session) -> list[tuple[str, datetime]]:
            zone = chain_zone(session)
            local = now.astimezone(zone)
            policy = RetryPolicy.of(session)
            wanted = []
            for name, at in schedule(session).items():
                if at is None or local.time() < parse_time(at):
                    continue
                row = session.get(JobRunRow, (name, local.date()))
                if row is not None and (row.status == DONE
                                        or (row.status == FAILED and row.attempts >= policy.max_attempts)):
                    continue
                wanted.append((name, local))
            return wanted

        return run_in_transaction(self.engine, read)

    def tick(self) -> list[RunOutcome]:
        """Run what is due now (the scheduler thread calls this every `poll` seconds)."""
        outcomes = []
        for name, local in self.due():
            if self._stop.is_set():
                break
            outcome = run_job(self.engine, name, local.date(), runner=self.runner, clock=self.clock)
            if outcome.status != "skipped":
                log.info("job %s %s: %s", name, outcome.status, outcome.detail or outcome.result)
            outcomes.append(outcome)
        return outcomes


__all__ = ["DEFAULT_SCHEDULE", "Scheduler", "parse_time", "schedule"]
