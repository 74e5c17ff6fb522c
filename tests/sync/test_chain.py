"""One program across the chain: members, codes, orders and points move between stores.

A real central service on 127.0.0.1:0 (its database SQLite, and PostgreSQL
in a schema of its own) and three real register stores in two stores: S1
with R1 and R2, and S2 with R1 (the same register id in two stores, on
purpose). Each register is its SQLite store synced by the real `SyncLoop`
through `pos_app.services.sync_ports`; sales go through the same `pay` use
case the window and the till's API call, returns through `locate_order` and
`return_items`.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from harness import CentralServer, sqlite_url

from pos_app.domain.customer_profile import Consents
from pos_app.services import sale
from pos_app.services.checkout import ONLINE, CompletedSale, Connectivity, pay
from pos_app.services.enrollment import Enrolled, enroll_customer
from pos_app.services.identification import Identified, identify
from pos_app.services.outcome import Refused
from pos_app.services.returns import ReturnResult, locate_order, return_items
from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.central import feed, grants, imports, members, operations
from sync.central import settings as central_settings
from sync.client import SyncLoop
from sync.client.chain import CentralCalls
from sync.protocol import ChangeTopic, EntryKind

CARD_MARIA, CARD_IVAN, CARD_IVAN_2, CARD_ANA = "2900000001008", "2900000001015", "2900000001022", "2000000000015"
CATALOG = "sku,name,price,categories\nCOF,Coffee,3.50,drinks\nMUG,Mug,12.00,home\nBAG,Tote bag,25.00,home\n"
MEMBERS = "id,name,email,phone,card,birthday,tier\nC1,Ana Pérez,ana@example.com,+14155550101,2000000000015,,silver\n"
PROMOTIONS = [
    # The next-visit offer: its codes are issued by registers only (none listed here, still code-gated).
    {"id": "NV", "name": "10% off your next visit", "kind": "discount", "priority": 20,
     "reward": {"type": "percent", "value": "10", "target": "order"}},
    {"id": "SPRING", "name": "5 off with SPRING", "kind": "discount", "priority": 30,
     "codes": [{"code": "SPRING", "customer": None, "uses_left": None}],
     "reward": {"type": "amount", "value": "5.00", "target": "order"}},
]


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request, tmp_path) -> Iterator[CentralServer]:
    if request.param == "sqlite":
        server = CentralServer(sqlite_url(tmp_path / "central.db"))
        yield server
        server.stop()
        return
    url = request.getfixturevalue("postgres_url")
    schema = f"pos_chain_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    server = CentralServer(f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}")
    try:
        yield server
    finally:
        server.stop()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Till:
    """One register of the chain: its own store file, paired with the central service, syncing for real."""

    def __init__(self, central: CentralServer, folder: Path, store: str, register: str) -> None:
        self.name = f"{store}.{register}"
        self.engine = open_store(folder / f"{store}-{register}.db")
        self.client = central.client(store, register)
        self.uow = UnitOfWorkFactory(self.engine, register, store_id=store, register_name=register)
        self.loop = SyncLoop(self.client, StoreOutbox(self.uow, self.client.register_id), StoreChangeSink(self.uow),
                             page_size=200)
        self.online = True
        self.chain = CentralCalls(self.client, online=lambda: self.online)

    def sync(self) -> None:
        assert self.loop.run_once(), f"{self.name}: {self.loop.status.message}"

    def enroll(self, name: str, **keys: object) -> Enrolled:
        done = enroll_customer(self.uow(), name=name, now=datetime.now(UTC), cashier_id="K1", **keys)  # type: ignore[arg-type]
        assert isinstance(done, Enrolled), done
        return done

    def identify(self, typed: str) -> str:
        found = identify(self.uow(read_only=True), typed)
        assert isinstance(found, Identified), f"{self.name} {typed!r}: {found}"
        return found.customer.id

    def sell(self, *skus: str, member: str | None = None, codes: tuple[str, ...] = (), points: int | str = 0
             ) -> CompletedSale | Refused:
        draft = sale.new_sale(self.uow.store_id)
        for sku in skus:
            added = sale.add_item(self.uow(read_only=True), draft, sku)
            assert not isinstance(added, Refused), added
            draft = added
        if member is not None:
            draft = sale.attach_customer(draft, member)
        for code in codes:
            with_code = sale.apply_code(self.uow(read_only=True), draft, code)
            if isinstance(with_code, Refused):
                return with_code
            draft = with_code
        if points:
            asked = sale.request_redemption(draft, points)
            assert not isinstance(asked, Refused), asked
            draft = asked
        connectivity = ONLINE if self.online else Connectivity(online=False)
        return pay(self.uow, draft, now=datetime.now(UTC), cashier_id="K1", connectivity=connectivity,
                   chain=self.chain if self.online else None)

    def paid(self, *skus: str, **kwargs: object) -> CompletedSale:
        done = self.sell(*skus, **kwargs)  # type: ignore[arg-type]
        assert isinstance(done, CompletedSale), f"{self.name}: {done}"
        return done

    def points(self, member: str) -> int:
        with self.uow(read_only=True) as uow:
            customer = uow.customers.get(member)
            return customer.points if customer else 0

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def chain(central, tmp_path) -> Iterator[dict[str, Till]]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    with central.session() as s, s.begin():
        central_settings.set_setting(s, "currency", "USD")
        central_settings.set_setting(s, "program.next_visit_promotion_id", "NV")
        central_settings.set_setting(s, "program.next_visit_min_total_minor", 1000)
        central_settings.set_setting(s, "return_window_days", 0)  # earned points spendable at once
        assert imports.import_catalog(s, write("catalog.csv", CATALOG)).errors == []
        assert imports.import_customers(s, write("members.csv", MEMBERS)).errors == []
        assert imports.import_promotions(s, write("promotions.json", json.dumps(PROMOTIONS))).errors == []
    tills = {name: Till(central, tmp_path, *name.split(".")) for name in ("S1.R1", "S1.R2", "S2.R1")}
    for till in tills.values():
        till.sync()
    yield tills
    for till in tills.values():
        till.close()


def sync_all(chain: dict[str, Till]) -> None:
    for till in chain.values():
        till.sync()


def test_a_member_enrolled_at_one_store_is_found_at_the_other_by_every_key(chain, central):
    s1, s2 = chain["S1.R1"], chain["S2.R1"]
    maria = s1.enroll("María López", card_number=CARD_MARIA, phone="(415) 555-0142",
                      email="Maria.Lopez@Example.com", birthday=date(1991, 3, 9), consents=Consents(email=True))

    s1.sync()
    s2.sync()

    member = maria.customer.id
    assert s2.identify(CARD_MARIA) == member
    assert s2.identify("415-555-0142") == member
    assert s2.identify("maria.lopez@EXAMPLE.com") == member
    assert s2.identify("mari lóp") == member
    row = central.rows("SELECT name, card, phone, email, birthday, consent_email, consent_sms, enrolled_register_id "
                       "FROM customers WHERE id = :id", id=member)[0]
    assert tuple(row)[:4] == ("María López", CARD_MARIA, "+14155550142", "Maria.Lopez@example.com")
    assert str(row[4]) == "1991-03-09" and (bool(row[5]), bool(row[6])) == (True, False)
    assert row[7] == "S1.R1"


def test_a_next_visit_code_issued_at_s1_is_used_at_s2_then_refused_at_s1(chain, central):
    s1, s2 = chain["S1.R1"], chain["S2.R1"]
    first = s1.paid("MUG", member="C1")
    assert first.next_visit is not None
    code = first.next_visit.code_text
    s1.sync()
    s2.sync()

    second = s2.paid("COF", member="C1", codes=(code,))

    assert [a.id for a in second.priced.result.applied] == ["NV"]
    s2.sync()
    s1.sync()
    refused = s1.sell("COF", member="C1", codes=(code,))
    assert isinstance(refused, Refused) and refused.reason == "code_used"
    assert central.rows("SELECT used, issued_by, order_id FROM codes WHERE code = :c", c=code) == [
        (1, "S1.R1", first.order_number)]
    with central.session() as s:
        assert operations.leakage_total(s) == 0  # a legitimate use at another store is not leakage
    assert central.scalar("SELECT COUNT(*) FROM conflicts") == 0


def test_the_orders_of_every_register_reach_the_central_with_their_lines(chain, central):
    sold = {
        "S1.R1": chain["S1.R1"].paid("MUG", "COF", member="C1"),
        "S1.R2": chain["S1.R2"].paid("BAG"),  # anonymous
        "S2.R1": chain["S2.R1"].paid("COF", "COF", codes=("SPRING",)),
    }
    sync_all(chain)

    assert {name: done.order_number for name, done in sold.items()} == {
        "S1.R1": "S1-R1-000001", "S1.R2": "S1-R2-000001", "S2.R1": "S2-R1-000001"}
    orders = {r.id: r for r in central.rows(
        "SELECT id, register_id, store_id, customer_id, total_minor, discount_minor, has_lines FROM orders")}
    assert set(orders) == {done.order_number for done in sold.values()}
    for name, done in sold.items():
        order = orders[done.order_number]
        assert (order.register_id, order.store_id, bool(order.has_lines)) == (name, name.split(".")[0], True)
        assert (order.customer_id, order.total_minor) == (done.order.customer_id, done.order.total_minor)
        lines = central.rows("SELECT sku, qty, net_minor, allocations FROM order_lines WHERE order_id = :o "
                             "ORDER BY position", o=done.order_number)
        assert [(line.sku, line.qty, line.net_minor) for line in lines] == [
            (line.sku, line.qty, line.net_minor) for line in done.order.lines]
        assert sum(line.net_minor for line in lines) == done.order.total_minor
    spring = central.rows("SELECT allocations FROM order_lines WHERE order_id = 'S2-R1-000001'")
    assert sum(json.loads(r.allocations).get("SPRING", 0) for r in spring) == 500
    assert central.scalar("SELECT spent_minor FROM customers WHERE id = 'C1'") == sold["S1.R1"].order.total_minor


def test_a_sale_made_at_s1_is_returned_at_s2(chain, central):
    s1, s2 = chain["S1.R1"], chain["S2.R1"]
    bought = s1.paid("MUG", "MUG", "COF", member="C1")
    s1.sync()
    s2.sync()
    mug = next(line for line in bought.order.lines if line.sku == "MUG")
    points_before = s2.points("C1")

    order = locate_order(s2.uow, bought.order_number, chain=s2.chain)
    assert not isinstance(order, Refused), order
    returned = return_items(s2.uow(), order.id, {mug.line_id: 1}, now=datetime.now(UTC), cashier_id="K2")

    assert isinstance(returned, ReturnResult) and returned.refund_minor == mug.net_minor // 2
    assert returned.points_taken_back == mug.points_earned // 2
    assert s2.points("C1") == points_before - returned.points_taken_back
    s2.sync()
    assert central.rows("SELECT qty_returned FROM order_lines WHERE order_id = :o AND line_id = :l",
                        o=bought.order_number, l=mug.line_id) == [("1",)]
    assert central.scalar("SELECT refunded_minor FROM orders WHERE id = :o", o=bought.order_number) == \
        returned.refund_minor
    assert central.scalar("SELECT spent_minor FROM customers WHERE id = 'C1'") == \
        bought.order.total_minor - returned.refund_minor
    # The register that sold it sees the return made elsewhere, so it cannot return the same mug twice.
    s1.sync()
    again = locate_order(s1.uow, bought.order_number, chain=s1.chain)
    assert not isinstance(again, Refused)
    assert next(line for line in again.lines if line.sku == "MUG").qty_returned == "1"
    refused = return_items(s1.uow(), again.id, {mug.line_id: 2}, now=datetime.now(UTC))
    assert isinstance(refused, Refused) and refused.reason == "more_than_sold"
    # Offline, a register says plainly that another register's order needs the central service.
    s1r2 = chain["S1.R2"]
    s1r2.online = False
    offline = locate_order(s1r2.uow, bought.order_number, chain=s1r2.chain)
    assert isinstance(offline, Refused) and offline.reason == "needs_central"
    assert "central service" in offline.message


def test_two_registers_redeeming_online_cannot_spend_the_same_points_twice(chain, central):
    r1, r2 = chain["S1.R1"], chain["S1.R2"]
    with central.session() as s, s.begin():
        grants.book_central_entries(s, [("C1", EntryKind.ADJUSTMENT, 500, "test-opening")])
    sync_all(chain)
    assert r1.points("C1") == r2.points("C1") == 500

    first = r1.paid("BAG", member="C1", points=400)  # held at the central service, not pushed yet
    second = r2.sell("BAG", member="C1", points=400)

    assert first.order.points_redeemed == 400
    assert isinstance(second, Refused) and second.reason == "insufficient_points"
    assert "100 points across the chain" in second.message
    third = r2.paid("COF", member="C1", points=100)
    assert third.order.points_redeemed == 100
    r2.sync()
    r1.sync()
    assert central.balance("C1") == 0 + first.order.points_earned + third.order.points_earned
    assert central.scalar("SELECT COUNT(*) FROM conflicts WHERE kind = 'offline_overdraft'") == 0
    assert central.scalar("SELECT COALESCE(SUM(remaining), 0) FROM holds") == 0  # booked, nothing held

    # At the very same moment: the central service grants one of two holds on the same points.
    balance = central.balance("C1")
    answers: list[bool] = []
    barrier = threading.Barrier(2)

    def ask(till: Till) -> None:
        barrier.wait()
        answers.append(till.chain.hold_points("C1", balance, str(uuid.uuid4())).granted)

    threads = [threading.Thread(target=ask, args=(t,)) for t in (r1, r2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(answers) == [False, True]


def test_an_unreachable_central_service_lets_the_sale_go_on_under_the_offline_caps(chain, central):
    r1 = chain["S1.R1"]
    with central.session() as s, s.begin():
        central_settings.set_setting(s, "offline.offline_customer_cap", 500)
    r1.sync()
    with r1.uow() as uow:
        uow.ledger.append(EntryKind.ADJUSTMENT, "C1", 900, at=datetime.now(UTC), reason="test")
        uow.commit()
    r1.online = False
    r1.chain = CentralCalls(r1.client, online=lambda: False)

    capped = pay(r1.uow, sale.request_redemption(sale.attach_customer(
        sale.add_item(r1.uow(read_only=True), sale.new_sale("S1"), "BAG"), "C1"), 800),
        now=datetime.now(UTC), cashier_id="K1", chain=r1.chain)

    assert isinstance(capped, Refused) and capped.reason == "offline_customer_cap"
    assert "may spend 500 more points" in capped.message


def test_bad_imports_are_refused_line_by_line_and_never_stop_the_registers(chain, central, tmp_path):
    def run(importer, name: str, content: bytes) -> imports.ImportReport:
        path = tmp_path / name
        path.write_bytes(content)
        with central.session() as s, s.begin():
            return importer(s, path)

    duplicate = run(imports.import_customers, "dup.csv",
                    f"id,name,card,phone,email\nC7,Eve,{CARD_ANA},,\nC8,Finn,{CARD_IVAN},+14155550177,f@example.com\n"
                    f"C9,Gus,{CARD_IVAN},,\nC10,Hal,,(415) 555-0177,\nC11,Ida,,,F@EXAMPLE.COM\n".encode())
    assert [e.split(":")[0] for e in duplicate.errors] == ["line 2", "line 4", "line 5", "line 6"]
    assert "already belongs to member C1" in duplicate.errors[0]
    assert duplicate.imported == 1  # Finn

    tiers_only = run(imports.import_customers, "tiers.csv", b"id,tier\nC1,gold\n")
    assert (tiers_only.updated, tiers_only.errors) == (1, [])
    assert tuple(central.rows("SELECT name, card, phone, email, tier FROM customers WHERE id = 'C1'")[0]) == (
        "Ana Pérez", CARD_ANA, "+14155550101", "ana@example.com", "gold")

    latin1 = run(imports.import_customers, "latin1.csv",
                 "id,name\nC12,José\nC13,Plain\n".encode("latin-1"))
    assert latin1.imported == 1 and latin1.errors == ["line 2: not UTF-8 text (save the file as UTF-8)"]

    long_email = run(imports.import_customers, "long.csv",
                     f"id,name,email\nC14,Long,{'x' * 300}@example.com\nC15,Short,s@example.com\n".encode())
    assert long_email.imported == 1 and long_email.errors[0].startswith("line 2: email")

    stolen = run(imports.import_promotions, "stolen.json", json.dumps([
        {"id": "OTHER", "name": "uses SPRING too", "codes": [{"code": "spring", "customer": None, "uses_left": 1}],
         "reward": {"type": "percent", "value": "50", "target": "order"}}]).encode())
    assert stolen.imported == 0 and "already belongs to promotion SPRING" in stolen.errors[0]
    more_uses = run(imports.import_promotions, "more.json", json.dumps([
        {**PROMOTIONS[1], "codes": [{"code": "SPRING", "customer": None, "uses_left": 3}]}]).encode())
    assert more_uses.errors == []
    assert central.scalar("SELECT uses_allowed FROM codes WHERE code = 'SPRING'") == 3

    sync_all(chain)  # every register still syncs, and has all of it
    for till in chain.values():
        assert till.identify(CARD_ANA) == "C1"
        assert till.identify("+1 415 555 0177") == "C8"
        with till.uow(read_only=True) as uow:
            assert uow.customers.get("C1").tier == "gold" and uow.customers.get("C1").name == "Ana Pérez"
            assert uow.customers.get("C13") is not None and uow.customers.get("C12") is None
            assert uow.promotions.find_code("SPRING").uses_left == 3
            assert uow.quarantine.count() == 0


def test_the_same_member_enrolled_at_two_stores_offline_is_shown_then_merged(chain, central, capsys):
    s1, s2, s1r2 = chain["S1.R1"], chain["S2.R1"], chain["S1.R2"]
    first = s1.enroll("Ivan Petrov", card_number=CARD_IVAN, phone="+14155550160").customer.id
    second = s2.enroll("Ivan Petrov", card_number=CARD_IVAN_2, phone="(415) 555-0160").customer.id
    s1.paid("BAG", member=first)
    s2.paid("MUG", member=second)
    s1.sync()
    s2.sync()

    assert central.rows("SELECT kind, customer_id FROM conflicts") == [("duplicate_phone", second)]
    with central.session() as s:
        groups = members.duplicate_groups(s)
    assert [(g["key"], [m["id"] for m in g["members"]]) for g in groups] == [("phone", [first, second])]

    from sync.central.cli import main as pos_central

    assert pos_central(["merge-customers", first, second, "--db", central.db_url]) == 0
    assert "merged into" in capsys.readouterr().out
    s2.paid("COF", member=second)  # S2 has not heard of the merge yet: a sale for the old member
    sync_all(chain)
    sync_all(chain)

    assert s1r2.identify("+14155550160") == first
    assert s1r2.identify(CARD_IVAN_2) == first  # the old card still finds the member
    assert central.balance(second) == 0  # every point booked to the old member was forwarded
    assert central.balance(first) == sum(central.ledger_sums().get(m, 0) for m in (first, second))
    assert central.scalar("SELECT COUNT(*) FROM orders WHERE customer_id = :c", c=first) == 3
    assert s1r2.points(first) == central.balance(first)


def test_a_pulled_record_a_register_cannot_apply_is_set_aside_and_the_rest_flows(chain, central):
    s1 = chain["S1.R1"]
    with central.session() as s, s.begin():  # as a faulty tool writing to the database directly would
        feed.emit(s, [
            (ChangeTopic.CATALOG_ITEM, "BAD", {"sku": "BAD", "name": "Broken", "unit_price": "twelve"}),
            (ChangeTopic.CATALOG_ITEM, "TEA", {"sku": "TEA", "name": "Tea", "unit_price": "4.00"}),
        ])

    s1.sync()
    s1.sync()  # the next cycle reports the problem to the central service

    with s1.uow(read_only=True) as uow:
        assert uow.catalog.by_sku("TEA").unit_price_minor == 400
        assert uow.catalog.by_sku("BAD") is None
        aside = uow.quarantine.listed()
    assert [(a.topic, a.key) for a in aside] == [("catalog_item", "BAD")]
    problems = central.rows("SELECT register_id, detail FROM conflicts WHERE kind = 'feed_problem'")
    assert [p.register_id for p in problems] == ["S1.R1"] and '"key": "BAD"' in problems[0].detail


def test_three_registers_overspend_one_member_offline_each_within_its_cap(chain, central):
    with central.session() as s, s.begin():
        central_settings.set_setting(s, "offline.offline_customer_cap", 60)
        central_settings.set_setting(s, "points.earn_rate", "0")  # no points earned: the arithmetic stays plain
        grants.book_central_entries(s, [("C1", EntryKind.ADJUSTMENT, 100, "test-opening")])
    sync_all(chain)
    spends = {"S1.R1": 60, "S1.R2": 50, "S2.R1": 45}

    for name, spend in spends.items():
        till = chain[name]
        till.online = False  # each register knows only its own offline spending
        over = till.sell("BAG", member="C1", points=61)  # the member has 100, the cap is 60
        assert isinstance(over, Refused) and over.reason == "offline_customer_cap", over
        assert till.paid("BAG", member="C1", points=spend).order.points_redeemed == spend
    for till in chain.values():
        till.online = True
        till.sync()

    shortfall = sum(spends.values()) - 100
    assert central.balance("C1") == -shortfall
    assert central.scalar("SELECT overdraft FROM customers WHERE id = 'C1'") == shortfall
    overdrafts = central.rows("SELECT register_id, points FROM conflicts WHERE kind = 'offline_overdraft'")
    assert sum(r.points for r in overdrafts) == shortfall  # visible to managers, register by register
