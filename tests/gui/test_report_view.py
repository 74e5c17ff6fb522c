"""The report in manager mode on the demo register's year: cards, charts with hover values, toggles, exports."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCharts import QBarSeries, QStackedBarSeries
from PySide6.QtGui import QImage

from pos_app.app import AppSettings, central_calls, start_demo_sync
from pos_app.domain.report.loyalty_report import report_csv
from pos_app.qt import report_model
from pos_app.qt.report_ops import ReportOps
from pos_app.qt.report_view import ReportPanel
from pos_app.qt.task_runner import TaskRunner
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory
from sync.client import SyncClient
from sync.client.chain import CentralCalls
from tests.gui.register_helpers import demo_clock


@pytest.fixture
def runner():
    made = TaskRunner()
    yield made
    made.shutdown() if hasattr(made, "shutdown") else None


def _panel(qtbot, demo_db, runner, chain=None, export_dir=None) -> ReportPanel:
    engine = open_store(demo_db)
    panel = ReportPanel(runner, ReportOps(UnitOfWorkFactory(engine, "R1"), demo_clock, chain), export_dir=export_dir)
    qtbot.addWidget(panel)
    panel.destroyed.connect(engine.dispose)
    panel.resize(1600, 1000)
    return panel


def _bars(panel: ReportPanel, key: str):
    chart = panel.chart_panels[key].view.chart()
    series = next(s for s in chart.series() if isinstance(s, QBarSeries | QStackedBarSeries))
    return series.barSets()


def test_the_report_shows_the_registers_year_and_the_value_of_a_hovered_bar(qtbot, demo_db, runner, tmp_path):
    panel = _panel(qtbot, demo_db, runner, export_dir=tmp_path)
    with qtbot.waitSignal(panel.report_shown, timeout=30000) as shown:
        panel.show()
    report = shown.args[0]
    assert (report.source, report.store, report.grain.value) == ("register", "S1.R1", "month")
    assert report.total.orders_all > 200 and report.total.participants_end > 0  # the demo's year, never empty
    assert [t.text() for t, _v, _d in panel.card_labels][:2] == ["MEMBER AOV GAP", "COVERAGE"]
    assert panel.card_labels[1][1].text() == report_model.cards(report)[1].value
    (aov_members, aov_others, aov_all) = _bars(panel, "aov")
    assert [s.label() for s in (aov_members, aov_others, aov_all)] == ["Members", "Non-members", "All customers"]
    assert aov_members.count() == len(report.periods)

    aov_members.hovered.emit(True, 3)  # the pointer on the fourth month's members bar
    period = report.periods[3]
    assert panel.chart_panels["aov"].hover.text() == f"{period.label}: Members {report.money(period.aov_participants_minor)}"

    assert "revenue" in panel.chart_panels["coverage"].title.text()
    panel.coverage_toggle.click()
    assert "orders" in panel.chart_panels["coverage"].title.text()
    (share,) = _bars(panel, "coverage")
    assert round(share.at(3), 1) == round(float(period.coverage_orders * 100), 1)

    png = panel.export_png()
    assert png is not None and png.exists() and not QImage(str(png)).isNull()
    assert QImage(str(png)).width() >= 1000
    saved = panel.export_csv()
    assert saved.read_text(encoding="utf-8") == report_csv(report)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[len(report.periods) + 1][0] == "total"


def test_a_range_and_a_breakdown_chosen_by_hand(qtbot, demo_db, runner):
    panel = _panel(qtbot, demo_db, runner)
    with qtbot.waitSignal(panel.report_shown, timeout=30000):
        panel.show()
    panel.preset.setCurrentIndex(1)  # last 30 days
    with qtbot.waitSignal(panel.report_shown, timeout=30000) as shown:
        panel.grain.setCurrentIndex(2)  # by week
    assert shown.args[0].grain.value == "week" and (shown.args[0].last - shown.args[0].first).days == 29
    panel.preset.setCurrentIndex(panel.preset.count() - 1)  # custom: the dates are the user's
    assert panel.first.isEnabled()
    panel.first.setDate(panel.last.date().addDays(2))  # backwards
    panel.load()
    qtbot.waitUntil(lambda: "before it starts" in panel.message.text(), timeout=10000)


def test_the_store_view_comes_from_the_central_service_and_offline_falls_back(qtbot, demo_db, demo_template, runner,
                                                                             tmp_path):
    settings = AppSettings(database=demo_db)
    central, loop = start_demo_sync(settings, tmp_path, demo_template[1].store)
    try:
        assert loop.run_once()
        panel = _panel(qtbot, demo_db, runner, chain=central_calls(loop))
        with qtbot.waitSignal(panel.report_shown, timeout=30000):
            panel.show()
        with qtbot.waitSignal(panel.report_shown, timeout=30000) as shown:
            panel.store_button.click()
        report = shown.args[0]
        assert (report.source, report.store) == ("central", "S1")
        assert report.total.orders_all > 0 and report.liability is not None
        assert report.tier_moves or report.control_groups  # what only the chain knows
    finally:
        loop.stop(5)
        central.stop()

    unreachable = CentralCalls(SyncClient("http://127.0.0.1:9", token="x", register_id="S1.R1"),
                               online=lambda: False)
    offline = _panel(qtbot, demo_db, runner, chain=unreachable)
    with qtbot.waitSignal(offline.report_shown, timeout=30000):
        offline.show()
    offline.store_button.click()
    qtbot.waitUntil(lambda: "could not answer" in offline.message.text(), timeout=10000)
    assert offline.report.source == "register"


def test_manager_mode_has_the_report_tab_before_the_audit_log(qtbot, register):
    from tests.gui.register_helpers import manager_mode

    manager = manager_mode(qtbot, register)
    titles = [manager.tabs.tabText(i).replace("&", "") for i in range(manager.tabs.count())]
    assert titles[-2:] == ["Report", "Audit log"]
    manager.tabs.setCurrentWidget(manager.report)
    qtbot.waitUntil(lambda: manager.report.report is not None, timeout=30000)
    assert manager.report.report.total.orders_all > 0
    manager.reject()


def test_screenshots_of_the_report(qtbot, qapp, demo_db, demo_template, runner, tmp_path):
    from pos_app.qt.theme import apply_theme
    from tests.gui.register_helpers import publish_screenshots, save_screenshot, screenshot_folder

    before = (qapp.styleSheet(), qapp.palette(), qapp.font())
    apply_theme(qapp)  # as the register window has it

    folder = screenshot_folder()
    settings = AppSettings(database=demo_db)
    central, loop = start_demo_sync(settings, tmp_path, demo_template[1].store)
    shots = []
    try:
        assert loop.run_once()
        panel = _panel(qtbot, demo_db, runner, chain=central_calls(loop), export_dir=tmp_path)
        panel.resize(1920, 1080)
        with qtbot.waitSignal(panel.report_shown, timeout=30000):
            panel.show()
        with qtbot.waitSignal(panel.report_shown, timeout=30000):
            panel.store_button.click()
        qtbot.wait(100)
        _bars(panel, "aov")[0].hovered.emit(True, 10)
        shots.append(save_screenshot(panel, folder, "11-report-store"))
        slide = panel.export_png()
        shots.append(slide.rename(folder / "12-report-slide.png"))
        control = next(i for i in range(panel.tables.count()) if panel.tables.tabText(i).startswith("Control"))
        panel.tables.setCurrentIndex(control)
        panel.canvas.parentWidget().parentWidget().verticalScrollBar().setValue(10_000)
        qtbot.wait(100)
        shots.append(save_screenshot(panel, folder, "13-report-control-group"))
        panel.here_button.click()
        qtbot.waitUntil(lambda: panel.report.source == "register", timeout=30000)
        panel.resize(1024, 768)
        qtbot.wait(100)
        shots.append(save_screenshot(panel, folder, "14-report-register-1024"))
    finally:
        loop.stop(5)
        central.stop()
        qapp.setStyleSheet(before[0])
        qapp.setPalette(before[1])
        qapp.setFont(before[2])
    for shot in shots:
        assert not QImage(str(shot)).isNull() and QImage(str(shot)).width() >= 1000
    publish_screenshots(shots)
