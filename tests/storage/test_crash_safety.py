"""Killing the register with SIGKILL at random moments loses nothing and leaves no half-written sale.

A child process (`python -c`) imports the store once, then 200 times forks a
worker that runs checkout-like transactions in a loop (an order with its
lines, an accrual for it, sometimes a redemption and an acknowledgement of
pushed entries) and kills it with SIGKILL after a random few milliseconds,
often in the middle of a commit. Afterwards the file must be intact, every
order whole or absent, the sequence gapless and the ledger's sum equal to the
cached balances.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import text

from pos_app.domain.ledger import EntryKind

from .conftest import NOW

KILLS = 200

RUNNER = r"""
import json, os, random, signal, sys, time
from datetime import UTC, datetime
from pos_app.domain.ledger import EntryKind
from pos_app.domain.sale_record import SaleRecord, SoldLine
from pos_app.storage.database import create_store_engine
from pos_app.storage.ledger import new_entry_id
from pos_app.storage.unit_of_work import UnitOfWorkFactory

path, kills, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)

# One engine, its statements compiled by a first transaction and its connections closed before any fork:
# each worker starts as a register that has been running, and opens its own connections.
import gc
factory = UnitOfWorkFactory(create_store_engine(path), "R1")
with factory() as warm:
    warm.customers.get("C1")
    warm.ledger.pending_outbox(limit=1)
factory.engine.dispose()
gc.freeze()

def checkout_forever(worker_seed):
    rng = random.Random(worker_seed)
    while True:
        with factory() as uow:
            customer = rng.choice(["C1", "C2", "C3"])
            n = rng.randint(1, 4)
            lines = tuple(SoldLine(f"L{i}", i, "SKU", "Thing", "1", 100, 100, 0, 0, 100) for i in range(n))
            order_id = new_entry_id()
            uow.orders.add(SaleRecord(id=order_id, register_id="R1", created_at=now, currency="USD",
                                      subtotal_minor=100 * n, discount_minor=0, points_value_minor=0,
                                      total_minor=100 * n, customer_id=customer, lines=lines,
                                      result_json=json.dumps({"lines": n})))
            available = uow.customers.get(customer).points
            if available > 20 and rng.random() < 0.5:
                uow.ledger.append(EntryKind.REDEMPTION, customer, -rng.randint(1, 20), at=now, order_id=order_id)
            uow.ledger.append(EntryKind.ACCRUAL, customer, n, at=now, order_id=order_id)
            if rng.random() < 0.3:
                pushed = uow.ledger.pending_outbox(limit=rng.randint(1, 5))
                uow.ledger.acknowledge([item.entry_id for item in pushed], now)
            uow.commit()

rng = random.Random(seed)
for i in range(kills):
    pid = os.fork()
    if pid == 0:
        try:
            checkout_forever(seed * 1000 + i)
        finally:
            os._exit(3)
    time.sleep(rng.uniform(0.005, 0.15))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
print(kills)
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path, engine, uow, people) -> None:
    path = engine.url.database
    initial = {c.id: c.confirmed_points for c in people.values()}
    engine.dispose()

    done = subprocess.run([sys.executable, "-c", RUNNER, path, str(KILLS), "7"],
                          capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(KILLS)

    with engine.connect() as connection:
        sql = lambda statement: connection.execute(text(statement)).all()  # noqa: E731
        assert sql("PRAGMA integrity_check") == [("ok",)]
        assert sql("PRAGMA foreign_key_check") == []

        seqs = [row[0] for row in sql("SELECT seq FROM ledger_entries ORDER BY seq")]
        assert len(seqs) > KILLS  # the workers got real work done between kills
        assert seqs == list(range(1, len(seqs) + 1))  # gapless
        assert sql("SELECT last_seq FROM register_sequences") == [(len(seqs),)]
        assert [row[0] for row in sql("SELECT seq FROM outbox ORDER BY seq")] == seqs

        # Every order is whole (all its lines, its accrual) or absent.
        line_counts = Counter(order_id for (order_id,) in sql("SELECT order_id FROM order_lines"))
        accruals = Counter(order_id for (order_id,) in sql("SELECT order_id FROM ledger_entries WHERE kind = 'accrual'"))
        orders = sql("SELECT id, result_json FROM orders")
        assert orders
        for order_id, result in orders:
            assert line_counts[order_id] == json.loads(result)["lines"]
            assert accruals[order_id] == 1
        assert set(line_counts) == set(accruals) == {order_id for order_id, _ in orders}

        # The ledger's sum is the cached balances: pending = unacknowledged entries, confirmed = the rest.
        for customer_id, confirmed, pending in sql("SELECT id, confirmed_points, pending_points FROM customers"):
            unacked, acked = sql(
                "SELECT COALESCE(SUM(CASE WHEN o.acknowledged_at IS NULL THEN e.points END), 0), "
                "COALESCE(SUM(CASE WHEN o.acknowledged_at IS NOT NULL THEN e.points END), 0) "
                f"FROM ledger_entries e JOIN outbox o ON o.entry_id = e.id WHERE e.customer_id = '{customer_id}'"
            )[0]
            assert pending == unacked
            assert confirmed == initial[customer_id] + acked
            assert confirmed + pending >= 0

        # Lots never go below zero; consumptions match the negative entries.
        assert sql("SELECT COUNT(*) FROM point_lots l WHERE l.points < "
                   "(SELECT COALESCE(SUM(points), 0) FROM lot_consumptions c WHERE c.lot_id = l.id)") == [(0,)]
        assert sql("SELECT COUNT(*) FROM ledger_entries e WHERE e.points < 0 AND -e.points <> "
                   "(SELECT SUM(points) FROM lot_consumptions c WHERE c.entry_id = e.id)") == [(0,)]

    with uow() as work:  # and the register carries on where it stopped
        assert work.ledger.append(EntryKind.ACCRUAL, "C1", 1, at=NOW).seq == len(seqs) + 1
        work.commit()
