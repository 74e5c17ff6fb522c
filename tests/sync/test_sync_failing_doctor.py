"""A register whose sync fails cycle after cycle, as `pos-companion doctor` tells it to a store manager.

The real `SyncLoop` syncs a register store on a SQLite file with a real central service on 127.0.0.1:0 and
notes each cycle through `StoreSyncJournal`; `doctor` (the command, and `health.check_sync_cycles`) reads
the note from the store, so the failures outlive the register's process.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_app.services import health
from pos_app.services.pairing import pair_register
from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox, StoreSyncJournal, sync_failures
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import imports, registers
from sync.client import SyncClient, SyncLoop
from tests.sync.register_sales import sell


class Clock:
    """The register's clock, moved on by the test (hours pass between cycles)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def store(tmp_path: Path):
    engine = open_store(tmp_path / "register.db")
    yield UnitOfWorkFactory(engine, register_id="R1")
    engine.dispose()


def sync_loop(store: UnitOfWorkFactory, client: SyncClient, clock: Clock) -> SyncLoop:
    """The loop as the register builds it (`pos_app.app.configured_sync_loop`), on the test's clock."""
    return SyncLoop(client, StoreOutbox(store, client.register_id), StoreChangeSink(store),
                    journal=StoreSyncJournal(store), clock=clock)


def cycles(loop: SyncLoop, clock: Clock, count: int, *, minutes: float = 1) -> None:
    for _ in range(count):
        clock.advance(minutes=minutes)
        assert not loop.run_once()


def doctor_on(store_path: Path, central_url: str, token: str, tmp_path: Path, monkeypatch, capsys) -> tuple[int, str]:
    """`pos-companion doctor --offline` on this register; its exit code and the `sync cycles` lines (the finding,
    and what to do when there is advice), their column padding collapsed."""
    from pos_app import system_libraries
    from pos_app.cli import main

    config = tmp_path / "pos.toml"
    config.write_text(f'central_url = "{central_url}"\ncentral_token = "{token}"\ncentral_register_id = "S1.R1"\n'
                      f'database = "{store_path}"\nlog_dir = "{tmp_path / "log"}"\n', encoding="utf-8")
    monkeypatch.setenv("POS_COMPANION_CONFIG", str(config))
    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES", {})  # whatever this machine's desktop libraries
    code = main(["doctor", "--offline"])
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[1:3] == ["sync", "cycles"])
    ours = [lines[at]] + [line for line in lines[at + 1:at + 2] if line.lstrip().startswith("->")]
    return code, "\n".join(" ".join(line.split()) for line in ours)


def test_a_revoked_register_is_reported_with_the_reason_until_it_is_paired_again(
        central, store, tmp_path, monkeypatch, capsys) -> None:
    clock = Clock()
    client = central.client("S1", "R1")
    loop = sync_loop(store, client, clock)
    assert loop.run_once()
    assert health.check_sync_cycles(store, paired=True, max_hours=4).status == health.OK

    with central.session() as s, s.begin():
        registers.revoke(s, "S1.R1")
    cycles(loop, clock, 2)
    blip = health.check_sync_cycles(store, paired=True, max_hours=4)
    cycles(loop, clock, 1)
    warned = health.check_sync_cycles(store, paired=True, max_hours=4)
    cycles(loop, clock, 1, minutes=5 * 60)
    code, printed = doctor_on(tmp_path / "register.db", central.url, client.token, tmp_path, monkeypatch, capsys)

    assert blip.status == health.OK and "2 cycles in a row" in blip.summary
    assert warned.status == health.WARNING and "3 cycles in a row" in warned.summary
    assert "revoked" in warned.summary and "pos-companion pair URL CODE" in warned.advice
    assert code == 1  # the sync has failed for more than 4 h: a problem
    assert printed.startswith("PROBLEM sync cycles") and "4 cycles in a row" in printed
    assert "was revoked" in printed and "-> the central service refuses this register's credential" in printed

    # The manager pairs it again (`pos-companion pair`): the old credential's failures are forgotten.
    def keep(url: str, token: str, register_id: str) -> None:
        client.token, client.register_id = token, register_id

    pair_register(store, url=central.url, code=central.pairing_code("S1", "R1"), previous_register_id="S1.R1",
                  save=keep)
    assert sync_failures(store) is None
    assert loop.run_once(), loop.status.message
    code, printed = doctor_on(tmp_path / "register.db", central.url, client.token, tmp_path, monkeypatch, capsys)
    assert printed == "OK sync cycles no failed sync cycle since the last successful one" and code == 0


def test_a_sale_waiting_behind_a_refused_credential_goes_with_the_first_good_cycle(central, store, tmp_path) -> None:
    members = tmp_path / "customers.csv"
    members.write_text("id,name,email,phone,card,birthday,tier\nC1,Ana,,,2000000000015,,\n", encoding="utf-8")
    with central.session() as s, s.begin():
        imports.import_customers(s, members)
    clock = Clock()
    client = central.client("S1", "R1")
    loop = sync_loop(store, client, clock)
    assert loop.run_once(), loop.status.message  # the register knows the member
    with central.session() as s, s.begin():
        registers.revoke(s, "S1.R1")
    sell(store, "C1", 10)
    cycles(loop, clock, 3)
    assert health.check_sync_cycles(store, paired=True, max_hours=4).status == health.WARNING

    client.pair(central.pairing_code("S1", "R1"))  # the credential restored at the central: the sale goes
    assert loop.run_once(), loop.status.message
    assert health.check_sync_cycles(store, paired=True, max_hours=4).status == health.OK
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == 1


def test_an_unreachable_central_is_counted_across_restarts_and_one_good_cycle_clears_it(central, store) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed again: nothing listens there
    clock = Clock()
    started = clock.now
    cycles(sync_loop(store, central.client("S1", "R1", url=nowhere), clock), clock, 2)
    # The register restarts (still no network): the run of failures goes on from the store.
    cycles(sync_loop(store, central.client("S1", "R1", url=nowhere), clock), clock, 2, minutes=30)

    failures = sync_failures(store)
    finding = health.check_sync_cycles(store, paired=True, max_hours=4)
    assert failures is not None and failures.cycles == 4 and failures.reason == "unreachable"
    assert failures.since == started + timedelta(minutes=1) and failures.failing_for_hours == pytest.approx(61 / 60)
    assert finding.status == health.WARNING and "4 cycles in a row" in finding.summary
    assert "no successful sync known" in finding.summary and "cannot be reached" in finding.advice
    assert health.check_sync_cycles(store, paired=True, max_hours=0.5).status == health.PROBLEM

    assert sync_loop(store, central.client("S1", "R1"), clock).run_once()
    assert sync_failures(store) is None
    assert health.check_sync_cycles(store, paired=True, max_hours=4).status == health.OK


def test_a_failure_after_a_success_names_when_the_register_last_synced(central, store) -> None:
    clock = Clock()
    client = central.client("S1", "R1")
    loop = sync_loop(store, client, clock)
    assert loop.run_once()
    synced_at = clock.now
    client.base_url = "http://127.0.0.1:9"  # the network goes away under the running register
    cycles(loop, clock, 3)

    failures = sync_failures(store)
    assert failures is not None and failures.last_synced_at == synced_at
    summary = health.check_sync_cycles(store, paired=True, max_hours=4).summary
    assert f"last synced {synced_at.astimezone():%Y-%m-%d %H:%M}" in summary
