"""What a sync call can end in, besides success."""

from __future__ import annotations


class SyncError(Exception):
    """Base of every sync failure; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientError(SyncError):
    """Network trouble, a timeout, 429 or 5xx: worth retrying later (not before `retry_after` seconds)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class CertificateError(SyncError):
    """The central service's TLS certificate cannot be trusted (expired, self-signed, another host's).

    Not an outage: the register reaches a server it must not talk to. Shown as it is; the loop keeps
    trying (a fixed certificate, or a configured CA bundle, ends it)."""


class ProtocolUnsupported(SyncError):
    """426: this register software is too old (or too new) for the server."""


class AuthError(SyncError):
    """401/403: the credential is unknown or the register was revoked; pair again."""


class PayloadConflict(SyncError):
    """409: an entry id already holds another payload at the server. An alert, never retried."""


class WrongRegister(SyncError):
    """409 wrong_register: the pairing code is for another register than the one asked for (not spent)."""


class CursorExpired(SyncError):
    """410: the pull cursor is too old or the feed schema changed; a snapshot is needed."""


class SeqGap(SyncError):
    """422 seq_gap: the server misses entries before this batch (`acked_through_seq` says where)."""

    def __init__(self, message: str, acked_through_seq: int | None) -> None:
        super().__init__(message, 422)
        self.acked_through_seq = acked_through_seq


class SnapshotHashMismatch(SyncError):
    """The downloaded snapshot does not match its SHA-256: nothing is applied."""


class ClientError(SyncError):
    """Any other 4xx: a bug or a bad request; never retried."""


class OutboxNotEmpty(SyncError):
    """Logging out or unpairing is refused while the outbox holds entries."""


# Why a sync cycle failed, as a word the register's `doctor` turns into advice (one mapping, here by the errors).
UNREACHABLE, CREDENTIAL, CERTIFICATE, VERSION, REFUSED, OTHER = (
    "unreachable", "credential", "certificate", "version", "refused", "other")


def failure_reason(exc: BaseException) -> str:
    """The reason code of a failed sync cycle: the network or the service is down (`unreachable`), the
    credential is refused (`credential`), the certificate is not trusted (`certificate`), the versions do not
    match (`version`), the service refuses what the register sends (`refused`), or anything else (`other`)."""
    if isinstance(exc, (TransientError, OSError)):
        return UNREACHABLE
    if isinstance(exc, AuthError):
        return CREDENTIAL
    if isinstance(exc, CertificateError):
        return CERTIFICATE
    if isinstance(exc, ProtocolUnsupported):
        return VERSION
    if isinstance(exc, (PayloadConflict, SeqGap, ClientError)):
        return REFUSED
    return OTHER
