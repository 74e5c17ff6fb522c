"""`SyncClient`: the register's HTTP calls to the central service, with timeouts and retries.

`requests` has no default timeout, so every call passes an explicit
(connect, read) pair. Transient failures (connection errors, timeouts, 429,
5xx) are retried with capped exponential backoff and full jitter, waiting at
least what `Retry-After` asks; any other 4xx is raised at once. A push body is
serialised once and every retry sends the very same bytes; a lock keeps one
push in flight.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import quote

import requests
from pydantic import ValidationError
from requests.adapters import HTTPAdapter

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
    TransientError,
    WrongRegister,
)
from sync.client.ports import AuditChain, OutboxSource
from sync.protocol import (
    AUDIT_ANCHOR_HEADER,
    AUDIT_ANCHOR_SEQ_HEADER,
    AUDIT_HEAD_HEADER,
    CLOCK_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SNAPSHOT_HASH_HEADER,
    Change,
    LedgerEntry,
    PairRequest,
    PairResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotHeader,
    newer_topic,
)
from sync.protocol.records import HoldAnswer, HoldRequest, RecordsPushRequest, RecordsPushResponse, SyncRecord

_TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n))."""

    base: float = 0.5
    cap: float = 30.0
    max_attempts: int | None = 5  # None: retry forever

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.cap, self.base * 2 ** min(attempt, 30)))


def parse_retry_after(value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - now()).total_seconds(), MAX_RETRY_AFTER))


@dataclass(frozen=True, slots=True)
class ServerHealth:
    """The central service's answer to /health, with the register's clock around the request."""

    protocol: int | None
    server_time: datetime | None  # from the HTTP Date header (whole seconds)
    sent: datetime
    received: datetime

    def clock_skew_seconds(self) -> float | None:
        """The register's clock minus the server's, give or take a second and half the round trip."""
        if self.server_time is None:
            return None
        midpoint = self.sent + (self.received - self.sent) / 2
        return (midpoint - self.server_time).total_seconds()


