"""The register's dialogs: manager PIN, enrolment, rewards, weight, the receipt preview and confirmations.

Dialogs collect input and show answers; the checks that matter (PIN,
phone, email, duplicates) run in the services through the task runner, and
their refusals come back as words shown in the dialog, which stays open so
the cashier can correct a field. Everything works from the keyboard: Tab
between fields, Enter to confirm, Esc to cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.customer_profile import Consents
from pos_app.printing.receipt import Receipt
from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.receipt_preview import ReceiptPreview
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import fkey_button, label, set_role
from pos_app.qt.wording import points


class PinDialog(QDialog):
    """Asks for a manager's id and PIN; `submitted(user_id, pin)` goes to the window, which answers.

    The id is filled in only when the signed-in account is itself a manager's; otherwise the manager types it.
    """

    submitted = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, *, user_id: str = "", hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Manager approval"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(label(tr("Manager mode"), "heading"))
        form = QFormLayout()
        self.user = QLineEdit(user_id)
        self.user.setPlaceholderText(tr("Manager's user id"))
        self.user.setObjectName("pin-user")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin-entry")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(tr("4 to 8 digits"))
        self.pin.setMaxLength(8)
        form.addRow(tr("Manager"), self.user)
        form.addRow(tr("PIN"), self.pin)
        layout.addLayout(form)
        self.message = label(hint, "muted", wrap=True, name="pin-message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.pin if user_id else self.user).setFocus()
        self.user.returnPressed.connect(self.pin.setFocus)
        self.setMinimumWidth(460)

    def _submit(self) -> None:
        if not self.user.text().strip():
            self.refuse(tr("Type the manager's user id first."))
            self.user.setFocus()
            return
        if not self.pin.text():
            self.pin.setFocus()  # Enter after the id goes on to the PIN: an empty PIN is not a wrong one
            return
        self.message.setText(tr("Checking…"))
        set_role(self.message, "muted")
        self.submitted.emit(self.user.text().strip(), self.pin.text())

    def refuse(self, message: str) -> None:
        self.message.setText(message)
        set_role(self.message, "danger")
        self.pin.clear()
        self.pin.setFocus()


class EnrollDialog(QDialog):
    """A new loyalty member: name, phone and/or email, birthday, and the consents they give."""

    submitted = Signal(dict)

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Enroll a customer"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("New loyalty member"), "heading"))
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.name = QLineEdit()
        self.name.setObjectName("enroll-name")
        self.phone = QLineEdit()
        self.phone.setObjectName("enroll-phone")
        self.phone.setPlaceholderText(tr("e.g. 415 555 0123"))
        self.email = QLineEdit()
        self.email.setObjectName("enroll-email")
        self.email.setPlaceholderText("name@example.com")
        self.has_birthday = QCheckBox(tr("Birthday given"))
        self.birthday = QDateEdit()
        self.birthday.setDisplayFormat("yyyy-MM-dd")
        self.birthday.setCalendarPopup(False)
        self.birthday.setDate(QDate(1990, 1, 1))
        self.birthday.setEnabled(False)
        self.has_birthday.toggled.connect(self.birthday.setEnabled)
        if today is not None:
            self.birthday.setMaximumDate(QDate(today.year, today.month, today.day))
        birthday_row = QHBoxLayout()
        birthday_row.addWidget(self.has_birthday)
        birthday_row.addWidget(self.birthday, 1)
        self.consent_email = QCheckBox(tr("May e-mail offers"))
        self.consent_email.setObjectName("enroll-consent-email")
        self.consent_sms = QCheckBox(tr("May text offers"))
        self.consent_sms.setObjectName("enroll-consent-sms")
        self.consent_terms = QCheckBox(tr("Agrees to the loyalty program terms"))
        self.consent_terms.setObjectName("enroll-consent-terms")
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Phone"), self.phone)
        form.addRow(tr("E-mail"), self.email)
        form.addRow("", birthday_row)
        form.addRow("", self.consent_terms)
        form.addRow("", self.consent_email)
        form.addRow("", self.consent_sms)
        layout.addLayout(form)
        self.message = label(tr("Phone or e-mail is needed to find the member again."), "muted", wrap=True,
                             name="enroll-message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Enroll"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(620)
        self.name.setFocus()

    def values(self) -> dict:
        qd = self.birthday.date()
        return {
            "name": self.name.text().strip(),
            "phone": self.phone.text().strip() or None,
            "email": self.email.text().strip() or None,
            "birthday": date(qd.year(), qd.month(), qd.day()) if self.has_birthday.isChecked() else None,
            "consents": Consents(email=self.consent_email.isChecked(), sms=self.consent_sms.isChecked()),
        }

    def _submit(self) -> None:
        v = self.values()
        problem = None
        if not v["name"]:
            problem, field = tr("The name is required."), self.name
        elif not v["phone"] and not v["email"]:
            problem, field = tr("Give a phone number or an e-mail address."), self.phone
        elif not self.consent_terms.isChecked():
            problem, field = tr("The customer must agree to the program terms."), self.consent_terms
        elif v["consents"].email and not v["email"]:
            problem, field = tr("E-mail offers need an e-mail address."), self.email
        elif v["consents"].sms and not v["phone"]:
            problem, field = tr("Text offers need a phone number."), self.phone
        if problem:
            self.refuse(problem, field)
            return
        self.message.setText(tr("Enrolling…"))
        set_role(self.message, "muted")
        self.submitted.emit(v)

    def refuse(self, message: str, field: QWidget | None = None) -> None:
        self.message.setText(message)
        set_role(self.message, "danger")
        if field is None:
            lowered = message.lower()
            field = self.phone if "phone" in lowered or tr("phone").lower() in lowered else self.email \
                if "email" in lowered or tr("e-mail").lower() in lowered else self.name
        field.setFocus()


class RewardsDialog(QDialog):
    """The rewards catalogue for this customer: ↑/↓ to choose, Enter to claim, Esc to close.

    Rewards the customer cannot afford are listed, greyed, with how many points they lack.
    """

    chosen = Signal(str)  # reward id

    def __init__(self, rewards, spendable: int, customer_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Claim a reward"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Claim a reward"), "heading"))
        self.spendable = label(tr("%1 can spend %Ln point(s)", "", spendable).replace("%1", customer_name), "muted",
                               name="rewards-spendable")
        layout.addWidget(self.spendable)
        self.list = QListWidget()
        self.list.setObjectName("rewards-list")
        for reward in rewards:
            short = reward.points - spendable
            text = f"{reward.name}  —  {points(reward.points)}" + (
                "   " + tr("(needs %1 more)").replace("%1", formats.number(short)) if short > 0 else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, reward.id)
            if short > 0:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._activated)
        layout.addWidget(self.list, 1)
        layout.addWidget(label(tr("The reward shows in the sale at once; its points are taken when the sale is paid."),
                               "muted", wrap=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Claim"))
        buttons.accepted.connect(lambda: self._activated(self.list.currentItem()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        first = next((i for i in range(self.list.count())
                      if self.list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled), None)
        if first is not None:
            self.list.setCurrentRow(first)
        self.list.setFocus()
        self.resize(640, 460)

    def _activated(self, item) -> None:
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()


class WeightDialog(QDialog):
    """The weight of a loose item, in kg (as read from the scale's display): type it, Enter."""

    weighed = Signal(str)  # kg as a decimal string, e.g. "0.532"

    def __init__(self, item_name: str, weight: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Weight"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label(item_name, "heading", wrap=True))
        form = QFormLayout()
        self.weight = QLineEdit(weight)
        self.weight.setObjectName("weight-entry")
        self.weight.setPlaceholderText("0.000")
        self.weight.selectAll()
        form.addRow(tr("Weight (kg)"), self.weight)
        layout.addLayout(form)
        self.message = label("", "muted", wrap=True, name="weight-message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.weight.setFocus()
        self.setMinimumWidth(460)

    def _submit(self) -> None:
        text = self.weight.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 < value <= 9999 or len(text.partition(".")[2]) > 3:
            self.message.setText(tr("Type the weight in kg, up to 3 decimals (e.g. 0.532)"))
            set_role(self.message, "danger")
            return
        self.weighed.emit(text)
        self.accept()


class ReceiptDialog(QDialog):
    """A finished sale's (or return's) receipt: preview, F5 print, Enter or Esc to go on.

    ↑/↓ and PgUp/PgDn scroll the slip wherever the focus is in the dialog.
    """

    def __init__(self, runner: TaskRunner, receipt: Receipt, on_print: Callable[[], None],
                 parent: QWidget | None = None, *, summary: str = "", heading: str = "",
                 next_text: str = "") -> None:
        super().__init__(parent)
        heading, next_text = heading or tr("Sale complete"), next_text or tr("Next sale (Enter)")
        self.setWindowTitle(tr("Receipt %1").replace("%1", receipt.order_number))
        self.setModal(True)
        self.receipt = receipt
        layout = QVBoxLayout(self)
        layout.addWidget(label(heading, "heading"))
        if summary:
            layout.addWidget(label(summary, "success", wrap=True, name="receipt-summary"))
        self.preview = ReceiptPreview(runner)
        self.preview.setObjectName("receipt-preview")
        layout.addWidget(self.preview, 1)
        self.message = label("", "muted", name="receipt-message")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.print_button = fkey_button("F5", tr("Print"), self, on_print, window=self, name="button-print")
        self.next_button = fkey_button("", next_text, self, self.accept, name="button-next-sale")
        self.next_button.setDefault(True)
        row.addWidget(self.print_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        fit_to_screen(self, 620, 860)
        self.preview.show_receipt(receipt)
        scroll_keys(self, self.preview)
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def say(self, text: str, role: str = "muted") -> None:
        self.message.setText(text)
        set_role(self.message, role)


class ConfirmDialog(QDialog):
    """A question before something that cannot be taken back: Enter does it, Esc keeps things as they are.

    The question names what is at stake (the order, the customer, the amount), so nobody confirms blind.
    """

    def __init__(self, parent: QWidget | None, *, title: str, question: str, details: str = "",
                 confirm: str, cancel: str = "") -> None:
        super().__init__(parent)
        cancel = cancel or tr("Keep it (Esc)")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label(title, "heading"))
        self.question = label(question, None, wrap=True, name="confirm-question")
        layout.addWidget(self.question)
        if details:
            layout.addWidget(label(details, "muted", wrap=True, name="confirm-details"))
        row = QHBoxLayout()
        self.cancel_button = fkey_button("", cancel, self, self.reject, name="button-confirm-cancel")
        self.confirm_button = fkey_button("", tr("%1 (Enter)").replace("%1", confirm), self, self.accept, name="button-confirm")
        # No default button: a dialog around this one presses any default button it finds on Enter.
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(self.confirm_button)
        layout.addLayout(row)
        # Wide enough for both buttons whole ("Вернуть 6,75 $ (Enter)" is longer than "Refund $6.75 (Enter)").
        margins = layout.contentsMargins()
        self.setMinimumWidth(max(560, row.sizeHint().width() + margins.left() + margins.right()))
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.accept()
            return
        super().keyPressEvent(event)


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """Resize to `width` x `height`, or less in a small register window (a 1024x768 terminal).

    The room is the register window's (it fills the screen at the till), else the screen's.
    """
    parent = dialog.parentWidget()
    if parent is not None:
        room = parent.window().size()
    else:
        screen = dialog.screen()
        room = screen.availableGeometry().size() if screen is not None else None
    if room is not None:
        width, height = min(width, room.width() - 40), min(height, room.height() - 60)
    dialog.resize(width, height)


def scroll_keys(dialog: QWidget, area) -> None:
    """↑/↓ and PgUp/PgDn scroll `area` (a QScrollArea) from anywhere in the dialog."""
    bar = area.verticalScrollBar()
    for key, step in (("Up", -40), ("Down", 40)):
        QShortcut(QKeySequence(key), dialog, lambda s=step: bar.setValue(bar.value() + s))
    for key, sign in (("PgUp", -1), ("PgDown", 1)):
        QShortcut(QKeySequence(key), dialog, lambda s=sign: bar.setValue(bar.value() + s * bar.pageStep()))


__all__ = ["ConfirmDialog", "EnrollDialog", "PinDialog", "ReceiptDialog", "RewardsDialog", "WeightDialog",
           "fit_to_screen", "scroll_keys"]
