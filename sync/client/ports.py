"""The interfaces the register's storage implements for the sync client.

Both are called from the sync loop's thread; each method is one local
transaction (SQLite, WAL, `synchronous=FULL`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from sync.protocol import Change, EntryResult, LedgerEntry
from sync.protocol.records import RecordResult, SyncRecord


@runtime_checkable
class OutboxSource(Protocol):
    def pending_batch(self, limit: int) -> list[LedgerEntry]:
        """Up to `limit` unacknowledged entries, in `seq` order, oldest first (always the same ones
        until they are acknowledged)."""
        ...

    def mark_acknowledged(self, results: Sequence[EntryResult]) -> None:
        """Record the server's answer for these entries (created, exists, created_flagged or
        rejected) in one transaction; they leave the pending set."""
        ...

    def pending_count(self) -> int:
        """How many entries wait for an answer (shown by the GUI; unpairing is refused while > 0)."""
        ...


@runtime_checkable
class ChangeSink(Protocol):
    def cursor(self) -> str | None:
        """The saved pull cursor, or None before the first sync."""
        ...

    def apply_page(self, changes: Sequence[Change], new_cursor: str) -> None:
        """Upsert (or delete, `data is None`) each record and save `new_cursor`, in ONE transaction."""
        ...

    def apply_snapshot(self, cursor: str, items: Iterable[Change]) -> None:
        """Replace every pulled record by the snapshot's `items` (a stream: consume it once) and save `cursor`.

        The cursor is saved last, in the transaction that finishes the snapshot; records may be written in
        chunks before it (each a whole record's state, so writing them again after a crash is harmless)."""
        ...


@runtime_checkable
class NewerTopicsSink(Protocol):
    """Optional: a sink that remembers the topics of a newer central service it skipped, so that once this
    register knows them (upgraded) its `cursor()` answers None and a snapshot brings their records."""

    def note_newer_topics(self, topics: frozenset[str]) -> None:
        """Remember `topics` (before the page or snapshot that skipped them is applied)."""
        ...


@runtime_checkable
class ResendableOutbox(Protocol):
    """Optional: an outbox that keeps acknowledged entries can repair a server restored from a backup."""

    def entries_from(self, seq: int, limit: int) -> list[LedgerEntry]:
        """Up to `limit` entries with seq >= `seq`, acknowledged or not, in seq order."""
        ...


@runtime_checkable
class RecordSource(Protocol):
    """Optional: an outbox that also publishes records (members, codes, orders); pushed before the entries."""

    def pending_records(self, limit: int) -> list[SyncRecord]:
        """Up to `limit` records without an answer, oldest first."""
        ...

    def mark_records_answered(self, results: Sequence[RecordResult]) -> None:
        """Record the server's answer for these records in one transaction; they leave the pending set."""
        ...

    def pending_records_count(self) -> int:
        ...


@runtime_checkable
class RefreshableBalances(Protocol):
    """Optional: an outbox that asks for members' confirmed balances again after an `exists` answer."""

    def customers_to_refresh(self) -> list[str]:
        ...

    def confirmed_from_central(self, balances: Mapping[str, int]) -> None:
        ...


@runtime_checkable
class AuditChain(Protocol):
    """Optional: an outbox whose register keeps a hash-chained audit log (its head travels with each push)."""

    def audit_head(self) -> tuple[int, str] | None:
        ...

    def audit_hash_at(self, seq: int) -> str | None:
        ...


@runtime_checkable
class SyncJournal(Protocol):
    """Optional: where the sync loop notes how each cycle ended, so that a sync failing cycle after cycle is
    known after the process ends (the register's `doctor` reads it)."""

    def cycle_succeeded(self, at: datetime) -> None:
        """A cycle pushed and pulled everything: any run of failures is over."""
        ...

    def cycle_failed(self, at: datetime, reason: str, message: str, last_synced_at: datetime | None) -> None:
        """A cycle failed (`reason`: `sync.client.errors.failure_reason`); `last_synced_at` is the loop's last
        successful cycle, None when it has had none since it started."""
        ...
