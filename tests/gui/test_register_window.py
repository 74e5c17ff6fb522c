"""The register window on a real demo store: what a cashier does all day, driven from the keyboard.

Scans go through the real `ScanDetector` (keys sent to the window, 5 ms
apart, on the test's clock); typing goes into the fields; F-keys are pressed
on the window. Every database call runs on the task runner, so the tests
wait for what the cashier would wait for: the text on the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from pos_app.demo.barcodes import card_number
from pos_app.printing.escpos_output import render_escpos
from pos_app.qt.connection_status import ConnectionView
from tests.gui.register_helpers import DEMO_NOW, press, wait_idle

ZOE_CARD = "2900000000018"


def test_the_empty_register_says_what_to_do(register):
    assert register.cart_panel.item.hasFocus()
    assert register.totals_panel.total.text() == "$0.00"
    assert not register.pay_button.isEnabled()
    assert "Local only" in register.status_connection.text()
    assert "Register R1" in register.identity.text() and "Sam Cashier" in register.identity.text()
    # every key is printed where it acts: on its button, or beside (or in) the field it goes to
    assert register.customer_panel.search.placeholderText().startswith("F2")
    assert register.cart_panel.item.placeholderText().startswith("F3")
    for button, key in ((register.pay_button, "F12"), (register.manager_button, "F10"),
                        (register.lock_button, "F11"), (register.park_button, "Ctrl+H")):
        assert button.text().startswith(key)
    assert "1111" not in register.windowTitle() and "PIN" not in register.windowTitle()


def test_full_cashier_flow(qtbot, register, wedge, demo_store):
    # identify by scanning the loyalty card, wherever the focus is
    register.cart_panel.item.setFocus()
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Zoë Martin", timeout=5000)
    assert register.customer_panel.tier.text() == "GOLD"
    assert register.customer_panel.birthday.isVisible()
    assert register.customer_panel.tier_progress.text() == "Top tier"
    offers = register.customer_panel.offers.text()
    assert "VIP-" in offers and "Gold members: 5% off every order" in offers  # a code, and the tier's offer
    assert "4,820 points" in register.customer_panel.points.text()

    # scan items: two chips (the third is free) and enough to pass $30 for SAVE5
    chips = demo_store.products_tagged("chips")[:3]
    coffee = [p for p in demo_store.products if "Coffee beans" in p.name][0]
    for product in (*chips, coffee, coffee):
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 5, timeout=5000)
    rows = register.cart_panel.model.rows
    assert [r.qty for r in rows] == ["1", "1", "1", "2"]
    assert register.cart_panel.item.text() == ""  # the scan never landed in the field

    # apply a code typed in the code field
    press(register, Qt.Key.Key_F4)
    assert register.codes_panel.code.hasFocus()
    qtbot.keyClicks(register.codes_panel.code, "save5")
    qtbot.keyClick(register.codes_panel.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "SAVE5" in register.codes_panel.codes.text(), timeout=5000)
    assert any(c.code.upper() == "SAVE5" for c in register.view.codes)
    applied = {p.promotion_id for p in register.view.applied}
    assert "P08" in applied  # buy 2 chips, get 1 free
    assert "✔" in register.promotions_panel.applied.text()

    # redeem the most points allowed
    press(register, Qt.Key.Key_F6)
    qtbot.keyClicks(register.codes_panel.points, "m")
    qtbot.keyClick(register.codes_panel.points, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.view.redemption is not None, timeout=5000)
    redemption = register.view.redemption
    assert redemption.redeemed > 0 and redemption.redeemed <= redemption.cap
    assert register.view.points_value == redemption.value
    assert f"Paying {redemption.redeemed:,} pts" in register.codes_panel.redemption.text()
    total = register.view.total
    assert register.totals_panel.total.text() == f"${total / 100:.2f}"

    # pay with F12: the receipt shows, and prints on the configured printer
    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: register.receipt_dialog is not None and register.receipt_dialog.isVisible(),
                    timeout=5000)
    dialog = register.receipt_dialog
    receipt = dialog.receipt
    assert receipt.customer_name == "Zoë Martin"
    assert receipt.total == total
    assert receipt.points.redeemed == redemption.redeemed
    qtbot.waitUntil(lambda: not dialog.preview.pixmap().isNull(), timeout=5000)
    with qtbot.waitSignal(register.receipt_printed, timeout=5000):
        press(dialog, Qt.Key.Key_F5)
    printed = register.printer_file.read_bytes()
    assert b"CORNER MARKET" in printed and receipt.order_number.encode() in printed
    on_dummy = render_escpos(receipt)  # the same receipt on python-escpos's Dummy printer
    assert b"Zo" in on_dummy and b"TOTAL USD" in on_dummy and b"\x1dV" in on_dummy  # text, total, cut
    # a member paying $10 or more earns the demo's next-visit code: barcoded beside the order number
    assert receipt.total >= 1000 and receipt.next_visit_code.startswith("NV-")
    assert "10% off your next visit" in receipt.next_visit_offer
    assert receipt.next_visit_code in dialog.findChild(QLabel, "receipt-summary").text()
    for value in (receipt.next_visit_code, receipt.order_number):
        assert b"\x1dkI" + bytes([len(value) + 2]) + b"{B" + value.encode() in printed  # GS k: Code128

    # Enter starts the next sale; the sale is in the outbox, the customer's points moved
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert register.cart_panel.model.rows == ()
    assert register.customer_panel.current is None
    qtbot.waitUntil(lambda: "waiting to sync" in register.status_outbox.text()
                    and not register.status_outbox.text().startswith("Nothing"), timeout=5000)
    wedge.scan(register, ZOE_CARD)
    expected = 4820 - receipt.points.redeemed + receipt.points.earned
    qtbot.waitUntil(lambda: f"{expected:,} points" in register.customer_panel.points.text(), timeout=5000)
    assert "pending" in register.customer_panel.points_detail.text()


def test_names_are_found_as_you_type_and_picked_from_the_list(qtbot, register):
    press(register, Qt.Key.Key_F2)
    assert register.customer_panel.search.hasFocus()
    qtbot.keyClicks(register.customer_panel.search, "zoe")
    qtbot.waitUntil(lambda: register.customer_panel.list.isVisible(), timeout=5000)
    names = [c.name for c in register.customer_panel.candidates.customers]
    assert len(names) > 1 and all(n.startswith("Zoë") for n in names)
    qtbot.keyClicks(register.customer_panel.search, " mart")
    qtbot.waitUntil(lambda: [c.name for c in register.customer_panel.candidates.customers] == ["Zoë Martin"],
                    timeout=5000)
    qtbot.keyClick(register.customer_panel.search, Qt.Key.Key_Down)
    qtbot.keyClick(register.customer_panel.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Zoë Martin", timeout=5000)


def test_a_card_number_typed_in_the_item_field_identifies_the_customer(qtbot, register):
    qtbot.keyClicks(register.cart_panel.item, ZOE_CARD)
    qtbot.keyClick(register.cart_panel.item, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Zoë Martin", timeout=5000)
    assert register.cart_panel.model.rows == ()


def test_an_unknown_card_is_refused_in_words(qtbot, register, wedge):
    wedge.scan(register, card_number(99999))  # a valid card number nobody holds
    qtbot.waitUntil(lambda: "unknown card" in register.customer_panel.message.text(), timeout=5000)
    assert register.customer_panel.current is None


def test_quantity_and_removal_from_the_keyboard(qtbot, register, wedge, demo_store):
    a, b = [p for p in demo_store.products if not p.weighted][10:12]
    wedge.scan(register, a.barcode)
    wedge.scan(register, b.barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 2, timeout=5000)
    press(register, Qt.Key.Key_F5)  # quantity +1 on the selected (last) line
    qtbot.waitUntil(lambda: register.cart_panel.model.rows[-1].qty == "2", timeout=5000)
    press(register, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    assert register.cart_panel.model.rows[0].sku == a.sku
    qtbot.keyClicks(register.cart_panel.item, "3*")  # a quantity typed before the scan
    wedge.scan(register, b.barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 2, timeout=5000)
    assert register.cart_panel.model.rows[1].qty == "3" and register.cart_panel.item.text() == ""
    qtbot.keyClicks(register.cart_panel.item, "0000000000000")
    qtbot.keyClick(register.cart_panel.item, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "no such product" in register.cart_panel.message.text(), timeout=5000)


def test_enrollment_checks_the_fields_and_identifies_the_new_member(qtbot, register):
    press(register, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: getattr(register, "enroll_dialog", None) is not None
                    and register.enroll_dialog.isVisible(), timeout=2000)
    dialog = register.enroll_dialog
    qtbot.keyClicks(dialog.name, "Ngozi Okafor-Brown")
    qtbot.keyClicks(dialog.email, "ngozi@example")
    dialog._submit()
    assert "agree" in dialog.message.text()  # consent to the program first
    dialog.consent_terms.setChecked(True)
    dialog.consent_email.setChecked(True)
    dialog._submit()
    qtbot.waitUntil(lambda: "not an email address" in dialog.message.text(), timeout=5000)
    dialog.email.setText("ngozi.okafor@example.com")
    dialog.phone.setText("415 555 0199")
    dialog._submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: register.customer_panel.name.text() == "Ngozi Okafor-Brown", timeout=5000)
    assert "100 points" in register.customer_panel.points.text()  # the demo's welcome points
    assert "Enrolled Ngozi Okafor-Brown" in register.status_message.text()


def test_manager_adjustment_needs_the_right_pin(qtbot, register, wedge):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    press(register, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: getattr(register, "pin_dialog", None) is not None
                    and register.pin_dialog.isVisible(), timeout=2000)
    pin = register.pin_dialog
    qtbot.keyClicks(pin.user, "manager")
    qtbot.keyClicks(pin.pin, "9999")
    qtbot.keyClick(pin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong PIN" in pin.message.text(), timeout=5000)
    assert "4 attempts left" in pin.message.text()
    assert register.manager_dialog is None
    qtbot.keyClicks(pin.pin, "246810")
    qtbot.keyClick(pin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.manager_dialog is not None and register.manager_dialog.isVisible(),
                    timeout=5000)
    manager = register.manager_dialog
    assert "MANAGER Alex Manager" in register.identity.text()
    manager.adjust_points.setValue(250)
    manager.adjust_reason.setCurrentIndex(manager.adjust_reason.findData("goodwill"))
    qtbot.keyClicks(manager.adjust_note, "Broken eggs")
    manager.adjust_button.click()
    qtbot.waitUntil(lambda: "Done" in manager.adjust_message.text(), timeout=5000)
    assert "5,070" in manager.adjust_message.text()
    qtbot.waitUntil(lambda: "5,070 points" in register.customer_panel.points.text(), timeout=5000)

    manager.tabs.setCurrentWidget(manager.audit)
    qtbot.waitUntil(lambda: manager.audit_model.rowCount() > 0, timeout=5000)
    newest = manager.audit_model.lines[:2]
    assert (newest[0].action, newest[0].who) == ("Points adjusted", "Alex Manager")
    assert newest[0].details == "Zoë Martin: +250 points (goodwill) — Broken eggs"
    assert (newest[1].action, newest[1].details) == ("PIN refused", "Alex Manager: wrong PIN, 4 attempts left")
    manager.reject()


def test_the_offline_banner_shows_but_never_blocks_a_sale(qtbot, register, wedge, demo_store):
    from datetime import timedelta

    assert not register.banner.isVisible()
    register.set_connection_status(ConnectionView("offline", offline_since=DEMO_NOW - timedelta(minutes=12),
                                                  last_synced_at=DEMO_NOW - timedelta(minutes=13)))
    assert register.banner.isVisible()
    assert "OFFLINE SINCE 10:48" in register.banner.text()
    assert "Offline since 10:48" in register.status_connection.text()
    assert not register.banner.hasFocus()
    wedge.scan(register, demo_store.products[0].barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    register.set_connection_status(ConnectionView("online", last_synced_at=DEMO_NOW))
    assert not register.banner.isVisible()
    assert "Online" in register.status_connection.text()


def test_a_scan_while_a_dialog_is_open_does_not_change_the_sale(qtbot, register, wedge, demo_store):
    press(register, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is register.enroll_dialog, timeout=2000)
    register.handle_scan(demo_store.products[0].barcode)
    wait_idle(qtbot, register)
    assert register.cart_panel.model.rows == ()
    register.enroll_dialog.reject()


class _StubSyncLoop:
    """Stands for `sync.client.SyncLoop`: a status, an `on_status` hook called from its own thread."""

    def __init__(self, status) -> None:
        self.status = status
        self.on_status = None
        self.stopped = False

    def report_from_thread(self, status) -> None:
        import threading

        self.status = status
        worker = threading.Thread(target=lambda: self.on_status(status))
        worker.start()
        worker.join()

    def stop(self, timeout: float = 0) -> None:
        self.stopped = True


def test_the_sync_loop_status_reaches_the_status_bar_from_its_thread(qtbot, demo_db, scan_detector, wedge,
                                                                      demo_store):
    from datetime import timedelta

    from pos_app.app import AppSettings, build_register
    from sync.client import SyncState, SyncStatus
    from tests.gui.register_helpers import demo_clock

    loop = _StubSyncLoop(SyncStatus(SyncState.ONLINE, offline_since=None, last_synced_at=DEMO_NOW))
    window = build_register(AppSettings(database=demo_db, cashier_id="cashier"), clock=demo_clock,
                            sync_loop=loop, scanner=scan_detector)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "Online" in window.status_connection.text() and not window.banner.isVisible()

    # the central service stops answering: the loop reports offline on its own thread
    loop.report_from_thread(SyncStatus(SyncState.OFFLINE, offline_since=DEMO_NOW - timedelta(minutes=1),
                                       last_synced_at=DEMO_NOW - timedelta(minutes=2), pending=2))
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=2000)
    assert "OFFLINE SINCE 10:59" in window.banner.text()
    wedge.scan(window, demo_store.products[0].barcode)  # the cashier keeps selling
    qtbot.waitUntil(lambda: len(window.cart_panel.model.rows) == 1, timeout=5000)

    # it comes back and catches up
    loop.report_from_thread(SyncStatus(SyncState.ONLINE, last_synced_at=DEMO_NOW, pending=0))
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=2000)
    assert "Last sync 11:00" in window.status_last_sync.text()
    window.new_sale()
    window.close()
    assert loop.stopped


def test_a_reward_claimed_with_points_shows_in_the_sale_and_is_paid_for(qtbot, register, wedge, demo_store):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    pastry = next(p for p in demo_store.products if "pastry" in p.tags)
    coffee = next(p for p in demo_store.products if "Coffee beans" in p.name)
    wedge.scan(register, pastry.barcode)
    wedge.scan(register, coffee.barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 2, timeout=5000)
    press(register, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(register, "rewards_dialog", None) is not None
                    and register.rewards_dialog.isVisible(), timeout=5000)
    dialog = register.rewards_dialog
    assert dialog.list.count() == 4 and dialog.list.currentItem().text().startswith("A free pastry")
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.view.claims != (), timeout=5000)
    assert register.view.claims[0][1] == "A free pastry"
    assert "RW1" in {p.promotion_id for p in register.view.applied}
    assert register.view.rows[0].net == 0  # the pastry is free
    assert register.view.customer_points == 4820 - 250
    assert "A free pastry" in register.promotions_panel.claims.text()
    earned = register.view.points_earned
    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: register.receipt_dialog is not None and register.receipt_dialog.isVisible(),
                    timeout=5000)
    register.receipt_dialog.accept()
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: f"{4820 - 250 + earned:,} points" in register.customer_panel.points.text(),
                    timeout=5000)


def test_a_scanned_promo_code_lands_in_the_sale(qtbot, register, wedge, demo_store):
    plain = next(p for p in demo_store.products if not p.tags and not p.weighted and not p.no_discount)
    wedge.scan(register, plain.barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    wedge.scan(register, "STAFF25")  # a Code128 voucher read by the same scanner
    qtbot.waitUntil(lambda: any(c.code.upper() == "STAFF25" for c in register.view.codes), timeout=5000)
    assert "P14" in {p.promotion_id for p in register.view.applied}


def test_a_weighed_item_asks_for_its_weight(qtbot, register, wedge, demo_store):
    bananas = next(p for p in demo_store.products if p.weighted)
    wedge.scan(register, bananas.barcode)
    qtbot.waitUntil(lambda: getattr(register, "weight_dialog", None) is not None
                    and register.weight_dialog.isVisible(), timeout=5000)
    dialog = register.weight_dialog
    qtbot.keyClicks(dialog.weight, "0.5321")
    qtbot.keyClick(dialog.weight, Qt.Key.Key_Return)
    assert "3 decimals" in dialog.message.text() and dialog.isVisible()
    dialog.weight.setText("0.532")
    qtbot.keyClick(dialog.weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.cart_panel.model.rows and register.cart_panel.model.rows[0].qty == "0.532",
                    timeout=5000)
    row = register.cart_panel.model.rows[0]
    assert row.weighted and register.cart_panel.model.data(register.cart_panel.model.index(0, 1)) == "0.532 kg"
    assert row.net == round(bananas.unit_price_minor * 0.532)


def test_an_empty_store_says_how_to_start(qtbot, tmp_path, scan_detector):
    from pos_app.app import AppSettings, build_register

    # No account yet: the sign-in page says how to make the first one.
    window = build_register(AppSettings(database=tmp_path / "empty.db"), scanner=scan_detector)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "pos-companion user add" in window.sign_in.message.text(), timeout=5000)
    assert window.sign_in.isVisible() and not window.cart_panel.isVisible()
    window.close()

    # Signed in on an empty store: the customer panel says how to get a catalogue.
    window = build_register(AppSettings(database=tmp_path / "empty.db", cashier_id="K1", cashier_name="Kim"),
                            scanner=scan_detector)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "pos-companion --demo" in window.customer_panel.hint.text(), timeout=5000)
    assert window.customer_panel.hint.isVisible()
    window.close()


def test_pay_refuses_when_the_amount_changed_since_it_was_shown(qtbot, register, wedge, demo_store):
    from dataclasses import replace

    wedge.scan(register, demo_store.products[1].barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    real = register.view.total
    register.view = replace(register.view, total=real + 100)  # what an out-of-date screen would show
    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "the total is now" in register.cart_panel.message.text(), timeout=5000)
    assert register.receipt_dialog is None
    qtbot.waitUntil(lambda: register.view.total == real and register.pay_button.isEnabled(), timeout=5000)


def test_a_personal_code_in_capitals_scanned_with_shift_is_a_code_not_an_item(qtbot, register, wedge, demo_store):
    zoe = demo_store.customers[0]
    code = next(c for c in demo_store.codes_of(zoe.id) if any(ch.isalpha() for ch in c))
    assert code == code.upper() and "-" in code  # printed as "VIP-582AKK": Shift for every capital
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    register.cart_panel.item.setFocus()
    wedge.scan(register, code)
    qtbot.waitUntil(lambda: any(c.code == code for c in register.view.codes), timeout=5000)
    assert "no such product" not in register.cart_panel.message.text()
    assert register.cart_panel.item.text() == ""


def test_a_scanned_sku_label_adds_the_product_and_other_text_is_a_promo_code(qtbot, register, wedge, demo_store):
    product = next(p for p in demo_store.products if not p.weighted)

    wedge.scan(register, product.sku)  # a shelf label's Code 128: capitals and a dash, Shift included
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    wedge.scan(register, "NOSUCHCOUPON")
    wait_idle(qtbot, register)

    assert register.cart_panel.model.rows[0].name == product.name
    assert "NOSUCHCOUPON" in register.codes_panel.codes.text()  # refused as a code, said where codes are
