"""The audit log tab of manager mode: newest first, in words, narrowed by text and action, exported as CSV.

The records come from `RegisterOps.audit_log` (with the names of the people
they mention) and read as `audit_words` lines. Typing in the filter keeps the
lines that say it anywhere (a customer's name, an order number, a manager);
the action list keeps one kind. "Export CSV" writes the lines shown, as
shown, to a file the manager picks (off the GUI thread).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.qt.audit_words import ACTION_WORDS, action_words
from pos_app.qt.language import tr
from pos_app.qt.list_models import AUDIT_COLUMNS, AuditLogModel, audit_columns
from pos_app.qt.register_ops import RegisterOps
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import label, set_role


class AuditPanel(QWidget):
    exported = Signal(object)  # the Path written

    def __init__(self, runner: TaskRunner, ops: RegisterOps, *, currency: str, export_dir: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._ops, self._currency = runner, ops, currency
        self._export_dir = export_dir or Path.home()
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setObjectName("audit-filter")
        self.filter.setPlaceholderText(tr("Filter: a name, an order, a manager…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._refilter)
        self.action = QComboBox()
        self.action.setObjectName("audit-action")
        self.action.addItem(tr("Every action"), "")
        for words in sorted({action_words(action) for action in ACTION_WORDS}):
            self.action.addItem(words, words)
        self.action.currentIndexChanged.connect(self._refilter)
        self.export_button = QPushButton(tr("Export CSV…"))
        self.export_button.setObjectName("audit-export")
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.ask_where_to_export)
        row.addWidget(self.filter, 2)
        row.addWidget(self.action, 1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.model = AuditLogModel(self)
        self.table = QTableView()
        self.table.setObjectName("audit-table")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)  # the whole line is each cell's tooltip
        header = self.table.horizontalHeader()
        for col in range(len(AUDIT_COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(AUDIT_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table, 1)
        self.message = label("", "muted", wrap=True, name="audit-message")
        layout.addWidget(self.message)
        self.export_dialog: QFileDialog | None = None

    def load(self) -> None:
        self._runner.run_read(self._ops.audit_log, on_success=lambda log: self.model.set_log(log, self._currency),
                              label="audit log", latest_only="audit-log")

    def _refilter(self) -> None:
        self.model.set_filter(self.filter.text(), self.action.currentData() or "")
        self._say(tr("%Ln line(s)", "", self.model.rowCount()), "muted")

    def ask_where_to_export(self) -> None:
        """A save dialog (the window's own, so it works the same everywhere) proposes a dated file name."""
        dialog = self.export_dialog = QFileDialog(self, tr("Export the audit log"), str(self._export_dir),
                                                  tr("CSV files (*.csv)"))
        dialog.setObjectName("audit-export-dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(f"audit-{datetime.now():%Y%m%d-%H%M}.csv")
        dialog.fileSelected.connect(lambda name: self.export_to(Path(name)))
        dialog.open()

    def export_to(self, path: Path) -> None:
        rows, header = self.model.rows(), audit_columns()
        self._say(tr("Writing…"), "muted")
        self._runner.run_write(lambda: self._ops.export_csv(path, header, rows), on_success=self._exported,
                               on_failure=lambda failure: self._say(
                                   tr("Could not write %1: %2").replace("%1", str(path)).replace(
                                       "%2", str(failure.error)), "danger"),
                               label="export the audit log", lane="files")

    def _exported(self, path: Path) -> None:
        self._say(tr("%Ln line(s) written to %1", "", self.model.rowCount()).replace("%1", str(path)), "success")
        self.exported.emit(path)

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        set_role(self.message, role)


__all__ = ["AuditPanel"]
