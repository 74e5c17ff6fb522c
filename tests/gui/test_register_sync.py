"""The demo register against the real central service on loopback: online, cut, offline banner, catch-up.

The embedded central service is the reference one (`sync.central`), served by
uvicorn in a thread; the register's sync loop pushes its outbox and pulls the
balances. Cutting the connection stops the server: the loop reports offline,
the banner appears while the cashier keeps selling, and once the server is
back the outbox drains.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.app import AppSettings, build_register, start_demo_sync
from sync.client import RetryPolicy
from tests.gui.register_helpers import press, publish_screenshots, save_screenshot, screenshot_folder


@pytest.fixture
def synced_register(qtbot, qapp, demo_db, demo_template, scan_detector, tmp_path):
    from pos_app.qt.theme import apply_theme

    before = (qapp.styleSheet(), qapp.palette(), qapp.font())
    apply_theme(qapp)
    settings = AppSettings(database=demo_db, cashier_id="cashier", cashier_name="Sam Cashier")
    central, loop = start_demo_sync(settings, tmp_path, demo_template[1].store)
    loop.interval = 0.2
    loop.backoff = RetryPolicy(base=0.1, cap=0.3, max_attempts=None)
    loop.client.retry = RetryPolicy(base=0.05, cap=0.1, max_attempts=2)
    loop.client.timeout = (0.5, 5.0)
    window = build_register(settings, sync_loop=loop, scanner=scan_detector, demo_network=central)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    loop.start()
    yield window, central, loop
    window.new_sale()  # closing with a sale open asks first (and parks it)
    window.close()
    loop.stop(5)
    central.stop()
    qapp.setStyleSheet(before[0])
    qapp.setPalette(before[1])
    qapp.setFont(before[2])


def test_sales_sync_and_the_banner_follows_the_connection(qtbot, synced_register, wedge, demo_store):
    window, central, loop = synced_register
    qtbot.waitUntil(lambda: "Online" in window.status_connection.text(), timeout=15000)
    assert not window.banner.isVisible()

    def sell(product) -> None:
        wedge.scan(window, "2900000000018")
        qtbot.waitUntil(lambda: window.customer_panel.current is not None, timeout=5000)
        wedge.scan(window, product.barcode)
        qtbot.waitUntil(lambda: len(window.cart_panel.model.rows) == 1, timeout=5000)
        press(window, Qt.Key.Key_F12)
        qtbot.waitUntil(lambda: window.receipt_dialog is not None and window.receipt_dialog.isVisible(),
                        timeout=5000)
        window.receipt_dialog.accept()
        qtbot.waitUntil(lambda: not window.receipt_dialog.isVisible(), timeout=2000)

    sell(demo_store.products[3])
    loop.sync_now()
    qtbot.waitUntil(lambda: loop.status.pending == 0 and loop.status.state == "online", timeout=15000)

    press(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # the demo's "cut the connection"
    qtbot.waitUntil(lambda: not central.running, timeout=15000)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15000)
    assert "OFFLINE SINCE" in window.banner.text()
    sell(demo_store.products[4])  # the cashier keeps selling
    qtbot.waitUntil(lambda: "waiting to sync" in window.status_outbox.text()
                    and not window.status_outbox.text().startswith("Nothing"), timeout=15000)

    window.toggle_demo_network()  # back online: the outbox drains
    qtbot.waitUntil(lambda: central.running, timeout=15000)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: loop.status.pending == 0, timeout=15000)
    window.refresh_status()
    qtbot.waitUntil(lambda: window.status_outbox.text() == "Nothing waiting to sync", timeout=5000)
    assert "Last sync" in window.status_last_sync.text()
    wedge.scan(window, "2900000000018")
    qtbot.waitUntil(lambda: window.customer_panel.current is not None, timeout=5000)
    for width, height in ((1024, 768), (1920, 1080)):
        window.resize(width, height)
        qtbot.wait(80)
        folder = screenshot_folder() / f"{width}x{height}"
        folder.mkdir(parents=True, exist_ok=True)
        publish_screenshots([save_screenshot(window, folder, "21-online-synced")], f"{width}x{height}")


def test_the_cache_age_is_the_sync_loops_monotonic_counter_and_survives_a_restart(qtbot, synced_register):
    from pos_app.services.sync_ports import load_exposure_state

    window, central, loop = synced_register
    qtbot.waitUntil(lambda: "Online" in window.status_connection.text(), timeout=15000)
    central.cut()
    qtbot.waitUntil(lambda: loop.status.state == "offline", timeout=15000)
    age = window._connectivity().cache_age_s
    assert age is not None and abs(age - loop.exposure.cache_age()) < 1.0  # not the wall clock

    window.refresh_status()  # persists the counters, as the status timer does every few seconds
    factory = window.ops.uow
    qtbot.waitUntil(lambda: load_exposure_state(factory).age_consumed_seconds >= age, timeout=5000)
    central.restore()
