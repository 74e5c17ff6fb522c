"""The program's daily jobs and how one run of a job happens exactly once per day.

A job is a function of the database and a day (`as_of`, in the chain's time
zone, see `sync.central.days`) that brings the program up to that day:
`tiers`, `expiry`, `segments`, `offers`, `rewards`. Each is idempotent by
construction (running it again for the same day finds nothing left to do),
and `job_runs` makes a day's run happen once: its primary key (job, day) is
claimed before the work starts and marked `done` (with what the run changed)
or `failed` (with the error) after it.

Several API processes may share one PostgreSQL database, each with its own
scheduler (`sync.central.scheduler`). A run first takes a PostgreSQL
session-level advisory lock named after the job (`pg_try_advisory_lock`):
the process that gets it runs, the others skip at once. The lock dies with
its connection, so a process killed mid-run leaves a `running` row that the
next process to get the lock takes over. On SQLite (one host), claims are
serialised by the database's write lock, and a `running` row older than
`jobs.stale_minutes` is taken over.

A failed run stays visible (`pos-central jobs`) and is retried by the
scheduler after `jobs.retry_minutes`, at most `jobs.max_attempts` times; by
hand (`pos-central run-jobs`) a failed run is retried at once.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from sync.central.db import as_utc, is_postgres, utcnow
from sync.central.settings import get_setting
from sync.central.tables import JobRunRow

log = logging.getLogger(__name__)

JOB_LOCK_NAMESPACE = 0x4A4F42  # "JOB": the first key of the two-key advisory lock

RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclass(frozen=True)
class Job:
    name: str
    summary: str
    run: Callable[[Engine, date], dict[str, Any]]


@dataclass(frozen=True)
class RunOutcome:
    """What one attempt to run a job for a day did: `ran` (done), `failed`, or `skipped` (with why)."""

    job: str
    run_date: date
    status: str
    detail: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _registry() -> dict[str, Job]:
    from sync.central import expiry, offers, rewards, segments, tiers

    jobs = (
        Job("tiers", "tiers from chain-wide rolling spend: progression, retention, one step down", tiers.run_job),
        Job("expiry", "point lots refreshed; lots past their date expire at the central ledger", expiry.run_job),
        Job("segments", "built-in segments recomputed (custom segments kept)", segments.run_job),
        Job("offers", "welcome, birthday and win-back offers with their control groups", offers.run_job),
        Job("rewards", "partner reward codes reserved for every register", rewards.run_job),
    )
    return {job.name: job for job in jobs}


def jobs() -> dict[str, Job]:
    """Every job by name, in the order a day's runs happen."""
    return _registry()


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


class _JobLock:
    """A PostgreSQL advisory lock held for the run on a connection of its own (nothing on SQLite)."""

    def __init__(self, engine: Engine, job: str) -> None:
        self.engine = engine
        self.key = zlib.crc32(job.encode()) & 0x7FFFFFFF
        self.conn: Connection | None = None

    def acquire(self) -> bool:
        if not is_postgres(self.engine):
            return True
        self.conn = self.engine.connect()
        got = self.conn.execute(sa.text("SELECT pg_try_advisory_lock(:a, :b)"),
                                {"a": JOB_LOCK_NAMESPACE, "b": self.key}).scalar()
        self.conn.commit()
        if not got:
            self.conn.close()
            self.conn = None
        return bool(got)

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(sa.text("SELECT pg_advisory_unlock(:a, :b)"), {"a": JOB_LOCK_NAMESPACE, "b": self.key})
            self.conn.commit()
        finally:
            self.conn.close()
            self.conn = None


@dataclass(frozen=True)
class RetryPolicy:
    retry_after: timedelta
    max_attempts: int
    stale_after: timedelta

    @classmethod
    def of(cls, session: Session) -> RetryPolicy:
        return cls(timedelta(minutes=float(get_setting(session, "jobs.retry_minutes") or 15)),
                   int(get_setting(session, "jobs.max_attempts") or 4),
                   timedelta(minutes=float(get_setting(session, "jobs.stale_minutes") or 120)))


def _claim(session: Session, job: str, run_date: date, runner: str, now: datetime, *, by_hand: bool,
           again: bool, locked: bool) -> str | None:
    """Mark the run `running` for this process; returns why it is skipped instead (None: go)."""
    policy = RetryPolicy.of(session)
    row = session.get(JobRunRow, (job, run_date), with_for_update=True)
    if row is None:
        session.add(JobRunRow(job=job, run_date=run_date, status=RUNNING, attempts=1, started_at=now,
                              runner=runner))
        return None
    if row.status == DONE and not again:
        return f"already done ({row.runner}, {as_utc(row.finished_at) or as_utc(row.started_at):%Y-%m-%d %H:%M} UTC)"
    if row.status == RUNNING and not locked and now - as_utc(row.started_at) < policy.stale_after:
        return f"running in {row.runner} since {as_utc(row.started_at):%H:%M} UTC"
    if row.status == FAILED and not by_hand:
        if row.attempts >= policy.max_attempts:
            return f"failed {row.attempts} times; run it by hand: pos-central run-jobs --job {job}"
        retry_at = (as_utc(row.finished_at) or now) + policy.retry_after
        if now < retry_at:
            return f"failed; retried after {retry_at:%H:%M} UTC"
    row.status, row.started_at, row.finished_at, row.runner = RUNNING, now, None, runner
    row.attempts = (row.attempts or 0) + 1
    row.error = None
    return None


