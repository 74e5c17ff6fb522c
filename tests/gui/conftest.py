"""GUI test helpers: a clock the test controls, a keyboard-wedge scanner, and a real register.

`wedge.scan(widget, "4006381333931")` types the code into the widget's window
the way a scanner does (5 ms between keys, then Enter) while the
`ScanDetector` reads the fake clock; `wedge.type(widget, "Zoe", gap_ms=150)`
types like a person.

`register` is the real register window on a real SQLite demo store: the
demo database (300 customers, the full catalogue and promotions) is
generated once per session and copied for each test. Its clock is fixed on
the demo day at 11:00 local time (no happy hour; Zoë Martin's birthday week).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from pos_app.app import AppSettings, build_register, demo_hint, demo_pins, prepare_demo
from pos_app.demo import DEMO_DAY, generate_demo_store
from pos_app.qt.gui_collector import collect_on_gui_thread
from pos_app.qt.scanner import ScanDetector, ScanRules
from tests.gui.register_helpers import demo_clock


class FakeClock:
    """A monotonic clock in seconds that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


# What a US keyboard layout types with Shift held: a wedge scanner presses Shift for these, as a person does.
SHIFTED = set('~!@#$%^&*()_+{}|:"<>?')


def shift_for(char: str) -> Qt.KeyboardModifier:
    """Shift for capitals and for the symbols a US layout types with Shift."""
    shift = char.isupper() or char in SHIFTED
    return Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier


class Wedge:
    """Keystrokes delivered to a window, as the platform delivers a scanner's, on the fake clock.

    A capital or a shifted symbol comes as the platform sends it: Shift pressed, the key with
    the Shift modifier, the key released, Shift released.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def press(self, widget, char: str, gap_ms: float) -> None:
        self.clock.advance(gap_ms)
        assert char.isascii(), "a wedge scanner types ASCII (Code128, EAN)"
        # QTest presses and releases Shift around the key when the modifier asks for it.
        QTest.keyClick(self.focused(widget), char, shift_for(char))

    @staticmethod
    def focused(widget):
        """The widget's window, made the focused one: a scanner's keys go where the keyboard focus is."""
        window = widget.window().windowHandle()
        if QGuiApplication.focusWindow() is not window:
            window.requestActivate()
            for _ in range(100):
                QGuiApplication.processEvents()
                if QGuiApplication.focusWindow() is window:
                    break
        return window

    def type(self, widget, text: str, gap_ms: float) -> None:
        for char in text:
            self.press(widget, char, gap_ms)

    def key(self, widget, key: Qt.Key, gap_ms: float) -> None:
        self.clock.advance(gap_ms)
        QTest.keyClick(self.focused(widget), key)

    def enter(self, widget, gap_ms: float) -> None:
        self.key(widget, Qt.Key.Key_Return, gap_ms)

    def scan(self, widget, code: str, gap_ms: float = 5) -> None:
        self.type(widget, code, gap_ms)
        self.enter(widget, gap_ms)
        self.clock.advance(500)  # the cashier reaches for the next item


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wedge(clock) -> Wedge:
    return Wedge(clock)


@pytest.fixture(scope="session", autouse=True)
def gui_thread_collector(qapp):
    """As in the register (`register_application`): cycles are collected on the GUI thread only."""
    collector = collect_on_gui_thread(qapp)
    yield collector


@pytest.fixture
def scan_detector(qapp, clock):
    """A `ScanDetector` on the fake clock, installed on the application for one test."""
    detector = ScanDetector(ScanRules(max_gap_ms=30, min_length=6), clock=clock)
    detector.install(qapp)
    yield detector
    detector.uninstall()


DEMO_CUSTOMERS = 300


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, object]:
    path, loaded = prepare_demo(tmp_path_factory.mktemp("demo-template"), customers=DEMO_CUSTOMERS,
                                clock=demo_clock)
    return path, loaded


@pytest.fixture(scope="session")
def demo_store():
    """The same generated store the database holds (products, personas, codes), as plain values."""
    return generate_demo_store(today=DEMO_DAY, customers=DEMO_CUSTOMERS)


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    source, _ = demo_template
    target = tmp_path / "register.db"
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def open_register(qtbot, demo_db, demo_template, scan_detector, tmp_path, qapp):
    """Open a register window on this test's demo store: `open_register(cashier_id=None, idle_lock_s=0.3)`.

    Several may be opened one after the other on the same file (a restart); each is closed at the end.
    """
    from pos_app.qt.theme import apply_theme

    before = (qapp.styleSheet(), qapp.palette(), qapp.font())
    apply_theme(qapp)
    printer_file = tmp_path / "printer.bin"
    printer_file.touch()
    opened = []

    def open_one(*, cashier_id: str | None = "cashier", cashier_name: str | None = "Sam Cashier",
                 size: tuple[int, int] = (1440, 860), idle_lock_s: float | None = None, **changes):
        settings = AppSettings(database=demo_db, cashier_id=cashier_id, cashier_name=cashier_name,
                               hint=demo_hint(demo_template[1]), demo_pins=demo_pins(demo_template[1]),
                               printer={"kind": "file", "path": str(printer_file)},
                               store_address=("12 High Street", "Springfield"), **changes)
        window = build_register(settings, clock=demo_clock, scanner=scan_detector)
        if idle_lock_s is not None:
            window.ctx.idle_lock_s = idle_lock_s
            window.idle.stop()
            window.idle._timer.setInterval(int(idle_lock_s * 1000))
            if window.cashier is not None:
                window.idle.start()
        window.printer_file = printer_file
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    yield open_one
    for window in opened:
        if window.isVisible():
            window.new_sale()  # closing with a sale open asks first (and parks it)
            window.close()
    qapp.setStyleSheet(before[0])
    qapp.setPalette(before[1])
    qapp.setFont(before[2])


@pytest.fixture
def register(open_register):
    """The register window, themed, on its own copy of the demo store, with the test's scanner."""
    return open_register()
