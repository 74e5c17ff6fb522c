"""The Loyalty Program report in manager mode: headline cards, six charts, the position tables.

Two sources: **this register** (computed here from its own orders, works
offline) and **this store at the central service** (every register of the
store and what only the chain knows), fetched when online; offline, the view
says so and keeps the register's figures. A range (presets or two dates), a
breakdown (automatic: 1-30 days daily, 31-90 weekly, longer monthly), and the
coverage toggle between revenue and orders. Hovering a bar or a point shows
that period's value (a tooltip, and the line under the chart). Export saves
the whole report as a PNG picture (for a slide) or as CSV.

The view draws `report_model`'s plain values with QtCharts; the report is
computed by `ReportOps` on the task runner, never on the GUI thread.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QT_TR_NOOP, QDate, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.report.loyalty_report import LoyaltyReport, report_csv
from pos_app.domain.report.periods import Grain, RangeError
from pos_app.qt import report_model
from pos_app.qt.language import tr
from pos_app.qt.report_ops import ReportOps
from pos_app.qt.task_runner import TaskRunner
from pos_app.qt.widgets import label, set_role

SERIES_COLORS = ("#ffd400", "#4fc3f7", "#b0bec5", "#ff8a80", "#5cff8a")
PRESETS = ((QT_TR_NOOP("Last 7 days"), 7), (QT_TR_NOOP("Last 30 days"), 30), (QT_TR_NOOP("Last 90 days"), 90),
           (QT_TR_NOOP("Last 12 months"), 365), (QT_TR_NOOP("Custom range"), 0))
GRAINS = ((QT_TR_NOOP("Automatic"), None), (QT_TR_NOOP("By day"), Grain.DAY), (QT_TR_NOOP("By week"), Grain.WEEK),
          (QT_TR_NOOP("By month"), Grain.MONTH))
HERE, STORE = "here", "store"
# The report reads as a slide wherever it is shown (and exported): its own dark canvas and type scale.
CANVAS_STYLE = """
QWidget#report-canvas { background-color: #0b0f14; }
QWidget#report-canvas QLabel { color: #ffffff; background: transparent; border: none; }
QWidget#report-canvas QLabel[role="muted"] { color: #c8d0da; font-size: 15px; }
QWidget#report-canvas QLabel[role="subheading"] { color: #c8d0da; font-size: 15px; font-weight: bold; }
QWidget#report-canvas QLabel[role="heading"] { font-size: 28px; font-weight: bold; }
QWidget#report-canvas QLabel[role="total"] { font-size: 40px; font-weight: bold; }
QWidget#report-canvas QLabel[role="danger"] { color: #ff8a80; font-weight: bold; }
QWidget#report-canvas QLabel[role="success"] { color: #5cff8a; font-weight: bold; }
QFrame#report-card, QFrame#report-chart { background-color: #161c24; border: 1px solid #2c3642;
    border-radius: 6px; }
QFrame#report-card QLabel[role="total"] { color: #ffd400; }
"""


class ChartPanel(QFrame):
    """One chart with its title and the hovered period's value under it."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report-chart")
        self.key = key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.title = label("", "subheading", wrap=True, name=f"chart-title-{key}")
        self.head = QHBoxLayout()
        self.head.addWidget(self.title, 1)
        self.view = QChartView()
        self.view.setObjectName(f"chart-{key}")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setBackgroundBrush(QColor("#161c24"))
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setMinimumHeight(200)
        self.hover = label(" ", "muted", name=f"chart-hover-{key}")
        layout.addLayout(self.head)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hover)
        self.chart: report_model.Chart | None = None

    def show_chart(self, spec: report_model.Chart) -> None:
        self.chart = spec
        self.title.setText(spec.title)
        self.hover.setText(tr("Point at a bar for its value"))
        chart = QChart()
        chart.setBackgroundBrush(QColor("#161c24"))
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setLabelColor(QColor("#ffffff"))
        chart.legend().setFont(QFont("DejaVu Sans", 10))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.legend().setVisible(len(spec.bars) > 1 or spec.line is not None)
        bars = QStackedBarSeries() if spec.stacked else QBarSeries()
        for i, series in enumerate(spec.bars):
            bar_set = QBarSet(series.name)
            bar_set.append(list(series.values))
            bar_set.setColor(QColor(SERIES_COLORS[i % len(SERIES_COLORS)]))
            bar_set.setBorderColor(QColor(SERIES_COLORS[i % len(SERIES_COLORS)]))
            bar_set.hovered.connect(lambda on, index, s=series: self._hovered(on, s.hover[index] if 0 <= index < len(
                s.hover) else ""))
            bars.append(bar_set)
        chart.addSeries(bars)
        axis_x = QBarCategoryAxis()
        axis_x.append(list(_short_labels(spec.labels)))
        axis_x.setLabelsColor(QColor("#c8d0da"))
        axis_x.setLabelsFont(QFont("DejaVu Sans", 9))
        axis_x.setGridLineVisible(False)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        bars.attachAxis(axis_x)
        axis_y = _value_axis(spec.bars, spec.percent_axis, stacked=spec.stacked)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(axis_y)
        if spec.line is not None:
            line = QLineSeries()
            line.setName(spec.line.name)
            for x, y in enumerate(spec.line.values):
                line.append(QPointF(x, y))
            pen = QPen(QColor("#5cff8a"))
            pen.setWidth(3)
            line.setPen(pen)
            line.setPointsVisible(True)
            hover = spec.line.hover
            line.hovered.connect(lambda point, on, h=hover: self._hovered(on, h[min(max(round(point.x()), 0),
                                                                                     len(h) - 1)] if h else ""))
            chart.addSeries(line)
            line.attachAxis(axis_x)
            right = _value_axis((spec.line,), False)
            chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
            line.attachAxis(right)
        self.view.setChart(chart)

    def _hovered(self, on: bool, text: str) -> None:
        if on and text:
            self.hover.setText(text)
            QToolTip.showText(QCursor.pos(), text, self.view)
        else:
            QToolTip.hideText()