def run_job(engine: Engine, name: str, run_date: date, *, runner: str | None = None, by_hand: bool = False,
            again: bool = False, clock: Callable[[], datetime] = utcnow) -> RunOutcome:
    """Run job `name` for `run_date` unless another process is running it or it already ran (see the docstring).

    `by_hand`: a failed run is retried at once; `again`: a day already done runs again (idempotent anyway).
    """
    from sync.central.app import run_in_transaction

    job = jobs().get(name)
    if job is None:
        raise ValueError(f"no job {name!r} (jobs: {', '.join(jobs())})")
    runner = runner or runner_name()
    lock = _JobLock(engine, name)
    if not lock.acquire():
        return RunOutcome(name, run_date, "skipped", "running in another process")
    try:
        started_at = clock()
        skip = run_in_transaction(engine, lambda s: _claim(
            s, name, run_date, runner, started_at, by_hand=by_hand, again=again, locked=is_postgres(engine)))
        if skip is not None:
            return RunOutcome(name, run_date, "skipped", skip)
        started = time.monotonic()
        try:
            result = job.run(engine, run_date)
        except Exception as exc:  # a failed job is recorded and retried, never lost in a log
            seconds = time.monotonic() - started
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.error("job %s for %s failed after %.1f s: %s\n%s", name, run_date, seconds, error,
                      traceback.format_exc())
            run_in_transaction(engine, lambda s: _finish(s, name, run_date, FAILED, clock(), error=error))
            return RunOutcome(name, run_date, FAILED, error, seconds=seconds)
        seconds = time.monotonic() - started
        run_in_transaction(engine, lambda s: _finish(s, name, run_date, DONE, clock(), result=result))
        log.info("job %s for %s done in %.1f s: %s", name, run_date, seconds, result)
        return RunOutcome(name, run_date, "ran", result=result, seconds=seconds)
    finally:
        lock.release()


def _finish(session: Session, job: str, run_date: date, status: str, now: datetime, *,
            result: dict[str, Any] | None = None, error: str | None = None) -> None:
    row = session.get(JobRunRow, (job, run_date), with_for_update=True)
    assert row is not None, "a run finishes after its claim"
    row.status, row.finished_at, row.error = status, now, error
    if result is not None:
        row.result = json.dumps(result, sort_keys=True, default=str)


def last_result(session: Session, job: str, before: date | None = None) -> dict[str, Any] | None:
    """What the latest done run of `job` (before `before`, when given) reported."""
    query = sa.select(JobRunRow.result).where(JobRunRow.job == job, JobRunRow.status == DONE)
    if before is not None:
        query = query.where(JobRunRow.run_date < before)
    text = session.scalar(query.order_by(JobRunRow.run_date.desc(), JobRunRow.finished_at.desc()).limit(1))
    return json.loads(text) if text else None


@dataclass(frozen=True)
class JobStatus:
    """A job as `pos-central jobs` shows it: when it runs and how its last run went."""

    name: str
    summary: str
    at: str | None  # "HH:MM" in the chain's zone; None: not scheduled
    last_date: date | None = None
    status: str | None = None
    attempts: int = 0
    started_at: datetime | None = None
    seconds: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    runner: str | None = None


def job_statuses(session: Session) -> list[JobStatus]:
    from sync.central.scheduler import schedule

    times = schedule(session)
    statuses = []
    for name, job in jobs().items():
        row = session.scalars(sa.select(JobRunRow).where(JobRunRow.job == name)
                              .order_by(JobRunRow.run_date.desc()).limit(1)).first()
        if row is None:
            statuses.append(JobStatus(name, job.summary, times.get(name)))
            continue
        started, finished = as_utc(row.started_at), as_utc(row.finished_at)
        statuses.append(JobStatus(
            name, job.summary, times.get(name), row.run_date, row.status, row.attempts, started,
            (finished - started).total_seconds() if finished and started else None,
            json.loads(row.result) if row.result else None, row.error, row.runner))
    return statuses


__all__ = [
    "DONE",
    "FAILED",
    "RUNNING",
    "Job",
    "JobStatus",
    "RunOutcome",
    "job_statuses",
    "jobs",
    "last_result",
    "run_job",
    "runner_name",
]
