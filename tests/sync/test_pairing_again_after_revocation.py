"""A register whose credential leaked, paired again as itself while sales wait in its outbox.

The operator's path, each step through its own command: `pos-central revoke-register S1.R1` (the leaked
key), `pos-central pair-register S1 R1` (no `--replace`: the register is revoked), `pos-companion pair
URL CODE` on the register, whose real store on a SQLite file holds sales not yet acknowledged; then the
register's sync loop with the credential the command saved, against a real central service on loopback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pos_app.app import AppSettings
from pos_app.pairing_cli import run_pair
from pos_app.services.sync_ports import (
    CURSOR_KEY,
    StoreChangeSink,
    StoreOutbox,
    StoreSyncJournal,
    sync_failures,
)
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import cli as central_cli
from sync.central import imports
from sync.client import AuthError, SyncClient, SyncLoop
from tests.sync.register_sales import sell


@pytest.fixture
def register(tmp_path: Path):
    """The register's store (a real SQLite file) and its config file, naming the store and a log folder."""
    database = tmp_path / "register.db"
    engine = open_store(database)
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{database}"\nlog_dir = "{tmp_path / "log"}"\n', encoding="utf-8")
    yield UnitOfWorkFactory(engine, register_id="R1"), config
    engine.dispose()


def central_command(central, capsys, *args: str) -> str:
    """`pos-central ARGS --db URL` at the central service; what it printed (it must succeed)."""
    assert central_cli.main([*args, "--db", central.db_url]) == 0
    return capsys.readouterr().out


def pairing_code(central, capsys, store: str, register: str) -> str:
    printed = central_command(central, capsys, "pair-register", store, register)
    return re.search(r"pairing code (\S+)", printed).group(1)


def loop_of(config: Path, store: UnitOfWorkFactory) -> SyncLoop:
    """The register's sync loop with the credential its config holds (as `pos_app.app.configured_sync_loop`)."""
    settings = AppSettings.load(environ={}, config_path=config)
    client = SyncClient(settings.central_url, token=settings.central_token,
                        register_id=settings.central_register_id)
    return SyncLoop(client, StoreOutbox(store, settings.central_register_id), StoreChangeSink(store),
                    journal=StoreSyncJournal(store))


def waiting(store: UnitOfWorkFactory) -> int:
    with store(read_only=True) as unit:
        return unit.ledger.outbox_size()


def cursor(store: UnitOfWorkFactory) -> str:
    with store(read_only=True) as unit:
        return unit.sync_state.get(CURSOR_KEY)


def doctor_sync_cycles(config: Path, monkeypatch, capsys) -> tuple[int, str]:
    """`pos-companion doctor --offline` on this register: its exit code and its `sync cycles` line."""
    from pos_app import system_libraries
    from pos_app.cli import main

    monkeypatch.setenv("POS_COMPANION_CONFIG", str(config))
    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES", {})  # whatever this machine's desktop libraries
    code = main(["doctor", "--offline"])
    line = next(line for line in capsys.readouterr().out.splitlines() if line.split()[1:3] == ["sync", "cycles"])
    return code, " ".join(line.split())


@pytest.fixture
def member_at_central(central, tmp_path: Path) -> None:
    members = tmp_path / "customers.csv"
    members.write_text("id,name,email,phone,card,birthday,tier\nC1,Ana,,,2000000000015,,\n", encoding="utf-8")
    with central.session() as s, s.begin():
        imports.import_customers(s, members)


def test_a_revoked_register_paired_again_as_itself_delivers_its_waiting_sales_once(
        central, register, member_at_central, monkeypatch, capsys) -> None:
    store, config = register
    assert run_pair([central.url, pairing_code(central, capsys, "S1", "R1"), "--config", str(config)]) == 0
    leaked_token = tomllib.loads(config.read_text())["central_token"]
    first = loop_of(config, store)
    assert first.run_once(), first.status.message  # the register knows the member

    # A sale the old credential delivered, whose answer never came back; another it never sent.
    delivered = sell(store, "C1", 10)
    first.push_records()
    first.client.push(first.outbox.pending_batch(10))  # the central service keeps it; the register never hears
    unsent = sell(store, "C1", 5)
    assert waiting(store) == 2

    central_command(central, capsys, "revoke-register", "S1.R1")  # the key leaked
    assert not first.run_once()
    assert sync_failures(store).reason == "credential"

    code = pairing_code(central, capsys, "S1", "R1")  # a revoked register needs no --replace
    assert run_pair([central.url, code, "--config", str(config)]) == 0
    assert "paired as register S1.R1 of store S1" in capsys.readouterr().out
    assert sync_failures(store) is None  # the old credential's failures are forgotten

    again = loop_of(config, store)
    assert again.run_once(), again.status.message
    assert waiting(store) == 0
    assert central.rows("SELECT id, points FROM ledger_entries WHERE register_id = 'S1.R1' ORDER BY seq") == [
        (delivered, 10), (unsent, 5)]  # each sale once, the one the old credential delivered included
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == 2
    with pytest.raises(AuthError):
        SyncClient(central.url, token=leaked_token, register_id="S1.R1").pull(cursor(store))  # it stays dead
    assert doctor_sync_cycles(config, monkeypatch, capsys) == (
        0, "OK sync cycles no failed sync cycle since the last successful one")


def test_a_code_for_another_register_is_refused_while_sales_wait_and_is_not_spent(
        central, register, member_at_central, capsys) -> None:
    store, config = register
    assert run_pair([central.url, pairing_code(central, capsys, "S1", "R1"), "--config", str(config)]) == 0
    assert loop_of(config, store).run_once()
    sell(store, "C1", 10)
    central_command(central, capsys, "revoke-register", "S1.R1")
    before = config.read_text()

    other = pairing_code(central, capsys, "S1", "R2")  # the wrong register named at the central service
    assert run_pair([central.url, other, "--config", str(config)]) == 1

    refusal = capsys.readouterr().err
    assert refusal.startswith("pairing refused: this register's ledger belongs to register S1.R1 "
                              "(1 ledger entries wait to sync as S1.R1)")
    assert "for register S1.R2, not S1.R1 (the code stays valid)" in refusal
    assert "ask for a code for S1.R1 (`pos-central pair-register S1 R1`)" in refusal
    assert config.read_text() == before and waiting(store) == 1
    assert central.scalar("SELECT token_hash FROM registers WHERE id = 'S1.R2'") is None  # R2 is untouched
    assert SyncClient(central.url).pair(other).register_id == "S1.R2"  # its code still pairs R2's own machine