def _short_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    if len(labels) > 16:  # daily bars of a month: every label would collide; keep one in a few
        step = max(1, len(labels) // 8)
        return tuple(text if i % step == 0 else " " * (i + 1) for i, text in enumerate(labels))
    return labels


def _value_axis(series: tuple[report_model.Series, ...], as_percent: bool, *, stacked: bool = False) -> QValueAxis:
    axis = QValueAxis()
    if stacked:
        top = max((sum(values) for values in zip(*(s.values for s in series), strict=True)), default=0.0)
    else:
        top = max((v for s in series for v in s.values), default=0.0)
    axis.setRange(0, top * 1.15 if top > 0 else 1)
    axis.setLabelFormat("%.0f%%" if as_percent else ("%.2f" if 0 < top < 10 else "%.0f"))
    axis.setLabelsColor(QColor("#c8d0da"))
    axis.setLabelsFont(QFont("DejaVu Sans", 9))
    axis.setGridLineColor(QColor("#2c3642"))
    axis.setTickCount(5)
    return axis


class ReportPanel(QWidget):
    """The report tab of manager mode."""

    report_shown = Signal(object)  # LoyaltyReport

    def __init__(self, runner: TaskRunner, ops: ReportOps, *, export_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report-panel")
        self._runner, self._ops = runner, ops
        self._export_dir = export_dir
        self.report: LoyaltyReport | None = None
        self.coverage_by = report_model.REVENUE
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        bar = QHBoxLayout()
        self.source = QButtonGroup(self)
        self.here_button = self._toggle(tr("This &register"), HERE)
        self.store_button = self._toggle(tr("&Store · central"), STORE)
        self.store_button.setEnabled(ops.has_central)
        self.store_button.setToolTip(tr("Every register of this store, as the central service counts it")
                                     if ops.has_central else tr("This register is not paired with a central service"))
        self.here_button.setChecked(True)
        self.preset = QComboBox()
        self.preset.setObjectName("report-range")
        for name, days in PRESETS:
            self.preset.addItem(tr(name), days)
        self.preset.setCurrentIndex(3)
        self.grain = QComboBox()
        self.grain.setObjectName("report-grain")
        for name, grain in GRAINS:
            self.grain.addItem(tr(name), grain.value if grain else "")
        self.show_button = QPushButton(tr("Show"))
        self.show_button.setObjectName("report-show")
        for widget in (self.here_button, self.store_button, self.preset, self.grain, self.show_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        outer.addLayout(bar)
        bar = QHBoxLayout()
        self.first = QDateEdit()
        self.last = QDateEdit()
        for edit, name in ((self.first, "report-from"), (self.last, "report-to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        for widget in (label(tr("From", "a range of dates")), self.first, label(tr("to", "a range of dates")), self.last):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.png_button = QPushButton(tr("Save &PNG"))
        self.png_button.setObjectName("report-export-png")
        self.csv_button = QPushButton(tr("Save &CSV"))
        self.csv_button.setObjectName("report-export-csv")
        for button in (self.png_button, self.csv_button):
            button.setAutoDefault(False)
            bar.addWidget(button)
        outer.addLayout(bar)

        self.canvas = QWidget()
        self.canvas.setObjectName("report-canvas")
        canvas = QVBoxLayout(self.canvas)
        canvas.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.title = label(tr("Loyalty Program report"), "heading", name="report-title")
        self.scope = label("", "muted", wrap=True, name="report-scope")
        head.addWidget(self.title)
        head.addSpacing(16)
        head.addWidget(self.scope, 1)
        canvas.addLayout(head)
        self.message = label("", "muted", wrap=True, name="report-message")
        canvas.addWidget(self.message)
        self.cards_grid = QGridLayout()
        self.card_frames: list[QFrame] = []
        self.card_labels: list[tuple[QLabel, QLabel, QLabel]] = []
        for i in range(6):
            frame = QFrame()
            frame.setObjectName("report-card")
            box = QVBoxLayout(frame)
            box.setContentsMargins(12, 8, 12, 8)
            parts = (label("", "subheading", wrap=True, name=f"card-title-{i}"), label("", "total", name=f"card-value-{i}"),
                     label("", "muted", wrap=True, name=f"card-detail-{i}"))
            for part in parts:
                box.addWidget(part)
            self.card_frames.append(frame)
            self.card_labels.append(parts)
        canvas.addLayout(self.cards_grid)
        self.charts_grid = QGridLayout()
        self.chart_panels: dict[str, ChartPanel] = {}
        for key in ("coverage", "aov", "participants", "discount", "points", "purchase"):
            self.chart_panels[key] = ChartPanel(key)
        self.coverage_toggle = QPushButton(tr("by &orders"))
        self.coverage_toggle.setObjectName("report-coverage-toggle")
        self.coverage_toggle.setAutoDefault(False)
        self.coverage_toggle.setStyleSheet("font-size: 14px; padding: 2px 10px;")
        self.coverage_toggle.setToolTip(tr("Switch coverage between the share of revenue and the share of orders"))
        self.chart_panels["coverage"].head.addWidget(self.coverage_toggle)
        canvas.addLayout(self.charts_grid, 1)
        self._columns = 0
        self._arrange(3)
        self.tables = QTabWidget()
        self.tables.setObjectName("report-tables")
        self.tables.setMinimumHeight(220)
        canvas.addWidget(self.tables)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.canvas)
        outer.addWidget(scroll, 1)
        self.setStyleSheet(CANVAS_STYLE)

        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.show_button.clicked.connect(self.load)
        self.source.idClicked.connect(lambda _i: self.load())
        self.grain.currentIndexChanged.connect(lambda _i: self.load())
        self.coverage_toggle.clicked.connect(self.toggle_coverage)
        self.png_button.clicked.connect(lambda: self.export_png())
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self._preset_changed()

    def _arrange(self, columns: int) -> None:
        """Three charts a row on a wide screen, two on a narrow one (cards: six or three a row)."""
        if columns == self._columns:
            return
        self._columns = columns
        for i, frame in enumerate(self.card_frames):
            per_row = 6 if columns == 3 else 3
            self.cards_grid.addWidget(frame, i // per_row, i % per_row)
        for i, panel in enumerate(self.chart_panels.values()):
            self.charts_grid.addWidget(panel, i // columns, i % columns)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._arrange(3 if event.size().width() >= 1400 else 2)

    def _toggle(self, text: str, key: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"report-source-{key}")
        button.setCheckable(True)
        button.setAutoDefault(False)
        self.source.addButton(button)
        self.source.setId(button, 0 if key == HERE else 1)
        return button

    # -- loading ------------------------------------------------------------------------------------

    @property
    def range(self) -> tuple[date, date]:
        return self.first.date().toPython(), self.last.date().toPython()

    def _preset_changed(self) -> None:
        days = self.preset.currentData()
        custom = not days
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            today = self._ops.today()
            self.last.setDate(QDate(today.year, today.month, today.day))
            start = today - timedelta(days=days - 1)
            self.first.setDate(QDate(start.year, start.month, start.day))
            if self.isVisible():
                self.load()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self.report is None:  # the first time the tab is opened
            self.load()

    def load(self) -> None:
        first, last = self.range
        grain = Grain(self.grain.currentData()) if self.grain.currentData() else None
        from_store = self.source.checkedId() == 1
        self.message.setText(tr("Loading the store's figures from the central service…") if from_store
                             else tr("Counting this register's sales…"))
        set_role(self.message, "muted")
        ops = self._ops

        def work() -> tuple[LoyaltyReport | None, str | None]:
            try:
                if from_store:
                    try:
                        return ops.store(first, last, grain), None
                    except RangeError:
                        raise
                    except Exception as exc:  # offline or refused: the register's own figures instead
                        return ops.here(first, last, grain), tr(
                            "The central service could not answer (%1): showing this register's own figures."
                        ).replace("%1", _short(exc))
                return ops.here(first, last, grain), None
            except RangeError as exc:
                return None, tr("This range cannot be shown: %1").replace("%1", str(exc))

        self._runner.run_read(work, on_success=self._loaded, label="loyalty report", latest_only="loyalty-report")

    def _loaded(self, answer: tuple[LoyaltyReport | None, str | None]) -> None:
        report, note = answer
        if report is None:
            self.message.setText(note or "")
            set_role(self.message, "danger")
            return
        self.show_report(report)
        if note:
            self.message.setText(note)
            set_role(self.message, "danger")

    def show_report(self, report: LoyaltyReport) -> None:
        self.report = report
        self.scope.setText(report_model.scope_title(report) + " · " + tr("participants: %1").replace(
            "%1", report_model.participants_words(report.participants_rule)))
        empty = report.is_empty
        self.message.setText(tr("No sales in this range yet.") if empty else "")
        set_role(self.message, "muted")
        for (title, value, detail), card in zip(self.card_labels, report_model.cards(report), strict=True):
            title.setText(card.title.upper())
            value.setText(card.value)
            detail.setText(card.detail)
        self._draw_charts()
        self.tables.clear()
        for table in report_model.tables(report):
            self.tables.addTab(_table_widget(table), table.title)
        self.report_shown.emit(report)

    def _draw_charts(self) -> None:
        assert self.report is not None
        for spec in report_model.charts(self.report, self.coverage_by):
            self.chart_panels[spec.key].show_chart(spec)

    def toggle_coverage(self) -> None:
        self.coverage_by = report_model.ORDERS if self.coverage_by == report_model.REVENUE else report_model.REVENUE
        self.coverage_toggle.setText(tr("by &revenue") if self.coverage_by == report_model.ORDERS else tr("by &orders"))
        if self.report is not None:
            self._draw_charts()

    # -- export ---------------------------------------------------------------------------------------

    def _target(self, suffix: str, kind: str) -> Path | None:
        report = self.report
        if report is None:
            return None
        name = f"loyalty-report-{report.store or report.brand or 'chain'}-{report.first}-{report.last}.{suffix}"
        if self._export_dir is not None:
            return self._export_dir / name
        chosen, _filter = QFileDialog.getSaveFileName(self, tr("Export the report as %1").replace("%1", kind), name,
                                                      f"{kind} (*.{suffix})")
        return Path(chosen) if chosen else None

    def export_png(self, path: Path | None = None) -> Path | None:
        """The cards and charts as a picture (a slide); returns where it was saved."""
        path = path or self._target("png", "PNG")
        if path is None:
            return None
        if not self.canvas.grab().save(str(path), "PNG"):
            self._say(tr("Could not write %1").replace("%1", str(path)), "danger")
            return None
        self._say(tr("Saved %1").replace("%1", str(path)), "success")
        return path

    def export_csv(self, path: Path | None = None) -> Path | None:
        path = path or self._target("csv", "CSV")
        if path is None or self.report is None:
            return None
        try:
            path.write_text(report_csv(self.report), encoding="utf-8")
        except OSError as exc:
            self._say(tr("Could not write %1: %2").replace("%1", str(path)).replace("%2", str(exc.strerror)), "danger")
            return None
        self._say(tr("Saved %1").replace("%1", str(path)), "success")
        return path

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        set_role(self.message, role)


def _table_widget(table: report_model.Table) -> QTableWidget:
    widget = QTableWidget(len(table.rows), len(table.header))
    widget.setObjectName(f"report-table-{table.key}")
    widget.setHorizontalHeaderLabels(list(table.header))
    widget.verticalHeader().setVisible(False)
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            widget.setItem(r, c, item)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(table.header)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    return widget


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def add_report_tab(tabs: QTabWidget, runner: TaskRunner, ops: object, *, export_dir: Path | None = None) -> ReportPanel:
    """Manager mode's hook: a "Report" tab over the register's store and its central service.

    `ops` is the window's `RegisterOps` (its unit-of-work factory, clock and central calls).
    """
    panel = ReportPanel(runner, ReportOps(ops.uow, ops.clock, ops.chain),  # type: ignore[attr-defined]
                        export_dir=export_dir)
    tabs.insertTab(max(tabs.count() - 1, 0), panel, tr("Re&port"))  # the audit log stays the last tab
    return panel


__all__ = ["ChartPanel", "ReportPanel", "add_report_tab"]
