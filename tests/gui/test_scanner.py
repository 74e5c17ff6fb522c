"""A barcode scanner types faster than a person: its bursts become scans, human typing is left alone.

Keys are sent to the window, the way the platform delivers a scanner's
keystrokes, and the detector reads a fake clock the test advances, so the
timing is exact.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.qt.scanner import ScanDetector, ScanRules

EAN = "4006381333931"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


class Register(QWidget):
    """A stand-in register screen: a search field, a button, and an Enter shortcut for checkout."""

    def __init__(self) -> None:
        super().__init__()
        self.search = QLineEdit()
        self.pay = QPushButton("Pay")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.pay)
        self.checkouts = 0
        checkout = QShortcut(QKeySequence(Qt.Key.Key_Return), self)
        checkout.setContext(Qt.ShortcutContext.WindowShortcut)
        checkout.activated.connect(self._checkout)

    def _checkout(self) -> None:
        self.checkouts += 1


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def screen(qtbot):
    register = Register()
    qtbot.addWidget(register)
    register.show()
    qtbot.waitExposed(register)
    register.search.setFocus()
    return register


@pytest.fixture
def detector(qtbot, clock):
    detector = ScanDetector(ScanRules(max_gap_ms=30, min_length=6), clock=clock)
    detector.install()
    yield detector
    detector.uninstall()


def press(window, clock, char, gap_ms):
    clock.advance(gap_ms)
    QTest.keyClick(window, ord(char))


def type_text(widget, clock, text, gap_ms):
    for char in text:
        press(widget.windowHandle(), clock, char, gap_ms)


def press_enter(widget, clock, gap_ms):
    clock.advance(gap_ms)
    QTest.keyClick(widget.windowHandle(), Qt.Key.Key_Return)


def scan(widget, clock, code, gap_ms=5):
    type_text(widget, clock, code, gap_ms)
    press_enter(widget, clock, gap_ms)


def test_a_scan_is_reported_and_does_not_land_in_the_focused_field(qtbot, screen, clock, detector):
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        scan(screen, clock, EAN)

    assert blocker.args == [EAN]
    assert screen.search.text() == ""


def test_scanning_does_not_trigger_the_enter_shortcut(qtbot, screen, clock, detector):
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000):
        scan(screen, clock, EAN)
    assert screen.checkouts == 0


def test_a_scan_is_reported_wherever_the_focus_is(qtbot, screen, clock, detector):
    screen.pay.setFocus()
    clicked = []
    screen.pay.clicked.connect(lambda: clicked.append(True))

    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        scan(screen, clock, "2900000000017")

    assert blocker.args == ["2900000000017"]
    assert clicked == []


def test_slow_typing_reaches_the_field_untouched(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)
    entered = []
    screen.search.returnPressed.connect(lambda: entered.append(screen.search.text()))

    type_text(screen, clock, "Zoe Martin", gap_ms=120)
    clock.advance(120)
    qtbot.waitUntil(lambda: screen.search.text() == "Zoe Martin", timeout=1000)
    press_enter(screen, clock, gap_ms=120)

    assert scans == []
    # Enter with no scan in progress behaves as usual (here: the window's checkout shortcut).
    assert screen.checkouts == 1


def test_the_last_typed_character_shows_up_once_typing_stops(qtbot, screen, clock, detector):
    type_text(screen, clock, "ab", gap_ms=200)
    clock.advance(200)
    qtbot.waitUntil(lambda: screen.search.text() == "ab", timeout=1000)


def test_a_fast_but_short_burst_is_typing_not_a_scan(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    type_text(screen, clock, "12", gap_ms=5)
    press_enter(screen, clock, gap_ms=5)

    assert scans == []
    assert screen.search.text() == "12"
    assert screen.checkouts == 1


def test_a_pause_inside_a_burst_makes_it_typing(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    type_text(screen, clock, "4006381333", gap_ms=5)
    clock.advance(80)  # a person stopped to look at the label
    type_text(screen, clock, "931", gap_ms=5)
    press_enter(screen, clock, gap_ms=5)

    assert scans == []
    assert screen.search.text() == EAN


def test_text_typed_before_a_scan_stays_in_the_field(qtbot, screen, clock, detector):
    type_text(screen, clock, "qty 3", gap_ms=150)
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        clock.advance(150)
        scan(screen, clock, EAN)

    assert blocker.args == [EAN]
    assert screen.search.text() == "qty 3"


def test_a_slow_enter_after_a_fast_burst_is_not_a_scan(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    type_text(screen, clock, "ABC123", gap_ms=5)
    press_enter(screen, clock, gap_ms=500)

    assert scans == []
    assert screen.search.text() == "ABC123"


def test_keys_sent_straight_to_a_widget_are_never_a_scan(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    qtbot.keyClicks(screen.search, "alice@example.com")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)

    assert scans == []
    assert screen.search.text() == "alice@example.com"


def test_a_disabled_detector_lets_every_key_through(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)
    detector.set_enabled(False)

    type_text(screen, clock, "123456", gap_ms=5)

    assert screen.search.text() == "123456"
    assert scans == []


def test_two_scans_in_a_row_are_two_barcodes(qtbot, screen, clock, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    scan(screen, clock, EAN)
    clock.advance(400)
    scan(screen, clock, "5012345678900")

    assert scans == [EAN, "5012345678900"]
    assert screen.search.text() == ""


def test_rules_refuse_nonsense():
    with pytest.raises(ValueError):
        ScanRules(max_gap_ms=0)
