"""The task runner keeps the register responsive: work runs off the GUI thread, answers come back on it."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer

from pos_app.qt.task_runner import RunnerClosedError, TaskFailure, TaskKind, TaskRunner


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner(max_readers=4)
    yield runner
    runner.shutdown(5000)


def test_a_query_runs_on_a_worker_and_its_answer_arrives_on_the_gui_thread(qtbot, runner):
    gui_thread = threading.get_ident()
    seen = {}

    def look_up_customer():
        seen["worker"] = threading.get_ident()
        return {"id": "C1", "name": "Zoë"}

    def show(customer):
        seen["callback"] = threading.get_ident()
        seen["customer"] = customer

    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        task = runner.run_read(look_up_customer, on_success=show, label="look up customer")

    assert task.kind is TaskKind.READ
    assert seen["customer"] == {"id": "C1", "name": "Zoë"}
    assert seen["worker"] != gui_thread
    assert seen["callback"] == gui_thread


def test_the_gui_keeps_processing_events_while_a_slow_task_runs(qtbot, runner):
    release = threading.Event()
    ticks = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    finished = []

    runner.run_read(lambda: release.wait(10), on_success=finished.append, label="full sync")

    # While the task is still blocked, the event loop keeps firing the timer.
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5000)
    assert finished == []
    release.set()
    qtbot.waitUntil(lambda: finished == [True], timeout=5000)
    timer.stop()


def test_submitting_returns_at_once_even_when_the_task_is_slow(qtbot, runner):
    release = threading.Event()
    started = time.monotonic()
    runner.run_write(lambda: release.wait(10), label="slow write")
    assert time.monotonic() - started < 0.5
    release.set()
    qtbot.waitUntil(lambda: runner.pending_count == 0, timeout=5000)


def test_an_exception_reaches_the_tasks_error_callback_on_the_gui_thread(qtbot, runner):
    failures = []
    threads = []

    def redeem():
        raise ValueError("customer has only 40 points")

    def on_failure(failure):
        threads.append(threading.get_ident())
        failures.append(failure)

    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        runner.run_write(redeem, on_success=lambda _: pytest.fail("no success"), on_failure=on_failure,
                         label="redeem points")

    [failure] = failures
    assert isinstance(failure, TaskFailure)
    assert isinstance(failure.error, ValueError)
    assert failure.message == "redeem points failed: customer has only 40 points"
    assert "ValueError" in failure.traceback
    assert threads == [threading.get_ident()]


def test_failures_without_their_own_handler_are_reported_in_one_place(qtbot, runner):
    def sync_now():
        raise ConnectionError("central service unreachable")

    with qtbot.waitSignal(runner.task_failed, timeout=5000) as blocker:
        runner.run_read(sync_now, label="sync")

    [failure] = blocker.args
    assert failure.message == "sync failed: central service unreachable"


def test_a_broken_callback_is_reported_instead_of_crashing_the_event_loop(qtbot, runner):
    def broken_callback(_result):
        raise KeyError("missing column")

    with qtbot.waitSignal(runner.task_failed, timeout=5000) as blocker:
        runner.run_read(lambda: 1, on_success=broken_callback, label="refresh totals")

    assert isinstance(blocker.args[0].error, KeyError)


def test_writes_run_one_at_a_time_in_the_order_they_were_submitted(qtbot, runner):
    applied = []
    callbacks = []
    running = []
    overlap = []

    def write(n):
        def change():
            running.append(n)
            if len(running) > 1:
                overlap.append(list(running))
            time.sleep(0.002 * (10 - n))  # early writes are slower: they must still finish first
            applied.append(n)
            running.remove(n)
            return n

        return change

    for n in range(10):
        runner.run_write(write(n), on_success=callbacks.append)

    qtbot.waitUntil(lambda: len(callbacks) == 10, timeout=5000)
    assert applied == list(range(10))
    assert callbacks == list(range(10))
    assert overlap == []


def test_reads_run_concurrently(qtbot, runner):
    both_inside = threading.Barrier(2, timeout=5)
    results = []

    # Each read waits for the other: this only finishes if they run at the same time.
    runner.run_read(lambda: both_inside.wait() is not None, on_success=results.append)
    runner.run_read(lambda: both_inside.wait() is not None, on_success=results.append)

    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert results == [True, True]


def test_a_read_is_not_held_back_by_a_slow_write(qtbot, runner):
    release = threading.Event()
    order = []
    runner.run_write(lambda: release.wait(10), on_success=lambda _: order.append("write"))
    runner.run_read(lambda: "balance", on_success=order.append)

    qtbot.waitUntil(lambda: order == ["balance"], timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: order == ["balance", "write"], timeout=5000)


def test_shutdown_waits_for_running_and_queued_writes(qtbot):
    runner = TaskRunner()
    recorded = []

    def record(n):
        def change():
            time.sleep(0.05)
            recorded.append(n)

        return change

    runner.run_write(record(1))
    runner.run_write(record(2))

    assert runner.shutdown(5000) is True
    assert recorded == [1, 2]


def test_no_task_is_accepted_after_shutdown(qtbot):
    runner = TaskRunner()
    runner.shutdown()
    with pytest.raises(RunnerClosedError):
        runner.run_read(lambda: None, label="late query")


def test_the_runner_says_when_it_becomes_idle(qtbot, runner):
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run_read(lambda: 1)
        runner.run_write(lambda: 2)
    assert runner.pending_count == 0


def test_search_as_you_type_shows_only_the_newest_answer(qtbot, runner):
    first_may_finish = threading.Event()
    shown = []

    def search(text, wait=None):
        def query():
            if wait is not None:
                wait.wait(10)
            return f"results for {text!r}"

        return query

    runner.run_read(search("zo", first_may_finish), on_success=shown.append, latest_only="customer-search")
    runner.run_read(search("zoe"), on_success=shown.append, latest_only="customer-search")
    qtbot.waitUntil(lambda: shown == ["results for 'zoe'"], timeout=5000)

    # The slow, older search finishes last: its answer must not overwrite the newer one.
    with qtbot.waitSignal(runner.task_superseded, timeout=5000):
        first_may_finish.set()
    assert shown == ["results for 'zoe'"]


def test_a_slow_printer_does_not_hold_back_the_next_sale(qtbot, runner):
    paper_jam = threading.Event()
    done = []
    runner.run_write(lambda: paper_jam.wait(10), on_success=lambda _: done.append("receipt printed"),
                     lane="printer", label="print receipt")
    runner.run_write(lambda: "sale 2 recorded", on_success=done.append, label="record sale")

    qtbot.waitUntil(lambda: done == ["sale 2 recorded"], timeout=5000)
    paper_jam.set()
    qtbot.waitUntil(lambda: done == ["sale 2 recorded", "receipt printed"], timeout=5000)
