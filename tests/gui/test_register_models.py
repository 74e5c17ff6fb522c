"""The item models and the words behind the panels, tested without any view.

The cart table, the customer candidates and the audit log are thin Qt
adapters over plain values; `sale_view` and `status_texts` decide what the
panels say. None of these needs a window.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt

from pos_app.domain.audit_chain import AuditRecord
from pos_app.domain.cart import CartLine
from pos_app.domain.customer import Customer
from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.engine import PromotionEngine, Sale
from pos_app.domain.scenario_json import parse_promotions, parse_settings
from pos_app.qt.cart_model import COLUMNS, CartRow, CartTableModel
from pos_app.qt.connection_status import LOCAL_ONLY, ConnectionView, status_texts
from pos_app.qt.list_models import AuditLogModel, CustomerListModel, candidate_text
from pos_app.qt.sale_view import sale_view
from pos_app.qt.wording import age, is_birthday_week, money, reason_words, redemption_words
from pos_app.services.audit import AuditLog

MILK = CartRow("L1", "Whole milk 1L", "2", 149, discount=30, net=268, sku="DAI-1")
BREAD = CartRow("L2", "Sourdough loaf", "1", 499, net=499, sku="BAK-1")


def test_the_cart_model_shows_each_line_in_money(qapp):
    model = CartTableModel("USD")
    model.set_rows((MILK, BREAD))
    assert model.rowCount() == 2 and model.columnCount() == len(COLUMNS)
    shown = [[model.data(model.index(r, c)) for c in range(5)] for r in range(2)]
    assert shown == [["Whole milk 1L", "2", "$1.49", "-$0.30", "$2.68"],
                     ["Sourdough loaf", "1", "$4.99", "", "$4.99"]]
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Net"
    right = model.data(model.index(0, 2), Qt.ItemDataRole.TextAlignmentRole)
    assert right & int(Qt.AlignmentFlag.AlignRight)
    assert model.data(model.index(1, 0), Qt.ItemDataRole.UserRole) == "L2"


def test_a_changed_quantity_repaints_one_row_not_the_table(qapp, qtbot):
    model = CartTableModel()
    model.set_rows((MILK, BREAD))
    changed, resets = [], []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    model.modelReset.connect(lambda: resets.append(1))
    model.set_rows((MILK, CartRow("L2", "Sourdough loaf", "2", 499, net=998, sku="BAK-1")))
    assert changed == [(1, 1)] and resets == []


def test_a_scanned_line_is_inserted_and_a_removed_one_resets(qapp):
    model = CartTableModel()
    model.set_rows((MILK,))
    inserted = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.set_rows((MILK, BREAD))
    assert inserted == [(1, 1)]
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_rows((BREAD,))
    assert resets == [1] and model.rows == (BREAD,)


def test_weighed_lines_show_kilograms(qapp):
    model = CartTableModel()
    model.set_rows((CartRow("L1", "Bananas", "0.532", 189, net=101, weighted=True),))
    assert model.data(model.index(0, 1)) == "0.532 kg"


def test_candidates_tell_two_customers_with_one_name_apart(qapp):
    a = CustomerProfile("C1", "Zoë Patel", card_number="2900000004269", phone="+12065550125", tier="gold")
    b = CustomerProfile("C2", "Zoë Patel", email="zoe.patel576@example.com", tier="bronze")
    model = CustomerListModel()
    model.set_customers((a, b))
    assert model.rowCount() == 2
    first, second = (model.data(model.index(r, 0)) for r in range(2))
    assert first != second and "Gold" in first and "…0125" in first and "example.com" in second
    # what tells them apart comes right after the name: a narrow list cuts the e-mail, not the digits
    assert first.startswith("Zoë Patel  ·  ☎ …0125  ·  card …4269")
    assert model.data(model.index(1, 0), Qt.ItemDataRole.UserRole) == "C2"
    assert candidate_text(a).startswith("Zoë Patel")


def test_the_audit_log_reads_in_words_newest_first_and_filters(qapp):
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    records = [
        AuditRecord(1, at, None, "user_created", {"user": "cashier", "role": "cashier"}, "0", "a"),
        AuditRecord(2, at, "manager", "points_adjusted",
                    {"customer": "C000001", "points": 250, "reason": "goodwill", "note": "Broken eggs",
                     "entry": "0193a3c4-8e8f-7c6b-a0a1-5d2f3e4a5b6c"}, "a", "b"),
        AuditRecord(3, at, "manager", "items_returned",
                    {"order": "R1-000007", "customer": "C000002", "lines": {"L1": "1"}, "refund_minor": 989,
                     "approved_by": "manager", "cashier": "cashier", "late": False}, "b", "c"),
        AuditRecord(4, at, None, "pin_refused", {"user": "nobody", "reason": "unknown_user"}, "c", "d"),
    ]
    names = {"manager": "Alex Manager", "cashier": "Sam Cashier", "C000001": "Zoë Martin", "C000002": "Ana Lee"}
    model = AuditLogModel()
    model.set_log(AuditLog(tuple(records), names))

    shown = [[model.data(model.index(r, c)) for c in range(5)] for r in range(model.rowCount())]
    assert [row[0] for row in shown] == ["4", "3", "2", "1"]
    assert shown[2][2:] == ["Alex Manager", "Points adjusted", "Zoë Martin: +250 points (goodwill) — Broken eggs"]
    assert shown[1][4] == "Order R1-000007 (Ana Lee): 1 line, refund $9.89, approved by Alex Manager"
    assert shown[0][2:] == ["system", "PIN refused", "nobody: no such user"]
    assert not any("0193a3c4" in cell or "{" in cell for row in shown for cell in row)  # no ids, no JSON

    model.set_filter("ana lee")
    assert [line.seq for line in model.lines] == [3]
    model.set_filter("", action="PIN refused")
    assert [line.seq for line in model.lines] == [4]


def _evaluate(lines, *, customer=None, codes=(), redeem=0):
    settings = parse_settings({"currency": "USD", "points": {"min_redeem": 100, "redeem_step": 10,
                                                             "max_redeem_share": "0.5"}}, "settings")
    promotions = parse_promotions([
        {"id": "P1", "name": "10% off dairy", "reward": {"type": "percent", "value": "10", "target": "items"},
         "conditions": {"items": {"categories": ["dairy"]}}},
        {"id": "P2", "name": "$5 off $30", "reward": {"type": "amount", "value": "5.00", "target": "order"},
         "conditions": {"min_subtotal": "30.00"}, "codes": [{"code": "SAVE5"}]},
    ], "promotions", settings.currency)
    sale = Sale(now=datetime(2026, 11, 23, 11, 0), cart=tuple(lines), customer=customer, codes=tuple(codes),
                redeem_points=redeem)
    return PromotionEngine(settings, promotions).evaluate(sale)


def test_the_sale_view_says_why_an_offer_did_not_apply():
    milk = CartLine("L1", "DAI-1", 2, 149, categories=frozenset({"dairy"}), name="Whole milk 1L")
    result = _evaluate([milk], codes=("save5",))
    view = sale_view(result, [("L1", "Whole milk 1L", "2", 149, False, "DAI-1")])
    assert [p.name for p in view.applied] == ["10% off dairy"]
    assert view.rows[0].discount == 30 and view.rows[0].net == 268
    refused = {p.promotion_id: p.words for p in view.refused}
    assert refused["P2"].startswith("Needs $30.00")
    assert [(c.code, c.status) for c in view.codes] == [("save5", "not_applicable")]
    assert view.total == 268 and view.item_count == 2


def test_the_sale_view_explains_a_capped_redemption():
    milk = CartLine("L1", "DAI-1", 10, 149, categories=frozenset({"dairy"}))
    result = _evaluate([milk], customer=Customer("C1", points=5000), redeem="max")
    view = sale_view(result, [("L1", "Whole milk 1L", "10", 149, False, "DAI-1")], min_redeem=100,
                     customer_points=5000)
    r = view.redemption
    assert r is not None and r.limited_by == "share" and r.redeemed == r.cap
    assert r.words.startswith(f"Capped at {r.cap:,} points")
    assert view.points_value == r.value


def test_words_for_money_reasons_and_limits():
    assert money(1250) == "$12.50" and money(-30) == "-$0.30" and money(5, "JPY") == "¥5"
    assert money(500_000) == "$5,000.00"
    assert reason_words("lost_to_better", "") == "A better offer applies"
    assert reason_words("min_subtotal", "needs 30.00 of eligible items") == "Needs 30.00 of eligible items"
    assert redemption_words("minimum", 0, 100) == "Below the minimum of 100 points"
    assert redemption_words(None, 0) == ""
    assert age(42) == "42 s" and age(3600 * 5) == "5 h" and age(None) == "never"
    assert is_birthday_week(date(1988, 11, 25), date(2026, 11, 23))
    assert not is_birthday_week(date(1988, 6, 1), date(2026, 11, 23))


def test_the_status_bar_says_offline_since_when_and_what_waits():
    now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    offline = ConnectionView("offline", offline_since=now - timedelta(minutes=5), pending=3,
                             last_synced_at=now - timedelta(minutes=6))
    texts = status_texts(offline, now, register="R1", cashier="Sam")
    assert texts.connection == "● Offline since 10:55" and texts.tone == "danger"
    assert texts.outbox == "3 waiting to sync" and texts.last_sync == "Last sync 10:54"
    assert texts.cache == "Data age 6 min" and texts.who == "Register R1  ·  Cashier Sam"
    assert texts.banner is not None and "keep selling" in texts.banner
    online = status_texts(ConnectionView("online", last_synced_at=now), now, register="R1", cashier=None)
    assert online.banner is None and online.connection == "● Online" and online.outbox == "Nothing waiting to sync"
    local = status_texts(ConnectionView(LOCAL_ONLY, pending=2), now, register="R1", cashier="Sam",
                         cache_loaded_at=now - timedelta(hours=2))
    assert local.banner is None and "no central service" in local.connection and local.cache == "Data age 2 h"


def test_a_sync_loop_status_becomes_a_connection_view():
    from sync.client import SyncState, SyncStatus

    since = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    view = ConnectionView.from_sync_status(SyncStatus(SyncState.OFFLINE, offline_since=since, pending=7,
                                                      message="connection refused"))
    assert view.state == "offline" and view.offline_since == since and view.pending == 7
    # before its first cycle the loop says "offline since start": the register says "connecting"
    first = ConnectionView.from_sync_status(SyncStatus(SyncState.OFFLINE, offline_since=since))
    assert first.state == "connecting"
    assert status_texts(first, since, register="R1", cashier=None).banner is None


def test_settings_come_from_the_config_file_and_the_environment(tmp_path):
    from pos_app.app import AppSettings, configured_sync_loop

    config = tmp_path / "pos.toml"
    config.write_text('database = "/srv/r.db"\nregister_id = "R7"\ncentral_url = "http://central:8765"\n'
                      '[printer]\nkind = "network"\nhost = "10.0.0.9"\n', encoding="utf-8")
    settings = AppSettings.load({"POS_REGISTER_ID": "R9", "POS_CENTRAL_TOKEN": "t0k"}, config)
    assert str(settings.database) == "/srv/r.db" and settings.register_id == "R9"
    assert settings.printer == {"kind": "network", "host": "10.0.0.9"}
    assert settings.central_url == "http://central:8765" and settings.central_token == "t0k"
    assert configured_sync_loop(settings) is None  # not paired: no register id yet
    assert AppSettings.load({}, tmp_path / "missing.toml").printer == {"kind": "dummy"}


def test_the_sale_view_carries_whether_the_best_deal_was_proven():
    from dataclasses import replace

    milk = CartLine("L1", "DAI-1", 2, 149, categories=frozenset({"dairy"}), name="Whole milk 1L")
    result = _evaluate([milk])
    lines = [("L1", "Whole milk 1L", "2", 149, False, "DAI-1")]
    assert sale_view(result, lines).optimal is True
    assert sale_view(replace(result, optimal=False), lines).optimal is False  # the search stopped at its budget
