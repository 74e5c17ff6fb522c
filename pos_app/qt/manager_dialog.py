"""Manager mode: what only a manager may do, opened with the manager's PIN.

Tabs (Alt + the underlined letter, or Ctrl+Tab): points adjustment with a
reason; transfer between customers; returns and voids (scan the receipt);
the program's settings; the central service (pairing); the audit log. The
adjustment and the transfer find their customers themselves (card, phone,
e-mail or name), starting from the one the sale has. A transfer names both
customers and asks before it moves anything, then clears its fields, so a
second press cannot move the points again. Every action is an operation on
the task runner; the manager's PIN goes with it because the services approve
each action themselves (and count a wrong PIN). Results and refusals are
shown in the tab; `changed` tells the window which panels to redraw.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.printing.receipt import Receipt
from pos_app.qt import formats
from pos_app.qt.audit_panel import AuditPanel
from pos_app.qt.audit_words import ADJUSTMENT_REASON_WORDS
from pos_app.qt.customer_picker import CustomerPicker
from pos_app.qt.dialogs import ConfirmDialog, fit_to_screen
from pos_app.qt.language import LANGUAGES, current_language, tr
from pos_app.qt.list_models import tier_words
from pos_app.qt.pairing_panel import PairFunction, PairingPanel
from pos_app.qt.refusals import refusal_words
from pos_app.qt.register_ops import Changed, CustomerCard, RegisterOps
from pos_app.qt.report_view import add_report_tab
from pos_app.qt.returns_panel import ReturnsPanel
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import label, on_enter, set_role
from pos_app.qt.wording import money, point_value_words
from pos_app.services.manager_actions import ADJUSTMENT_REASONS, Adjusted, Transferred
from pos_app.services.outcome import Refused

_SETTING_ROWS = (
    ("currency", QT_TR_NOOP("Currency")),
    ("earn_rate", QT_TR_NOOP("Points per unit spent")),
    ("redeem_value", QT_TR_NOOP("Value of a point")),
    ("min_redeem", QT_TR_NOOP("Minimum to redeem")),
    ("redeem_step", QT_TR_NOOP("Redemption step")),
    ("max_redeem_share", QT_TR_NOOP("Share points may pay")),
    ("max_discount_share", QT_TR_NOOP("Most discount per order")),
    ("tiers", QT_TR_NOOP("Tiers (12-month spend)")),
    ("expiry_months", QT_TR_NOOP("Points expire after (months)")),
    ("return_window_days", QT_TR_NOOP("Return window (days)")),
    ("offline_customer_cap", QT_TR_NOOP("Offline cap per customer")),
    ("offline_register_cap", QT_TR_NOOP("Offline cap per register")),
    ("manager_daily_adjust_limit", QT_TR_NOOP("Manager daily adjustment limit")),
)


class ManagerDialog(QDialog):
    changed = Signal(object)  # OpChanges

    def __init__(self, runner: TaskRunner, ops: RegisterOps, *, manager_id: str, manager_name: str, pin: str,
                 card: CustomerCard | None, parent: QWidget | None = None, cashier_id: str | None = None,
                 cashier_name: str | None = None, connection: str | None = None, currency: str = "USD",
                 pair: PairFunction | None = None, export_dir: Path | None = None,
                 on_print: Callable[[Receipt], None] | None = None,
                 save_language: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Manager mode — %1").replace("%1", manager_name))
        self.setModal(True)
        self._runner, self._ops = runner, ops
        self._manager_id, self._pin = manager_id, pin
        self.confirm_dialog: ConfirmDialog | None = None
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(label(tr("Manager mode  ·  %1").replace("%1", manager_name), "heading"))
        head.addStretch(1)
        close = QPushButton("Esc  " + tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        head.addWidget(close)
        layout.addLayout(head)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("manager-tabs")
        layout.addWidget(self.tabs, 1)

        # -- adjust --
        adjust = QWidget()
        form = QFormLayout(adjust)
        form.setVerticalSpacing(12)
        self.adjust_customer = CustomerPicker(runner, ops, name="adjust-customer",
                                              placeholder=tr("Card, phone, e-mail or name, Enter"))
        self.adjust_points = QSpinBox()
        self.adjust_points.setObjectName("adjust-points")
        self.adjust_points.setRange(-100_000, 100_000)
        self.adjust_points.setSingleStep(50)
        self.adjust_points.setProperty("buttons", "none")
        self.adjust_reason = QComboBox()
        self.adjust_reason.setObjectName("adjust-reason")
        for reason in ADJUSTMENT_REASONS:
            words = ADJUSTMENT_REASON_WORDS.get(reason)
            self.adjust_reason.addItem((tr(words) if words else reason.replace("_", " ")).capitalize(), reason)
        self.adjust_note = QLineEdit()
        self.adjust_note.setObjectName("adjust-note")
        self.adjust_note.setPlaceholderText(tr("What happened (kept in the audit log)"))
        on_enter(self.adjust_note, self._adjust)
        on_enter(self.adjust_points, self._adjust)
        self.adjust_button = QPushButton(tr("Apply adjustment"))
        self.adjust_button.setObjectName("adjust-apply")
        self.adjust_button.setAutoDefault(False)
        self.adjust_button.clicked.connect(self._adjust)
        self.adjust_message = label("", "muted", wrap=True, name="adjust-message")
        form.addRow(tr("Customer"), self.adjust_customer)
        form.addRow(tr("Points (+/−)"), self.adjust_points)
        form.addRow(tr("Reason"), self.adjust_reason)
        form.addRow(tr("Note"), self.adjust_note)
        form.addRow("", self.adjust_button)
        form.addRow("", self.adjust_message)
        self.adjust_customer.chosen.connect(lambda c: self.adjust_button.setEnabled(c is not None))
        self.tabs.addTab(adjust, tr("&Adjust points"))

        # -- transfer --
        transfer = self.transfer_tab = QWidget()
        tform = QFormLayout(transfer)
        tform.setVerticalSpacing(12)
        self.transfer_from = CustomerPicker(runner, ops, name="transfer-from",
                                            placeholder=tr("Sending customer: card, phone, e-mail or name"))
        self.transfer_to = CustomerPicker(runner, ops, name="transfer-to",
                                          placeholder=tr("Receiving customer: scan the card, or phone, e-mail, name"))
        self.transfer_points = QSpinBox()
        self.transfer_points.setObjectName("transfer-points")
        self.transfer_points.setRange(0, 1_000_000)
        self.transfer_points.setProperty("buttons", "none")
        on_enter(self.transfer_points, self._transfer)
        self.transfer_points.valueChanged.connect(lambda _v: self._transfer_ready())
        self.transfer_button = QPushButton(tr("Transfer points"))
        self.transfer_button.setObjectName("transfer-apply")
        self.transfer_button.setAutoDefault(False)
        self.transfer_button.clicked.connect(self._transfer)
        self.transfer_message = label("", "muted", wrap=True, name="transfer-message")
        tform.addRow(tr("From"), self.transfer_from)
        tform.addRow(tr("To"), self.transfer_to)
        tform.addRow(tr("Points"), self.transfer_points)
        tform.addRow("", self.transfer_button)
        tform.addRow("", self.transfer_message)
        for picker in (self.transfer_from, self.transfer_to):
            picker.chosen.connect(lambda _c: self._transfer_ready())
        # Keyboard flow: each customer found moves the focus on to what comes next.
        self.adjust_customer.picked.connect(lambda: _focus_number(self.adjust_points))
        self.transfer_from.picked.connect(lambda: self.transfer_to.search.setFocus())
        self.transfer_to.picked.connect(lambda: _focus_number(self.transfer_points))
        self.tabs.addTab(transfer, tr("&Transfer"))

        self.returns = ReturnsPanel(runner, ops, manager_id=manager_id, manager_name=manager_name, pin=pin,
                                    cashier_id=cashier_id, cashier_name=cashier_name,
                                    on_changed=self.changed.emit, on_print=on_print)
        self.tabs.addTab(self.returns, tr("&Return / void"))

        # -- settings (read-only: the central service distributes them) --
        settings = QWidget()
        self.settings_form = QFormLayout(settings)
        self.settings_form.setVerticalSpacing(6)
        self.settings_form.addRow(label(tr("The program's settings come from the central service; "
                                           "they are shown here as this register applies them."), "muted", wrap=True))
        self.settings_values: dict[str, QLabel] = {}
        for key, title in _SETTING_ROWS:
            value = label("", None, wrap=True, name=f"setting-{key}")  # the tiers' line is long in any language
            self.settings_values[key] = value
            self.settings_form.addRow(tr(title), value)
        self._add_language_choice(save_language)
        # The page scrolls on a short screen: the values and the language choice never squeeze each other.
        self.settings_page = QScrollArea()
        self.settings_page.setObjectName("settings-page")
        self.settings_page.setWidget(settings)
        self.settings_page.setWidgetResizable(True)
        self.settings_page.setFrameShape(QFrame.Shape.NoFrame)
        self.settings_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs.addTab(self.settings_page, tr("&Settings"))

        self.pairing = PairingPanel(runner, pair, connection=connection or "")
        self.connection_label = self.pairing.connection
        self.tabs.addTab(self.pairing, tr("&Central service"))

        self.audit = AuditPanel(runner, ops, currency=currency, export_dir=export_dir)
        self.audit_model = self.audit.model
        self.tabs.addTab(self.audit, tr("Au&dit log"))
        self.report = add_report_tab(self.tabs, runner, ops)
        self.tabs.currentChanged.connect(self._tab_changed)
        fit_to_screen(self, 1100, 720)

        self.adjust_customer.set_card(card)
        self.transfer_from.set_card(card)
        self._transfer_ready()
        (self.adjust_points if card is not None else self.adjust_customer.search).setFocus(
            Qt.FocusReason.OtherFocusReason)

    # -- actions ------------------------------------------------------------------------------

    @property
    def customer_id(self) -> str | None:
        return self.adjust_customer.customer_id

    def _adjust(self) -> None:
        points = self.adjust_points.value()
        customer_id = self.adjust_customer.customer_id
        if customer_id is None:
            self._say(self.adjust_message, tr("Find the customer first (card, phone, e-mail or name)."), "danger")
            self.adjust_customer.search.setFocus()
            return
        if points == 0:
            self._say(self.adjust_message, tr("Type a number of points to add (or minus to remove)."), "danger")
            return
        reason = self.adjust_reason.currentData()
        note = self.adjust_note.text().strip() or None
        self._say(self.adjust_message, tr("Saving…"), "muted")
        self._runner.run_write(
            lambda: self._ops.adjust(manager_id=self._manager_id, pin=self._pin, customer_id=customer_id,
                                     points=points, reason=reason, note=note),
            on_success=self._adjusted, label="adjust points")

    def _adjusted(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(self.adjust_message, refusal_words(result), "danger")
            return
        assert isinstance(result, Adjusted)
        self._say(self.adjust_message, tr("Done: %1 point(s). Balance now %2.", "", abs(result.entry.points)).replace(
            "%1", formats.signed(result.entry.points)).replace("%2", formats.number(result.available)), "success")
        self.adjust_points.setValue(0)
        self.adjust_note.clear()
        self._refresh_pickers()
        self.changed.emit(changed.changes)

    def _transfer_ready(self) -> bool:
        ready = (self.transfer_from.card is not None and self.transfer_to.card is not None
                 and self.transfer_points.value() > 0)
        self.transfer_button.setEnabled(ready)
        return ready

    def _transfer(self) -> None:
        """Name both customers and the points, and ask; nothing moves before the manager confirms."""
        if self.confirm_dialog is not None and self.confirm_dialog.isVisible():
            return
        sender, receiver, points = self.transfer_from.card, self.transfer_to.card, self.transfer_points.value()
        if sender is None or receiver is None:
            self._say(self.transfer_message, tr("Choose who sends and who receives the points."), "danger")
            return
        if points <= 0:
            self._say(self.transfer_message, tr("Type how many points to move."), "danger")
            self.transfer_points.setFocus()
            return
        dialog = self.confirm_dialog = ConfirmDialog(
            self, title=tr("Transfer points?"),
            question=tr("Move %Ln point(s) from %1 (%2) to %3 (%4)?", "", points).replace(
                "%1", sender.customer.name).replace("%2", tr("%Ln point(s)", "", sender.confirmed + sender.pending)).replace(
                "%3", receiver.customer.name).replace("%4", tr("%Ln point(s)", "", receiver.confirmed + receiver.pending)),
            confirm=tr("Move %Ln point(s)", "", points))
        dialog.setObjectName("transfer-confirm")
        dialog.accepted.connect(lambda: self._do_transfer(sender.customer.id, receiver.customer.id, points))
        dialog.open()

    def _do_transfer(self, from_id: str, to_id: str, points: int) -> None:
        self.transfer_button.setEnabled(False)
        self._say(self.transfer_message, tr("Saving…"), "muted")
        self._runner.run_write(
            lambda: self._ops.transfer(manager_id=self._manager_id, pin=self._pin, from_customer_id=from_id,
                                       to_customer_id=to_id, points=points, note=None),
            on_success=self._transferred, label="transfer points")

    def _transferred(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(self.transfer_message, refusal_words(result), "danger")
            self._transfer_ready()
            return
        assert isinstance(result, Transferred)
        receiver = self.transfer_to.card
        to_name = receiver.customer.name if receiver is not None else tr("the receiving customer")
        self._say(self.transfer_message, tr("Moved %Ln point(s) to %1.", "", result.received.points).replace(
            "%1", to_name), "success")
        # The fields are cleared: pressing again moves nothing until the manager fills them in again.
        self.transfer_points.setValue(0)
        self.transfer_to.clear()
        self._refresh_pickers()
        self.changed.emit(changed.changes)

    def _refresh_pickers(self) -> None:
        for picker in (self.adjust_customer, self.transfer_from, self.transfer_to):
            picker.refresh()

    def handle_scan(self, code: str) -> bool:
        """Scans in manager mode: a receipt on the return tab, a card in the customer fields."""
        current = self.tabs.currentWidget()
        if current is self.returns:
            return self.returns.handle_scan(code)
        if current is self.transfer_tab:
            picker = self.transfer_from if self.transfer_from.search.hasFocus() else self.transfer_to
            return picker.handle_scan(code)
        if current is self.adjust_customer.parentWidget():
            return self.adjust_customer.handle_scan(code)
        return True  # nothing else in manager mode takes a scan: never let it reach the sale behind

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is self.audit:
            self.load_audit()
        elif widget is self.settings_page:
            self._runner.run_read(self._ops.program_settings, on_success=self._show_settings,
                                  label="program settings", latest_only="program-settings")
        elif widget is self.transfer_tab:
            (self.transfer_to.search if self.transfer_from.card is not None else self.transfer_from.search).setFocus()
        elif widget is self.returns:
            self.returns.order_entry.setFocus()

    def _show_settings(self, settings) -> None:
        for key, _title in _SETTING_ROWS:
            value = getattr(settings, key)
            if key == "tiers":
                value = ", ".join(
                    tr("%1 from %2 ×%3").replace("%1", tier_words(t.name)).replace(
                        "%2", money(t.threshold_minor, settings.currency)).replace(
                        "%3", formats.number(Decimal(str(t.multiplier))))
                    for t in value
                ) or tr("none")
            elif key == "redeem_value":
                value = point_value_words(value, settings.currency)
            elif key in ("max_redeem_share", "max_discount_share"):
                value = formats.percent(Decimal(str(value)))
            elif isinstance(value, int):
                value = formats.number(value)
            self.settings_values[key].setText(str(value))

    def _add_language_choice(self, save_language: Callable[[str], object] | None) -> None:
        """This register's language (its config file's `language`), applied at the next start."""
        self.settings_form.addRow(label(tr("This register"), "subheading"))
        row = QHBoxLayout()
        self.language = QComboBox()
        self.language.setObjectName("setting-language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language().code)))
        self.language_button = QPushButton(tr("Save"))
        self.language_button.setObjectName("setting-language-save")
        self.language_button.setAutoDefault(False)
        self.language_button.setEnabled(save_language is not None)
        self.language_button.clicked.connect(lambda: self._save_language(save_language))
        row.addWidget(self.language, 1)
        row.addWidget(self.language_button)
        self.settings_form.addRow(tr("Language"), row)
        self.language_message = label(tr("The language applies at the next start of the register."), "muted",
                                      wrap=True, name="setting-language-message")
        self.settings_form.addRow("", self.language_message)

    def _save_language(self, save_language: Callable[[str], object] | None) -> None:
        if save_language is None:
            return
        code, name = self.language.currentData(), self.language.currentText()
        self._runner.run_write(
            lambda: save_language(code), label="save the language", lane="files",
            on_success=lambda _r: self._say(self.language_message, tr(
                "Saved: %1 from the next start of the register.").replace("%1", name), "success"),
            on_failure=lambda failure: self._say(self.language_message, tr("Could not save: %1").replace(
                "%1", str(failure.error)), "danger"))

    def load_audit(self) -> None:
        self.audit.load()

    @staticmethod
    def _say(target, text: str, role: str) -> None:
        target.setText(text)
        set_role(target, role)


def _focus_number(spin: QSpinBox) -> None:
    """Into a number field with its value selected: typing replaces the 0."""
    spin.setFocus(Qt.FocusReason.OtherFocusReason)
    spin.selectAll()


__all__ = ["ManagerDialog"]
