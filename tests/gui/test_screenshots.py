"""Screenshots of the register's main states, from the real widgets on the demo store.

The pictures go to `test-artifacts/screenshots` (or `$POS_SCREENSHOT_DIR`);
the test prints the folder. With `POS_UPDATE_DOC_SCREENSHOTS=1` they are
also copied, reduced to a 256-colour palette to stay small, into
`docs/screenshots/`, which the README shows.
"""

from __future__ import annotations

from datetime import timedelta

from PIL import Image
from PySide6.QtCore import Qt

from pos_app.demo.barcodes import card_number
from pos_app.qt.connection_status import ConnectionView
from tests.gui.register_helpers import (
    DEMO_NOW,
    confirm,
    manager_mode,
    press,
    publish_screenshots,
    save_screenshot,
    screenshot_folder,
)

ZOE_CARD = card_number(1)
MONICA_CARD = card_number(5)  # "points redemption capped at half the order"


def test_screenshots_of_the_main_states(qtbot, register, wedge, demo_store, capsys):
    folder = screenshot_folder()
    register.resize(1280, 800)
    qtbot.wait(50)
    shots = []

    shots.append(save_screenshot(register, folder, "01-empty-register"))

    press(register, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: getattr(register, "enroll_dialog", None) is not None
                    and register.enroll_dialog.isVisible(), timeout=2000)
    enroll = register.enroll_dialog
    qtbot.keyClicks(enroll.name, "Ngozi Okafor")
    qtbot.keyClicks(enroll.phone, "415 555 01")
    qtbot.keyClicks(enroll.email, "ngozi.okafor@example.com")
    enroll.consent_terms.setChecked(True)
    enroll.consent_email.setChecked(True)
    enroll._submit()
    qtbot.waitUntil(lambda: "phone" in enroll.message.text(), timeout=5000)  # refused: not a valid number
    shots.append(save_screenshot(enroll, folder, "09-enroll"))
    enroll.reject()

    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Zoë Martin", timeout=5000)
    chips = demo_store.products_tagged("chips")[:3]
    coffee = next(p for p in demo_store.products if "Coffee beans" in p.name)
    mug = next(p for p in demo_store.products if "mug" in p.tags)
    yogurt = next(p for p in demo_store.products if "yogurt" in p.tags)
    for product in (*chips, coffee, mug, yogurt, yogurt):
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 7, timeout=5000)
    register.add_code("SAVE5")
    qtbot.waitUntil(lambda: bool(register.view.codes), timeout=5000)
    shots.append(save_screenshot(register, folder, "02-customer-cart-promotions"))

    register.new_sale()
    wedge.scan(register, MONICA_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Mónica Núñez", timeout=5000)
    assert register.customer_panel.tier_progress.text().endswith("for Gold")
    for product in (coffee, coffee, mug):
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 3, timeout=5000)
    press(register, Qt.Key.Key_F6)
    qtbot.keyClicks(register.codes_panel.points, "m")
    qtbot.keyClick(register.codes_panel.points, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.view.redemption is not None, timeout=5000)
    shots.append(save_screenshot(register, folder, "03-points-redemption"))

    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: register.receipt_dialog is not None and register.receipt_dialog.isVisible(),
                    timeout=5000)
    dialog = register.receipt_dialog
    qtbot.waitUntil(lambda: not dialog.preview.pixmap().isNull(), timeout=5000)
    dialog.resize(640, 800)
    qtbot.wait(50)
    shots.append(save_screenshot(dialog, folder, "04-receipt-preview"))
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    manager = manager_mode(qtbot, register)
    manager.adjust_points.setValue(250)
    qtbot.keyClicks(manager.adjust_note, "Broken eggs in the last order")
    manager.adjust_button.click()
    qtbot.waitUntil(lambda: "Done" in manager.adjust_message.text(), timeout=5000)
    shots.append(save_screenshot(manager, folder, "05-manager-mode"))
    manager.tabs.setCurrentWidget(manager.returns)
    wedge.scan(manager, dialog.receipt.order_number)
    qtbot.waitUntil(lambda: manager.returns.order is not None, timeout=5000)
    manager.returns.set_quantity(manager.returns.order.lines[0].line_id, 1)
    manager.returns.return_button.click()
    confirm(qtbot, manager.returns).accept()
    qtbot.waitUntil(lambda: manager.returns.message.text().startswith("Refund"), timeout=5000)
    manager.returns.receipt_dialog.accept()
    shots.append(save_screenshot(manager, folder, "06-return"))
    manager.tabs.setCurrentIndex(manager.tabs.count() - 1)
    qtbot.waitUntil(lambda: manager.audit_model.rowCount() >= 3, timeout=5000)
    shots.append(save_screenshot(manager, folder, "07-audit-log"))
    manager.reject()

    register.set_connection_status(ConnectionView("offline", offline_since=DEMO_NOW - timedelta(minutes=12),
                                                  last_synced_at=DEMO_NOW - timedelta(minutes=13)))
    register.refresh_status()
    wedge.scan(register, coffee.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 1 and "waiting" in register.status_outbox.text(),
                    timeout=5000)
    shots.append(save_screenshot(register, folder, "08-offline-banner"))

    for shot in shots:
        with Image.open(shot) as picture:
            assert picture.width >= 600 and picture.height >= 400
    publish_screenshots(shots)
    with capsys.disabled():
        print(f"\nscreenshots: {folder}")
