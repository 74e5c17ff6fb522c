"""The audit log's hash chain: each record's hash covers the previous hash and the record.

hash(n) = SHA-256(hash(n-1) + canonical JSON of record n), with hash(0) = 64
zeros. Editing, inserting or removing a record (other than the very last)
breaks every later link, so `verify_chain` finds the first record that no
longer fits. The chain shows tampering; it cannot prevent it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pos_app.domain.ledger import canonical_json

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor_id: str | None
    action: str
    details: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainVerification:
    ok: bool
    records: int
    first_bad_seq: int | None = None
    problem: str | None = None


def record_hash(
    prev_hash: str, seq: int, at: datetime, actor_id: str | None, action: str, details: Mapping[str, Any]
) -> str:
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "details": dict(details),
    }
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


def verify_chain(records: Iterable[AuditRecord]) -> ChainVerification:
    """Walk the records in `seq` order and report the first one that breaks the chain."""
    prev = GENESIS_HASH
    count = 0
    expected_seq = 1
    for record in records:
        count += 1
        if record.seq != expected_seq:
            return ChainVerification(
                False, count, record.seq, f"expected record {expected_seq}, found {record.seq}"
            )
        if record.prev_hash != prev:
            return ChainVerification(False, count, record.seq, "previous hash does not match")
        if (
            record_hash(prev, record.seq, record.at, record.actor_id, record.action, record.details)
            != record.hash
        ):
            return ChainVerification(False, count, record.seq, "content does not match its hash")
        prev = record.hash
        expected_seq += 1
    return ChainVerification(True, count)


__all__ = ["GENESIS_HASH", "AuditRecord", "ChainVerification", "record_hash", "verify_chain"]
