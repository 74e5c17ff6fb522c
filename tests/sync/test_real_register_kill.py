"""`kill -9` of the REAL register (its SQLite store, real checkouts, `sync_ports`) while it syncs.

The SYNC.md row "register killed (kill -9) at random points of checkout, push
and pull, 200+ seeds: 0 lost, 0 duplicated entries; balances equal on both
sides after restart", on `pos_app.storage` rather than the reference store.

A real central service runs on 127.0.0.1:0 (in this process). A child
process (imported once, so each seed costs a `fork`, not an interpreter)
forks one register worker per seed on the same store file: the worker pays
random sales with the real `checkout` (carts of the test shop, customers or
none, points, codes, a reward) and runs the real `SyncLoop` over
`StoreOutbox` + `StoreChangeSink` (cycles of push then pull, as
`SyncLoop.run_once` does), in a seeded random order; the child SIGKILLs it
after a random few milliseconds and records what it was doing (checkout,
push, pull) through a shared page. After all the kills the register restarts, syncs to
completion, and: every register ledger entry is at the central exactly once
(by id, with the same payload hash), nothing extra; the central balances
equal the register's confirmed balances for every customer and nothing is
pending; the outbox is empty; and every change of the feed after the first
snapshot was applied exactly once, in order (the sink records the seqs it
applies in the same transaction as the cursor).
"""

from __future__ import annotations

import gc
import json
import mmap
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa

from pos_app.services.checkout import checkout
from pos_app.services.pricing import PricingEngineCache
from pos_app.services.rewards import claim_reward
from pos_app.services.sale import (
    SaleDraft,
    add_product,
    apply_code,
    attach_customer,
    new_sale,
    request_redemption,
)
from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox, answer_text
from pos_app.storage.database import create_store_engine, open_store
from pos_app.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory
from sync.central import imports
from sync.central import settings as central_settings
from sync.client import RetryPolicy, SyncClient, SyncLoop
from sync.client.errors import TransientError
from sync.protocol import Change, EntryResult, EntryStatus, format_cursor, parse_cursor
from tests.storage.test_sale_shop import NOW, PRODUCTS, stock

SEEDS = int(os.environ.get("POS_SYNC_KILL_SEEDS", "200")) + 20  # 200+ seeds
ONE_USE_CODES = 30
FLAGS = {"offline_overdraft", "code_already_used", "code_not_owner", "unknown_code"}
APPLIED_KEY = "test:applied_seqs"
PHASES = ("start", "checkout", "push", "pull")
ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS_CSV = "id,name,email,phone,card,birthday,tier\n" + "".join(
    f"C{n},Customer {n},c{n}@example.com,,{card},,\n"
    for n, card in enumerate(("2000000000015", "2000000000022", "2000000000039", "2000000000046"), start=1)
)


class RecordingSink(StoreChangeSink):
    """The real sink; it also appends the seqs of each page to `sync_state` in the page's own transaction."""

    def apply_page(self, changes: Sequence[Change], new_cursor: str) -> None:
        self._page = [c.seq for c in changes]
        super().apply_page(changes, new_cursor)

    def _save_cursor(self, uow: UnitOfWork, cursor: str) -> None:
        page, self._page = getattr(self, "_page", []), []
        uow.sync_state.put(APPLIED_KEY, (uow.sync_state.get(APPLIED_KEY) or []) + page)
        super()._save_cursor(uow, cursor)

    def applied(self) -> list[int]:
        with self.uow(read_only=True) as uow:
            return uow.sync_state.get(APPLIED_KEY) or []


# -- the child: forks a register worker per seed and kills it ----------------------------------------


def _register_worker(factory: UnitOfWorkFactory, cache: PricingEngineCache, url: str, token: str,
                     register_id: str, seed: int, phase: mmap.mmap) -> None:
    rng = random.Random(seed)
    now = NOW
    client = SyncClient(url, token=token, register_id=register_id, connect_timeout=1.0, read_timeout=3.0,
                        retry=RetryPolicy(base=0.01, cap=0.05, max_attempts=2))
    loop = SyncLoop(client, StoreOutbox(factory, register_id), RecordingSink(factory, snapshot_prunes=()),
                    batch_size=rng.randint(1, 9), page_size=rng.randint(1, 6))

    def pay() -> None:
        draft = new_sale()
        for _ in range(rng.randint(1, 3)):
            item = rng.choice(PRODUCTS)
            draft = add_product(draft, item, "0.75" if item.weighted else rng.randint(1, 3))
        customer = rng.choice(["C1", "C2", "C3", "C4", None])
        if customer:
            draft = attach_customer(draft, customer)
            if rng.random() < 0.2:
                draft = add_product(draft, PRODUCTS[0], 1)
                claimed = claim_reward(factory(read_only=True), draft, "COFFEE150", now=now)
                draft = claimed if isinstance(claimed, SaleDraft) else draft
            else:
                draft = request_redemption(draft, rng.choice([0, 0, 10, "max"]))
        if rng.random() < 0.3:
            code = "SPRING10" if rng.random() < 0.5 else f"ONCE-{rng.randrange(ONE_USE_CODES)}"
            with_code = apply_code(factory(read_only=True), draft, code)
            draft = with_code if isinstance(with_code, SaleDraft) else draft
        checkout(factory(), draft, now=now, cashier_id="K1", cache=cache)

    while True:
        try:
            if rng.random() < 0.45:
                phase[0] = 1
                pay()
            else:  # one cycle of the register's loop (`SyncLoop.run_once`): push everything, then pull
                phase[0] = 2
                loop.push_pending()
                phase[0] = 3
                loop.pull_changes()
        except (TransientError, OSError):
            pass  # the network at a register: the loop tries again later


