"""Manager mode's "Central service" tab: where this register syncs, and pairing it with a one-time code.

A manager reads out the code from `pos-central pair-register STORE REGISTER`,
types the central service's address and the code here, and presses Enter.
The pairing itself is the use case `services.pairing.pair_register` (the
composition root hands the panel a `pair(url, code)` that runs it and keeps
the credential in the config); it runs on the task runner, because it talks
to the network. Once paired, `paired` tells the window, which starts syncing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QWidget

from pos_app.qt.language import tr
from pos_app.qt.refusals import refusal_words
from pos_app.qt.task_runner import TaskFailure, TaskRunner
from pos_app.qt.widgets import label, set_role
from pos_app.services.outcome import Refused
from pos_app.services.pairing import Paired

PairFunction = Callable[[str, str], "Paired | Refused"]


class PairingPanel(QWidget):
    paired = Signal(object)  # Paired

    def __init__(self, runner: TaskRunner, pair: PairFunction | None, *, connection: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._pair = runner, pair
        form = QFormLayout(self)
        form.setVerticalSpacing(12)
        self.connection = label(connection, None, wrap=True, name="pairing-connection")
        form.addRow(tr("Now"), self.connection)
        self.url = QLineEdit()
        self.url.setObjectName("pairing-url")
        self.url.setPlaceholderText("http://central.example:8765")
        self.code = QLineEdit()
        self.code.setObjectName("pairing-code")
        self.code.setPlaceholderText(tr("ABCD-EFGH-JKLM (from pos-central pair-register)"))
        self.url.returnPressed.connect(self.code.setFocus)
        self.code.returnPressed.connect(self.submit)
        self.button = QPushButton(tr("Pair this register"))
        self.button.setObjectName("pairing-apply")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.submit)
        self.message = label("", "muted", wrap=True, name="pairing-message")
        form.addRow(tr("Central service"), self.url)
        form.addRow(tr("Pairing code"), self.code)
        form.addRow("", self.button)
        form.addRow("", self.message)
        if pair is None:
            self.button.setEnabled(False)
            self._say(tr("Pairing is not available in this register (the demo pairs itself)."), "muted")

    def submit(self) -> None:
        url, code = self.url.text().strip(), self.code.text().strip()
        if self._pair is None:
            return
        if not url or not code:
            self._say(tr("Type the central service's address and the pairing code."), "danger")
            (self.url if not url else self.code).setFocus()
            return
        pair = self._pair
        self.button.setEnabled(False)
        self._say(tr("Pairing with %1…").replace("%1", url), "muted")
        self._runner.run_write(lambda: pair(url, code), on_success=self._answered, on_failure=self._failed,
                               label="pair with the central service", lane="pairing")

    def _answered(self, result: Paired | Refused) -> None:
        self.button.setEnabled(True)
        if isinstance(result, Refused):
            self._say(refusal_words(result), "danger")
            return
        self.code.clear()
        self.connection.setText(tr("%1 — paired as %2").replace("%1", result.url).replace("%2", result.register_id))
        self._say(tr("Paired as %1 (store %2); syncing starts now.").replace("%1", result.register_id).replace(
            "%2", result.store_id), "success")
        self.paired.emit(result)

    def _failed(self, failure: TaskFailure) -> None:
        self.button.setEnabled(True)
        self._say(tr("Pairing failed: %1").replace("%1", str(failure.error)), "danger")

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        set_role(self.message, role)


__all__ = ["PairingPanel"]
