"""Manager mode on the real window: returns and voids that ask first, transfers that name both sides,
customers found from inside, the audit log in words, and pairing with a real central service.
"""

from __future__ import annotations

import csv
import tomllib

from PySide6.QtCore import Qt

from pos_app.demo.barcodes import card_number
from tests.gui.register_helpers import ZOE_CARD, confirm, manager_mode, press, sell, wait_idle


def goods(store):
    return [p for p in store.products if not p.weighted and not p.no_points]


def test_the_void_names_the_order_it_would_undo_and_never_voids_another(qtbot, register, wedge, demo_store):
    zoes = sell(qtbot, register, wedge, goods(demo_store)[20:21])
    anonymous = sell(qtbot, register, wedge, goods(demo_store)[21:22], card=None)
    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.returns)
    returns = manager.returns

    wedge.scan(manager, zoes.order_number)  # Zoë's receipt on screen, then "void"
    qtbot.waitUntil(lambda: returns.order is not None and returns.order.id == zoes.order_number, timeout=5000)
    returns.void_button.click()
    dialog = confirm(qtbot, returns)
    question = dialog.question.text()
    assert zoes.order_number in question and "Zoë Martin" in question and f"${zoes.total / 100:.2f}" in question
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "only the last sale" in returns.message.text(), timeout=5000)
    with register.ops.uow(read_only=True) as work:  # neither sale was voided
        assert work.orders.get(zoes.order_number).status == "paid"
        assert work.orders.get(anonymous.order_number).status == "paid"

    returns.found = None  # nothing on screen: "void" shows the last sale and asks about it
    returns.void_button.click()
    dialog = confirm(qtbot, returns)
    qtbot.waitUntil(lambda: anonymous.order_number in dialog.question.text(), timeout=5000)
    assert "anonymous sale" in dialog.question.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # not now: nothing happens
    wait_idle(qtbot, register)
    returns.void_button.click()
    dialog = confirm(qtbot, returns)
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"Order {anonymous.order_number} voided" in returns.message.text(), timeout=5000)
    with register.ops.uow(read_only=True) as work:
        assert work.orders.get(anonymous.order_number).status == "voided"
        assert work.orders.get(zoes.order_number).status == "paid"
    manager.reject()


def test_a_return_asks_with_the_refund_prints_its_slip_and_is_the_managers_on_record(qtbot, register, wedge,
                                                                                    demo_store):
    item = goods(demo_store)[22]
    receipt = sell(qtbot, register, wedge, [item, item])
    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.returns)
    returns = manager.returns
    wedge.scan(manager, receipt.order_number)
    qtbot.waitUntil(lambda: returns.order is not None, timeout=5000)
    line = returns.order.lines[0]
    returns.set_quantity(line.line_id, 1)
    refund = line.net_minor // 2

    qtbot.keyClick(returns.table.cellWidget(0, 4), Qt.Key.Key_Return)  # Enter in the quantity returns
    dialog = confirm(qtbot, returns)
    question = dialog.question.text()
    assert receipt.order_number in question and "Zoë Martin" in question and f"${refund / 100:.2f}" in question
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: returns.receipt_dialog is not None and returns.receipt_dialog.isVisible(), timeout=5000)
    slip = returns.receipt_dialog.receipt
    assert slip.kind == "return" and slip.total == refund and slip.approved_by == "Alex Manager"
    with qtbot.waitSignal(register.receipt_printed, timeout=5000):
        press(returns.receipt_dialog, Qt.Key.Key_F5)
    assert b"REFUND USD" in register.printer_file.read_bytes()
    qtbot.keyClick(returns.receipt_dialog.next_button, Qt.Key.Key_Return)

    manager.tabs.setCurrentWidget(manager.audit)
    qtbot.waitUntil(lambda: any(line.action == "Items returned" for line in manager.audit_model.lines), timeout=5000)
    returned = next(line for line in manager.audit_model.lines if line.action == "Items returned")
    assert returned.who == "Alex Manager"
    assert returned.details == (f"Order {receipt.order_number} (Zoë Martin): 1 line, refund ${refund / 100:.2f}, "
                                "approved by Alex Manager")
    manager.reject()


