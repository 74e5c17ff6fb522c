"""Watching the input of every window the user types into, without watching every event of the program.

An event filter on the application sees every event of every object (each
paint, layout and timer), and one written in Python costs a few
microseconds each time: hundreds of times per scan. Keys and clicks arrive
at a top-level `QWindow` first, and only the window that has the focus gets
them, so `WindowWatch` puts the filter on each window when it first takes
the focus (and on the windows already there), and keeps it until the window
goes away.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication, QWindow


class WindowWatch:
    """Installs `event_filter` on every top-level window that takes the focus, until `stop()`."""

    def __init__(self, event_filter: QObject, app: QGuiApplication | None = None) -> None:
        self._filter = event_filter
        self._app = app or QGuiApplication.instance()
        if self._app is None:
            raise RuntimeError("no QGuiApplication to watch")
        self._windows: dict[int, QWindow] = {}
        for window in self._app.topLevelWindows():
            self._watch(window)
        self._watch(self._app.focusWindow())
        self._app.focusWindowChanged.connect(self._watch)

    def _watch(self, window: QWindow | None) -> None:
        if window is None or id(window) in self._windows:
            return
        key = id(window)
        self._windows[key] = window
        window.installEventFilter(self._filter)
        window.destroyed.connect(lambda _obj=None: self._windows.pop(key, None))

    def stop(self) -> None:
        try:
            self._app.focusWindowChanged.disconnect(self._watch)
        except (RuntimeError, TypeError):  # already disconnected
            pass
        for window in list(self._windows.values()):
            try:
                window.removeEventFilter(self._filter)
            except RuntimeError:  # the window's C++ object is already gone
                pass
        self._windows.clear()


__all__ = ["WindowWatch"]
