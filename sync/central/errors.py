"""Refusals the central service answers with an HTTP status and an `ErrorBody`."""

from __future__ import annotations


class CentralError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, acked_through_seq: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.acked_through_seq = acked_through_seq


class Unauthorized(CentralError):
    status = 401
    code = "unauthorized"


class RegisterRevoked(CentralError):
    status = 403
    code = "register_revoked"


class Forbidden(CentralError):
    status = 403
    code = "forbidden"


class NotFound(CentralError):
    status = 404
    code = "not_found"


class RegisterActive(CentralError):
    """A register that is paired and in use: a pairing code asked for it, or its reserve was to be released."""

    status = 409
    code = "register_active"


class WrongRegister(CentralError):
    """A pairing code for another register than the one the register asked to be paired as (not spent)."""

    status = 409
    code = "wrong_register"


class PayloadConflict(CentralError):
    """The same entry id (or register seq) arrived with another payload: nothing is written."""

    status = 409
    code = "payload_conflict"


class CursorExpired(CentralError):
    status = 410
    code = "cursor_expired"


class SeqGap(CentralError):
    """A batch that would leave a hole in the register's seq: nothing is written."""

    status = 422
    code = "seq_gap"


class BadPayload(CentralError):
    status = 400
    code = "bad_payload"
