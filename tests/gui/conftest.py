"""GUI test helpers: a clock the test controls and a keyboard-wedge scanner to drive the real widgets.

`wedge.scan(widget, "4006381333931")` types the code into the widget's window
the way a scanner does (5 ms between keys, then Enter) while the
`ScanDetector` reads the fake clock; `wedge.type(widget, "Zoe", gap_ms=150)`
types like a person.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.qt.scanner import ScanDetector, ScanRules


class FakeClock:
    """A monotonic clock in seconds that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


class Wedge:
    """Keystrokes delivered to a window, as the platform delivers a scanner's, on the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def press(self, widget, char: str, gap_ms: float) -> None:
        self.clock.advance(gap_ms)
        QTest.keyClick(widget.window().windowHandle(), ord(char))

    def type(self, widget, text: str, gap_ms: float) -> None:
        for char in text:
            self.press(widget, char, gap_ms)

    def key(self, widget, key: Qt.Key, gap_ms: float) -> None:
        self.clock.advance(gap_ms)
        QTest.keyClick(widget.window().windowHandle(), key)

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


@pytest.fixture
def scan_detector(qapp, clock):
    """A `ScanDetector` on the fake clock, installed on the application for one test."""
    detector = ScanDetector(ScanRules(max_gap_ms=30, min_length=6), clock=clock)
    detector.install(qapp)
    yield detector
    detector.uninstall()
