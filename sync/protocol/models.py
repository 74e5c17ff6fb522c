"""Wire models of the register <-> central protocol (pydantic v2).

A ledger entry travels with a SHA-256 `payload_hash` over its canonical JSON
(every field but the hash, keys sorted, no spaces). The entry id is the
idempotency key: the same id with the same hash is answered `exists`, the same
id with another hash is a 409. The change feed numbers every change with a
global increasing `seq`; a cursor is `"<feed schema>.<seq>"` so that a schema
change on the server invalidates every cursor at once (410, then a snapshot).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import uuid6
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from pos_app.domain.ledger import (  # one list for register, wire, central
    MAX_ENTRY_POINTS,
    MAX_MINOR,
    EntryKind,
)

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOL_VERSIONS = frozenset({1})
PROTOCOL_HEADER = "X-POS-Protocol"
# The register's own clock, ISO 8601 with a zone, on every request; the server answers with the skew.
CLOCK_HEADER = "X-POS-Register-Clock"
SNAPSHOT_HASH_HEADER = "X-POS-Snapshot-SHA256"
# The register's audit chain travels with each push: its head (`seq:hash`), and the hash at the seq the
# central service asked for in its last answer (`X-POS-Audit-Anchor-Seq`), so a rewritten chain shows.
AUDIT_HEAD_HEADER = "X-POS-Audit-Head"
AUDIT_ANCHOR_HEADER = "X-POS-Audit-Anchor"
AUDIT_ANCHOR_SEQ_HEADER = "X-POS-Audit-Anchor-Seq"
CLOCK_SKEW_LIMIT_SECONDS = 300
# Bumped when the meaning of feed records changes; every older cursor then gets 410.
FEED_SCHEMA_VERSION = 1


# Bounds no real entry comes near (pos_app.domain.ledger): a larger number is a bug or an attack, refused as
# such (never a 500).


def storable_text(value: str | None) -> str | None:
    """Text both databases store as it came: no NUL, no lone surrogate (invalid Unicode)."""
    if value is not None and any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("holds a NUL or an invalid Unicode character")
    return value


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntryStatus(StrEnum):
    CREATED = "created"
    EXISTS = "exists"
    CREATED_FLAGGED = "created_flagged"
    REJECTED = "rejected"


def new_entry_id() -> str:
    """A 128-bit time-ordered id (UUIDv7) for a new ledger entry."""
    return str(uuid6.uuid7())


class LedgerEntry(_Wire):
    """One append-only ledger entry as the register wrote it to disk before any network call."""

    id: str
    register_id: str = Field(min_length=1, max_length=64)
    seq: StrictInt = Field(ge=1)
    kind: EntryKind
    # Null only for an anonymous sale's code_use (no points move).
    customer_id: str | None = Field(min_length=1, max_length=64)
    points: StrictInt = Field(ge=-MAX_ENTRY_POINTS, le=MAX_ENTRY_POINTS)
    reverses: str | None = None
    code: str | None = Field(default=None, max_length=64)
    discount_minor: StrictInt | None = Field(default=None, ge=0, le=MAX_MINOR)
    order_id: str | None = Field(default=None, max_length=160)
    # What the customer paid for the order, carried by one entry of the order (segments use it).
    order_total_minor: StrictInt | None = Field(default=None, ge=0, le=MAX_MINOR)
    # True when the register was online and checked the balance with the server first:
    # such an entry may never drive a balance negative.
    online: bool = False
    created_at_register: AwareDatetime
    # Audit details carried to the central ledger as they are (manager reason, who, transfer pair, note).
    reason: str | None = Field(default=None, max_length=200)
    actor_id: str | None = Field(default=None, max_length=64)
    counterpart_id: str | None = Field(default=None, max_length=64)
    group_id: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=500)
    payload_hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @field_validator("id", "reverses")
    @classmethod
    def _uuid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = uuid.UUID(value)
        if parsed.version != 7:
            raise ValueError("must be a time-ordered UUID (version 7)")
        return str(parsed)

    @field_validator("register_id", "customer_id", "code", "order_id", "reason", "actor_id", "counterpart_id",
                     "group_id", "note")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return storable_text(value)

    @classmethod
    def build(cls, **fields: Any) -> LedgerEntry:
        """An entry with its payload hash computed (fields as for the model, without the hash)."""
        fields.setdefault("id", new_entry_id())
        draft = cls.model_validate({**fields, "payload_hash": "0" * 64})
        return draft.model_copy(update={"payload_hash": entry_payload_hash(draft)})

    def hash_is_valid(self) -> bool:
        return entry_payload_hash(self) == self.payload_hash


def canonical_payload(entry: LedgerEntry) -> str:
    """The canonical JSON of an entry without its hash: what the hash covers and the server stores."""
    data = entry.model_dump(mode="json", exclude={"payload_hash"})
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def entry_payload_hash(entry: LedgerEntry) -> str:
    return _sha256(canonical_payload(entry))


class UnreadableEntry(BaseModel):
    """An entry of a push that is not a valid `LedgerEntry` (too many points, a bad id, invalid text, ...).

    It still holds its register's `seq`, so the server answers it `rejected` with the reason and the
    register's entries behind it go on; only an entry without a usable id and seq fails the request.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(min_length=1, max_length=36)
    seq: StrictInt = Field(ge=1, le=2**62)

    @field_validator("id")
    @classmethod
    def _text(cls, value: str) -> str:
        return storable_text(value) or ""


