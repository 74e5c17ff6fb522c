"""Python's cycle collector, run on the GUI thread only.

The register does its database and network work on worker threads. Python's
automatic collector runs on whichever thread allocates when a threshold is
crossed, so a worker could collect a cycle holding a Qt object of the window
and run its C++ destructor there: Qt objects belong to the GUI thread, and
PySide6 then waits for the interpreter lock that thread holds, and the
register freezes (seen in a manager's points adjustment, the worker stuck in
`QObject::~QObject`). So the automatic collector is turned off and this timer
of the GUI thread runs it instead, with the interpreter's own thresholds
(`gc.get_threshold()`, also as the POS API sets them), every half second.
Reference counting still frees everything that is not a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects cyclic garbage on the thread that owns it (the GUI thread), by generation, as Python would."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self.collections = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)

    def collect_if_due(self) -> int:
        """Collect the generations whose counts passed their thresholds; returns the generation collected
        (-1: none was due)."""
        young, middle, old = gc.get_count()
        first, second, third = gc.get_threshold()
        if young <= first:
            return -1
        generation = 2 if middle > second and old > third else 1 if middle > second else 0
        gc.collect(generation)
        self.collections += 1
        return generation

    def stop(self) -> None:
        """Give the collection back to Python (tests, and the window's close)."""
        self._timer.stop()
        gc.enable()


_installed: GuiThreadCollector | None = None


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install the collector on the application, once per process."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed


__all__ = ["INTERVAL_MS", "GuiThreadCollector", "collect_on_gui_thread"]
