"""Screenshots of every state of the register, at 1024x768 and 1920x1080, in English and in Russian.

From the real widgets on the demo store. The pictures go to
`test-artifacts/screenshots/<size>/` (Russian: `ru/<size>/`, or under
`$POS_SCREENSHOT_DIR`); the test prints the folder. With
`POS_UPDATE_DOC_SCREENSHOTS=1` they are also copied, reduced to a 256-colour
palette to stay small, into `docs/screenshots/<size>/` and
`docs/screenshots/ru/<size>/`, which `docs/screenshots/README.md` shows. A
dialog is pictured over the dimmed window, as the cashier sees it.

In Russian, every state is also read word by word (`english_words`): a text
of the window left in English (an untranslated or unmarked string) fails
the test, naming the text and its words.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from pos_app.demo.barcodes import card_number
from pos_app.qt.connection_status import ConnectionView
from pos_app.qt.language import install_language, tr
from tests.gui.english_words import demo_data_names, english_words, shown_texts
from tests.gui.register_helpers import (
    DEMO_NOW,
    ZOE_CARD,
    confirm,
    manager_mode,
    press,
    publish_screenshots,
    save_screenshot,
    screenshot_folder,
    sell,
)

MONICA_CARD = card_number(5)  # "points redemption capped at half the order"
SIZES = [(1024, 768), (1920, 1080)]
LANGUAGES = ["en", "ru"]


@pytest.fixture
def language(request, qapp):
    """The register's language for one test (English again after it)."""
    install_language(request.param, qapp)
    yield request.param
    install_language("en", qapp)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