def run_register_kills(path: str, url: str, token: str, register_id: str, seeds: int) -> None:
    """The child's main: `seeds` workers, each SIGKILLed at a random moment; prints what was hit, as JSON."""
    rng = random.Random(4242)
    phase = mmap.mmap(-1, mmap.PAGESIZE)  # shared with the forked workers
    # Every worker is a register that has been running: one engine and one pricing cache, warmed by a
    # first sale, with the engine's connections closed before any fork (each worker opens its own).
    # What the child imported moves to the permanent generation, as forking servers do. The tens of
    # milliseconds a worker lives then go to its sales and syncs, not to starting up.
    factory = UnitOfWorkFactory(create_store_engine(path), register_id="R1")
    cache = PricingEngineCache()
    checkout(factory(), add_product(new_sale(), PRODUCTS[1], 1), now=NOW, cashier_id="K1", cache=cache)
    factory.engine.dispose()
    gc.freeze()
    hit: Counter[str] = Counter()
    for seed in range(seeds):
        phase[0] = 0
        pid = os.fork()
        if pid == 0:
            try:
                _register_worker(factory, cache, url, token, register_id, seed, phase)
            except BaseException:  # noqa: BLE001 - report, then leave without running the parent's cleanup
                import traceback

                traceback.print_exc()
            finally:
                os._exit(3)
        time.sleep(rng.uniform(0.01, 0.13))
        hit[PHASES[phase[0]]] += 1
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            raise SystemExit(f"worker {seed} ended by itself: {status}")
    print(json.dumps(dict(hit)), flush=True)


# -- the test ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_real_register_killed_at_random_points_loses_and_duplicates_nothing(central, tmp_path):
    with central.session() as s, s.begin():
        csv = tmp_path / "customers.csv"
        csv.write_text(CUSTOMERS_CSV, encoding="utf-8")
        assert imports.import_customers(s, csv).errors == []
    client = central.client("S1", "R1")
    register_id = client.register_id

    path = tmp_path / "register.db"
    engine = open_store(path)
    uow = UnitOfWorkFactory(engine, register_id="R1")
    stock(uow)
    with uow() as work:
        for k in range(ONE_USE_CODES):
            work.promotions.issue_code("SPRING", f"ONCE-{k}", customer_id=None, uses_left=1, at=NOW)
        work.commit()
    first = SyncLoop(client, StoreOutbox(uow, register_id), RecordingSink(uow, snapshot_prunes=()))
    assert first.run_once(), first.status.message  # the snapshot brings the customers
    start = parse_cursor(first.sink.cursor())[1]
    before = first.sink.applied()
    engine.dispose()

    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.path[:0] = ['tests/sync']\n"
         "from test_real_register_kill import run_register_kills\n"
         f"run_register_kills({str(path)!r}, {central.url!r}, {client.token!r}, {register_id!r}, {SEEDS})"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    hit = json.loads(done.stdout.strip().splitlines()[-1])
    # The kills landed in every phase (a worker spends a few ms starting up: "start").
    assert all(hit.get(p, 0) >= 10 for p in ("checkout", "push", "pull")), hit

    # Restart: the register opens its file again and syncs to completion.
    engine = open_store(path)
    try:
        uow = UnitOfWorkFactory(engine, register_id="R1")
        outbox, sink = StoreOutbox(uow, register_id), RecordingSink(uow, snapshot_prunes=())
        loop = SyncLoop(client, outbox, sink)
        assert loop.run_once(), loop.status.message
        _check(engine, central, outbox, sink, register_id, start, before)
        with engine.connect() as connection:
            answers = Counter(r[0] for r in connection.execute(sa.text("SELECT result FROM outbox")))
        print(f"kills by phase {hit}; answers {dict(answers)}; {len(sink.applied()) - len(before)} changes pulled")
        # Some kills fell between the server's commit and the register's acknowledgement: answered `exists`.
        assert sum(n for answer, n in answers.items() if answer.startswith("exists")) > 0, answers
    finally:
        engine.dispose()


