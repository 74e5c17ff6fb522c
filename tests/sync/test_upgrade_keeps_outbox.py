"""Upgrading the program keeps every entry a register has not synced yet, and they still sync.

`tests/fixtures/register-0005-pending.db` is a register database as release
0.1.0 (schema revision 0005) wrote it: four ledger entries in its outbox that
no central service has seen. The test upgrades a copy to the newest schema the
way the program does at start-up, then syncs it with a real central service on
loopback, and checks that the central service holds exactly those entries,
byte for byte, with the balances they make.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from harness import CentralServer, sqlite_url

from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox
from pos_app.storage.database import open_store
from pos_app.storage.migrations import current_revision, head_revision
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import imports
from sync.client import SyncLoop

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "register-0005-pending.db"
CUSTOMERS_CSV = "id,name,email,phone,card,birthday,tier\nC1,Ana Pérez,,,2000000000015,,\nC2,José Müller,,,2000000000022,,\n"


def _outbox(path: Path) -> list[tuple[int, str, bytes]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT seq, entry_id, payload FROM outbox WHERE acknowledged_at IS NULL ORDER BY seq").fetchall()


def test_the_previous_releases_unsynced_entries_survive_the_upgrade_and_sync(tmp_path: Path) -> None:
    database = tmp_path / "register.db"
    shutil.copyfile(FIXTURE, database)
    before = _outbox(database)
    assert [seq for seq, _, _ in before] == [1, 2, 3, 4]

    engine = open_store(database)  # what every start of the new program does
    assert current_revision(engine) == head_revision()
    assert _outbox(database) == before  # same entries, same bytes

    central = CentralServer(sqlite_url(tmp_path / "central.db"))
    try:
        customers = tmp_path / "customers.csv"
        customers.write_text(CUSTOMERS_CSV, encoding="utf-8")
        with central.session() as session, session.begin():
            assert imports.import_customers(session, customers).errors == []
        client = central.client("S1", "R1")
        uow = UnitOfWorkFactory(engine, "R1")
        loop = SyncLoop(client, StoreOutbox(uow, client.register_id), StoreChangeSink(uow))

        assert loop.run_once(), loop.status.message

        held = central.rows("SELECT id, seq, payload_hash FROM ledger_entries WHERE register_id = 'S1.R1' ORDER BY seq")
        outbox = StoreOutbox(uow, client.register_id)
        assert [tuple(row) for row in held] == [
            (entry_id, seq, outbox.to_wire(payload).payload_hash) for seq, entry_id, payload in before]
        assert central.balances() == {"C1": 100, "C2": 45}
        with uow(read_only=True) as unit:
            assert unit.ledger.outbox_size() == 0
            assert unit.customers.get("C1").confirmed_points == 100
    finally:
        central.stop()
        engine.dispose()
