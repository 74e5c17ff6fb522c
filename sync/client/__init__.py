"""The register's sync client: HTTP calls with retries, push/pull, and a background loop.

The register's storage implements `OutboxSource` and `ChangeSink`
(`sync.client.ports`), and may keep a `SyncJournal` of how the cycles end;
the GUI watches `SyncLoop.status` or passes `on_status`.
`sync.client.reference_store` is a small SQLite implementation of both
ports, used by the tests and as a model for `pos_app.storage`.
"""

from sync.client.errors import (
    AuthError,
    CertificateError,
    ClientError,
    CursorExpired,
    OutboxNotEmpty,
    PayloadConflict,
    ProtocolUnsupported,
    SeqGap,
    SnapshotHashMismatch,
    SyncError,
    TransientError,
    WrongRegister,
)
from sync.client.exposure import ExposureLimits, ExposureState, OfflineExposure
from sync.client.http import RetryPolicy, SyncClient
from sync.client.loop import SyncLoop, SyncState, SyncStatus
from sync.client.ports import (
    ChangeSink,
    NewerTopicsSink,
    OutboxSource,
    RecordSource,
    ResendableOutbox,
    SyncJournal,
)

__all__ = [
    "AuthError",
    "CertificateError",
    "ChangeSink",
    "ClientError",
    "CursorExpired",
    "ExposureLimits",
    "ExposureState",
    "OfflineExposure",
    "OutboxNotEmpty",
    "OutboxSource",
    "PayloadConflict",
    "ProtocolUnsupported",
    "RecordSource",
    "NewerTopicsSink",
    "ResendableOutbox",
    "RetryPolicy",
    "SeqGap",
    "SnapshotHashMismatch",
    "SyncClient",
    "SyncError",
    "SyncJournal",
    "SyncLoop",
    "SyncState",
    "SyncStatus",
    "TransientError",
    "WrongRegister",
]
