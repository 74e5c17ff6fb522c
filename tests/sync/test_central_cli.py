"""The `pos-central` command as a manager uses it, against the database a live service serves."""

from __future__ import annotations

import json
import re

import pytest

from sync.central.cli import main
from sync.client import AuthError, SyncClient
from sync.protocol import EntryStatus


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_pair_import_conflicts_balances_revoke(central, make_store, tmp_path, capsys):
    db = ["--db", central.db_url]
    assert run(capsys, "init", *db)[0] == 0
    code, out, _ = run(capsys, "pair-register", "S1", "R1", *db)
    assert code == 0
    pairing_code = re.search(r"pairing code (\S+)", out).group(1)
    client = SyncClient(central.url)
    assert client.pair(pairing_code).register_id == "S1.R1"
    with pytest.raises(AuthError):
        SyncClient(central.url).pair(pairing_code)  # one-time
    code, _, err = run(capsys, "pair-register", "S1", "R1", *db)  # a second machine as the same register
    assert code == 1 and "S1.R1 is paired and active" in err and "S1 R2" in err
    code, out, _ = run(capsys, "pair-register", "S1", "R1", "--replace", *db)  # R1 restored on a new machine
    assert code == 0
    moved = SyncClient(central.url)
    assert moved.pair(re.search(r"pairing code (\S+)", out).group(1)).register_id == "S1.R1"
    with pytest.raises(AuthError):
        client.pull("0")  # the old machine's credential stopped working
    client = moved

    customers = tmp_path / "customers.csv"
    customers.write_text("id,name,email,phone,card,birthday,tier\n"
                         "C1,Ann,ann@example.com,+14155550100,2000000000015,1990-11-23,gold\n"
                         ",No Id,x@example.com,,,,\n"
                         "C2,Bob,bob@example.com,,,1985-02-30,\n"
                         "C3,Cy,cy@example.com,,,,\n"
                         "C3,Cy again,cy@example.com,,,,\n")
    assert run(capsys, "set-setting", "program.welcome_points", "25", *db)[0] == 0
    code, out, err = run(capsys, "import-customers", str(customers), *db)
    assert code == 0
    assert "2 imported" in out
    assert "line 3: id: required" in err
    assert "line 4: birthday" in err
    assert "line 6: id 'C3' appears twice" in err
    assert central.balance("C1") == 25  # welcome points, booked on the ledger
    assert central.rows("SELECT customer_id, from_tier, to_tier, reason FROM tier_changes") == [
        ("C1", None, "gold", "import")]  # the tier history starts with the file's tier

    store = make_store("S1.R1")
    store.record("redemption", "C1", -40)  # offline, beyond the balance
    assert client.push(store.pending_batch(10)).results[0].status is EntryStatus.CREATED_FLAGGED
    code, out, _ = run(capsys, "conflicts", *db)
    assert "offline_overdraft" in out and "customer=C1" in out
    code, out, _ = run(capsys, "balances", "C1", *db)
    report = json.loads(out)
    assert (report["balance"], report["overdraft"], report["ledger_sum"]) == (-15, 15, -15)
    assert run(capsys, "balances", "NOPE", *db)[0] == 1

    assert run(capsys, "revoke-register", "S1.R1", *db)[0] == 0
    with pytest.raises(AuthError):
        client.push(store.pending_batch(10))


def test_import_promotions_validates_and_reports_paths(central, tmp_path, capsys):
    db = ["--db", central.db_url]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "P1", "reward": {"type": "percent", "value": "10", "target": "items"},
                                "conditions": {}, "colour": "red"},
                               {"id": "P2", "kind": "points", "reward": {"type": "percent"}},
                               {"id": "P3", "reward": {"type": "amount", "value": "1.00", "target": "order"}},
                               {"id": "P3", "reward": {"type": "amount", "value": "2.00", "target": "order"}}]))
    code, out, err = run(capsys, "import-promotions", str(bad), *db)
    assert code == 2
    assert "promotions[0].colour: unknown field" in err
    assert "promotions[1].reward.value: is required" in err
    assert "promotions[3].id: duplicate promotion id 'P3'" in err
    assert central.scalar("SELECT COUNT(*) FROM promotions") == 0
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"id": "P1", "reward": {"type": "percent", "value": "10", "target": "items"},
                                 "codes": [{"code": "vip1", "customer": "C1", "uses_left": 1}]}]))
    assert run(capsys, "import-promotions", str(good), *db)[0] == 0
    assert central.rows("SELECT code, customer_id, uses_allowed FROM codes") == [("VIP1", "C1", 1)]


def test_import_catalog_reports_bad_prices_by_line(central, tmp_path, capsys):
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("sku,name,price\nA,Pen,1.50\nB,Bad,1.505\nC,Float,abc\nD,Ink,2\nE,,3.00\n")
    code, out, err = run(capsys, "import-catalog", str(catalog), "--db", central.db_url)
    assert code == 0 and "2 imported" in out
    assert "line 3: price" in err and "line 4: price" in err and "line 6: name: required" in err


def test_pos_central_serve_just_works_on_a_fresh_directory(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sync.central.cli", "serve", "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        assert health.json()["ok"] is True
        assert requests.get(f"http://127.0.0.1:{port}/docs", timeout=5).status_code == 200
        assert "/v1/push" in requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()["paths"]
        assert (tmp_path / "pos-central.db").exists()
    finally:
        proc.terminate()
        proc.wait(10)


def test_an_unexpected_error_is_logged_with_personal_data_masked(tmp_path, capsys, monkeypatch):
    from sync.central import cli, imports

    def broken(session, path):
        raise RuntimeError('duplicate key (card)=(2900000001008), email "ana.perez@example.com"')

    monkeypatch.setattr(imports, "import_customers", broken)
    csv = tmp_path / "m.csv"
    csv.write_text("id\nC1\n")
    assert cli.main(["import-customers", str(csv), "--db", f"sqlite:///{tmp_path / 'c.db'}"]) == 1
    err = capsys.readouterr().err
    assert "unexpected error" in err and "RuntimeError" in err
    assert "2900000001008" not in err and "ana.perez@example.com" not in err
    assert "*********1008" in err and "a***@***" in err


def test_the_served_log_masks_personal_data():
    import logging
    import logging.config

    from sync.central.logs import log_config

    config = log_config()
    formatter = logging.config.DictConfigurator(config).configure_custom(dict(config["formatters"]["masked"]))
    record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "refused %s", ("+14155550142",), None)
    assert "+14155550142" not in formatter.format(record) and "42" in formatter.format(record)
