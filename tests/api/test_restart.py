"""A register killed (`kill -9`) while a till's commit is in flight: the sale is whole or absent, then once.

The register runs as its own process (`pos-companion --headless` on a real
SQLite file). For each seed the till sends a commit and the process is
killed at a random moment spread over the commit's own duration (measured
first): before the request arrives, while the sale is written, after the
answer. After a restart the store holds the sale with its answer and every
ledger entry and outbox row, or nothing of it; the till then sends the same
transaction again and gets the first answer (nothing more written) or the
sale done once.
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.api.register_process import RegisterProcess
from tests.api.till_client import ZOE_CARD, Till, line

SEEDS = 16
CHECK = {"check_id": "K", "member": ZOE_CARD, "redeem_points": 100, "codes": [],
         "lines": [line("1", "WRI-0099", 2, "4.59"), line("2", "DAI-0005", 3, "2.49"), line("3", "BREAD", 1, "3.20")]}


def store_state(database) -> dict[str, Any]:  # noqa: ANN001
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as db:
            def one(sql: str) -> Any:
                return db.execute(text(sql)).scalar_one()

            return {
                "orders": one("SELECT count(*) FROM orders"),
                "answers": one("SELECT count(*) FROM pos_transactions"),
                "entries": one("SELECT count(*) FROM ledger_entries"),
                "outbox": one("SELECT count(*) FROM outbox"),
                "orphans": one("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e "
                               "WHERE e.order_id = o.id)"),
                "unanswered": one("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM pos_transactions t "
                                  "WHERE t.answer LIKE '%\"order_id\":\"' || o.id || '\"%')"),
                "points": one("SELECT confirmed_points + pending_points FROM customers WHERE id = 'C00001'"),
                "ledger_sum": one("SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE customer_id = 'C00001'"),
            }
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_commit_killed_at_any_moment_is_whole_or_absent_and_a_retry_does_it_once(demo_template, tmp_path) -> None:
    shutil.copyfile(demo_template, tmp_path / "register.db")
    register = RegisterProcess(tmp_path / "register.db", tmp_path)
    key = register.add_key("till-1")
    till = Till(register.start(), key)
    till.sell({**CHECK, "check_id": "warm-up"}, "tx-warm-up")  # the first sale builds the pricing engine
    warm = {**CHECK, "check_id": "warm"}
    total = till.inquire(warm).json()["result"]["total"]
    started = time.perf_counter()
    assert till.commit(warm, "tx-warm", total).status_code == 200
    commit_time = time.perf_counter() - started
    rng = random.Random(20261123)
    outcomes = {"absent": 0, "whole": 0}
    try:
        for seed in range(SEEDS):
            check = {**CHECK, "check_id": f"K-{seed}"}
            total = till.inquire(check).json()["result"]["total"]
            before = store_state(register.database)
            answered: list[requests.Response] = []

            def send(till=till, check=check, seed=seed, total=total, answered=answered) -> None:  # noqa: ANN001
                try:
                    answered.append(till.commit(check, f"tx-{seed}", total))
                except requests.RequestException:
                    pass  # the register died under the request

            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(rng.uniform(0, 2 * commit_time))
            register.kill()
            sender.join(30)

            after = store_state(register.database)
            sold = after["orders"] - before["orders"]
            assert sold in (0, 1), (seed, before, after)
            assert after["answers"] - before["answers"] == sold  # the answer is stored with the sale, or neither
            assert (after["orphans"], after["unanswered"]) == (0, 0)
            assert after["outbox"] == after["entries"]  # every entry waits to sync
            assert after["ledger_sum"] - before["ledger_sum"] == after["points"] - before["points"]
            if answered and answered[0].status_code == 200:
                assert sold == 1  # an answer the till received was on disk
            outcomes["whole" if sold else "absent"] += 1

            till = Till(register.start(), key)
            retry = till.commit(check, f"tx-{seed}", total)
            assert retry.status_code == 200, retry.text
            if answered and answered[0].status_code == 200:
                assert retry.content == answered[0].content
            final = store_state(register.database)
            assert final["orders"] == before["orders"] + 1  # exactly once, whatever happened
            assert final["answers"] == before["answers"] + 1
            assert final["outbox"] == final["entries"]
            assert final["ledger_sum"] - before["ledger_sum"] == final["points"] - before["points"]
    finally:
        register.kill()
    assert sum(outcomes.values()) == SEEDS
    print(f"kill -9 during a commit ({commit_time * 1000:.0f} ms): {outcomes}")
