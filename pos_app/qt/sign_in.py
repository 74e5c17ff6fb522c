"""Who is at the till: the sign-in screen, and the idle watch that locks the register.

The register sells only with a cashier signed in. `SignInPage` fills the
window at start, after a sign-out and while the register is locked: it lists
the register's accounts (↑/↓ chooses, the one who locked it comes first) and
takes a PIN; `sign_in_requested(user_id, pin)` goes to the window, which
checks it on the task runner and answers with `refuse(message)` or by showing
the sale. A scan on this screen is swallowed: a card must never land in the
PIN field (five of them would lock the account).

`IdleWatch` watches the keys and clicks of the program's windows (a filter on
each window as it takes the focus: see `window_events`): any key or mouse
press restarts its countdown; when it runs out, `idle` fires and the window
locks.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.account import Role, UserAccount
from pos_app.qt.language import tr
from pos_app.qt.widgets import label, set_role
from pos_app.qt.window_events import WindowWatch


def role_words(role: Role) -> str:
    """An account's role as shown: "cashier", "manager"."""
    return tr("manager") if role is Role.MANAGER else tr("cashier") if role is Role.CASHIER else role.value


class SignInPage(QWidget):
    sign_in_requested = Signal(str, str)  # user id, PIN

    def __init__(self, where: str, parent: QWidget | None = None, *, hint: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign-in-page")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("panel")
        card.setMaximumWidth(640)
        card.setMinimumWidth(440)
        column = QVBoxLayout(card)
        column.setContentsMargins(28, 24, 28, 24)
        column.setSpacing(12)
        self.heading = label(tr("Sign in"), "heading", name="sign-in-heading")
        column.addWidget(self.heading)
        self.where = label(where, "muted", wrap=True, name="sign-in-where")
        column.addWidget(self.where)
        column.addWidget(label(tr("Who is at the till (↑/↓)"), "subheading"))
        self.people = QListWidget()
        self.people.setObjectName("sign-in-people")
        self.people.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the PIN field keeps the focus; ↑/↓ choose
        column.addWidget(self.people, 1)
        column.addWidget(label(tr("PIN, then Enter"), "subheading"))
        self.pin = QLineEdit()
        self.pin.setObjectName("sign-in-pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,8}", self.pin))
        self.pin.setAccessibleName(tr("PIN"))
        self.pin.returnPressed.connect(self._submit)
        self.pin.installEventFilter(self)
        column.addWidget(self.pin)
        self.message = label("", "muted", wrap=True, name="sign-in-message")
        column.addWidget(self.message)
        self.hint = label(hint.replace(" · ", "\n") if hint else "", "shortcut", wrap=True, name="sign-in-hint")
        self.hint.setVisible(bool(hint))
        column.addWidget(self.hint)
        inner = QVBoxLayout()
        inner.addStretch(1)
        inner.addWidget(card, 6)
        inner.addStretch(1)
        outer.addLayout(inner, 3)
        outer.addStretch(1)
        self._accounts: list[UserAccount] = []

    # -- what the window tells it ----------------------------------------------------------------

    def show_accounts(self, accounts: list[UserAccount], first: str | None = None) -> None:
        """The people who may sign in; `first` (the one who locked the register) is chosen, else a cashier."""
        self._accounts = sorted(accounts, key=lambda a: (a.id != first, a.role is not Role.CASHIER,
                                                         a.name.casefold()))
        self.people.clear()
        for account in self._accounts:
            item = QListWidgetItem(f"{account.name}  ·  {role_words(account.role)}")
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            self.people.addItem(item)
        if self._accounts:
            self.people.setCurrentRow(0)
        else:
            self.say(tr("No account at this register yet: create one with "
                        "`pos-companion user add ID NAME --role manager`."), "danger")

    def locked_by(self, name: str | None) -> None:
        """The heading: a fresh sign-in, or a register someone locked and may come back to."""
        self.heading.setText(tr("Locked  ·  %1").replace("%1", name) if name else tr("Sign in"))

    def start(self) -> None:
        self.pin.clear()
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def refuse(self, message: str) -> None:
        self.say(message, "danger")
        self.pin.clear()
        self.pin.setFocus()

    def say(self, text: str, role: str = "muted") -> None:
        self.message.setText(text)
        set_role(self.message, role)

    def chosen(self) -> str | None:
        item = self.people.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def choose(self, user_id: str) -> None:
        for row in range(self.people.count()):
            if self.people.item(row).data(Qt.ItemDataRole.UserRole) == user_id:
                self.people.setCurrentRow(row)

    def handle_scan(self, code: str) -> bool:
        self.say(tr("Sign in first: scans are taken once a cashier is at the till."), "danger")
        return True

    # -- keys ------------------------------------------------------------------------------------

    def _submit(self) -> None:
        user_id, pin = self.chosen(), self.pin.text()
        if user_id is None:
            return
        if len(pin) < 4:
            self.refuse(tr("A PIN is 4 to 8 digits."))
            return
        self.say(tr("Checking…"))
        self.sign_in_requested.emit(user_id, pin)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.pin and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = self.people.currentRow() + step
            if 0 <= row < self.people.count():
                self.people.setCurrentRow(row)
                self.pin.clear()
            return True
        return super().eventFilter(watched, event)


class IdleWatch(QObject):
    """Fires `idle` when nobody has pressed a key or a mouse button for `timeout_ms`."""

    idle = Signal()

    _ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, timeout_ms))
        self._timer.timeout.connect(self.idle)
        self._windows = WindowWatch(self) if QApplication.instance() is not None else None

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in self._ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False

    def remove(self) -> None:
        if self._windows is not None:
            self._windows.stop()
            self._windows = None
        self._timer.stop()


__all__ = ["IdleWatch", "SignInPage", "role_words"]
