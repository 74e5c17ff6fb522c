"""The jobs run by themselves, once a day each, whatever the number of API processes.

The scheduler is driven by a clock the test moves; the jobs run against a
real central database (SQLite, and PostgreSQL in a schema of its own). Two
real `pos-central serve` processes on one PostgreSQL database run each job
once.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import jobs as central_jobs
from sync.central.cli import main as pos_central
from sync.central.db import create_engine
from sync.central.jobs import Job, job_statuses, run_job
from sync.central.scheduler import Scheduler
from sync.central.schema import upgrade
from sync.central.settings import set_setting
from sync.central.tables import JobRunRow

ALL_JOBS = ["tiers", "expiry", "segments", "offers", "rewards"]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"pos_jobs_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url):
    engine = create_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def settings(engine, **values: object) -> None:
    with Session(engine) as s, s.begin():
        for key, value in values.items():
            set_setting(s, key.replace("__", "."), value)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def rows(engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def test_each_job_runs_at_its_time_once_a_day(engine):
    settings(engine, jobs__schedule={"tiers": "02:00", "expiry": "02:15", "segments": None},
             jobs__timezone="Europe/Madrid")
    clock = Clock(datetime(2027, 3, 1, 0, 30, tzinfo=UTC))  # 01:30 in Madrid: nothing is due
    scheduler = Scheduler(engine, clock=clock)

    assert scheduler.tick() == []
    clock.now = datetime(2027, 3, 1, 1, 5, tzinfo=UTC)  # 02:05 in Madrid
    assert [(o.job, o.run_date, o.status) for o in scheduler.tick()] == [("tiers", date(2027, 3, 1), "ran")]
    clock.now = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)  # 04:00: expiry, offers and rewards; tiers is done
    assert [o.job for o in scheduler.tick()] == ["expiry", "offers", "rewards"]  # segments is not scheduled
    assert scheduler.tick() == []
    clock.now = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 March in Madrid: a new day
    assert scheduler.tick() == []
    clock.now = datetime(2027, 3, 2, 1, 10, tzinfo=UTC)  # 02:10 in Madrid
    assert [(o.job, o.run_date) for o in scheduler.tick()] == [("tiers", date(2027, 3, 2))]
    with Session(engine) as s:
        tiers = s.execute(sa.select(JobRunRow.run_date, JobRunRow.status, JobRunRow.attempts)
                          .where(JobRunRow.job == "tiers").order_by(JobRunRow.run_date)).all()
    assert [tuple(r) for r in tiers] == [(date(2027, 3, 1), "done", 1), (date(2027, 3, 2), "done", 1)]


def test_a_failed_job_is_visible_and_retried(engine, monkeypatch, capsys, db_url):
    calls: list[date] = []

    def flaky(_engine, as_of: date) -> dict[str, object]:
        calls.append(as_of)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return {"members": 3}

    registry = {**central_jobs._registry(), "tiers": Job("tiers", "flaky tiers", flaky)}
    monkeypatch.setattr(central_jobs, "_registry", lambda: registry)
    settings(engine, jobs__schedule={"tiers": "02:00", "expiry": None, "segments": None, "offers": None,
                                     "rewards": None}, jobs__retry_minutes=15)
    clock = Clock(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    scheduler = Scheduler(engine, clock=clock)

    first = scheduler.tick()
    assert [(o.status, o.detail) for o in first] == [("failed", "RuntimeError: the database went away")]
    assert pos_central(["jobs", "--db", db_url]) == 0
    shown = capsys.readouterr().out
    assert "tiers" in shown and "failed" in shown and "RuntimeError: the database went away" in shown
    clock.now += timedelta(minutes=10)
    assert [(o.status, o.detail) for o in scheduler.tick()] == [("skipped", "failed; retried after 02:15 UTC")]
    clock.now += timedelta(minutes=6)
    assert [(o.status, o.result) for o in scheduler.tick()] == [("ran", {"members": 3})]
    with Session(engine) as s:
        status = next(st for st in job_statuses(s) if st.name == "tiers")
    assert (status.status, status.attempts, status.error, status.result) == ("done", 2, None, {"members": 3})
    assert calls == [date(2027, 3, 1), date(2027, 3, 1)]


def test_run_jobs_by_hand_for_a_past_day_and_the_jobs_list(engine, db_url, capsys):
    assert pos_central(["run-jobs", "--as-of", "2026-01-15", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()] == [f"{job} 2026-01-15" for job in ALL_JOBS]
    assert pos_central(["run-jobs", "--job", "tiers", "--as-of", "2026-01-15", "--db", db_url]) == 0
    assert "tiers 2026-01-15: skipped: already done" in capsys.readouterr().out
    assert pos_central(["run-jobs", "--job", "tiers", "--as-of", "2026-01-15", "--again", "--db", db_url]) == 0
    assert "tiers 2026-01-15: done in" in capsys.readouterr().out
    assert pos_central(["jobs", "--db", db_url]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["job", "at", "last", "day"]
    assert [line.split()[:4] for line in table[1:]] == [[job, at, "2026-01-15", "done"] for job, at in
                                                         zip(ALL_JOBS, ["02:00", "02:15", "02:30", "03:00", "03:30"],
                                                             strict=True)]
    later = (date.today() + timedelta(days=2)).isoformat()
    assert pos_central(["run-jobs", "--as-of", later, "--db", db_url]) == 2  # it would hold back the real days
    assert "is after today" in capsys.readouterr().err


@pytest.mark.postgres
def test_two_processes_running_the_same_job_at_once_run_it_once(postgres_url, monkeypatch):
    schema = f"pos_jobs_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(f"{postgres_url}?options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        started = threading.Event()
        runs: list[str] = []

        def slow(_engine, as_of: date) -> dict[str, object]:
            runs.append(threading.current_thread().name)
            started.set()
            time.sleep(1.0)
            return {"slow": True}

        registry = {**central_jobs._registry(), "tiers": Job("tiers", "slow tiers", slow)}
        monkeypatch.setattr(central_jobs, "_registry", lambda: registry)
        outcomes = {}

        def attempt(name: str) -> None:
            outcomes[name] = run_job(engine, "tiers", date(2027, 3, 1), runner=name)

        first = threading.Thread(target=attempt, args=("A",), name="A")
        first.start()
        assert started.wait(10)
        second = threading.Thread(target=attempt, args=("B",), name="B")
        second.start()
        first.join(10)
        second.join(10)

        assert runs == ["A"]
        assert (outcomes["A"].status, outcomes["B"].status) == ("ran", "skipped")
        assert outcomes["B"].detail == "running in another process"
        assert run_job(engine, "tiers", date(2027, 3, 1), runner="B").detail.startswith("already done (A")
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(db: str, port: int, log: Path, *extra: str) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "sync.central.cli", "serve", "--db", db, "--port", str(port),
                                 "--no-migrate", "--jobs-poll", "0.2", *extra], stdout=out, stderr=subprocess.STDOUT)


def _wait_healthy(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return
        except requests.ConnectionError:
            assert time.monotonic() < deadline and proc.poll() is None, "pos-central serve did not start"
            time.sleep(0.1)


@pytest.mark.postgres
def test_two_api_processes_on_postgresql_run_each_job_once(postgres_url, tmp_path):
    schema = f"pos_jobs_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = f"{postgres_url}?options=-csearch_path%3D{schema}"
    engine = create_engine(db)
    procs: list[subprocess.Popen] = []
    try:
        assert pos_central(["init", "--db", db]) == 0
        today = datetime.now(UTC).date()
        members = tmp_path / "members.csv"
        members.write_text(f"id,name,phone,birthday\nB1,Born Today,+14155550123,{date(1992, today.month, today.day)}\n",
                           encoding="utf-8")
        assert pos_central(["import-customers", str(members), "--db", db]) == 0
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE customers SET consent_sms = true"))
        settings(engine, jobs__schedule=dict.fromkeys(ALL_JOBS, "00:00"),
                 offers__birthday={"points": 500, "require_consent": False})
        ports = [_free_port(), _free_port()]
        procs = [_serve(db, port, tmp_path / f"serve-{n}.log") for n, port in enumerate(ports)]
        for port, proc in zip(ports, procs, strict=True):
            _wait_healthy(port, proc)

        deadline = time.monotonic() + 60
        while rows(engine, "SELECT COUNT(*) FROM job_runs WHERE status = 'done'")[0][0] < len(ALL_JOBS):
            assert time.monotonic() < deadline, rows(engine, "SELECT * FROM job_runs")
            time.sleep(0.2)
        time.sleep(1.0)  # both schedulers look again: nothing more may happen

        runs = rows(engine, "SELECT job, run_date, status, attempts, runner FROM job_runs ORDER BY job")
        assert [(job, run_date, status, attempts) for job, run_date, status, attempts, _ in runs] == [
            (job, today, "done", 1) for job in sorted(ALL_JOBS)]
        assert rows(engine, "SELECT customer_id, points FROM ledger_entries WHERE kind = 'accrual'") == [("B1", 500)]
        assert rows(engine, 'SELECT promotion_id, "group" FROM offer_audiences') == [
            (f"BIRTHDAY-{today:%Y-%m}", "target")]
        assert all(proc.poll() is None for proc in procs)  # both API processes still serve
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(15)
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_pos_central_serve_runs_the_jobs_on_schedule(tmp_path):
    db = f"sqlite:///{tmp_path / 'central.db'}"
    assert pos_central(["init", "--db", db]) == 0
    engine = create_engine(db)
    settings(engine, jobs__schedule=dict.fromkeys(ALL_JOBS, "00:00"))
    port = _free_port()
    proc = _serve(db, port, tmp_path / "serve.log")
    try:
        _wait_healthy(port, proc)
        deadline = time.monotonic() + 60
        while rows(engine, "SELECT COUNT(*) FROM job_runs WHERE status = 'done'")[0][0] < len(ALL_JOBS):
            assert time.monotonic() < deadline and proc.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(15)
        engine.dispose()
    assert sorted(r[0] for r in rows(engine, "SELECT job FROM job_runs")) == sorted(ALL_JOBS)
