"""Killing the register (SIGKILL) in the middle of real checkouts leaves every sale whole or absent.

A child process forks, again and again, a worker that pays random sales with
the real `checkout` (random carts of the test shop, customers or none, points
"max" or a number, the SPRING10 code or a single-use one, a free-coffee
reward) and kills it after a random few milliseconds, often inside a commit
(every other worker only after it has paid a sale, so the run pays sales on a
machine however busy). Afterwards: every sale a worker saw committed is there;
the file is intact; order numbers and ledger sequence are
gapless; each order has all its lines and exactly the ledger entries its
frozen result calls for; a single-use code is spent exactly when a code-use
entry names it, a reward code exists exactly when its points were debited;
the cached balances equal the ledger; and the register carries on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict

import pytest
from sqlalchemy import text

from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.sale import attach_customer, new_sale
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import MUG, NOW, scan, stock

KILLS = 200  # the issue asks for 200 kills of a real checkout loop
ONE_USE_CODES = 60

RUNNER = r"""
import os, random, select, signal, sys, time
from datetime import UTC, datetime
from pos_app.services.checkout import checkout
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricingEngineCache
from pos_app.services.rewards import claim_reward
from pos_app.services.sale import SaleDraft, add_product, apply_code, attach_customer, new_sale, request_redemption
from pos_app.storage.database import create_store_engine
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from tests.storage.test_sale_shop import PRODUCTS

path, kills, seed, codes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
now = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)

# One engine and one pricing cache, warmed by a first sale and closed before any fork: each worker starts
# as a register that has been running (its statements compiled, its promotions parsed) and opens its own
# connections. The workers' few milliseconds then go to paying sales, not to starting up.
factory = UnitOfWorkFactory(create_store_engine(path), "R1")
cache = PricingEngineCache()
checkout(factory(), add_product(new_sale(), PRODUCTS[0], 1), now=now, cashier_id="K1", cache=cache)
factory.engine.dispose()

def pay_forever(worker_seed):
    rng = random.Random(worker_seed)
    while True:
        draft = new_sale()
        for _ in range(rng.randint(1, 4)):
            item = rng.choice(PRODUCTS)
            draft = add_product(draft, item, "0.75" if item.weighted else rng.randint(1, 3))
        customer = rng.choice(["C1", "C2", "C4", None])
        if customer:
            draft = attach_customer(draft, customer)
            if customer == "C1" and rng.random() < 0.5:
                draft = add_product(draft, PRODUCTS[0], 1)  # a coffee, and the reward that makes it free
                claimed = claim_reward(factory(read_only=True), draft, "COFFEE150", now=now)
                draft = claimed if isinstance(claimed, SaleDraft) else draft
            else:
                draft = request_redemption(draft, rng.choice([0, 20, "max"] if customer != "C1" else [0, 20]))
        if rng.random() < 0.5:
            code = "SPRING10" if rng.random() < 0.5 else f"ONCE-{rng.randrange(codes)}"
            with_code = apply_code(factory(read_only=True), draft, code)
            draft = with_code if isinstance(with_code, SaleDraft) else draft
        done = checkout(factory(), draft, now=now, cashier_id="K1", cache=cache)
        if not isinstance(done, Refused):
            os.write(paid, b".")  # committed: this sale must survive the kill

# What the runner imported moves to the permanent generation (as forking servers do), so a worker's few
# milliseconds go to paying sales, not to a full collection of the imported modules' objects.
import gc
gc.freeze()
rng = random.Random(seed)
acknowledged = 0
for i in range(kills):
    told, paid = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(told)
            pay_forever(seed * 1000 + i)
        finally:
            os._exit(3)
    os.close(paid)
    if i % 2 == 0:  # every other worker is killed only after a sale it paid, however slow the machine is
        assert select.select([told], [], [], 60)[0], "a worker paid no sale in 60 s"
    time.sleep(rng.uniform(0.005, 0.12))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    while chunk := os.read(told, 4096):
        acknowledged += len(chunk)
    os.close(told)
