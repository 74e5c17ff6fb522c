"""Manager mode: what only a manager may do, opened with the manager's PIN.

Tabs: points adjustment (with a reason), transfer between customers, a
return (scan the receipt's barcode), voiding the last sale, and the audit
log. Every action is an operation on the task runner; the manager's PIN goes
with it because the services approve each action themselves (and count a
wrong PIN). Results and refusals are shown in the tab; `changed` tells the
window which panels to redraw.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.qt.list_models import AuditLogModel
from pos_app.qt.register_ops import Changed, RegisterOps
from pos_app.qt.report_view import add_report_tab
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import label, set_role
from pos_app.qt.wording import money
from pos_app.services.manager_actions import ADJUSTMENT_REASONS, Adjusted, Transferred
from pos_app.services.outcome import Refused

_SETTING_ROWS = (
    ("currency", "Currency"),
    ("earn_rate", "Points per unit spent"),
    ("redeem_value", "Value of a point"),
    ("min_redeem", "Minimum to redeem"),
    ("redeem_step", "Redemption step"),
    ("max_redeem_share", "Share points may pay"),
    ("max_discount_share", "Most discount per order"),
    ("tiers", "Tiers (12-month spend)"),
    ("expiry_months", "Points expire after (months)"),
    ("return_window_days", "Return window (days)"),
    ("offline_customer_cap", "Offline cap per customer"),
    ("offline_register_cap", "Offline cap per register"),
    ("manager_daily_adjust_limit", "Manager daily adjustment limit"),
)


class ManagerDialog(QDialog):
    changed = Signal(object)  # OpChanges

    def __init__(self, runner: TaskRunner, ops: RegisterOps, *, manager_id: str, manager_name: str, pin: str,
                 customer_id: str | None, customer_name: str | None, parent: QWidget | None = None,
                 returns: QWidget | None = None, connection: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Manager mode — {manager_name}")
        self.setModal(True)
        self._runner, self._ops = runner, ops
        self._manager_id, self._pin = manager_id, pin
        self.customer_id = customer_id
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(label(f"Manager mode  ·  {manager_name}", "heading"))
        head.addStretch(1)
        close = QPushButton("Esc  Close")
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
        self.adjust_customer = label(customer_name or "Identify a customer first (F2), then open manager mode",
                                     None if customer_name else "danger", wrap=True, name="adjust-customer")
        self.adjust_points = QSpinBox()
        self.adjust_points.setObjectName("adjust-points")
        self.adjust_points.setRange(-100_000, 100_000)
        self.adjust_points.setSingleStep(50)
        self.adjust_points.setProperty("buttons", "none")
        self.adjust_reason = QComboBox()
        self.adjust_reason.setObjectName("adjust-reason")
        for reason in ADJUSTMENT_REASONS:
            self.adjust_reason.addItem(reason.replace("_", " ").capitalize(), reason)
        self.adjust_note = QLineEdit()
        self.adjust_note.setObjectName("adjust-note")
        self.adjust_note.setPlaceholderText("What happened (kept in the audit log)")
        self.adjust_button = QPushButton("Apply adjustment")
        self.adjust_button.setObjectName("adjust-apply")
        self.adjust_button.setEnabled(customer_id is not None)
        self.adjust_button.clicked.connect(self._adjust)
        self.adjust_message = label("", "muted", wrap=True, name="adjust-message")
        form.addRow("Customer", self.adjust_customer)
        form.addRow("Points (+/−)", self.adjust_points)
        form.addRow("Reason", self.adjust_reason)
        form.addRow("Note", self.adjust_note)
        form.addRow("", self.adjust_button)
        form.addRow("", self.adjust_message)
        self.tabs.addTab(adjust, "Adjust points")

        # -- transfer --
        transfer = QWidget()
        tform = QFormLayout(transfer)
        tform.setVerticalSpacing(12)
        self.transfer_to = QLineEdit()
        self.transfer_to.setObjectName("transfer-to")
        self.transfer_to.setPlaceholderText("Receiving customer's card number or id")
        self.transfer_points = QSpinBox()
        self.transfer_points.setObjectName("transfer-points")
        self.transfer_points.setRange(1, 1_000_000)
        self.transfer_points.setProperty("buttons", "none")
        self.transfer_button = QPushButton("Transfer points")
        self.transfer_button.setObjectName("transfer-apply")
        self.transfer_button.setEnabled(customer_id is not None)
        self.transfer_button.clicked.connect(self._transfer)
        self.transfer_message = label("", "muted", wrap=True, name="transfer-message")
        tform.addRow("From", label(customer_name or "Identify the sending customer first", None, wrap=True))
        tform.addRow("To", self.transfer_to)
        tform.addRow("Points", self.transfer_points)
        tform.addRow("", self.transfer_button)
        tform.addRow("", self.transfer_message)
        self.tabs.addTab(transfer, "Transfer")

        self.returns = returns
        if returns is not None:
            self.tabs.addTab(returns, "Return / void")

        # -- settings (read-only: the central service distributes them) --
        settings = QWidget()
        self.settings_form = QFormLayout(settings)
        self.settings_form.setVerticalSpacing(6)
        self.settings_form.addRow(label("The program's settings come from the central service; "
                                        "they are shown here as this register applies them.", "muted", wrap=True))
        self.settings_values: dict[str, QLabel] = {}
        for key, title in _SETTING_ROWS:
            value = label("", None, name=f"setting-{key}")
            self.settings_values[key] = value
            self.settings_form.addRow(title, value)
        self.connection_label = label(connection or "", None, wrap=True, name="setting-connection")
        self.settings_form.addRow("Central service", self.connection_label)
        self.tabs.addTab(settings, "Settings")

        # -- audit --
        audit = QWidget()
        alayout = QVBoxLayout(audit)
        self.audit_model = AuditLogModel(self)
        self.audit_table = QTableView()
        self.audit_table.setObjectName("audit-table")
        self.audit_table.setModel(self.audit_model)
        self.audit_table.verticalHeader().setVisible(False)
        self.audit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.audit_table.horizontalHeader()
        for col in range(4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.audit_table.setAlternatingRowColors(True)
        alayout.addWidget(self.audit_table)
        self.tabs.addTab(audit, "Audit log")
        self.report = add_report_tab(self.tabs, runner, ops)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.resize(980, 640)
        self.adjust_points.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- actions ------------------------------------------------------------------------------

    def _adjust(self) -> None:
        points = self.adjust_points.value()
        if points == 0:
            self._say(self.adjust_message, "Type a number of points to add (or minus to remove).", "danger")
            return
        reason = self.adjust_reason.currentData()
        note = self.adjust_note.text().strip() or None
        customer_id = self.customer_id
        assert customer_id is not None
        self._say(self.adjust_message, "Saving…", "muted")
        self._runner.run_write(
            lambda: self._ops.adjust(manager_id=self._manager_id, pin=self._pin, customer_id=customer_id,
                                     points=points, reason=reason, note=note),
            on_success=self._adjusted, label="adjust points")

    def _adjusted(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(self.adjust_message, result.message, "danger")
            return
        assert isinstance(result, Adjusted)
        self._say(self.adjust_message, f"Done: {result.entry.points:+,} points. Balance now "
                                       f"{result.available:,}.", "success")
        self.adjust_points.setValue(0)
        self.adjust_note.clear()
        self.changed.emit(changed.changes)

    def _transfer(self) -> None:
        to_text = self.transfer_to.text().strip()
        points = self.transfer_points.value()
        from_id = self.customer_id
        assert from_id is not None
        if not to_text:
            self._say(self.transfer_message, "Scan or type the receiving customer's card.", "danger")
            return
        ops = self._ops

        def work():
            found = ops.identify(to_text)
            customer = getattr(found, "customer", None)
            if customer is None:
                by_id = ops.customer_by_id(to_text)
                customer = None if isinstance(by_id, Refused) else by_id
            if customer is None:
                return Changed(Refused("unknown_customer", f"no customer with card or id {to_text!r}"))
            return ops.transfer(manager_id=self._manager_id, pin=self._pin, from_customer_id=from_id,
                                to_customer_id=customer.id, points=points, note=None)

        self._say(self.transfer_message, "Saving…", "muted")
        self._runner.run_write(work, on_success=self._transferred, label="transfer points")

    def _transferred(self, changed: Changed) -> None:
        result = changed.result
        if isinstance(result, Refused):
            self._say(self.transfer_message, result.message, "danger")
            return
        assert isinstance(result, Transferred)
        self._say(self.transfer_message, f"Moved {result.received.points:,} points.", "success")
        self.changed.emit(changed.changes)

    def handle_scan(self, code: str) -> bool:
        """Scans in manager mode: a receipt on the return tab, a card in the transfer field."""
        current = self.tabs.currentWidget()
        if self.returns is not None and current is self.returns:
            return self.returns.handle_scan(code)
        if current is self.transfer_to.parentWidget():
            self.transfer_to.setText(code)
            return True
        return True  # nothing else in manager mode takes a scan: never let it reach the sale behind

    def _tab_changed(self, index: int) -> None:
        if self.tabs.tabText(index) == "Audit log":
            self.load_audit()
        elif self.tabs.tabText(index) == "Settings":
            self._runner.run_read(self._ops.program_settings, on_success=self._show_settings,
                                  label="program settings", latest_only="program-settings")

    def _show_settings(self, settings) -> None:
        for key, _title in _SETTING_ROWS:
            value = getattr(settings, key)
            if key == "tiers":
                value = ", ".join(
                    f"{t.name} from {money(t.threshold_minor, settings.currency)} ×{t.multiplier}" for t in value
                ) or "none"
            self.settings_values[key].setText(str(value))

    def load_audit(self) -> None:
        self._runner.run_read(self._ops.audit_log, on_success=self.audit_model.set_records, label="audit log",
                              latest_only="audit-log")

    @staticmethod
    def _say(target, text: str, role: str) -> None:
        target.setText(text)
        set_role(target, role)


__all__ = ["ManagerDialog"]
