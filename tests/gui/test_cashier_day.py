"""A cashier's day at the register: sign in, lock, switch, park and recall, print again, and the keyboard.

The real window on a real demo store; keys are pressed on the window as a
cashier presses them, scans come through the real `ScanDetector`.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.services.audit import audit_log
from tests.gui.register_helpers import ZOE_CARD, confirm, press, sell, wait_idle


def goods(store):
    """Products sold by the unit (a weighed one would stop at the scale)."""
    return [p for p in store.products if not p.weighted]


def sign_in(qtbot, window, pin: str, person: str | None = None) -> None:
    """On the sign-in page: choose `person` (by name, with ↓) and type the PIN, Enter."""
    page = window.sign_in
    qtbot.waitUntil(lambda: page.people.count() > 0, timeout=5000)
    if person is not None:
        for _ in range(page.people.count()):
            if page.people.currentItem().text().startswith(person):
                break
            qtbot.keyClick(page.pin, Qt.Key.Key_Down)
    qtbot.keyClicks(page.pin, pin)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)


def audit_actions(window) -> list[tuple[str | None, str]]:
    log = audit_log(window.ops.uow(read_only=True))
    return [(r.actor_id, r.action) for r in log.records]


def test_the_register_opens_on_sign_in_and_sells_only_with_a_pin(qtbot, open_register, wedge, demo_store):
    window = open_register(cashier_id=None)
    assert window.sign_in.isVisible() and not window.cart_panel.isVisible()
    assert window.cashier is None and "Signed out" in window.identity.text()

    wedge.scan(window, ZOE_CARD)  # nobody at the till: the scan goes nowhere, least of all into the PIN
    qtbot.waitUntil(lambda: "Sign in first" in window.sign_in.message.text(), timeout=2000)
    assert window.sign_in.pin.text() == ""

    sign_in(qtbot, window, "9999", person="Sam Cashier")
    qtbot.waitUntil(lambda: "Wrong PIN" in window.sign_in.message.text(), timeout=5000)
    assert window.sign_in.isVisible()
    sign_in(qtbot, window, "1111", person="Sam Cashier")
    qtbot.waitUntil(lambda: window.cart_panel.isVisible(), timeout=5000)
    assert window.cashier.name == "Sam Cashier" and "Cashier Sam Cashier" in window.identity.text()
    assert window.cart_panel.item.hasFocus()

    receipt = sell(qtbot, window, wedge, goods(demo_store)[5:6])
    assert receipt.cashier == "Sam Cashier"
    with window.ops.uow(read_only=True) as work:
        assert work.orders.get(receipt.order_number).cashier_id == "cashier"
    assert audit_actions(window)[-2:] == [("cashier", "pin_refused"), ("cashier", "signed_in")]


def test_f11_locks_the_till_and_only_a_pin_opens_it_on_the_same_sale(qtbot, register, wedge, demo_store):
    wedge.scan(register, goods(demo_store)[3].barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)

    press(register, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: register.sign_in.isVisible(), timeout=2000)
    assert "Locked" in register.sign_in.heading.text() and "Sam Cashier" in register.sign_in.heading.text()
    press(register, Qt.Key.Key_F12)  # keys of the sale do nothing while locked
    wait_idle(qtbot, register)
    assert register.receipt_dialog is None

    sign_in(qtbot, register, "1111")  # the one who locked it is chosen already
    qtbot.waitUntil(lambda: register.cart_panel.isVisible(), timeout=5000)
    assert [r.sku for r in register.cart_panel.model.rows] == [goods(demo_store)[3].sku]
    assert ("cashier", "register_locked") in audit_actions(register)


def test_the_till_locks_itself_when_nobody_touches_it(qtbot, open_register):
    window = open_register(idle_lock_s=0.3)
    qtbot.waitUntil(lambda: window.sign_in.isVisible(), timeout=5000)
    assert "without a key" in window.sign_in.message.text()


def test_another_cashier_signing_in_on_a_locked_till_parks_the_open_sale_in_the_first_ones_name(
        qtbot, register, wedge, demo_store):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    wedge.scan(register, goods(demo_store)[7].barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    press(register, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: register.sign_in.isVisible(), timeout=2000)

    sign_in(qtbot, register, "246810", person="Alex Manager")
    qtbot.waitUntil(lambda: register.cashier is not None and register.cashier.name == "Alex Manager", timeout=5000)
    qtbot.waitUntil(lambda: register.parked_count == 1, timeout=5000)
    assert register.cart_panel.model.rows == () and register.customer_panel.current is None
    parked = register.ops.parked()
    assert [(p.label, p.cashier_id, p.item_count) for p in parked] == [("Zoë Martin", "cashier", 1)]
    assert "Recall (1)" in register.recall_button.text()


def test_signing_out_parks_the_open_sale_and_nobody_sells_until_the_next_sign_in(qtbot, register, wedge,
                                                                                 demo_store):
    wedge.scan(register, goods(demo_store)[8].barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)
    press(register, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: register.sign_in.isVisible(), timeout=5000)
    assert register.sign_in.heading.text() == "Sign in"
    qtbot.waitUntil(lambda: register.parked_count == 1, timeout=5000)
    qtbot.waitUntil(lambda: audit_actions(register)[-1] == ("cashier", "signed_out"), timeout=5000)


def test_several_sales_parked_survive_a_restart_and_come_back(qtbot, open_register, wedge, demo_store):
    window = open_register()
    wedge.scan(window, ZOE_CARD)
    qtbot.waitUntil(lambda: window.customer_panel.current is not None, timeout=5000)
    for product in goods(demo_store)[10:12]:
        wedge.scan(window, product.barcode)
    qtbot.waitUntil(lambda: len(window.cart_panel.model.rows) == 2, timeout=5000)
    total = window.view.total
    press(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.parked_count == 1 and window.cart_panel.model.rows == (), timeout=5000)
    assert "Parked: Zoë Martin, 2 items" in window.status_message.text()
    wedge.scan(window, goods(demo_store)[20].barcode)  # the next customer, anonymous
    qtbot.waitUntil(lambda: len(window.cart_panel.model.rows) == 1, timeout=5000)
    press(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.parked_count == 2, timeout=5000)
    window.close()

    again = open_register()  # the register restarted
    qtbot.waitUntil(lambda: "Recall (2)" in again.recall_button.text(), timeout=5000)
    press(again, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: again.recall_dialog is not None and again.recall_dialog.isVisible(), timeout=5000)
    dialog = again.recall_dialog
    assert dialog.list.count() == 2
    first = dialog.list.item(0).text()
    assert "Zoë Martin" in first and "2 items" in first and f"${total / 100:.2f}" in first and "Sam Cashier" in first
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(again.cart_panel.model.rows) == 2, timeout=5000)
    qtbot.waitUntil(lambda: again.customer_panel.name.text() == "Zoë Martin", timeout=5000)
    assert again.view.total == total
    qtbot.waitUntil(lambda: "Recall (1)" in again.recall_button.text(), timeout=5000)


def test_the_last_receipt_and_any_other_print_again_as_a_copy(qtbot, register, wedge, demo_store):
    first = sell(qtbot, register, wedge, goods(demo_store)[30:31])
    second = sell(qtbot, register, wedge, goods(demo_store)[31:32], card=None)

    press(register, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: register.reprint_dialog is not None and register.reprint_dialog.kept is not None,
                    timeout=5000)
    dialog = register.reprint_dialog
    assert dialog.receipt == second

    wedge.scan(dialog, first.order_number)  # the customer's own receipt, its barcode scanned
    qtbot.waitUntil(lambda: dialog.receipt == first, timeout=5000)
    with qtbot.waitSignal(register.receipt_printed, timeout=5000):
        press(dialog, Qt.Key.Key_F5)
    printed = register.printer_file.read_bytes()
    assert b"COPY - printed again" in printed and first.order_number.encode() in printed
    dialog.reject()


def test_a_receipt_scanned_at_the_sale_screen_opens_it_to_print_again(qtbot, register, wedge, demo_store):
    receipt = sell(qtbot, register, wedge, goods(demo_store)[33:34])
    wedge.scan(register, receipt.order_number)
    qtbot.waitUntil(lambda: register.reprint_dialog is not None and register.reprint_dialog.receipt == receipt,
                    timeout=5000)
    assert register.cart_panel.model.rows == () and register.view.codes == ()
    register.reprint_dialog.reject()


def test_escape_drops_what_is_half_typed_and_goes_back_to_the_item_field(qtbot, register):
    press(register, Qt.Key.Key_F2)
    qtbot.keyClicks(register.customer_panel.search, "zoe")
    qtbot.waitUntil(lambda: register.customer_panel.list.isVisible(), timeout=5000)

    press(register, Qt.Key.Key_Escape)

    assert register.customer_panel.search.text() == "" and not register.customer_panel.list.isVisible()
    assert register.cart_panel.item.hasFocus()
    qtbot.keyClicks(register.cart_panel.item, "40063")
    press(register, Qt.Key.Key_Escape)
    assert register.cart_panel.item.text() == ""


def test_tab_leaves_the_cart_and_reaches_the_code_and_points_fields(qtbot, register, wedge, demo_store):
    for product in goods(demo_store)[40:44]:
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 4, timeout=5000)
    register.cart_panel.focus_item()
    reached = []
    for _ in range(8):
        press(register, Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    code, points = register.codes_panel.code, register.codes_panel.points
    assert code in reached and points in reached
    assert reached.index(code) <= 3 and reached.index(points) == reached.index(code) + 1


def test_closing_with_a_sale_open_asks_and_parks_it(qtbot, register, wedge, demo_store):
    wedge.scan(register, goods(demo_store)[12].barcode)
    qtbot.waitUntil(lambda: len(register.cart_panel.model.rows) == 1, timeout=5000)

    register.close()  # Alt+F4
    dialog = confirm(qtbot, register, "close_dialog")
    assert register.isVisible() and "1 item" in dialog.question.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # keep selling
    assert register.isVisible() and len(register.cart_panel.model.rows) == 1

    register.close()
    dialog = confirm(qtbot, register, "close_dialog")
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not register.isVisible(), timeout=5000)
    parked = register.ops.parked()
    assert len(parked) == 1 and parked[0].item_count == 1


def test_nothing_said_about_a_sale_outlives_it(qtbot, register, wedge, demo_store):
    wedge.scan(register, goods(demo_store)[14].barcode)
    register.add_code("NOSUCHCODE")
    qtbot.waitUntil(lambda: "no such code" in register.codes_panel.codes.text(), timeout=5000)
    register.show_message("Enrolled Ngozi Okafor — welcome code WELCOME-1")
    assert register.cart_panel.message.text()

    press(register, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    assert register.cart_panel.message.text() == "" and register.codes_panel.codes.text() == ""
    assert register.status_message.text() == "" and register.codes_panel.redemption.text() == ""


def test_a_weighed_quantity_fits_its_column(qtbot, register, wedge, demo_store):
    bananas = next(p for p in demo_store.products if p.weighted)
    wedge.scan(register, bananas.barcode)
    qtbot.waitUntil(lambda: getattr(register, "weight_dialog", None) is not None
                    and register.weight_dialog.isVisible(), timeout=5000)
    qtbot.keyClicks(register.weight_dialog.weight, "12.532")
    qtbot.keyClick(register.weight_dialog.weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.cart_panel.model.rows and register.cart_panel.model.rows[0].qty == "12.532",
                    timeout=5000)
    table = register.cart_panel.table
    text = register.cart_panel.model.data(register.cart_panel.model.index(0, 1))
    assert text == "12.532 kg"
    assert table.fontMetrics().horizontalAdvance(text) + 12 <= table.columnWidth(1)  # shown whole, no "…"


def test_a_long_name_is_cut_with_its_whole_in_a_tooltip_and_never_widens_the_column(qtbot, register, wedge):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    width = register.customer_panel.width()
    card = register.customer_panel.current
    long_name = "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt de la Fuente y Montenegro"
    register._show_card(replace(card, customer=replace(card.customer, name=long_name)))
    qtbot.wait(50)

    name = register.customer_panel.name
    assert name.text() == long_name and name.toolTip() == long_name
    assert name.shown_text().endswith("…") and len(name.shown_text()) < len(long_name)
    assert register.customer_panel.width() == width


def test_earnings_are_counted_in_words(qtbot, register, wedge, demo_store):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    cheap = min((p for p in demo_store.products if not p.weighted and not p.no_points and p.tags == ()),
                key=lambda p: p.unit_price_minor)
    wedge.scan(register, cheap.barcode)
    qtbot.waitUntil(lambda: register.view.rows != (), timeout=5000)
    earned = register.view.points_earned
    assert register.totals_panel.earned.text() == f"Earns {earned:,} point{'' if earned == 1 else 's'}"
    assert "1 points" not in register.totals_panel.earned.text()


def test_the_receipt_scrolls_from_the_keyboard(qtbot, register, wedge, demo_store):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    for product in goods(demo_store)[50:58]:
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == 8, timeout=5000)
    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: register.receipt_dialog is not None and register.receipt_dialog.isVisible(),
                    timeout=5000)
    dialog = register.receipt_dialog
    qtbot.waitUntil(lambda: not dialog.preview.pixmap().isNull(), timeout=5000)
    dialog.resize(620, 500)
    qtbot.wait(50)
    bar = dialog.preview.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    press(dialog, Qt.Key.Key_PageDown)
    after_page = bar.value()
    press(dialog, Qt.Key.Key_Down)
    assert 0 < after_page < bar.value()
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
