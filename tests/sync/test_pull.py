"""Pulling the change feed: pages with their cursor in one transaction, 410 and verified snapshots."""

from __future__ import annotations

import json

import pytest
from faultproxy import FaultProxy

from sync.central import feed, imports
from sync.central import settings as central_settings
from sync.client import CursorExpired, SnapshotHashMismatch, SyncLoop
from sync.protocol import format_cursor


def _seed_customers(central, tmp_path, count: int) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("id,name,email,birthday,tier\n" + "".join(
        f"C{i:04d},Customer {i},c{i}@example.com,1990-01-{1 + i % 28:02d},silver\n" for i in range(count)))
    with central.session() as s, s.begin():
        assert imports.import_customers(s, path, chunk=97).errors == []


def test_pages_are_applied_with_their_cursor_and_resume_after_it(central, make_store, tmp_path):
    _seed_customers(central, tmp_path, 250)
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.apply_page([], format_cursor(0))  # start from the feed, not a snapshot
    loop = SyncLoop(client, store, store, page_size=40)

    assert loop.pull_changes() >= 250

    assert len(store.records("customer")) == 250
    assert store.cursor() == format_cursor(central.scalar("SELECT MAX(seq) FROM changes"))
    _seed_customers(central, tmp_path, 260)  # 250 updated, 10 new
    assert loop.pull_changes() == 260
    assert len(store.records("customer")) == 260
    assert store.snapshot_count() == 0


def test_crash_between_applying_a_page_and_saving_the_cursor_misses_nothing_and_applies_nothing_twice(
        central, make_store, tmp_path):
    _seed_customers(central, tmp_path, 120)
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.apply_page([], format_cursor(0))
    loop = SyncLoop(client, store, store, page_size=50)
    pages = {"n": 0}

    def crash_on_second_page():
        pages["n"] += 1
        if pages["n"] == 2:
            raise KeyboardInterrupt("power cut")  # not an Exception: nothing may swallow it

    store.between_page_and_cursor = crash_on_second_page
    with pytest.raises(KeyboardInterrupt):
        loop.pull_changes()
    assert len(store.records("customer")) == 50  # page 1 only; page 2 rolled back with its cursor
    assert store.cursor() == format_cursor(50)

    store.between_page_and_cursor = None
    loop.pull_changes()
    # applied_changes has a primary key on the change seq: a change applied twice would have failed.
    assert len(store.records("customer")) == 120
    head = central.scalar("SELECT MAX(seq) FROM changes")
    assert store._conn.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM applied_changes").fetchone() == (
        head, 1, head)


def test_cursor_too_old_gets_410_and_a_verified_snapshot(central, make_store, tmp_path):
    _seed_customers(central, tmp_path, 30)
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    store.apply_page([], format_cursor(0))
    _seed_customers(central, tmp_path, 40)  # 30 superseded changes
    with central.session() as s, s.begin():
        assert feed.compact(s, feed.assign_sequence(s)) == 30
    with pytest.raises(CursorExpired):
        client.pull(format_cursor(0))

    assert SyncLoop(client, store, store).run_once()

    assert store.snapshot_count() == 1
    assert len(store.records("customer")) == 40
    assert store.cursor() == format_cursor(central.scalar("SELECT MAX(seq) FROM changes"))


def test_feed_schema_change_gets_410(central):
    client = central.client("S1", "R1")
    with pytest.raises(CursorExpired) as info:
        client.pull("0.5")
    assert info.value.status == 410
    with pytest.raises(CursorExpired):
        client.pull(format_cursor(10_000))  # ahead of anything this server numbered


def test_snapshot_with_a_wrong_hash_is_refused_and_nothing_applied(central, make_store, tmp_path):
    _seed_customers(central, tmp_path, 10)
    proxy = FaultProxy(central.port, policy=lambda r: "corrupt" if r.path.startswith("/v1/snapshot") else "pass")
    try:
        client = central.client("S1", "R1", url=proxy.url)
        store = make_store("S1.R1")
        loop = SyncLoop(client, store, store)
        with pytest.raises(SnapshotHashMismatch):
            loop.pull_changes()
        assert store.cursor() is None and store.records("customer") == {}
        assert not loop.run_once() and loop.status.state == "error"
        proxy.policy = lambda r: "pass"
        assert loop.run_once()
        assert len(store.records("customer")) == 10
    finally:
        proxy.close()


def test_first_sync_pulls_customers_catalog_promotions_codes_and_settings(central, make_store, tmp_path):
    _seed_customers(central, tmp_path, 3)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("sku,name,price,categories,brand,tags\nA,Pen,1.50,office|school,acme,new\nB,Ink,2.00,,,\n")
    promos = tmp_path / "promos.json"
    promos.write_text(json.dumps({"promotions": [{"id": "P1", "name": "10% office", "reward": {
        "type": "percent", "value": "10", "target": "items"}, "codes": [{"code": "SPRING10", "customer": None,
                                                                         "uses_left": None}]}]}))
    with central.session() as s, s.begin():
        assert imports.import_catalog(s, catalog).errors == []
        assert imports.import_promotions(s, promos).errors == []
        central_settings.set_setting(s, "program.welcome_points", 50)
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    assert SyncLoop(client, store, store).run_once()
    assert store.record_of("catalog_item", "A") == {"sku": "A", "name": "Pen", "unit_price": "1.50",
                                                    "categories": ["office", "school"], "brand": "acme",
                                                    "tags": ["new"]}
    assert store.record_of("promotion", "P1")["reward"]["value"] == "10"
    assert store.record_of("code", "SPRING10")["uses_left"] is None
    assert store.record_of("setting", "program.welcome_points")["value"] == 50
    assert store.record_of("customer", "C0001")["tier"] == "silver"
