"""A check built at the store's till shows in the register window, and what the cashier adds there shows
in the till's next answer; the till pays, the window starts a new sale.

The till talks real HTTP to the POS API, served from its own thread over the
same register store as the window; the window is the real one, driven from
the keyboard under pytest-qt.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.app import AppSettings, build_register
from pos_app.qt.till_mirror import PAY_AT_THE_TILL
from pos_app.services.till_checks import TillChecks
from tests.api.till_client import FRANCOIS_CARD, line, start_register
from tests.gui.register_helpers import demo_clock, press, wait_idle

CHECK = {"check_id": "T-17", "member": FRANCOIS_CARD, "codes": [], "redeem_points": 0,
         "lines": [line("1", "WRI-0099", 2, "4.59"), line("2", "DAI-0005", 1, "2.49")]}


@pytest.fixture
def window_and_till(qtbot, demo_template, tmp_path, scan_detector):  # noqa: ANN001, ANN201
    checks = TillChecks("S1")
    api = start_register(demo_template[0], tmp_path, checks=checks)
    settings = AppSettings(database=api.database, cashier_id="cashier", cashier_name="Sam Cashier")
    window = build_register(settings, clock=demo_clock, scanner=scan_detector, till_checks=checks)
    qtbot.addWidget(window)
    window.resize(1440, 860)
    window.show()
    qtbot.waitExposed(window)
    yield window, api.till(), api
    window.new_sale()  # closing with a sale open only asks (and the window would stay, watching every window)
    window.close()
    api.stop()


def test_a_check_built_at_the_till_is_finished_in_the_window_and_paid_at_the_till(qtbot, window_and_till) -> None:
    window, till, api = window_and_till

    first = till.inquire(CHECK).json()
    qtbot.waitUntil(lambda: len(window.view.rows) == 2 and window.card is not None, timeout=5000)
    assert [row.sku for row in window.view.rows] == ["WRI-0099", "DAI-0005"]
    assert window.customer_panel.name.text() == "François Singh"
    assert window.totals_panel.total.text().endswith(first["result"]["total"])
    assert not window.pay_button.isEnabled() and window.pay_button.toolTip() == PAY_AT_THE_TILL
    assert "Till till-1: check T-17" in window.status_message.text()

    # the cashier adds a code and points in the window, from the keyboard
    press(window, Qt.Key.Key_F4)
    qtbot.keyClicks(window.codes_panel.code, "staff25")
    qtbot.keyClick(window.codes_panel.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "STAFF25" in window.codes_panel.codes.text().upper(), timeout=5000)
    press(window, Qt.Key.Key_F6)
    qtbot.keyClicks(window.codes_panel.points, "300")
    qtbot.keyClick(window.codes_panel.points, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.draft.redeem == 300, timeout=5000)
    wait_idle(qtbot, window)

    # the till's next inquire, with the same body as before, has them
    second = till.inquire(CHECK).json()
    assert [(c["code"], c["status"]) for c in second["result"]["codes"]] == [("staff25", "applied")]
    assert [a["id"] for a in second["result"]["applied"]] == ["P14"]  # staff day: nothing else applies
    assert second["result"]["redemption"]["redeemed"] == 300
    assert second["result"]["total"] != first["result"]["total"]

    # the till pays what it was told; the window starts a new sale and says which order was written
    paid = till.commit(CHECK, "tx-17", second["result"]["total"]).json()
    qtbot.waitUntil(lambda: not window.view.rows, timeout=5000)
    assert f"order {paid['order_id']}" in window.status_message.text()
    assert paid["points"]["spent"] == 300
    assert api.rows("SELECT codes FROM orders WHERE id = :o", o=paid["order_id"]) == [('["staff25"]',)]


def test_the_tills_changes_win_over_the_screen_and_the_window_follows_the_last_inquired_check(
        qtbot, window_and_till) -> None:
    window, till, _api = window_and_till
    till.inquire(CHECK)
    qtbot.waitUntil(lambda: window.card is not None, timeout=5000)
    press(window, Qt.Key.Key_F6)
    qtbot.keyClicks(window.codes_panel.points, "300")
    qtbot.keyClick(window.codes_panel.points, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.draft.redeem == 300, timeout=5000)
    wait_idle(qtbot, window)

    asked_more = till.inquire({**CHECK, "redeem_points": 400}).json()  # the till changed it: the till's value
    other = till.inquire({**CHECK, "check_id": "T-18", "member": None, "lines": [line("1", "DAI-0001", 3, "1.49")]})

    assert asked_more["result"]["redemption"]["redeemed"] == 400
    assert other.json()["member"] is None
    qtbot.waitUntil(lambda: [row.sku for row in window.view.rows] == ["DAI-0001"] and window.card is None,
                    timeout=5000)
    assert not window.customer_panel.card.isVisible()
