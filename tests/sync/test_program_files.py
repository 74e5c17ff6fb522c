"""Setting the program from files, the segment rules, and the list of points about to expire.

A real central service on 127.0.0.1 and the reference register store
(`sync.client.reference_store`) pushing entries and pulling the feed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from pos_app.domain.ledger import add_months
from sync.central import grants
from sync.central.cli import main as pos_central
from sync.central.jobs import run_job
from sync.client import SyncLoop
from sync.protocol import EntryKind


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = pos_central(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_program_file_is_set_whole_or_not_at_all(central, make_store, tmp_path, capsys):
    db = ["--db", central.db_url]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "tiers": [{"name": "silver", "threshold_minor": "500"}],
        "segments": [{"name": "lapsed", "rule": "lapsed", "days": 0}],
        "offers.winback": {"days": 60, "reward": {"type": "percent", "value": "20", "target": "order"}, "colour": 1},
        "jobs.schedule": {"tiers": "25:00"},
        "jobs.timezone": "Mars/Olympus",
        "points.earn_rate": "2",
        "tiers.windows_months": 12,
    }), encoding="utf-8")
    code, out, err = run(capsys, "import-settings", str(bad), *db)
    assert code == 2 and "nothing set, 6 errors" in out
    for expected in ("tiers[0].threshold_minor: a whole number", "segments[0].days: a whole number of days",
                     "offers.winback: unknown field 'colour'", "jobs.schedule: '25:00' is not a time of day",
                     "jobs.timezone: 'Mars/Olympus' is not a time zone",
                     "tiers.windows_months: no such setting (a typo?"):
        assert expected in err
    assert central.scalar("SELECT COUNT(*) FROM settings") == 0

    good = tmp_path / "program.json"
    good.write_text(json.dumps({
        "tiers": [{"name": "silver", "threshold_minor": 50000, "multiplier": "1.25"},
                  {"name": "gold", "threshold_minor": 150000, "multiplier": "1.5"}],
        "tiers.retention_months": 6,
        "points.expiry_months": 12,
        "points.earn_rate": "2",
        "offers.winback": {"days": 60, "reward": {"type": "percent", "value": "20", "target": "order"}},
        "jobs.schedule": {"tiers": "01:30"},
    }), encoding="utf-8")
    code, out, _ = run(capsys, "import-settings", str(good), *db)
    assert code == 0 and "settings: 6 set" in out
    assert run(capsys, "set-setting", "tiers.retention_months", "-1", *db)[0] == 2  # checked the same way
    assert run(capsys, "set-setting", "tiers.retension_months", "6", *db)[0] == 2  # a typo is nobody's setting
    store = make_store("S1.R1")
    assert SyncLoop(central.client("S1", "R1"), store, store).run_once()
    assert store.record_of("setting", "tiers")["value"][1] == {"name": "gold", "threshold_minor": 150000,
                                                                "multiplier": "1.5"}
    code, out, _ = run(capsys, "jobs", *db)
    assert out.splitlines()[1].split()[:2] == ["tiers", "01:30"]

    members = tmp_path / "members.csv"
    members.write_text("id,name,tier\nC1,Ann,gold\nC2,Bob,platinum\n", encoding="utf-8")
    code, out, err = run(capsys, "import-customers", str(members), *db)
    assert "1 imported" in out and "line 3: tier: 'platinum' is not one of the program's (gold, silver)" in err


def test_the_segment_job_computes_each_rule(central, make_store, tmp_path):
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    other_month = 1 if tomorrow.month != 1 else 2
    members = tmp_path / "members.csv"
    members.write_text("id,name,birthday,tier\n"
                       f"C1,Ann,1990-{other_month:02d}-01,\n"
                       f"C2,Bob,1991-{tomorrow.month:02d}-{min(tomorrow.day, 28):02d},\n"
                       f"C3,Cy,1992-{other_month:02d}-02,gold\n"
                       "C4,Di,,\nC5,Ed,,\nC6,Flo,,\n", encoding="utf-8")
    db = ["--db", central.db_url]
    assert pos_central(["import-customers", str(members), *db]) == 0
    with central.engine.begin() as conn:  # everyone but C5 joined a hundred days ago
        conn.exec_driver_sql("UPDATE customers SET enrolled_at = datetime(enrolled_at, '-100 days') WHERE id <> 'C5'")
    (tmp_path / "program.json").write_text(json.dumps({"segments": [
        {"name": "lapsed_30d", "rule": "lapsed", "days": 30},
        {"name": "top_40pct", "rule": "top_spenders", "percentile": 60, "days": 365},
        {"name": "new_7d", "rule": "new_members", "days": 7},
        {"name": "born_this_month", "rule": "birthday_month"},
        {"name": "gold", "rule": "tier", "tiers": ["gold"]},
    ]}), encoding="utf-8")
    assert pos_central(["import-settings", str(tmp_path / "program.json"), *db]) == 0
    (tmp_path / "vip.csv").write_text("id\nC4\n", encoding="utf-8")
    assert pos_central(["import-segment", "VIP", str(tmp_path / "vip.csv"), *db]) == 0
    client = central.client("S1", "R1")
    store = make_store("S1.R1")
    for n, (member, total) in enumerate((("C1", 90000), ("C2", 50000), ("C3", 10000), ("C4", 5000), ("C5", 1000))):
        store.record("accrual", member, 1, order_id=f"O{n}", order_total_minor=total)
    client.push(store.pending_batch(10))

    run = run_job(central.engine, "segments", tomorrow)

    segments = {m: json.loads(central.scalar("SELECT segments FROM customers WHERE id = :m", m=m))
                for m in ("C1", "C2", "C3", "C4", "C5", "C6")}
    # Five spenders: the top 40% are two. C6 never bought and joined 100 days ago; C5 joined today.
    assert segments == {"C1": ["top_40pct"], "C2": ["born_this_month", "top_40pct"], "C3": ["gold"],
                        "C4": ["VIP"], "C5": ["new_7d"], "C6": ["lapsed_30d"]}
    assert run.result["segments"] == {"lapsed_30d": 1, "top_40pct": 2, "new_7d": 1, "born_this_month": 1,
                                      "gold": 1}
    assert SyncLoop(client, store, store).run_once()
    assert store.record_of("customer", "C2")["segments"] == ["born_this_month", "top_40pct"]

    later = run_job(central.engine, "segments", today + timedelta(days=40))  # everyone's last order: 40 days ago
    assert later.result["segments"]["lapsed_30d"] == 6 and later.result["segments"]["new_7d"] == 0
    assert "VIP" in json.loads(central.scalar("SELECT segments FROM customers WHERE id = 'C4'"))


def test_members_whose_points_expire_soon_are_listed_for_messaging(central, make_store, tmp_path, capsys):
    members = tmp_path / "members.csv"
    members.write_text("id,name,email,phone\nC1,Ann,ann@example.com,+14155550100\nC2,Bob,bob@example.com,\n"
                       "C3,Cy,cy@example.com,\n", encoding="utf-8")
    db = ["--db", central.db_url]
    assert pos_central(["import-customers", str(members), *db]) == 0
    with central.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customers SET consent_email = 1 WHERE id IN ('C1', 'C3')")
    assert pos_central(["set-setting", "points.expiry_months", "1", *db]) == 0
    earned = datetime.now(UTC)
    store = make_store("S1.R1")
    store._clock = lambda: earned
    store.record("adjustment", "C1", 300, reason="t")
    store.record("adjustment", "C2", 200, reason="t")
    store.record("adjustment", "C3", 100, reason="t")
    store.record("adjustment", "C3", -100, reason="t")  # C3 has nothing left to lose
    central.client("S1", "R1").push(store.pending_batch(10))
    capsys.readouterr()

    code, out, _ = run(capsys, "expiring", "--days", "40", "--format", "csv", "--channel", "email", *db)

    assert code == 0
    listed = list(csv.DictReader(io.StringIO(out)))
    # Earned today, valid one month: C1 (agreed to email) is told; C2 did not agree; C3 has nothing left.
    assert [(r["customer_id"], r["email"], r["points"], r["first_on"]) for r in listed] == [
        ("C1", "ann@example.com", "300", add_months(earned.date(), 1).isoformat())]
    code, out, _ = run(capsys, "expiring", "--days", "40", *db)  # everyone, told or not
    assert "2 members have points expiring" in out


def test_the_currency_of_a_program_with_sales_changes_only_when_the_operator_says_so(
        either_central, make_store, tmp_path, capsys):
    central = either_central
    db = ["--db", central.db_url]

    def currency() -> object:
        value = central.scalar("SELECT value FROM settings WHERE key = 'currency'")
        return json.loads(value) if value is not None else None

    def program(name: str, settings: dict[str, object]) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(settings), encoding="utf-8")
        return str(path)

    # No sale yet (opening points carry no money): the program picks its currency freely.
    with central.session() as s, s.begin():
        grants.book_central_entries(s, [("C1", EntryKind.ADJUSTMENT, 100, "opening")])
    assert run(capsys, "set-setting", "currency", "GBP", *db)[0] == 0
    code, out, _ = run(capsys, "import-settings", program("eur.json", {"currency": "EUR"}), *db)
    assert code == 0 and "settings: 1 set (currency)" in out
    assert currency() == "EUR"
    code, _, err = run(capsys, "set-setting", "currency", "EURO", *db)
    assert code == 2 and "'EURO' is not a currency code" in err

    store = make_store("S1.R1")
    store.record("accrual", "C1", 120, order_id="O1", order_total_minor=12000)  # a sale of 120.00 EUR
    assert SyncLoop(central.client("S1", "R1"), store, store).run_once()

    code, _, err = run(capsys, "set-setting", "currency", "USD", *db)
    assert code == 2
    assert "already has sales booked in EUR" in err and "without converting any" in err
    assert "The currency stays EUR" in err and "again with --switch-currency" in err
    code, out, err = run(capsys, "import-settings", program("usd.json", {"currency": "USD", "points.expiry_months": 6}),
                         *db)
    assert code == 2 and "nothing set, 1 errors" in out and "already has sales booked in EUR" in err
    assert currency() == "EUR"
    assert central.scalar("SELECT COUNT(*) FROM settings WHERE key = 'points.expiry_months'") == 0

    # The program's own file, read again, names the currency it has: nothing switches, it is set.
    assert run(capsys, "import-settings", program("same.json", {"currency": "EUR", "points.expiry_months": 6}),
               *db)[0] == 0
    # An operator who means it says so.
    assert run(capsys, "set-setting", "currency", "USD", "--switch-currency", *db)[0] == 0
    assert currency() == "USD"
    code, out, _ = run(capsys, "import-settings", program("gbp.json", {"currency": "GBP"}), "--switch-currency", *db)
    assert code == 0 and currency() == "GBP"