def test_a_transfer_names_the_receiver_asks_first_and_cannot_be_pressed_twice(qtbot, register, wedge):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    before = register.customer_panel.current.confirmed + register.customer_panel.current.pending
    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.transfer_tab)
    qtbot.waitUntil(lambda: manager.transfer_from.card is not None, timeout=5000)
    assert not manager.transfer_button.isEnabled()

    manager.transfer_to.search.setFocus()
    wedge.scan(manager, card_number(2))  # the receiving member's card
    qtbot.waitUntil(lambda: manager.transfer_to.card is not None, timeout=5000)
    receiver = manager.transfer_to.card.customer.name
    assert receiver in manager.transfer_to.shown.text() and "points" in manager.transfer_to.shown.text()
    qtbot.waitUntil(lambda: manager.transfer_points.hasFocus(), timeout=2000)  # on to the points, 0 selected
    qtbot.keyClicks(manager.transfer_points.lineEdit(), "120")
    qtbot.keyClick(manager.transfer_points.lineEdit(), Qt.Key.Key_Return)

    dialog = confirm(qtbot, manager)
    assert "Move 120 points from Zoë Martin" in dialog.question.text() and receiver in dialog.question.text()
    wait_idle(qtbot, register)
    card = register.ops.customer_card(register.customer_panel.current.customer.id)
    assert dialog.isVisible() and card.confirmed + card.pending == before  # Enter asked; nothing moved yet
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: f"Moved 120 points to {receiver}" in manager.transfer_message.text(), timeout=5000)
    assert manager.transfer_points.value() == 0 and manager.transfer_to.card is None
    assert not manager.transfer_button.isEnabled()
    manager.transfer_button.click()  # a second press moves nothing
    wait_idle(qtbot, register)
    assert manager.confirm_dialog is dialog and not dialog.isVisible()

    qtbot.waitUntil(lambda: f"{before - 120:,} points" in manager.transfer_from.shown.text(), timeout=5000)
    qtbot.waitUntil(lambda: f"{before - 120:,} points" in register.customer_panel.points.text(), timeout=5000)
    manager.reject()


def test_manager_mode_finds_a_customer_by_name_on_its_own(qtbot, register):
    assert register.customer_panel.current is None
    manager = manager_mode(qtbot, register)
    picker = manager.adjust_customer
    assert picker.search.hasFocus()
    qtbot.keyClicks(picker.search, "zoe mart")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.card is not None, timeout=5000)
    assert picker.card.customer.name == "Zoë Martin" and "4,820 points" in picker.shown.text()

    manager.adjust_points.setValue(-20)
    manager.adjust_reason.setCurrentIndex(manager.adjust_reason.findData("correction"))
    manager.adjust_button.click()
    qtbot.waitUntil(lambda: "Balance now 4,800" in manager.adjust_message.text(), timeout=5000)
    qtbot.waitUntil(lambda: "4,800 points" in picker.shown.text(), timeout=5000)  # no stale balance
    manager.reject()


def test_after_an_adjustment_every_balance_on_screen_is_the_new_one(qtbot, register, wedge, demo_store):
    wedge.scan(register, ZOE_CARD)
    qtbot.waitUntil(lambda: "4,820 points spendable" in register.codes_panel.redemption.text(), timeout=5000)
    manager = manager_mode(qtbot, register)
    manager.adjust_points.setValue(180)
    manager.adjust_button.click()
    qtbot.waitUntil(lambda: "Done" in manager.adjust_message.text(), timeout=5000)
    manager.reject()

    qtbot.waitUntil(lambda: "5,000 points spendable" in register.codes_panel.redemption.text(), timeout=5000)
    qtbot.waitUntil(lambda: "5,000 points" in register.customer_panel.points.text(), timeout=5000)
    press(register, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(register, "rewards_dialog", None) is not None
                    and register.rewards_dialog.isVisible(), timeout=5000)
    assert register.rewards_dialog.spendable.text() == "Zoë Martin can spend 5,000 points"
    register.rewards_dialog.reject()


def test_wrong_pins_are_in_the_audit_log_which_filters_and_exports(qtbot, register, tmp_path):
    press(register, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: getattr(register, "pin_dialog", None) is not None and register.pin_dialog.isVisible(),
                    timeout=2000)
    pin = register.pin_dialog
    qtbot.keyClicks(pin.user, "manager")
    qtbot.keyClicks(pin.pin, "0000")
    qtbot.keyClick(pin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong PIN" in pin.message.text(), timeout=5000)
    pin.reject()

    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.audit)
    qtbot.waitUntil(lambda: manager.audit_model.rowCount() > 0, timeout=5000)
    assert manager.audit_model.lines[0].action == "PIN refused"
    assert manager.audit_model.lines[0].details == "Alex Manager: wrong PIN, 4 attempts left"

    qtbot.keyClicks(manager.audit.filter, "alex")
    assert manager.audit_model.rowCount() >= 1
    assert all("alex" in f"{line.who} {line.details}".lower() for line in manager.audit_model.lines)

    manager.audit.export_button.click()
    qtbot.waitUntil(lambda: manager.audit.export_dialog is not None and manager.audit.export_dialog.isVisible(),
                    timeout=2000)
    target = tmp_path / "audit.csv"
    manager.audit.export_dialog.selectFile(str(target))
    manager.audit.export_dialog.accept()
    qtbot.waitUntil(lambda: "written to" in manager.audit.message.text(), timeout=5000)
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["#", "When", "Who", "Action", "Details"]
    assert rows[1][3:] == ["PIN refused", "Alex Manager: wrong PIN, 4 attempts left"]
    assert len(rows) == manager.audit_model.rowCount() + 1
    manager.reject()


