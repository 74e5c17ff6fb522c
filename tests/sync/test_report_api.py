"""`GET /v1/report` and `pos-central report`: who may read what, every format, and bad input answered plainly."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import requests
from test_chain import CATALOG, Till

from pos_app.domain.report.loyalty_report import LoyaltyReport
from sync.central import imports
from sync.central.cli import main as pos_central
from sync.central.report import access
from sync.client.chain import CentralCalls
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


def _get(central, token: str | None, **params: str) -> requests.Response:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(f"{central.url}/v1/report", params=params, headers=headers, timeout=30)


def _stores(central, tmp_path) -> dict[str, Till]:
    path = tmp_path / "catalog.csv"
    path.write_text(CATALOG, encoding="utf-8")
    with central.session() as s, s.begin():
        assert imports.import_catalog(s, path).errors == []
    tills = {name: Till(central, tmp_path, *name.split(".")) for name in ("S1.R1", "S2.R1")}
    for till in tills.values():
        till.sync()
    tills["S1.R1"].paid("MUG")
    tills["S2.R1"].paid("BAG")
    tills["S2.R1"].paid("COF")
    for till in tills.values():
        till.sync()
    return tills


def test_a_register_reads_its_own_store_and_an_admin_reads_the_chain(central, tmp_path):
    tills = _stores(central, tmp_path)
    today = datetime.now(UTC).date()
    week = {"from": str(today - timedelta(days=6)), "to": str(today)}

    s1 = tills["S1.R1"].client.token
    mine = _get(central, s1, **week)
    assert mine.status_code == 200, mine.text
    report = LoyaltyReport.from_json(mine.json())
    assert (report.store, report.total.orders_all) == ("S1", 1)
    assert _get(central, s1, store="S2", **week).status_code == 403
    assert _get(central, s1, brand="Fresh", **week).status_code == 403
    assert _get(central, None, **week).status_code == 401

    with central.session() as s, s.begin():
        token = access.add_admin_token(s, "head-of-loyalty")
    chain = LoyaltyReport.from_json(_get(central, token, **week).json())
    assert (chain.store, chain.total.orders_all) == (None, 3)
    assert LoyaltyReport.from_json(_get(central, token, store="S2", **week).json()).total.orders_all == 2
    by_curl = requests.get(f"{central.url}/v1/report", params=week, headers={"Authorization": f"Bearer {token}"},
                           timeout=30)  # a person with curl sends no protocol header
    assert by_curl.status_code == 200, by_curl.text
    old_client = requests.get(f"{central.url}/v1/report", params=week, timeout=30,
                              headers={"Authorization": f"Bearer {token}", PROTOCOL_HEADER: "0"})
    assert old_client.status_code == 426  # a version it does not speak is still refused
    as_csv = _get(central, token, format="csv", by="day", **week)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0][:3] == ["label", "first", "last"] and [r[0] for r in rows[1:9]][-1] == "total"

    with central.session() as s, s.begin():
        access.revoke_admin_token(s, "head-of-loyalty")
    assert _get(central, token, **week).status_code == 401

    # The register's manager mode asks through its sync client (its store's figures).
    fetched = CentralCalls(tills["S2.R1"].client).fetch_report(week["from"], week["to"], "day")
    assert LoyaltyReport.from_json(fetched).total.orders_all == 2


def test_bad_parameters_are_refused_with_a_clear_message(central, tmp_path):
    tills = _stores(central, tmp_path)
    token = tills["S1.R1"].client.token
    backwards = _get(central, token, **{"from": "2026-03-10", "to": "2026-03-01"})
    assert backwards.status_code == 400 and "before it starts" in backwards.json()["detail"]
    assert _get(central, token, **{"from": "2026-03-01", "to": "2026-03-10", "by": "year"}).status_code == 400
    assert _get(central, token, **{"from": "March", "to": "2026-03-10"}).status_code == 422
    assert _get(central, token, **{"from": "2020-01-01", "to": "2026-03-10"}).status_code == 400  # too long
    with central.session() as s, s.begin():
        token = access.add_admin_token(s, "hq")
    unknown = _get(central, token, **{"from": "2026-03-01", "to": "2026-03-10", "store": "S9"})
    assert unknown.status_code == 400 and "unknown store" in unknown.json()["detail"]


def test_the_command_prints_the_report_as_a_table_csv_or_json(central, tmp_path, capsys):
    _stores(central, tmp_path)
    today = datetime.now(UTC).date()
    args = ["report", "--from", str(today - timedelta(days=40)), "--to", str(today), "--db", central.db_url]
    assert pos_central(args) == 0
    table = capsys.readouterr().out
    assert "Loyalty Program report — the chain" in table and "by week" in table and "Headline:" in table
    assert pos_central([*args, "--store", "S2", "--by", "day", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["store"], data["grain"], data["total"]["orders_all"], len(data["periods"])) == ("S2", "day", 2, 41)
    assert pos_central([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("label,first,last,orders_participants")
    assert pos_central(["report", "--from", "2026-03-05", "--to", "2026-03-01", "--db", central.db_url]) == 2
    assert "before it starts" in capsys.readouterr().err
    assert pos_central(["admin-token", "add", "hq", "--db", central.db_url]) == 0
    assert "admin:" in capsys.readouterr().out
    assert pos_central(["admin-token", "list", "--db", central.db_url]) == 0
    assert "hq" in capsys.readouterr().out
