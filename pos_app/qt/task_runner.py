"""Background operations for the GUI, after Anki's `QueryOp` / `CollectionOp`.

A widget never waits for the database or the network. It hands the runner a
plain Python callable (which opens its own unit of work, talks to the central
service, ...) and two callbacks. The callable runs on a worker thread; its
result, or the exception it raised, comes back as a signal and the callback
runs on the GUI thread, where touching widgets is safe.

Two kinds of task:

- **reads** (`run_read`) run concurrently on a small pool;
- **writes** (`run_write`) run one at a time, in the order they were
  submitted, so two ledger changes can never interleave or overtake each
  other. Reads are not held back by writes: SQLite in WAL mode lets readers
  see the last committed state while a write is in progress. A write names
  its `lane` ("ledger" by default): each lane is its own queue, so a slow
  receipt printer (lane "printer") never holds back the next sale.

A read may name a `latest_only` key (e.g. "customer-search"): when a newer
read with the same key has been submitted, the older one's answer is
dropped, so results typed-ahead never arrive out of order and overwrite
newer ones.

Failures have one home: a task without its own `on_failure` reports through
the runner's `task_failed` signal (connected once, by the main window, to the
status bar or an error dialog), and so does an exception raised by a callback
on the GUI thread. `shutdown()` refuses new tasks and waits for running and
queued ones to finish, so closing the window never cuts a write in half; the
callbacks of tasks that finish during shutdown are dropped, because the
widgets they would update are going away.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class TaskKind(StrEnum):
    """Whether a task only reads (runs concurrently) or changes state (runs serially)."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class Task:
    """A submitted task, as the caller sees it: an id, a kind and a label for messages."""

    id: int
    kind: TaskKind
    label: str
    latest_only: str | None = None


@dataclass(frozen=True, slots=True)
class TaskFailure:
    """An exception a task raised, carried to the GUI thread as a value."""

    task: Task
    error: BaseException
    traceback: str

    @property
    def message(self) -> str:
        """One line for the status bar: what was being done and what went wrong."""
        what = self.task.label or f"{self.task.kind.value} task {self.task.id}"
        return f"{what} failed: {self.error}"


DEFAULT_LANE = "ledger"


class RunnerClosedError(RuntimeError):
    """A task was submitted after `shutdown()`."""


SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[TaskFailure], None]


@dataclass(frozen=True, slots=True)
class _Pending:
    task: Task
    on_success: SuccessCallback | None
    on_failure: FailureCallback | None


