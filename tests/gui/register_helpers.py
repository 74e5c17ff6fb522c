"""Helpers for driving the register window: the demo's fixed moment, F-keys, waiting for the workers."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pos_app.demo import DEMO_DAY

DEMO_NOW = datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, 11, 0).astimezone()


def demo_clock() -> datetime:
    return DEMO_NOW


def press(window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed on the keyboard: it goes to whatever has the focus in `window` (shortcuts included)."""
    top = window.window()
    if not top.isActiveWindow():
        top.activateWindow()  # a closed dialog hands the focus back to the window, as the window system would
        for _ in range(50):
            QApplication.processEvents()
            if top.isActiveWindow():
                break
    target = QApplication.focusWidget()
    if target is None or target.window() is not top:
        target = top.focusWidget() or top
    QTest.keyClick(target, key, modifier)


def wait_idle(qtbot, window, timeout: int = 5000) -> None:
    """Wait until the register's task runner has delivered every answer."""
    qtbot.waitUntil(lambda: window.runner.pending_count == 0, timeout=timeout)