class PushRequest(_Wire):
    register_id: str = Field(min_length=1, max_length=64)
    # Left to right: a valid entry is a LedgerEntry; anything else with an id and a seq is answered rejected.
    entries: list[Annotated[LedgerEntry | UnreadableEntry, Field(union_mode="left_to_right")]] = Field(
        max_length=5000)


class EntryResult(_Wire):
    id: str
    seq: int
    status: EntryStatus
    reason: str | None = None
    flags: list[str] = Field(default_factory=list)


class PushResponse(_Wire):
    results: list[EntryResult]
    # Highest seq such that the server holds every entry 1..seq of this register.
    acked_through_seq: int
    server_time: datetime
    clock_skew_seconds: float | None = None
    clock_warning: str | None = None


class ChangeTopic(StrEnum):
    CUSTOMER = "customer"
    CATALOG_ITEM = "catalog_item"
    PROMOTION = "promotion"
    CODE = "code"
    SETTING = "setting"
    REGISTER = "register"
    # The rewards catalogue (key: the reward id), and the partner codes held in reserve for one register
    # (key `reserve:<register id>:<reward id>`), see `sync.central.rewards`.
    REWARD = "reward"


KNOWN_TOPICS = frozenset(topic.value for topic in ChangeTopic)


def newer_topic(raw: Any) -> str | None:
    """The topic of a raw change that this version does not know (a newer central service's), else None."""
    topic = raw.get("topic") if isinstance(raw, dict) else None
    return topic if isinstance(topic, str) and topic not in KNOWN_TOPICS else None


class Change(_Wire):
    """One numbered change of the feed: the new state of one record (`data` null: deleted)."""

    seq: int
    topic: ChangeTopic
    key: str
    data: dict[str, Any] | None


class PullResponse(_Wire):
    """One page of the change feed.

    A register reading a page from a newer central service skips the changes of topics it does not know
    (they are counted in `newer_topics`, never sent) instead of refusing the whole page for ever: the
    rest of the feed still flows, and an upgraded register asks for a snapshot to get those records.
    """

    changes: list[Change]
    cursor: str
    has_more: bool
    server_time: datetime
    clock_skew_seconds: float | None = None
    clock_warning: str | None = None
    newer_topics: frozenset[str] = Field(default=frozenset(), exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _skip_newer_topics(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("changes"), list):
            newer = {topic for change in data["changes"] if (topic := newer_topic(change))}
            if newer:
                kept = [change for change in data["changes"] if not newer_topic(change)]
                return {**data, "changes": kept, "newer_topics": frozenset(newer)}
        return data


class SnapshotHeader(_Wire):
    """First line of a snapshot download.

    A snapshot is JSON Lines: this header, then one `Change` per line (the
    latest state of every live record), so neither end ever holds it whole.
    The SHA-256 of the whole body travels in `X-POS-Snapshot-SHA256`.
    """

    feed_schema: int
    cursor: str


class PairRequest(_Wire):
    """A pairing code to trade; `register_id`, when given, is the register the code must be for.

    A register whose ledger already belongs to one register id sends it: a code for another register is
    then refused (409 `wrong_register`) and stays unspent, so a mistaken code neither strands the
    register's entries nor takes another register's credential.
    """

    pairing_code: str = Field(min_length=4, max_length=64)
    register_id: str | None = Field(default=None, min_length=1, max_length=64)


class PairResponse(_Wire):
    register_id: str
    store_id: str
    token: str


class ErrorBody(_Wire):
    detail: str
    code: str
    acked_through_seq: int | None = None


def format_cursor(seq: int, schema: int = FEED_SCHEMA_VERSION) -> str:
    return f"{schema}.{seq}"


def parse_cursor(cursor: str) -> tuple[int, int]:
    """`"1.42"` -> (feed schema 1, seq 42); raises ValueError on anything else."""
    schema, _, seq = cursor.partition(".")
    if not re.fullmatch(r"[0-9]{1,9}", schema) or not re.fullmatch(r"[0-9]{1,18}", seq):
        raise ValueError(f"bad cursor {cursor[:40]!r}")
    return int(schema), int(seq)
