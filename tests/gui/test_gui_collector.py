"""Cyclic garbage is collected on the GUI thread, never by a worker that happens to allocate."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from pos_app.qt.gui_collector import GuiThreadCollector


class _Cycle(QObject):
    """A Qt object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        super().__init__()
        self.me = self


def test_a_worker_allocating_past_the_threshold_never_collects_and_the_gui_thread_does(qtbot, gui_thread_collector):
    assert not gc.isenabled()  # the register's application turned the automatic collector off
    destroyed_on: list[str] = []
    cycle = _Cycle()
    cycle.destroyed.connect(lambda: destroyed_on.append(threading.current_thread().name))
    del cycle

    kept: list[list[int]] = []

    def allocate() -> None:  # a worker's database work: far more live objects than any threshold
        kept.extend([n] for n in range(200_000))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert destroyed_on == []  # the worker did not run the collector

    qtbot.waitUntil(lambda: destroyed_on != [], timeout=5000)
    assert destroyed_on == [threading.main_thread().name]


def test_the_collector_collects_by_generation_as_python_would(qtbot):
    collector = GuiThreadCollector()
    try:
        gc.collect()
        assert collector.collect_if_due() == -1  # nothing allocated since: not due
        junk = [[n] for n in range(gc.get_threshold()[0] * 2)]
        assert collector.collect_if_due() >= 0
        del junk
    finally:
        collector._timer.stop()