class _Job(QRunnable):
    """Runs one callable on a pool thread and reports through the runner's signal."""

    def __init__(self, runner: TaskRunner, task: Task, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._task = task
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - every failure is delivered, never lost
            failure = TaskFailure(self._task, exc, traceback.format_exc())
            self._runner._task_finished.emit(self._task.id, False, failure)
        else:
            self._runner._task_finished.emit(self._task.id, True, result)


class TaskRunner(QObject):
    """Runs callables off the GUI thread and calls back on it.

    Create it on the GUI thread (it is a QObject living there); its callbacks
    run there too. `max_readers` bounds concurrent reads; the writes of one
    lane run one at a time, in order. Call `shutdown()` before the runner is
    destroyed (the main window does it in its close event).
    """

    task_failed = Signal(object)  # TaskFailure of a task that had no on_failure
    task_started = Signal(object)  # Task
    task_finished = Signal(object)  # Task, after its callback ran
    task_superseded = Signal(object)  # Task whose answer was dropped for a newer latest_only read
    idle = Signal()  # no task running or queued any more

    # Private: emitted from a worker thread, delivered queued on the GUI thread.
    _task_finished = Signal(int, bool, object)

    def __init__(self, parent: QObject | None = None, *, max_readers: int = 4) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(max(1, max_readers))
        # Per lane, one thread and a FIFO queue: writes run one at a time, in submission order.
        self._lanes: dict[str, QThreadPool] = {}
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._latest: dict[str, int] = {}  # latest_only key -> the newest task id
        self._lock = threading.Lock()
        self._closed = False
        self._task_finished.connect(self._deliver)

    # -- submitting -------------------------------------------------------------------------

    def run_read(
        self,
        fn: Callable[[], Any],
        *,
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        label: str = "",
        latest_only: str | None = None,
    ) -> Task:
        """Run a query `fn()` concurrently with other reads; callbacks run on the GUI thread.

        With `latest_only`, only the most recently submitted read of that key calls back.
        """
        return self._submit(TaskKind.READ, fn, on_success, on_failure, label, latest_only)

    def run_write(
        self,
        fn: Callable[[], Any],
        *,
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        label: str = "",
        lane: str = DEFAULT_LANE,
    ) -> Task:
        """Run a change `fn()` after every write submitted before it to the same lane.

        Callbacks run on the GUI thread.
        """
        return self._submit(TaskKind.WRITE, fn, on_success, on_failure, label, lane=lane)

    def _submit(
        self,
        kind: TaskKind,
        fn: Callable[[], Any],
        on_success: SuccessCallback | None,
        on_failure: FailureCallback | None,
        label: str,
        latest_only: str | None = None,
        lane: str = DEFAULT_LANE,
    ) -> Task:
        if self._closed:
            raise RunnerClosedError(f"cannot run {label or kind.value}: the task runner is shut down")
        task = Task(next(self._ids), kind, label, latest_only)
        with self._lock:
            self._pending[task.id] = _Pending(task, on_success, on_failure)
            if latest_only is not None:
                self._latest[latest_only] = task.id
        self.task_started.emit(task)
        pool = self._lane(lane) if kind is TaskKind.WRITE else self._readers
        pool.start(_Job(self, task, fn))
        return task

    def _lane(self, name: str) -> QThreadPool:
        pool = self._lanes.get(name)
        if pool is None:
            pool = self._lanes[name] = QThreadPool(self)
            pool.setMaxThreadCount(1)
        return pool

    # -- state ------------------------------------------------------------------------------

    @property
    def pending_count(self) -> int:
        """Tasks submitted whose callbacks have not run yet."""
        with self._lock:
            return len(self._pending)

    @property
    def is_closed(self) -> bool:
        return self._closed

    # -- delivery on the GUI thread -----------------------------------------------------------

    @Slot(int, bool, object)
    def _deliver(self, task_id: int, ok: bool, payload: object) -> None:
        with self._lock:
            pending = self._pending.pop(task_id, None)
            now_idle = not self._pending
        if pending is None or self._closed:
            return
        key = pending.task.latest_only
        if key is not None and self._latest.get(key) != task_id:
            self.task_superseded.emit(pending.task)
        else:
            if key is not None:
                del self._latest[key]  # an older read of this key finishing later is stale too
            self._call_back(pending, ok, payload)
        self.task_finished.emit(pending.task)
        if now_idle:
            self.idle.emit()

    def _call_back(self, pending: _Pending, ok: bool, payload: object) -> None:
        try:
            if ok:
                if pending.on_success is not None:
                    pending.on_success(payload)
            else:
                assert isinstance(payload, TaskFailure)
                if pending.on_failure is not None:
                    pending.on_failure(payload)
                else:
                    self.report_failure(payload)
        except Exception as exc:  # noqa: BLE001 - a broken callback must not kill the event loop
            self.report_failure(TaskFailure(pending.task, exc, traceback.format_exc()))

    def report_failure(self, failure: TaskFailure) -> None:
        """The one place errors go: logged, then `task_failed` for whoever shows them."""
        log.error("%s\n%s", failure.message, failure.traceback)
        self.task_failed.emit(failure)

    # -- closing ----------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = -1) -> bool:
        """Refuse new tasks and wait for running and queued ones; True when all finished.

        Queued writes still run (a sale the cashier completed must be recorded);
        their callbacks are dropped.
        """
        self._closed = True
        writes_done = all([pool.waitForDone(timeout_ms) for pool in self._lanes.values()])
        reads_done = self._readers.waitForDone(timeout_ms)
        return writes_done and reads_done


__all__ = ["DEFAULT_LANE", "RunnerClosedError", "Task", "TaskFailure", "TaskKind", "TaskRunner"]
