"""The register's own store syncing with a real central service: push the ledger, pull every topic.

Each test runs the reference central service on 127.0.0.1:0 and a register
store opened with `pos_app.storage.open_store` on a SQLite file, synced by the
real `SyncLoop` through `pos_app.services.sync_ports`.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from harness import CentralServer, sqlite_url

from pos_app.domain.catalog_item import CatalogItem
from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.ledger import EntryKind
from pos_app.domain.sale_record import SaleRecord
from pos_app.services import sync_ports
from pos_app.services.sync_ports import (
    NEWER_TOPICS_KEY,
    StoreChangeSink,
    StoreOutbox,
    load_exposure_state,
    save_exposure_state,
)
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import feed, imports, registers
from sync.central import settings as central_settings
from sync.client import OutboxNotEmpty, SyncLoop
from sync.client.exposure import ExposureState
from sync.client.http import DownloadedSnapshot
from sync.client.ports import ChangeSink, OutboxSource, ResendableOutbox
from sync.protocol import PullResponse, SnapshotHeader, format_cursor

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)

CUSTOMERS_CSV = (
    "id,name,email,phone,card,birthday,tier\n"
    "C1,Ana Pérez,ana@example.com,(415) 555-0101,2000000000015,1990-11-25,silver\n"
    "C2,José Müller,jose@example.com,,2000000000022,,\n"
)
CATALOG_CSV = "sku,name,price,categories,brand,tags\nSKU-1,Coffee beans,12.50,coffee|beans,Acme,organic\n"
PROMOTIONS = [
    {"id": "P-ONCE", "name": "5 off once", "kind": "discount", "priority": 10,
     "codes": [{"code": "once-5", "customer": None, "uses_left": 1}],
     "reward": {"type": "amount", "value": "5.00", "target": "order"}},
    {"id": "P-TEN", "name": "10% off coffee", "reward": {"type": "percent", "value": "10", "target": "items"}},
]


def add_order(uow, customer_id: str, total_minor: int) -> str:
    """The order an accrual belongs to (points are earned by orders; the central service checks them)."""
    order_id = uow.orders.next_order_number(uow.register_id, uow.order_prefix)
    uow.orders.add(SaleRecord(id=order_id, register_id=uow.register_id, created_at=NOW, currency="USD",
                              subtotal_minor=total_minor, discount_minor=0, points_value_minor=0,
                              total_minor=total_minor, customer_id=customer_id))
    return order_id


class Register:
    """One register: its store file, the sync ports over it, and a sync loop paired with the central."""

    def __init__(self, path: Path, central, register: str = "R1") -> None:
        self.path = path
        self.central = central
        self.client = central.client("S1", register)
        self._open()

    def _open(self) -> None:
        self.engine = open_store(self.path)
        self.uow = UnitOfWorkFactory(self.engine, register_id="R1")
        self.outbox = StoreOutbox(self.uow, self.client.register_id, clock=lambda: NOW)
        self.sink = StoreChangeSink(self.uow)
        self.loop = SyncLoop(self.client, self.outbox, self.sink, page_size=50)

    def restart(self) -> None:
        """The register process ends and starts again on the same file."""
        self.engine.dispose()
        self._open()

    def close(self) -> None:
        self.engine.dispose()

    def sync(self) -> None:
        assert self.loop.run_once(), self.loop.status.message

    def customer(self, customer_id: str) -> CustomerProfile | None:
        with self.uow(read_only=True) as uow:
            return uow.customers.get(customer_id)

    def sell(self, customer_id: str, earned: int, *, spent: int = 0, code: str | None = None) -> None:
        """What checkout writes to the ledger in one transaction: code use, redemption, accrual (no order row)."""
        with self.uow() as uow:
            if code is not None:
                assert uow.promotions.use_code(code)
                uow.ledger.append(EntryKind.CODE_USE, customer_id, 0, at=NOW, code=code,
                                  discount_minor=500)
            if spent:
                uow.ledger.append(EntryKind.REDEMPTION, customer_id, -spent, at=NOW,
                                  reason="payment")
            order_id = add_order(uow, customer_id, earned * 100)
            uow.ledger.append(EntryKind.ACCRUAL, customer_id, earned, at=NOW,
                              order_id=order_id, order_total_minor=earned * 100)
            uow.commit()

    def table(self, sql: str) -> list[tuple[object, ...]]:
        with self.engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(sql))]


@pytest.fixture
def at_central(central, tmp_path):
    """Run an operation in one committed transaction of the central service."""
    def run(operation, *args):
        with central.session() as s, s.begin():
            return operation(s, *args)

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    run.write = write
    return run


@pytest.fixture
def register(central, tmp_path, at_central):
    at_central(imports.import_customers, at_central.write("customers.csv", CUSTOMERS_CSV))
    reg = Register(tmp_path / "register.db", central)
    yield reg
    reg.close()


def test_the_store_implements_the_sync_clients_ports(register):
    assert isinstance(register.outbox, OutboxSource) and isinstance(register.outbox, ResendableOutbox)
    assert isinstance(register.sink, ChangeSink)


def test_a_sale_written_at_the_register_is_pushed_and_counted_at_the_central(register, central):
    register.sync()  # first sync: the snapshot brings the customers
    register.sell("C1", 120)
    register.sell("C1", 30, spent=50)
    assert register.outbox.pending_count() == 3
    assert register.customer("C1").points == 100  # nothing confirmed yet: all pending

    register.sync()

    assert central.balance("C1") == 100
    assert central.ledger_sums()["C1"] == 100
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries WHERE register_id = 'S1.R1'") == 3
    ana = register.customer("C1")
    assert (ana.confirmed_points, ana.pending_points) == (100, 0)
    assert register.outbox.pending_count() == 0
    assert {r[0] for r in register.table("SELECT result FROM outbox")} == {"created"}
    # A retried push is the same bytes: the entries the server holds are the ones the register wrote.
    wire = register.outbox.entries_from(1, 10)
    assert [e.seq for e in wire] == [1, 2, 3] and all(e.hash_is_valid() for e in wire)
    held = dict(central.rows("SELECT id, payload_hash FROM ledger_entries WHERE register_id = 'S1.R1'"))
    assert held == {e.id: e.payload_hash for e in wire}


def test_a_rejected_entry_leaves_pending_and_never_reaches_the_confirmed_balance(register, central):
    register.sync()
    register.sell("C1", 100)
    register.sync()
    with register.uow() as uow:  # an accrual must be positive at the central service
        uow.ledger.append(EntryKind.ACCRUAL, "C1", -40, at=NOW)
        uow.commit()
    assert register.customer("C1").points == 60

    register.sync()

    ana = register.customer("C1")
    assert (ana.confirmed_points, ana.pending_points) == (100, 0)
    assert central.balance("C1") == 100
    assert register.table("SELECT result FROM outbox WHERE seq = 2") == [("rejected:accrual_not_positive",)]


def test_every_topic_changed_at_the_central_is_pulled_into_the_store(register, central, at_central):
    at_central(central_settings.set_setting, "currency", "USD")
    at_central(central_settings.set_setting, "program.welcome_points", 100)
    at_central(central_settings.set_setting, "points.earn_rate", "2")
    at_central(central_settings.set_setting, "program.winback_days", 60)
    at_central(imports.import_catalog, at_central.write("catalog.csv", CATALOG_CSV))
    assert at_central(imports.import_promotions,
                      at_central.write("promotions.json", json.dumps(PROMOTIONS))).errors == []
    other = central.client("S1", "R9")
    at_central(registers.revoke, other.register_id)

    register.sync()

    with register.uow(read_only=True) as uow:
        ana = uow.customers.by_card("2000000000015")
        assert ana is not None and ana.id == "C1" and ana.tier == "silver"
        assert ana.birthday == date(1990, 11, 25)
        assert [c.id for c in uow.customers.by_phone("+14155550101")] == ["C1"]  # read as E.164
        assert [c.id for c in uow.customers.by_email("ANA@example.com")] == ["C1"]
        item = uow.catalog.by_sku("SKU-1")
        assert item is not None and item.unit_price_minor == 1250 and item.categories == ("coffee", "beans")
        assert item.brand == "Acme" and item.tags == ("organic",)
        promo = uow.promotions.get("P-ONCE")
        assert promo["reward"] == {"type": "amount", "value": "5.00", "target": "order"}
        assert promo["codes"] == [{"code": "once-5", "customer": None, "uses_left": 1}]
        assert uow.promotions.find_code(" ONCE-5 ").uses_left == 1
        assert {p["id"] for p in uow.promotions.all_active()} == {"P-ONCE", "P-TEN"}
        settings = uow.settings.get()
        assert (settings.currency, settings.welcome_points, settings.earn_rate) == ("USD", 100, "2")
    assert register.sink.pulled_settings()["program.winback_days"] == 60
    assert register.sink.revoked_registers() == {other.register_id}

    # Later changes arrive as pages after the cursor, not as another snapshot.
    at_central(imports.import_customers, at_central.write(
        "more.csv", "id,name,email,phone,card,birthday,tier\nC1,Ana Pérez-Ruiz,ana@example.com,,2000000000015,,gold\n"
                    "C3,Li Wei,li@example.com,,2000000000039,,\n"))
    at_central(central_settings.set_setting, "program.welcome_points", 150)
    register.sync()

    assert register.sink.snapshot_count() == 1
    ana = register.customer("C1")
    assert (ana.name, ana.tier, ana.phone) == ("Ana Pérez-Ruiz", "gold", None)
    assert register.customer("C3").card_number == "2000000000039"
    with register.uow(read_only=True) as uow:
        assert uow.settings.get().welcome_points == 150
        assert [c.id for c in uow.customers.search_name("ruiz")] == ["C1"]  # the name index follows


def test_a_customer_enrolled_at_the_register_keeps_what_the_central_does_not_know(register, central):
    register.sync()
    with register.uow() as uow:
        uow.customers.add(CustomerProfile(id="N1", name="Nora New", card_number="2900000000017",
                                          phone="+14155550199", email="nora@example.com"),
                          origin="register", enrolled_at=NOW)
        uow.ledger.append(EntryKind.ACCRUAL, "N1", 25, at=NOW, order_id=add_order(uow, "N1", 2500),
                          order_total_minor=2500)
        uow.commit()

    register.sync()  # the central service creates a stub (no name, no card) and publishes it

    assert central.scalar("SELECT name FROM customers WHERE id = 'N1'") == ""
    nora = register.customer("N1")
    assert (nora.name, nora.card_number, nora.phone, nora.email) == (
        "Nora New", "2900000000017", "+14155550199", "nora@example.com")
    assert (nora.confirmed_points, nora.pending_points) == (25, 0)


def test_a_code_used_here_and_not_yet_acknowledged_stays_used_when_the_central_republishes_it(
        register, central, at_central):
    promotions = at_central.write("promotions.json", json.dumps(PROMOTIONS))
    at_central(imports.import_promotions, promotions)
    register.sync()
    register.sell("C1", 10, code="ONCE-5")
    at_central(imports.import_promotions, promotions)  # re-published: the code shows 1 use left

    page = register.client.pull(register.sink.cursor())  # pulled before the use is pushed
    register.sink.apply_page(page.changes, page.cursor)
    with register.uow(read_only=True) as uow:
        assert uow.promotions.find_code("ONCE-5").uses_left == 0

    register.sync()  # pushed: the central counts the use and says so
    assert central.scalar("SELECT used FROM codes WHERE code = 'ONCE-5'") == 1
    with register.uow(read_only=True) as uow:
        assert uow.promotions.find_code("ONCE-5").uses_left == 0


def test_the_cursor_survives_a_restart(register, central, at_central):
    register.sync()
    cursor = register.sink.cursor()
    head = central.scalar("SELECT MAX(seq) FROM changes")
    assert cursor == format_cursor(head)

    register.restart()

    assert register.sink.cursor() == cursor
    assert register.loop.pull_changes() == 0
    at_central(central_settings.set_setting, "program.welcome_points", 7)
    register.restart()
    assert register.loop.pull_changes() == 1
    assert register.sink.snapshot_count() == 1  # no second snapshot after a restart
    with register.uow(read_only=True) as uow:
        assert uow.settings.get().welcome_points == 7


def test_a_failure_inside_apply_page_changes_neither_the_data_nor_the_cursor(register, central, at_central):
    register.sync()
    cursor = register.sink.cursor()
    at_central(imports.import_customers, at_central.write(
        "tiers.csv", "id,name,tier\nC1,Ana Pérez,gold\nC2,José Müller,gold\n"))
    at_central(central_settings.set_setting, "program.welcome_points", 300)
    with register.uow(read_only=True) as uow:
        before = uow.settings.get()

    def power_cut() -> None:
        raise KeyboardInterrupt("power cut")  # not an Exception: nothing may swallow it

    register.sink.before_cursor = power_cut
    with pytest.raises(KeyboardInterrupt):
        register.loop.pull_changes()

    assert register.sink.cursor() == cursor
    assert register.customer("C1").tier == "silver" and register.customer("C2").tier is None
    with register.uow(read_only=True) as uow:
        assert uow.settings.get() == before

    register.sink.before_cursor = None
    assert register.loop.pull_changes() == 3  # exactly the changes after the saved cursor
    assert register.customer("C1").tier == register.customer("C2").tier == "gold"
    assert register.sink.cursor() == format_cursor(central.scalar("SELECT MAX(seq) FROM changes"))


def test_a_410_brings_a_snapshot_that_replaces_the_cache(register, central, at_central):
    at_central(imports.import_catalog, at_central.write("catalog.csv", CATALOG_CSV))
    at_central(imports.import_promotions, at_central.write("promotions.json", json.dumps(PROMOTIONS)))
    register.sync()
    assert register.sink.snapshot_count() == 1
    with register.uow() as uow:  # cached here, unknown to the central service
        uow.promotions.upsert({"id": "P-STALE", "name": "stale", "reward": {"type": "percent", "value": "50",
                                                                              "target": "order"}})
        uow.catalog.upsert_many([CatalogItem(sku="SKU-OLD", name="Old", unit_price_minor=1)])
        uow.commit()
    at_central(imports.import_catalog, at_central.write(
        "catalog2.csv", "sku,name,price\nSKU-1,Coffee beans,13.00\nSKU-2,Tea,4.00\n"))
    with central.session() as s, s.begin():
        head = feed.assign_sequence(s)
    with central.session() as s, s.begin():
        feed.compact(s, head)  # the register's cursor is now older than the feed: 410

    register.sync()

    assert register.sink.snapshot_count() == 2
    assert register.sink.cursor() == format_cursor(head)
    with register.uow(read_only=True) as uow:
        assert uow.catalog.by_sku("SKU-1").unit_price_minor == 1300
        assert uow.catalog.by_sku("SKU-2").unit_price_minor == 400
        assert uow.catalog.by_sku("SKU-OLD") is None
        assert {p["id"] for p in uow.promotions.all_active()} == {"P-ONCE", "P-TEN"}
        assert uow.customers.count() == 2


def test_a_failed_snapshot_leaves_the_cache_and_the_cursor_as_they_were(register, central, at_central):
    register.sync()
    cursor = register.sink.cursor()
    at_central(imports.import_catalog, at_central.write("catalog.csv", CATALOG_CSV))

    def cut() -> None:
        raise OSError("disk full")

    register.sink.before_cursor = cut
    with pytest.raises(OSError), register.client.snapshot() as snapshot:
        register.sink.apply_snapshot(snapshot.cursor, snapshot.items())

    assert register.sink.cursor() == cursor and register.sink.snapshot_count() == 1
    with register.uow(read_only=True) as uow:
        assert uow.catalog.count() == 0


def test_a_central_restored_from_a_backup_gets_the_acknowledged_entries_again(register, tmp_path):
    register.sync()
    for points in (10, 11, 12, 13):
        register.sell("C1", points)
    register.sync()
    restored = CentralServer(sqlite_url(tmp_path / "restored.db"))  # a backup from before these sales
    try:
        with restored.session() as s, s.begin():
            imports.import_customers(s, tmp_path / "customers.csv")
        loop = SyncLoop(restored.client("S1", "R1"), register.outbox, register.sink, batch_size=2)
        register.sell("C1", 100)

        assert loop.run_once(), loop.status.message  # seq gap: the acknowledged entries are sent again

        assert restored.scalar("SELECT COUNT(*) FROM ledger_entries WHERE register_id = 'S1.R1'") == 5
        assert restored.balance("C1") == 146
        ana = register.customer("C1")
        assert (ana.confirmed_points, ana.pending_points) == (146, 0)
    finally:
        restored.stop()


def test_unpairing_is_refused_while_the_outbox_holds_entries(register):
    register.sync()
    register.sell("C1", 10)

    with pytest.raises(OutboxNotEmpty):
        register.client.unpair(register.outbox)
    assert register.client.token is not None

    register.sync()
    register.client.unpair(register.outbox)
    assert register.client.token is None and register.client.register_id is None


def test_the_cache_age_survives_a_restart(register):
    assert load_exposure_state(register.uow) == ExposureState()
    save_exposure_state(register.uow, ExposureState(3600.5))

    register.restart()

    assert load_exposure_state(register.uow) == ExposureState(3600.5)


def test_a_snapshot_leaves_the_store_free_for_a_checkout_between_its_chunks(register, central, at_central,
                                                                           monkeypatch):
    import sqlite3

    from pos_app.services import sync_ports

    monkeypatch.setattr(sync_ports, "CUSTOMER_CHUNK", 2)
    rows = "".join(f"M{n},Member {n},,,,,\n" for n in range(7))
    at_central(imports.import_customers, at_central.write("many.csv", "id,name,email,phone,card,birthday,tier\n" + rows))
    writes: list[str] = []

    def a_checkout_meanwhile() -> None:
        # Another connection takes the write lock at once, as checkout does: no transaction may be open.
        connection = sqlite3.connect(register.path, timeout=0.2, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            writes.append("ok")
        finally:
            connection.close()

    register.sink.between_chunks = a_checkout_meanwhile
    register.sync()  # the first sync is a snapshot of 9 members

    assert len(writes) >= 4 and set(writes) == {"ok"}
    assert register.sink.snapshot_count() == 1
    with register.uow(read_only=True) as uow:
        assert uow.customers.count() == 9


def test_a_register_whose_audit_log_was_rewritten_is_named_at_the_central(register, central):
    from pos_app.domain.audit_chain import record_hash, verify_chain

    with register.uow() as uow:
        for n in range(3):
            uow.audit.append("M1", "points_adjusted", {"customer": "C1", "points": 10 + n}, NOW)
        uow.commit()
    register.sync()
    register.sell("C1", 5)
    register.sync()  # the central saw the head and asked for its hash again: all is well
    assert central.scalar("SELECT COUNT(*) FROM alerts") == 0

    # Someone with the register's disk changes record 2 and re-hashes every record after it.
    with register.engine.begin() as connection:
        connection.execute(sa.text("DROP TRIGGER audit_log_no_update"))
        rows = connection.execute(sa.text("SELECT seq, at, actor_id, action, details FROM audit_log ORDER BY seq")).all()
        prev = "0" * 64
        for seq, at, actor, action, details in rows:
            data = json.loads(details)
            if seq == 2:
                data["points"] = 1000
            digest = record_hash(prev, seq, datetime.fromisoformat(at), actor, action, data)
            connection.execute(sa.text("UPDATE audit_log SET details = :d, prev_hash = :p, hash = :h WHERE seq = :s"),
                               {"d": json.dumps(data, sort_keys=True, separators=(",", ":")), "p": prev,
                                "h": digest, "s": seq})
            prev = digest
    with register.uow(read_only=True) as uow:
        assert verify_chain(uow.audit.records()).ok  # locally the rewritten chain checks out
    register.sell("C1", 5)

    register.sync()

    alerts = central.rows("SELECT kind, register_id, detail FROM alerts")
    assert [(a.kind, a.register_id) for a in alerts] == [("audit_chain_rewritten", "S1.R1")]
    assert "rewritten" in alerts[0].detail or "another hash" in alerts[0].detail


class NewerCentral:
    """The real central service's answers, as a newer version would give them: each page and the snapshot
    also carry a record of a topic this register does not know yet ("badge")."""

    BADGE = {"topic": "badge", "key": "B1", "data": {"name": "Early bird"}}

    def __init__(self, client) -> None:
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def pull(self, cursor: str, limit: int = 500) -> PullResponse:
        page = json.loads(self.client.pull(cursor, limit).model_dump_json())
        page["changes"].append({"seq": 10_000 + len(page["changes"]), **self.BADGE})
        return PullResponse.model_validate_json(json.dumps(page))

    def snapshot(self) -> DownloadedSnapshot:
        real = self.client.snapshot()
        spool = tempfile.TemporaryFile()
        spool.write(SnapshotHeader(feed_schema=real.feed_schema, cursor=real.cursor).model_dump_json().encode()
                    + b"\n")
        spool.write(json.dumps({"seq": 1, **self.BADGE}).encode() + b"\n")
        with real:
            for change in real.items():
                spool.write(change.model_dump_json().encode() + b"\n")
        spool.seek(0)
        spool.readline()
        return DownloadedSnapshot(SnapshotHeader(feed_schema=real.feed_schema, cursor=real.cursor), spool)


def test_records_of_a_newer_central_are_skipped_and_restored_by_a_snapshot_after_the_upgrade(
    register, central, at_central, monkeypatch
):
    register.loop = SyncLoop(NewerCentral(register.client), register.outbox, register.sink, page_size=50)
    register.sync()  # the first sync is a snapshot
    at_central(imports.import_catalog, at_central.write("catalog.csv", CATALOG_CSV))
    register.sync()  # then a page

    assert register.customer("C1") is not None  # what this version knows flows on
    with register.uow(read_only=True) as uow:
        assert uow.catalog.by_sku("SKU-1").unit_price_minor == 1250
        assert uow.sync_state.get(NEWER_TOPICS_KEY) == ["badge"]
    assert register.sink.snapshot_count() == 1 and register.sink.cursor() is not None

    # The register is upgraded to a version that knows badges: its next sync downloads a snapshot.
    monkeypatch.setattr(sync_ports, "KNOWN_TOPICS", sync_ports.KNOWN_TOPICS | {"badge"})
    assert register.sink.cursor() is None
    register.loop = SyncLoop(register.client, register.outbox, register.sink, page_size=50)
    register.sync()
    assert register.sink.snapshot_count() == 2
    with register.uow(read_only=True) as uow:
        assert uow.sync_state.get(NEWER_TOPICS_KEY) == []
        assert uow.catalog.by_sku("SKU-1").unit_price_minor == 1250
    assert register.sink.cursor() is not None
