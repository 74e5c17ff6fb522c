"""The wire protocol both ends share: versions, headers and pydantic models.

Every request carries `X-POS-Protocol: <PROTOCOL_VERSION>`; a server that does
not support the version answers 426 before touching anything.
"""

from sync.protocol.models import (
    CLOCK_HEADER,
    CLOCK_SKEW_LIMIT_SECONDS,
    FEED_SCHEMA_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SNAPSHOT_HASH_HEADER,
    SUPPORTED_PROTOCOL_VERSIONS,
    Change,
    ChangeTopic,
    EntryKind,
    EntryResult,
    EntryStatus,
    ErrorBody,
    LedgerEntry,
    PairRequest,
    PairResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotHeader,
    entry_payload_hash,
    format_cursor,
    new_entry_id,
    parse_cursor,
)

__all__ = [
    "CLOCK_HEADER",
    "CLOCK_SKEW_LIMIT_SECONDS",
    "FEED_SCHEMA_VERSION",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "SNAPSHOT_HASH_HEADER",
    "SUPPORTED_PROTOCOL_VERSIONS",
    "Change",
    "ChangeTopic",
    "EntryKind",
    "EntryResult",
    "EntryStatus",
    "ErrorBody",
    "LedgerEntry",
    "PairRequest",
    "PairResponse",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "SnapshotHeader",
    "entry_payload_hash",
    "format_cursor",
    "new_entry_id",
    "parse_cursor",
]
