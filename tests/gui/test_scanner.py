"""A barcode scanner types faster than a person: its bursts become scans, human typing is left alone.

Keys are sent to the window, the way the platform delivers a scanner's
keystrokes, and the detector reads a fake clock the test advances, so the
timing is exact.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.qt.scanner import ScanRules

EAN = "4006381333931"


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
def screen(qtbot):
    register = Register()
    qtbot.addWidget(register)
    register.show()
    qtbot.waitExposed(register)
    register.search.setFocus()
    return register


@pytest.fixture
def detector(scan_detector):
    return scan_detector


def test_a_scan_is_reported_and_does_not_land_in_the_focused_field(qtbot, screen, clock, wedge, detector):
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        wedge.scan(screen, EAN)

    assert blocker.args == [EAN]
    assert screen.search.text() == ""


def test_scanning_does_not_trigger_the_enter_shortcut(qtbot, screen, clock, wedge, detector):
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000):
        wedge.scan(screen, EAN)
    assert screen.checkouts == 0


def test_a_scan_is_reported_wherever_the_focus_is(qtbot, screen, clock, wedge, detector):
    screen.pay.setFocus()
    clicked = []
    screen.pay.clicked.connect(lambda: clicked.append(True))

    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        wedge.scan(screen, "2900000000018")

    assert blocker.args == ["2900000000018"]
    assert clicked == []


def test_slow_typing_reaches_the_field_untouched(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    wedge.type(screen, "Zoe Martin", gap_ms=120)
    clock.advance(120)
    qtbot.waitUntil(lambda: screen.search.text() == "Zoe Martin", timeout=1000)
    wedge.enter(screen, gap_ms=120)

    assert scans == []
    # Enter with no scan in progress behaves as usual (here: the window's checkout shortcut).
    assert screen.checkouts == 1


def test_the_last_typed_character_shows_up_once_typing_stops(qtbot, screen, clock, wedge, detector):
    wedge.type(screen, "ab", gap_ms=200)
    clock.advance(200)
    qtbot.waitUntil(lambda: screen.search.text() == "ab", timeout=1000)


def test_a_fast_but_short_burst_is_typing_not_a_scan(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    wedge.type(screen, "12", gap_ms=5)
    wedge.enter(screen, gap_ms=5)

    assert scans == []
    assert screen.search.text() == "12"
    assert screen.checkouts == 1


def test_a_pause_inside_a_burst_makes_it_typing(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    wedge.type(screen, "4006381333", gap_ms=5)
    clock.advance(80)  # a person stopped to look at the label
    wedge.type(screen, "931", gap_ms=5)
    wedge.enter(screen, gap_ms=5)

    assert scans == []
    assert screen.search.text() == EAN


def test_text_typed_before_a_scan_stays_in_the_field(qtbot, screen, clock, wedge, detector):
    wedge.type(screen, "qty 3", gap_ms=150)
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        clock.advance(150)
        wedge.scan(screen, EAN)

    assert blocker.args == [EAN]
    assert screen.search.text() == "qty 3"


def test_a_slow_enter_after_a_fast_burst_is_not_a_scan(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    wedge.type(screen, "ABC123", gap_ms=5)
    wedge.enter(screen, gap_ms=500)

    assert scans == []
    assert screen.search.text() == "ABC123"


def test_editing_keys_apply_after_the_characters_typed_before_them(qtbot, screen, clock, wedge, detector):
    wedge.type(screen, "abc", gap_ms=5)
    wedge.key(screen, Qt.Key.Key_Backspace, gap_ms=5)

    assert screen.search.text() == "ab"


def test_keys_sent_straight_to_a_widget_are_never_a_scan(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    qtbot.keyClicks(screen.search, "alice@example.com")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)

    assert scans == []
    assert screen.search.text() == "alice@example.com"


def test_a_disabled_detector_lets_every_key_through(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)
    detector.set_enabled(False)

    wedge.type(screen, "123456", gap_ms=5)

    assert screen.search.text() == "123456"
    assert scans == []


def test_two_scans_in_a_row_are_two_barcodes(qtbot, screen, clock, wedge, detector):
    scans = []
    detector.barcode_scanned.connect(scans.append)

    wedge.scan(screen, EAN)
    clock.advance(400)
    wedge.scan(screen, "5012345678900")

    assert scans == [EAN, "5012345678900"]
    assert screen.search.text() == ""


def test_rules_refuse_nonsense():
    with pytest.raises(ValueError):
        ScanRules(max_gap_ms=0)


def test_the_wedge_fixture_drives_a_scan_into_any_widget(qtbot, screen, clock, wedge, detector):
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        wedge.scan(screen.search, "2900000000025")
    assert blocker.args == ["2900000000025"]
    wedge.type(screen.search, "Jose", gap_ms=150)
    clock.advance(150)
    qtbot.waitUntil(lambda: screen.search.text() == "Jose", timeout=1000)


@pytest.mark.parametrize("code", ["WB-V9THZA", "R1-000042", "NV-7K2QX9", "S1-R1-000001", "Ab_9$%+/.cD"])
def test_capitals_and_symbols_typed_with_shift_are_one_scan(qtbot, screen, clock, wedge, detector, code):
    # The codes the product prints (reward codes, order numbers, next-visit codes) as a wedge scanner
    # types them: Shift goes down and up around every capital and shifted symbol.
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000) as blocker:
        wedge.scan(screen, code)

    assert blocker.args == [code]
    assert screen.search.text() == ""
    assert screen.checkouts == 0


def test_capitals_typed_slowly_with_shift_reach_the_field(qtbot, screen, clock, wedge, detector):
    wedge.type(screen, "Zoe O'Brien-Smith", gap_ms=120)
    clock.advance(120)
    qtbot.waitUntil(lambda: screen.search.text() == "Zoe O'Brien-Smith", timeout=1000)


def test_the_focused_field_sees_no_key_of_a_scan_not_even_a_release(qtbot, screen, clock, wedge, detector):
    from PySide6.QtCore import QEvent, QObject

    class Seen(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.keys = 0

        def eventFilter(self, watched, event) -> bool:  # noqa: N802
            if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and event.key() != Qt.Key.Key_Shift:
                self.keys += 1
            return False

    seen = Seen()
    screen.search.installEventFilter(seen)
    with qtbot.waitSignal(detector.barcode_scanned, timeout=1000):
        wedge.scan(screen, "WB-V9THZA")
    screen.search.removeEventFilter(seen)
    # a release of a key it never saw pressed makes a field redraw itself: once per character, every scan
    assert seen.keys == 0


def _typed(window, text: str, *, first_ms: int, gap_ms: int, stall_s: float = 0.0) -> None:
    """Keys as the platform delivers them: each with the moment it was typed, maybe read late."""
    import time

    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QGuiApplication, QKeyEvent

    for i, char in enumerate(text):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key = Qt.Key.Key_Return if char == "\n" else Qt.Key(ord(char.upper()))
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, "\r" if char == "\n" else char)
            event.setTimestamp(first_ms + i * gap_ms)
            QGuiApplication.sendEvent(window, event)
        time.sleep(stall_s)  # the register was busy: it reads each key 40 ms after the one before


def test_a_scan_read_late_by_a_busy_register_is_still_a_scan(qtbot, screen):
    from pos_app.qt.scanner import ScanDetector

    detector = ScanDetector()  # no test clock: the keys' own timestamps
    detector.install()
    try:
        scans = []
        detector.barcode_scanned.connect(scans.append)
        window = screen.windowHandle()
        _typed(window, EAN + "\n", first_ms=10_000, gap_ms=4, stall_s=0.04)
        assert scans == [EAN] and screen.search.text() == ""

        _typed(window, "ab12cd\n", first_ms=20_000, gap_ms=150)  # a person: 150 ms between keys
        qtbot.waitUntil(lambda: screen.search.text() == "ab12cd", timeout=1000)
        assert scans == [EAN]
    finally:
        detector.uninstall()