def test_screenshots_of_every_state(qtbot, language, open_register, wedge, demo_store, capsys, size):
    subfolder = f"{size[0]}x{size[1]}" if language == "en" else f"{language}/{size[0]}x{size[1]}"
    folder = screenshot_folder() / subfolder
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    left_in_english: dict[str, dict[str, set[str]]] = {}

    def shot(name: str, dialog=None) -> None:
        qtbot.wait(60)
        shots.append(save_screenshot(register, folder, name, dialog))
        if language != "en":
            found = english_words(shown_texts(register), data)
            if found:
                left_in_english[name] = found

    register = open_register(cashier_id=None, size=size)
    note = "Broken eggs in the last order"  # what the manager types is the manager's, in any language
    data = demo_data_names(register, demo_store) | {note}
    qtbot.waitUntil(lambda: register.sign_in.people.count() > 0, timeout=5000)
    assert register.sign_in.chosen() == "cashier"  # cashiers first, then managers
    shot("01-sign-in")
    qtbot.keyClicks(register.sign_in.pin, "1111")
    qtbot.keyClick(register.sign_in.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.cart_panel.isVisible(), timeout=5000)
    shot("02-empty-register")

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
    shot("03-customer-cart-promotions")
    if register.sale_tabs.count():  # narrow: the promotions fold into a tab beside the sale
        press(register, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        shot("04-promotions-tab")
        press(register, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)

    press(register, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(register, "rewards_dialog", None) is not None
                    and register.rewards_dialog.isVisible(), timeout=5000)
    shot("05-rewards", register.rewards_dialog)
    register.rewards_dialog.reject()

    press(register, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)  # Zoë steps aside: parked
    qtbot.waitUntil(lambda: register.parked_count == 1, timeout=5000)
    wedge.scan(register, MONICA_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Mónica Núñez", timeout=5000)
    for product in (coffee, coffee, mug):
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 3, timeout=5000)
    press(register, Qt.Key.Key_F6)
    qtbot.keyClicks(register.codes_panel.points, "m")
    qtbot.keyClick(register.codes_panel.points, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.view.redemption is not None, timeout=5000)
    shot("06-points-redemption")

    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: register.receipt_dialog is not None and register.receipt_dialog.isVisible(),
                    timeout=5000)
    receipt_dialog = register.receipt_dialog
    qtbot.waitUntil(lambda: not receipt_dialog.preview.pixmap().isNull(), timeout=5000)
    shot("07-receipt", receipt_dialog)
    sold = receipt_dialog.receipt
    qtbot.keyClick(receipt_dialog.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not receipt_dialog.isVisible(), timeout=2000)

    press(register, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: register.recall_dialog is not None and register.recall_dialog.isVisible(), timeout=5000)
    shot("08-recall-parked", register.recall_dialog)
    qtbot.keyClick(register.recall_dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.view.item_count == 7, timeout=5000)
    register.new_sale()

    press(register, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: register.reprint_dialog is not None and register.reprint_dialog.receipt is not None,
                    timeout=5000)
    qtbot.waitUntil(lambda: not register.reprint_dialog.preview.pixmap().isNull(), timeout=5000)
    shot("09-reprint", register.reprint_dialog)
    register.reprint_dialog.reject()

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
    qtbot.waitUntil(lambda: enroll.message.property("role") == "danger", timeout=5000)  # not a valid number
    assert enroll.phone.hasFocus()
    shot("10-enroll", enroll)
    enroll.reject()

    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    manager = manager_mode(qtbot, register)
    manager.adjust_points.setValue(250)
    qtbot.keyClicks(manager.adjust_note, note)
    manager.adjust_button.click()
    qtbot.waitUntil(lambda: manager.adjust_message.property("role") == "success", timeout=5000)
    shot("11-manager-adjust", manager)

    manager.tabs.setCurrentWidget(manager.transfer_tab)
    manager.transfer_to.search.setFocus()
    wedge.scan(manager, card_number(2))
    qtbot.waitUntil(lambda: manager.transfer_to.card is not None, timeout=5000)
    manager.transfer_points.setValue(200)
    manager.transfer_button.click()
    shot("12-transfer-asks", confirm(qtbot, manager))
    manager.confirm_dialog.reject()

    manager.tabs.setCurrentWidget(manager.returns)
    wedge.scan(manager, sold.order_number)
    qtbot.waitUntil(lambda: manager.returns.order is not None, timeout=5000)
    manager.returns.set_quantity(manager.returns.order.lines[0].line_id, 1)
    manager.returns.return_button.click()
    shot("13-return-asks", confirm(qtbot, manager.returns))
    manager.returns.confirm_dialog.accept()
    qtbot.waitUntil(lambda: manager.returns.receipt_dialog is not None
                    and manager.returns.receipt_dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not manager.returns.receipt_dialog.preview.pixmap().isNull(), timeout=5000)
    shot("14-return-slip", manager.returns.receipt_dialog)
    manager.returns.receipt_dialog.accept()
    qtbot.waitUntil(lambda: manager.returns.message.property("role") == "success", timeout=5000)
    shot("15-return", manager)
    manager.returns.found = None
    manager.returns.void_button.click()
    qtbot.waitUntil(lambda: manager.returns.confirm_dialog is not None
                    and manager.returns.confirm_dialog.objectName() == "void-confirm"
                    and manager.returns.confirm_dialog.isVisible(), timeout=5000)
    shot("16-void-asks", manager.returns.confirm_dialog)
    manager.returns.confirm_dialog.reject()

    manager.tabs.setCurrentWidget(manager.pairing)
    shot("17-central-service", manager)
    manager.tabs.setCurrentWidget(manager.audit)
    qtbot.waitUntil(lambda: manager.audit_model.rowCount() >= 5, timeout=5000)
    shot("18-audit-log", manager)
    manager.tabs.setCurrentWidget(manager.settings_page)
    qtbot.waitUntil(lambda: bool(manager.settings_values["currency"].text()), timeout=5000)
    shot("22-manager-settings", manager)
    manager.tabs.setCurrentWidget(manager.report)
    qtbot.waitUntil(lambda: manager.report.report is not None, timeout=30000)
    shot("23-report", manager)
    manager.reject()

    register.set_connection_status(ConnectionView("offline", offline_since=DEMO_NOW - timedelta(minutes=12),
                                                  last_synced_at=DEMO_NOW - timedelta(minutes=13)))
    register.refresh_status()
    sell(qtbot, register, wedge, [coffee], card=None)
    wedge.scan(register, coffee.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 1
                    and register.status_outbox.text() != tr("Nothing waiting to sync"), timeout=5000)
    shot("19-offline-banner")

    press(register, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: register.sign_in.isVisible(), timeout=5000)
    shot("20-locked")

    for path in shots:
        with Image.open(path) as picture:
            assert picture.size == size  # the window at the size asked, dialogs over it
    assert not left_in_english, "English left in the window: " + "; ".join(
        f"{name}: " + ", ".join(f"{text!r} {sorted(words)}" for text, words in found.items())
        for name, found in left_in_english.items())
    publish_screenshots(shots, subfolder)
    with capsys.disabled():
        print(f"\nscreenshots: {folder}")
