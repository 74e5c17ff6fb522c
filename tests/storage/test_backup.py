"""Backing up the register's database while it sells, and restoring it without losing an unsynced sale."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_app.domain.ledger import EntryKind
from pos_app.services.backup import Restored, backup_register, restore_register
from pos_app.services.outcome import Refused
from pos_app.storage.backup import backup_database, read_facts
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


@pytest.fixture
def register(tmp_path: Path, uow, people):
    """Register R1's database with members, and a way to sell (one accrual per sale)."""

    def sell(customer: str = "C1", points: int = 10) -> None:
        with uow() as unit:
            unit.ledger.append(EntryKind.ACCRUAL, customer, points, at=NOW)
            unit.commit()

    def acknowledge_all() -> None:
        with uow() as unit:
            ids = [item.entry_id for item in unit.ledger.pending_outbox(10_000)]
            unit.ledger.acknowledge(ids, NOW)
            unit.commit()

    sell.acknowledge_all = acknowledge_all
    sell.path = tmp_path / "register.db"
    return sell


def test_a_backup_taken_while_the_register_sells_is_one_consistent_moment(register, tmp_path, uow) -> None:
    for _ in range(50):
        register()
    stop = threading.Event()

    def keep_selling() -> None:
        while not stop.is_set():
            register()

    seller = threading.Thread(target=keep_selling)
    seller.start()
    try:
        facts = backup_database(register.path, tmp_path / "copy.db", pages_per_step=1)
    finally:
        stop.set()
        seller.join()

    with uow(read_only=True) as unit:
        written = unit.ledger.last_seq()
    assert 50 <= facts.entries <= written
    copy = open_store(tmp_path / "copy.db")
    with UnitOfWorkFactory(copy, "R1")(read_only=True) as unit:
        # Every entry of the copy has its outbox row and its sequence number: nothing torn in half.
        assert unit.ledger.outbox_size() == facts.entries == unit.ledger.last_seq()
    copy.dispose()
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file


def test_restore_is_refused_over_unsynced_sales_the_backup_lacks(register, tmp_path) -> None:
    register()
    register.acknowledge_all()
    backup_register(register.path, tmp_path / "monday.db")
    register("C1", 70)
    register("C2", 30)  # two sales that reached nobody

    refused = restore_register(tmp_path / "monday.db", register.path, backup_folder=tmp_path / "kept", now=NOW)

    assert isinstance(refused, Refused) and refused.reason == "unsynced_entries"
    assert refused.message.startswith("2 ledger entries")
    assert read_facts(register.path).unsynced == 2  # nothing changed
    assert not (tmp_path / "kept").exists()


def test_restore_goes_ahead_when_the_backup_holds_the_unsynced_sales(register, tmp_path) -> None:
    register("C1", 70)
    backup_register(register.path, tmp_path / "now.db")

    restored = restore_register(tmp_path / "now.db", register.path, backup_folder=tmp_path / "kept", now=NOW)

    assert isinstance(restored, Restored) and restored.discarded == 0
    assert read_facts(register.path).unsynced == 1


def test_discarding_unsynced_sales_is_explicit_and_keeps_the_replaced_database(register, tmp_path) -> None:
    backup_register(register.path, tmp_path / "monday.db")
    register("C1", 70)

    restored = restore_register(tmp_path / "monday.db", register.path, backup_folder=tmp_path / "kept", now=NOW,
                                discard_unsynced=True)

    assert isinstance(restored, Restored) and restored.discarded == 1
    assert read_facts(register.path).entries == 0
    assert restored.kept_copy is not None and read_facts(restored.kept_copy).unsynced == 1


def test_a_file_that_is_not_a_register_database_is_refused(register, tmp_path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"not a database at all" * 100)
    refused = restore_register(bogus, register.path, backup_folder=tmp_path / "kept", now=NOW)
    assert isinstance(refused, Refused) and refused.reason == "restore_failed"
    assert "not a" in refused.message


def test_backup_and_restore_commands(register, tmp_path, monkeypatch, capsys) -> None:
    from pos_app.cli import main

    monkeypatch.setenv("POS_DATABASE", str(register.path))
    monkeypatch.setenv("POS_COMPANION_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("POS_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("POS_BACKUP_DIR", str(tmp_path / "backups"))
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    assert "0 not yet synced" in capsys.readouterr().out
    register("C1", 5)

    assert main(["restore", str(tmp_path / "b.db")]) == 1
    assert "restore refused: 1 ledger entries" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "b.db"), "--discard-unsynced"]) == 0
    out = capsys.readouterr().out
    assert "1 unsynced entries of the replaced database were discarded" in out
    assert list((tmp_path / "backups").glob("pre-restore-*-register.db"))