def test_a_manager_pairs_the_register_and_it_starts_syncing(qtbot, open_register, tmp_path):
    from tests.sync.harness import CentralServer, sqlite_url

    central = CentralServer(sqlite_url(tmp_path / "central.db"))
    config = tmp_path / "pos-companion.toml"
    try:
        window = open_register(config_path=config)
        assert window.ctx.sync_loop is None
        manager = manager_mode(qtbot, window)
        manager.tabs.setCurrentWidget(manager.pairing)
        assert "Not paired" in manager.pairing.connection.text()
        qtbot.keyClicks(manager.pairing.url, central.url)
        qtbot.keyClick(manager.pairing.url, Qt.Key.Key_Return)
        qtbot.keyClicks(manager.pairing.code, "WRONG-CODE-0000")
        qtbot.keyClick(manager.pairing.code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: manager.pairing.button.isEnabled() and manager.pairing.message.text()
                        and "Pairing with" not in manager.pairing.message.text(), timeout=15000)
        assert window.ctx.sync_loop is None and not config.exists()  # refused: nothing written

        manager.pairing.code.setText(central.pairing_code("S1", "R1"))
        qtbot.keyClick(manager.pairing.code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Paired as S1.R1" in manager.pairing.message.text(), timeout=15000)
        saved = tomllib.loads(config.read_text())
        assert (saved["central_url"], saved["central_register_id"]) == (central.url, "S1.R1")
        manager.reject()
        qtbot.waitUntil(lambda: window.ctx.sync_loop is not None, timeout=5000)
        qtbot.waitUntil(lambda: "Online" in window.status_connection.text(), timeout=15000)
        window.close()
    finally:
        central.stop()


def test_the_programs_settings_show_money_as_money(qtbot, register):
    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.settings_page)
    values = manager.settings_values
    qtbot.waitUntil(lambda: values["redeem_value"].text() != "", timeout=5000)
    assert values["redeem_value"].text() == "$0.01 a point"
    assert "$" in values["tiers"].text()
    manager.reject()


def test_a_return_sent_again_after_a_lost_answer_refunds_once(qtbot, register, wedge, demo_store, monkeypatch):
    item = goods(demo_store)[22]
    receipt = sell(qtbot, register, wedge, [item, item])
    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.returns)
    returns = manager.returns
    wedge.scan(manager, receipt.order_number)
    qtbot.waitUntil(lambda: returns.order is not None, timeout=5000)
    line = returns.order.lines[0]
    record = returns._ops.return_items
    answers_lost = []

    def recorded_but_answer_lost(**asked):
        record(**asked)  # the return is written...
        answers_lost.append(asked["return_id"])
        raise OSError("the disk went away before the answer came back")  # ...but the window never hears of it

    monkeypatch.setattr(returns._ops, "return_items", recorded_but_answer_lost)
    returns.set_quantity(line.line_id, 1)
    qtbot.keyClick(returns.table.cellWidget(0, 4), Qt.Key.Key_Return)
    qtbot.keyClick(confirm(qtbot, returns).confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(answers_lost) == 1, timeout=5000)
    wait_idle(qtbot, register)
    monkeypatch.setattr(returns._ops, "return_items", record)

    returns.set_quantity(line.line_id, 1)  # the cashier tries the same return again
    qtbot.keyClick(returns.table.cellWidget(0, 4), Qt.Key.Key_Return)
    qtbot.keyClick(confirm(qtbot, returns).confirm_button, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: returns.receipt_dialog is not None and returns.receipt_dialog.isVisible(), timeout=5000)
    assert returns.receipt_dialog.receipt.total == line.net_minor // 2
    qtbot.waitUntil(lambda: returns.order is not None and returns.order.lines[0].qty_returned == "1", timeout=5000)
    with register.ops.uow(read_only=True) as uow:
        assert uow.orders.get(receipt.order_number).refunded_minor == line.net_minor // 2  # refunded once
    returns.receipt_dialog.reject()
    manager.reject()
