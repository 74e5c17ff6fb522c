"""`SyncLoop`: the register's background sync, a plain thread with a status for the GUI.

Each cycle drains the outbox (batches in seq order, one in flight, the same
bytes again until the server answers) and then pulls the change feed page by
page, each page saved with its cursor in one local transaction; a 410 makes it
download a snapshot, check its hash and replace the pulled state. Ledger
pushes are never given up: after a failure the loop waits a capped,
jittered, growing delay (at least any Retry-After) and tries again.

The status is one of online / offline (since when) / syncing / error. The
`on_status` callback runs on the loop's thread: a GUI must hand it over to its
own thread (e.g. a Qt signal with a queued connection). The status lives as
long as the process; a `journal` (`sync.client.ports.SyncJournal`) keeps how
the cycles end, so a sync that fails cycle after cycle is known afterwards.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from sync.client.errors import (
    AuthError,
    CertificateError,
    CursorExpired,
    PayloadConflict,
    ProtocolUnsupported,
    SeqGap,
    SyncError,
    TransientError,
    failure_reason,
)
from sync.client.exposure import OfflineExposure
from sync.client.http import RetryPolicy, SyncClient
from sync.client.ports import (
    AuditChain,
    ChangeSink,
    NewerTopicsSink,
    OutboxSource,
    RecordSource,
    RefreshableBalances,
    ResendableOutbox,
    SyncJournal,
)
from sync.protocol import LedgerEntry, format_cursor

log = logging.getLogger(__name__)


class SyncState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    SYNCING = "syncing"
    ERROR = "error"


@dataclass(frozen=True)
class SyncStatus:
    state: SyncState
    offline_since: datetime | None = None  # first failure of the current outage
    last_synced_at: datetime | None = None
    pending: int = 0  # outbox entries waiting for an answer
    message: str | None = None  # the last error, for the error state and tooltips
    clock_warning: str | None = None  # register clock too far from the server's

    def unsynced_for(self, now: datetime | None = None) -> float | None:
        """Seconds the register has been unable to sync (None when online)."""
        if self.offline_since is None:
            return None
        return ((now or datetime.now(UTC)) - self.offline_since).total_seconds()


class SyncLoop:
    def __init__(
        self,
        client: SyncClient,
        outbox: OutboxSource,
        sink: ChangeSink,
        *,
        interval: float = 15.0,
        batch_size: int = 200,
        page_size: int = 500,
        backoff: RetryPolicy | None = None,
        call_attempts: int = 2,
        on_status: Callable[[SyncStatus], None] | None = None,
        exposure: OfflineExposure | None = None,
        journal: SyncJournal | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.sink = sink
        self.interval = interval
        self.batch_size = batch_size
        self.page_size = page_size
        self.backoff = backoff or RetryPolicy(base=1.0, cap=30.0, max_attempts=None)
        self.call_attempts = call_attempts
        self.on_status = on_status
        self.exposure = exposure
        self.journal = journal
        self._clock = clock
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight: tuple[tuple[str, ...], bytes] | None = None
        self._failures = 0
        self._retry_after: float | None = None
        self._status = SyncStatus(SyncState.OFFLINE, offline_since=clock())
        self._status_lock = threading.Lock()

    # -- public ----------------------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        with self._status_lock:
            return self._status

    @property
    def state(self) -> SyncState:
        return self.status.state

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pos-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def sync_now(self) -> None:
        """Ask for a cycle at once (after a sale, or from a "sync now" button)."""
        self._wake.set()

    def run_once(self) -> bool:
        """One full cycle (push everything, pull everything); True when it succeeded."""
        if self.status.offline_since is None:  # during an outage the status stays "offline since T"
            self._set(state=SyncState.SYNCING)
        try:
            self.push_pending()
            self.pull_changes()
        except (TransientError, OSError) as exc:
            self._failures += 1
            status = self.status
            self._set(state=SyncState.OFFLINE, offline_since=status.offline_since or self._clock(),
                      message=str(exc), pending=self._pending())
            log.info("sync offline: %s", exc)
            self._retry_after = exc.retry_after if isinstance(exc, TransientError) else None
            self._journal_failure(exc)
            return False
        except (CertificateError, ProtocolUnsupported, AuthError, PayloadConflict, SeqGap, SyncError) as exc:
            self._fail(exc)
            log.error("sync error: %s", exc)
            self._journal_failure(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - e.g. the local database is busy: the loop must live on
            self._fail(exc)
            log.exception("sync failed unexpectedly")
            self._journal_failure(exc)
            return False
        self._failures = 0
        if self.exposure is not None:
            self.exposure.mark_synced()
        synced_at = self._clock()
        self._set(state=SyncState.ONLINE, offline_since=None, last_synced_at=synced_at, message=None,
                  pending=self._pending(), clock_warning=self.client.last_clock_warning)
        if self.journal is not None:
            try:
                self.journal.cycle_succeeded(synced_at)
            except Exception:  # noqa: BLE001 - a busy store must not stop syncing; the next cycle notes it
                log.warning("could not note the sync cycle", exc_info=True)
        return True

    def push_pending(self) -> int:
        """Push until the outbox is empty, records first; returns how many entries and records were answered."""
        answered = self.push_records()
        while True:
            batch = self._whole_groups(self.outbox.pending_batch(self.batch_size))
            if not batch:
                self._inflight = None
                return answered
            # An unanswered batch is sent again byte for byte, even if more entries were written meanwhile.
            if self._inflight is None or self._inflight[0][0] != batch[0].id:
                self._inflight = (tuple(e.id for e in batch), self.client.encode_push(batch))
            try:
                response = self.client.push(self._inflight[1], attempts=self.call_attempts,
                                            audit=self.outbox if isinstance(self.outbox, AuditChain) else None)
            except SeqGap as gap:
                # The server lacks entries this register already had acknowledged (e.g. it was restored
                # from a backup): resend them from its acked seq, if the outbox still holds them.
                if not isinstance(self.outbox, ResendableOutbox) or gap.acked_through_seq is None:
                    raise
                answered += self._resend(gap.acked_through_seq + 1, batch[0].seq)
                continue
            self.outbox.mark_acknowledged(response.results)
            self._inflight = None
            answered += len(response.results)
            self._set(pending=self._pending(), clock_warning=response.clock_warning)
            self._refresh_balances()

    def _refresh_balances(self) -> None:
        """Members whose entries were answered `exists`: their confirmed balance comes from the central again."""
        if not isinstance(self.outbox, RefreshableBalances):
            return
        wanted = self.outbox.customers_to_refresh()
        if wanted:
            self.outbox.confirmed_from_central({c: int(self.client.customer(c)["balance"]) for c in wanted})

    def _whole_groups(self, batch: list[LedgerEntry]) -> list[LedgerEntry]:
        """The batch, grown so that a group of entries (a transfer's two sides) is never split between pushes:
        the central service books both sides together or refuses both."""
        limit = len(batch)
        while batch and batch[-1].group_id is not None and len(batch) == limit:
            more = self.outbox.pending_batch(limit + 1)
            if len(more) <= limit or more[-1].group_id != batch[-1].group_id:
                return batch
            batch, limit = more, limit + 1
        return batch

    def push_records(self) -> int:
        """Push the records the outbox publishes (members, codes, orders) until none waits; how many were answered.

        Records go before ledger entries, so the central service knows a member, a code or an order before
        any entry refers to it. Each record is answered on its own: a rejected one is set aside with its
        reason and never holds the others back.
        """
        if not isinstance(self.outbox, RecordSource):
            return 0
        answered = 0
        while True:
            batch = self.outbox.pending_records(self.batch_size)
            if not batch:
                return answered
            response = self.client.push_records(batch, attempts=self.call_attempts)
            self.outbox.mark_records_answered(response.results)
            answered += len(response.results)

    def pull_changes(self) -> int:
        """Pull every page after the saved cursor (a snapshot on 410); returns changes applied."""
        applied = 0
        cursor = self.sink.cursor()
        if cursor is None:
            applied += self._restore_snapshot()
            cursor = self.sink.cursor() or format_cursor(0)
        while True:
            try:
                page = self.client.pull(cursor, self.page_size)
            except CursorExpired:
                applied += self._restore_snapshot()
                cursor = self.sink.cursor() or format_cursor(0)
                continue
            if page.newer_topics:
                self._note_newer_topics(frozenset(page.newer_topics))
            if page.changes or page.cursor != cursor:
                self.sink.apply_page(page.changes, page.cursor)
            applied += len(page.changes)
            cursor = page.cursor
            if not page.has_more:
                return applied

    # -- internals -------------------------------------------------------------------------------

    def _resend(self, start: int, stop: int) -> int:
        assert isinstance(self.outbox, ResendableOutbox)
        log.warning("server misses entries from seq %d: resending acknowledged entries", start)
        resent = 0
        while start < stop:
            entries = [e for e in self.outbox.entries_from(start, self.batch_size) if e.seq < stop]
            if not entries:
                raise SeqGap(f"the outbox no longer holds entries from seq {start}", start - 1)
            response = self.client.push(entries, attempts=self.call_attempts)
            self.outbox.mark_acknowledged(response.results)
            resent += len(entries)
            start = entries[-1].seq + 1
        return resent

    def _fail(self, exc: Exception) -> None:
        self._failures += 1
        self._retry_after = None
        status = self.status
        self._set(state=SyncState.ERROR, offline_since=status.offline_since or self._clock(),
                  message=f"{type(exc).__name__}: {exc}", pending=self._pending())

    def _journal_failure(self, exc: BaseException) -> None:
        if self.journal is None:
            return
        status = self.status
        try:
            self.journal.cycle_failed(self._clock(), failure_reason(exc), status.message or type(exc).__name__,
                                      status.last_synced_at)
        except Exception:  # noqa: BLE001 - the store may be what fails; the loop must live on
            log.warning("could not note the failed sync cycle", exc_info=True)

    def _restore_snapshot(self) -> int:
        with self.client.snapshot() as snapshot:
            self.sink.apply_snapshot(snapshot.cursor, snapshot.items())
            if snapshot.newer_topics:  # known only once the stream is read
                self._note_newer_topics(frozenset(snapshot.newer_topics))
            return snapshot.count

    def _note_newer_topics(self, topics: frozenset[str]) -> None:
        log.warning("the central service sends records of a newer version (%s): skipped until this register "
                    "is upgraded, then restored by a snapshot", ", ".join(sorted(topics)))
        if isinstance(self.sink, NewerTopicsSink):
            self.sink.note_newer_topics(topics)

    def _pending(self) -> int:
        try:
            records = self.outbox.pending_records_count() if isinstance(self.outbox, RecordSource) else 0
            return self.outbox.pending_count() + records
        except Exception:  # noqa: BLE001 - the status must never break the loop
            log.warning("could not count the outbox; showing the last count", exc_info=True)
            return self.status.pending

    def _set(self, **changes: object) -> None:
        with self._status_lock:
            new = replace(self._status, **changes)  # type: ignore[arg-type]
            changed = new != self._status
            self._status = new
        if changed and self.on_status is not None:
            try:
                self.on_status(new)
            except Exception:  # noqa: BLE001 - a GUI callback bug must not stop syncing
                log.exception("sync status callback failed")

    def _run(self) -> None:
        while not self._stop.is_set():
            ok = self.run_once()
            if ok:
                wait = self.interval
            else:
                wait = self.backoff.delay(self._failures, self._rng)
                if self._retry_after is not None:
                    wait = max(wait, self._retry_after)
            self._wake.wait(wait)
            self._wake.clear()

    def wait_until(self, predicate: Callable[[SyncStatus], bool], timeout: float) -> bool:
        """Block until the status satisfies `predicate` (tests and shutdown use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.status):
                return True
            time.sleep(0.02)
        return predicate(self.status)