def _check(engine, central, outbox: StoreOutbox, sink: RecordingSink, register_id: str, start: int,
           before: list[int]) -> None:
    with engine.connect() as connection:
        def sql(statement: str) -> list[tuple]:
            return [tuple(r) for r in connection.execute(sa.text(statement))]

        local = sql("SELECT id, seq, customer_id, points FROM ledger_entries ORDER BY seq")
        assert len(local) >= 40  # the workers did real work (about 80-250 entries, with the machine's load)
        assert [r[1] for r in local] == list(range(1, len(local) + 1))  # gapless
        results = Counter(r[0].split(":")[0] for r in sql("SELECT result FROM outbox"))
        assert set(results) <= {"created", "exists", "created_flagged"}, results
        flagged = {r[0] for r in sql("SELECT result FROM outbox WHERE result LIKE '%:%'")}
        assert all(set(r.split(":")[1].split(",")) <= FLAGS for r in flagged), flagged  # the conflict is named
        assert sql("SELECT COUNT(*) FROM outbox WHERE acknowledged_at IS NULL") == [(0,)]
        confirmed = {c: (conf, pend) for c, conf, pend in sql(
            "SELECT id, confirmed_points, pending_points FROM customers")}
        local_sums = Counter()
        for _, _, customer, points in local:
            if customer is not None:
                local_sums[customer] += points
    assert outbox.pending_count() == 0

    # 0 lost, 0 duplicated, nothing extra: the central holds each entry once, with the register's payload.
    held = central.rows("SELECT id, seq, payload_hash FROM ledger_entries WHERE register_id = :r", r=register_id)
    ids = [r[0] for r in held]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r[0] for r in local}
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries") == len(local)
    assert sorted(r[1] for r in held) == [r[1] for r in local]
    wire = outbox.entries_from(1, len(local) + 1)
    assert {r[0]: r[2] for r in held} == {e.id: e.payload_hash for e in wire}

    # Balances equal on both sides: central balance = central ledger sum = register confirmed; nothing pending.
    balances = central.balances()
    assert {c: conf for c, (conf, _) in confirmed.items()} == balances
    assert all(pend == 0 for _, pend in confirmed.values()), confirmed
    assert {c: s for c, s in central.ledger_sums().items() if c is not None} == {
        c: s for c, s in local_sums.items()}
    assert {c: s for c, s in local_sums.items()} == {c: balances[c] for c in local_sums}

    # The cursor: at the feed's head, and every change after the first snapshot applied exactly once, in order.
    head = central.scalar("SELECT MAX(seq) FROM changes")
    assert sink.cursor() == format_cursor(head)
    feed = [r[0] for r in central.rows("SELECT seq FROM changes WHERE seq > :s ORDER BY seq", s=start)]
    assert sink.applied() == before + feed
    assert len(feed) >= 20  # the pushes published balances that the register pulled


def test_a_pull_between_the_servers_commit_and_the_acknowledgement_does_not_count_twice(central, tmp_path):
    from pos_app.domain.ledger import EntryKind

    with central.session() as s, s.begin():
        csv = tmp_path / "customers.csv"
        csv.write_text(CUSTOMERS_CSV, encoding="utf-8")
        imports.import_customers(s, csv)
        central_settings.set_setting(s, "program.welcome_points", 120)
    client = central.client("S1", "R1")
    engine = open_store(tmp_path / "register.db")
    try:
        uow = UnitOfWorkFactory(engine, register_id="R1")
        outbox, sink = StoreOutbox(uow, client.register_id), StoreChangeSink(uow, snapshot_prunes=())
        loop = SyncLoop(client, outbox, sink)
        assert loop.run_once()
        with uow() as work:
            work.ledger.append(EntryKind.ACCRUAL, "C1", 120, at=NOW, reason="welcome")
            work.commit()
        sale = outbox.pending_batch(10)
        client.push(sale)  # the server commits; the answer never reaches the store
        loop.pull_changes()  # the pulled balance already counts the sale
        assert loop.run_once()  # the push is answered `exists`: nothing is counted twice

        with uow(read_only=True) as work:
            c1 = work.customers.get("C1")
        assert (c1.confirmed_points, c1.pending_points) == (central.balance("C1"), 0) == (120, 0)
    finally:
        engine.dispose()


def test_the_outbox_keeps_the_flags_of_a_flagged_answer_not_just_that_it_was_flagged():
    # The central answers a flagged entry with reason "flagged" and the flags: the row must name the conflict.
    flagged = EntryResult(id="e1", seq=1, status=EntryStatus.CREATED_FLAGGED, reason="flagged",
                          flags=["offline_overdraft"])
    again = EntryResult(id="e1", seq=1, status=EntryStatus.EXISTS, reason="flagged",
                        flags=["code_already_used", "offline_overdraft"])
    rejected = EntryResult(id="e2", seq=2, status=EntryStatus.REJECTED, reason="already_reversed")

    assert answer_text(flagged) == "created_flagged:offline_overdraft"
    assert answer_text(again) == "exists:code_already_used,offline_overdraft"
    assert answer_text(rejected) == "rejected:already_reversed"
    assert answer_text(EntryResult(id="e3", seq=3, status=EntryStatus.CREATED)) == "created"