class SyncClient:
    """HTTP client of one register. Thread-safe for one push and any number of pulls."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        register_id: str | None = None,
        connect_timeout: float = 3.05,
        read_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        protocol_version: int = PROTOCOL_VERSION,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        verify: str | bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.register_id = register_id
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry or RetryPolicy()
        self.protocol_version = protocol_version
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._push_lock = threading.Lock()
        self.session = requests.Session()
        # The central service's certificate is always checked; a configured CA bundle wins over the environment's.
        self.verify = verify
        # Retries are ours (with jitter and Retry-After), never urllib3's.
        adapter = HTTPAdapter(max_retries=0, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.last_clock_warning: str | None = None
        self.audit_anchor_seq: int | None = None  # the audit record whose hash the central asked for next

    def close(self) -> None:
        self.session.close()

    # -- calls -----------------------------------------------------------------------------------

    def pair(self, pairing_code: str, *, register_id: str | None = None) -> PairResponse:
        """Trade a one-time pairing code for this register's credential (kept on the client).

        With `register_id`, a code for another register is refused (`WrongRegister`) and stays unspent. A
        central service older than that field refuses the field itself, before looking at the code: the
        code is then traded without it, and the caller checks the answer's register id.
        """
        body = PairRequest(pairing_code=pairing_code, register_id=register_id).model_dump_json(
            exclude_none=True).encode()
        # A spent code cannot be traded twice, so a lost answer means a new code: no retries.
        try:
            response = self._request("POST", "/v1/pair", body=body, attempts=1)
        except ClientError as exc:
            if register_id is None or exc.status != 422 or "register_id" not in str(exc):
                raise
            body = PairRequest(pairing_code=pairing_code).model_dump_json(exclude_none=True).encode()
            response = self._request("POST", "/v1/pair", body=body, attempts=1)
        paired = PairResponse.model_validate_json(response.content)
        self.token, self.register_id = paired.token, paired.register_id
        return paired

    def unpair(self, outbox: OutboxSource) -> None:
        """Forget the credential; refused while the outbox holds entries the server has not answered."""
        pending = outbox.pending_count()
        if pending:
            raise OutboxNotEmpty(f"{pending} ledger entries are not synced yet; unpairing would lose them")
        self.token = None
        self.register_id = None

    def encode_push(self, entries: Sequence[LedgerEntry]) -> bytes:
        """The exact bytes of a push of these entries (send them again on every retry)."""
        if self.register_id is None:
            raise AuthError("not paired")
        return PushRequest(register_id=self.register_id, entries=list(entries)).model_dump_json().encode()

    def push(self, entries: Sequence[LedgerEntry] | bytes, *, attempts: int | None = None,
             audit: AuditChain | None = None) -> PushResponse:
        """Push one batch (entries in seq order, or bytes from `encode_push`); one push at a time.

        `audit`: the register's audit chain, whose head (and the hash the central service asked for) go
        with the push as headers; `audit_anchor_seq` then holds what the central service asks for next.
        """
        body = entries if isinstance(entries, bytes) else self.encode_push(entries)
        headers = {}
        if audit is not None and (head := audit.audit_head()) is not None:
            headers[AUDIT_HEAD_HEADER] = f"{head[0]}:{head[1]}"
            if self.audit_anchor_seq and (anchor := audit.audit_hash_at(self.audit_anchor_seq)) is not None:
                headers[AUDIT_ANCHOR_HEADER] = f"{self.audit_anchor_seq}:{anchor}"
        with self._push_lock:
            response = self._request("POST", "/v1/push", body=body, attempts=attempts, extra_headers=headers)
        result = PushResponse.model_validate_json(response.content)
        self.last_clock_warning = result.clock_warning
        asked = response.headers.get(AUDIT_ANCHOR_SEQ_HEADER, "")
        self.audit_anchor_seq = int(asked) if asked.isdigit() else None
        return result

    def pull(self, cursor: str, limit: int = 500) -> PullResponse:
        response = self._request("GET", "/v1/changes", params={"cursor": cursor, "limit": limit})
        result = PullResponse.model_validate_json(response.content)
        self.last_clock_warning = result.clock_warning
        return result

    def snapshot(self) -> DownloadedSnapshot:
        """Download the snapshot to a temporary file and check its SHA-256 before anything reads it.

        Use it as a context manager; `items()` then streams the records line by line.
        """
        spool = tempfile.TemporaryFile()
        try:
            response = self._request("GET", "/v1/snapshot", stream=True)
            digest = hashlib.sha256()
            try:
                for chunk in response.iter_content(chunk_size=1 << 20):
                    digest.update(chunk)
                    spool.write(chunk)
            except requests.RequestException as exc:
                raise TransientError(f"snapshot download cut: {exc}") from exc
            finally:
                response.close()
            expected = response.headers.get(SNAPSHOT_HASH_HEADER, "")
            if not expected or expected.lower() != digest.hexdigest():
                raise SnapshotHashMismatch(f"snapshot hash {digest.hexdigest()} does not match {expected or 'missing'}")
            spool.seek(0)
            header = SnapshotHeader.model_validate_json(spool.readline())
        except BaseException:
            spool.close()
            raise
        return DownloadedSnapshot(header, spool)

    def push_records(self, records: Sequence[SyncRecord], *, attempts: int | None = None) -> RecordsPushResponse:
        """Push records (members, codes, orders, returns, voids); each is answered on its own."""
        if self.register_id is None:
            raise AuthError("not paired")
        body = RecordsPushRequest(register_id=self.register_id, records=list(records)).model_dump_json().encode()
        with self._push_lock:
            response = self._request("POST", "/v1/records", body=body, attempts=attempts)
        return RecordsPushResponse.model_validate_json(response.content)

    def fetch_order(self, order_id: str, *, timeout: tuple[float, float] | None = None) -> dict[str, Any] | None:
        """An order of any store of the chain (to return or void it here), or None when the chain has none."""
        try:
            response = self._request("GET", f"/v1/orders/{quote(order_id, safe='')}", attempts=1, timeout=timeout)
        except ClientError as exc:
            if exc.status == 404:
                return None
            raise
        return response.json()

    def hold_points(self, customer_id: str, hold_id: str, points: int, *,
                    timeout: tuple[float, float] | None = None) -> HoldAnswer:
        """Ask the central service to keep a member's points for a sale about to be written (one attempt)."""
        body = HoldRequest(hold_id=hold_id, points=points).model_dump_json().encode()
        response = self._request("POST", f"/v1/customers/{quote(customer_id, safe='')}/holds", body=body,
                                 attempts=1, timeout=timeout)
        return HoldAnswer.model_validate_json(response.content)

    def release_hold(self, hold_id: str, *, timeout: tuple[float, float] | None = None) -> None:
        self._request("DELETE", f"/v1/holds/{quote(hold_id, safe='')}", attempts=1, timeout=timeout)

    def report(self, first: str, last: str, *, by: str | None = None,
               timeout: tuple[float, float] | None = None) -> dict[str, Any]:
        """The loyalty report of this register's store (`GET /v1/report`), as JSON; one attempt."""
        params = {"from": first, "to": last, **({"by": by} if by else {})}
        return self._request("GET", "/v1/report", params=params, attempts=1, timeout=timeout).json()

    def customer(self, customer_id: str) -> dict[str, Any]:
        """The server-confirmed state of one customer (balance, overdraft, segments)."""
        return self._request("GET", f"/v1/customers/{customer_id}", attempts=2).json()

    # -- plumbing --------------------------------------------------------------------------------

    def health(self) -> ServerHealth:
        """One GET /health, no retries: is the service there, and what its clock says (the HTTP Date header)."""
        sent = self._clock()
        response = self._request("GET", "/health", attempts=1)
        received = self._clock()
        server_time = None
        if response.headers.get("Date"):
            try:
                server_time = email.utils.parsedate_to_datetime(response.headers["Date"])
            except (TypeError, ValueError):
                server_time = None
        payload = response.json() if response.content else {}
        return ServerHealth(protocol=payload.get("protocol"), server_time=server_time, sent=sent, received=received)

    def _headers(self, has_body: bool, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {
            PROTOCOL_HEADER: str(self.protocol_version),
            CLOCK_HEADER: self._clock().isoformat(),
            "Accept": "application/json",
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def _request(self, method: str, path: str, *, body: bytes | None = None, params: dict[str, Any] | None = None,
                 attempts: int | None = None, stream: bool = False,
                 timeout: tuple[float, float] | None = None,
                 extra_headers: Mapping[str, str] | None = None) -> requests.Response:
        max_attempts = attempts if attempts is not None else self.retry.max_attempts
        attempt = 0
        while True:
            try:
                response = self.session.request(method, self.base_url + path, data=body, params=params,
                                                headers=self._headers(body is not None, extra_headers),
                                                timeout=timeout or self.timeout, verify=self.verify,
                                                stream=stream)
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                failure = self._failure(response)
                if failure is None:
                    return response
            except requests.exceptions.SSLError as exc:
                raise CertificateError(f"certificate of {self.base_url} not trusted: {_ssl_reason(exc)}") from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure, retry_after = TransientError(f"{method} {path}: {type(exc).__name__}: {exc}"), None
            except requests.RequestException as exc:  # e.g. ChunkedEncodingError on a cut connection
                failure, retry_after = TransientError(f"{method} {path}: {type(exc).__name__}: {exc}"), None
            if not isinstance(failure, TransientError):
                raise failure
            attempt += 1
            if max_attempts is not None and attempt >= max_attempts:
                failure.retry_after = retry_after
                raise failure
            wait = self.retry.delay(attempt, self._rng)
            if retry_after is not None:
                wait = max(wait, retry_after)
            self._sleep(wait)

    @staticmethod
    def _failure(response: requests.Response) -> Exception | None:
        status = response.status_code
        if status < 300:
            return None
        try:
            payload = response.json()
            detail = payload.get("detail", response.text) if isinstance(payload, dict) else response.text
        except ValueError:
            payload, detail = {}, response.text
        message = f"HTTP {status}: {detail}"
        if status in _TRANSIENT_STATUSES:
            return TransientError(message, status)
        if status == 426:
            return ProtocolUnsupported(message, status)
        if status in (401, 403):
            return AuthError(message, status)
        if status == 409 and isinstance(payload, dict) and payload.get("code") == "wrong_register":
            return WrongRegister(message, status)
        if status == 409:
            return PayloadConflict(message, status)
        if status == 410:
            return CursorExpired(message, status)
        if status == 422 and isinstance(payload, dict) and payload.get("code") == "seq_gap":
            return SeqGap(message, payload.get("acked_through_seq"))
        return ClientError(message, status)


def _ssl_reason(exc: Exception) -> str:
    """The certificate problem in a few words (`certificate has expired`, `self-signed certificate`, ...)."""
    text = str(exc)
    for marker in ("certificate verify failed: ", "SSLError("):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.split(" (_ssl.c")[0].strip("'\") ")[:160]


class DownloadedSnapshot:
    """A verified snapshot on local disk: its cursor, and its records streamed one line at a time."""

    def __init__(self, header: SnapshotHeader, spool: IO[bytes]) -> None:
        self.cursor = header.cursor
        self.feed_schema = header.feed_schema
        self._spool = spool
        self.count = 0
        self.newer_topics: set[str] = set()  # topics of a newer central service, skipped (see PullResponse)

    def items(self) -> Iterator[Change]:
        for line in self._spool:
            if line.strip():
                self.count += 1
                try:
                    yield Change.model_validate_json(line)
                except ValidationError:
                    topic = newer_topic(_json_or_none(line))
                    if topic is None:
                        raise
                    self.newer_topics.add(topic)

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> DownloadedSnapshot:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _json_or_none(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None
