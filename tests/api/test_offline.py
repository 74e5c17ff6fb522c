"""Offline, the POS API answers from the local store, says so, and keeps within the offline caps.

The register is paired with a real central service on loopback (the demo's
embedded one, seeded with the same members and balances) and runs the real
sync loop; cutting the central service is a real outage.
"""

from __future__ import annotations

import shutil

import pytest

from pos_app.app import AppSettings, start_demo_sync
from pos_app.demo import DEMO_DAY, generate_demo_store
from sync.client import SyncLoop
from tests.api.till_client import FRANCOIS_CARD, demo_clock, line, start_register

# 40 packs of pens: $183.60 before its discounts; points may pay half of what is left
BIG_CHECK = {"check_id": "C-1", "member": FRANCOIS_CARD, "lines": [line("1", "WRI-0099", 40, "4.59")]}


@pytest.fixture
def paired(demo_template, tmp_path):  # noqa: ANN001, ANN201
    shutil.copyfile(demo_template, tmp_path / "register.db")
    settings = AppSettings(database=tmp_path / "register.db")
    central, demo_loop = start_demo_sync(settings, tmp_path, generate_demo_store(today=DEMO_DAY, customers=300))
    # The same loop on the register's clock (the demo day), so the outage starts when its sales happen.
    loop = SyncLoop(demo_loop.client, demo_loop.outbox, demo_loop.sink, exposure=demo_loop.exposure,
                    clock=demo_clock)
    register = start_register(demo_template, tmp_path, sync_loop=loop)
    yield register, central, loop
    register.stop()
    central.stop()


def test_answers_say_online_while_the_central_service_answers_and_offline_when_it_does_not(paired) -> None:
    register, central, loop = paired
    till = register.till()
    assert loop.run_once()

    online = till.inquire(BIG_CHECK).json()
    central.cut()
    assert not loop.run_once()
    offline = till.inquire(BIG_CHECK).json()
    search = till.get("/v1/members", q=FRANCOIS_CARD).json()

    assert online["online"] is True and online["member"]["online"] is True
    assert offline["online"] is False and search["online"] is False
    assert offline["result"] == online["result"]  # priced from the local store all the same
    assert search["members"][0]["points"] == 10280


def test_offline_a_commit_within_the_customer_cap_is_written_and_one_beyond_it_is_409(paired) -> None:
    register, central, loop = paired
    till = register.till()
    assert loop.run_once()
    central.cut()
    assert not loop.run_once()

    within = till.sell({**BIG_CHECK, "redeem_points": 4000}, "tx-within")  # the demo's cap: 5,000 per outage
    beyond_check = {**BIG_CHECK, "check_id": "C-2", "redeem_points": 2000}
    total = till.inquire(beyond_check).json()["result"]["total"]
    written = register.count("SELECT count(*) FROM orders") + register.count("SELECT count(*) FROM ledger_entries")
    beyond = till.commit(beyond_check, "tx-beyond", total)

    assert within["online"] is False and within["points"]["spent"] == 4000
    assert beyond.status_code == 409
    error = beyond.json()["error"]
    assert (error["code"], error["reason"]) == ("offline_cap", "offline_customer_cap")
    assert "1000 more points" in error["message"]
    assert register.count("SELECT count(*) FROM orders") + register.count(
        "SELECT count(*) FROM ledger_entries") == written
    assert till.sell({**beyond_check, "redeem_points": 1000}, "tx-beyond")["points"]["spent"] == 1000

    central.restore()
    assert loop.run_once()  # back online: the entries are acknowledged, the outage is over
    assert register.count("SELECT count(*) FROM outbox WHERE acknowledged_at IS NULL") == 0
    assert till.sell({**beyond_check, "check_id": "C-3"}, "tx-online")["online"] is True