print(kills, acknowledged)
"""


@pytest.mark.slow
def test_sigkill_during_checkouts_leaves_every_sale_whole_or_absent(
    engine, uow: UnitOfWorkFactory, people
) -> None:
    stock(uow)
    with uow() as work:
        for k in range(ONE_USE_CODES):
            work.promotions.issue_code("SPRING", f"ONCE-{k}", customer_id=None, uses_left=1, at=NOW)
        work.commit()
    confirmed = {c.id: c.confirmed_points for c in people.values()}
    path = engine.url.database
    engine.dispose()

    done = subprocess.run(
        [sys.executable, "-c", RUNNER, path, str(KILLS), "11", str(ONE_USE_CODES)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    kills, acknowledged = map(int, done.stdout.split())
    assert kills == KILLS and acknowledged >= KILLS / 2  # half the workers were killed after a paid sale

    with engine.connect() as connection:
        sql = lambda statement: connection.execute(text(statement)).all()  # noqa: E731
        assert sql("PRAGMA integrity_check") == [("ok",)]
        assert sql("PRAGMA foreign_key_check") == []

        orders = sql(
            "SELECT id, customer_id, result_json, points_earned, points_redeemed FROM orders ORDER BY id"
        )
        assert len(orders) >= acknowledged  # every sale a worker saw committed survived its kill
        assert [o[0] for o in orders] == [f"S1-R1-{n:06d}" for n in range(1, len(orders) + 1)]  # gapless
        assert sql("SELECT last_number FROM order_counters WHERE register_id = 'R1'") == [(len(orders),)]
        seqs = [row[0] for row in sql("SELECT seq FROM ledger_entries ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        assert [row[0] for row in sql("SELECT seq FROM outbox ORDER BY seq")] == seqs

        # Every order has all its lines and exactly the entries its frozen result calls for.
        lines = Counter(order_id for (order_id,) in sql("SELECT order_id FROM order_lines"))
        entries: dict[str, list[tuple[str, int, str | None, str | None]]] = defaultdict(list)
        for order_id, kind, points, code, reason in sql(
            "SELECT order_id, kind, points, code, reason FROM ledger_entries WHERE order_id IS NOT NULL ORDER BY seq"
        ):
            entries[order_id].append((kind, points, code, reason))
        for order_id, customer_id, result_json, earned, redeemed in orders:
            result = json.loads(result_json)
            assert lines[order_id] == len(result["lines"])
            kinds = Counter(kind for kind, *_ in entries[order_id])
            applied_codes = {c["promotion"] for c in result["codes"] if c["status"] == "applied"}
            assert kinds["code_use"] == len(applied_codes)
            if customer_id is None:
                assert set(kinds) <= {"code_use"}
                continue
            assert kinds["accrual"] == (1 if earned else 0)
            spent = -sum(points for kind, points, *_ in entries[order_id] if kind == "redemption")
            assert spent == redeemed
            assert any(r == "payment" for *_, r in entries[order_id]) == (
                result["redemption"]["redeemed"] > 0
            )

        # Codes: a single-use code is spent exactly when a code use names it; a reward code exists
        # exactly when its points were debited.
        used = {code.upper() for (code,) in sql("SELECT code FROM ledger_entries WHERE kind = 'code_use'")}
        for code, uses_left in sql("SELECT code, uses_left FROM promotion_codes WHERE code LIKE 'ONCE-%'"):
            assert (uses_left == 0) == (code in used)
        rewarded = {
            code.upper() for (code,) in sql("SELECT code FROM ledger_entries WHERE reason LIKE 'reward:%'")
        }
        issued = {
            code
            for (code,) in sql(
                "SELECT code FROM promotion_codes WHERE promotion_id = 'FREECOFFEE' AND issued_at IS NOT NULL"
            )
        }
        assert issued == rewarded
        assert rewarded and any(code.startswith("ONCE-") for code in used)  # both paths were exercised

        # Balances: nothing was acknowledged, so pending is the ledger's sum and confirmed is untouched.
        for customer_id, confirmed_points, pending in sql(
            "SELECT id, confirmed_points, pending_points FROM customers"
        ):
            (ledger_sum,) = sql(
                f"SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = '{customer_id}'"
            )[0]
            assert pending == ledger_sum
            assert confirmed_points == confirmed[customer_id]
            assert confirmed_points + pending >= 0

    # And the register carries on with the next number.
    sale = checkout(uow(), attach_customer(scan(uow, new_sale(), MUG), "C2"), now=NOW, cashier_id="K1")
    assert isinstance(sale, CompletedSale) and sale.order_number == f"S1-R1-{len(orders) + 1:06d}"
