"""What every request to the central service passes before a handler reads its body.

The central service faces the internet. In this order, each check answers
on its own and nothing after it runs:

1. a body larger than the limit (16 MiB: a full push of 5,000 entries is
   under 5 MiB) is refused `413` from its declared length, and a body that
   streams past the limit without declaring it is cut off with `413`;
2. a `/v1` request without a supported `X-POS-Protocol` version gets `426` (the report, read with curl,
   may leave the header out);
3. pairing is throttled per client address (`429` with `Retry-After`), so a
   pairing code cannot be guessed by trying;
4. every other `/v1` request must carry a valid register credential, checked
   before its body is read (`401` unknown, `403` revoked): an anonymous
   client cannot make the server parse anything;
5. each register is throttled (`429` with `Retry-After`, which the register's
   client honours), so a stolen or broken register cannot flood the ledger.

The limits hold per API process (`limits`' in-memory moving windows); a
chain running several processes behind a load balancer multiplies them by
the number of processes, and puts its own limits at the balancer too.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from sync.central.errors import CentralError
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS

UNVERSIONED_PATHS = frozenset({"/v1/report"})  # calls whose answer does not depend on the sync protocol

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 16 * 1024 * 1024
_VERSION = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class GuardLimits:
    max_body_bytes: int = MAX_BODY_BYTES
    pairing: str = "10/10minutes"  # per client address
    register: str = "20/second"  # per register credential, bursts included


class _BodyTooLarge(BaseException):  # noqa: N818 - not an Exception: the framework's body parsing must not turn it into a 400
    """Raised by the capped `receive` when a body streams past the limit; answered 413 by the guard."""


class RequestGuard:
    """ASGI middleware: see the module docstring. `authenticate(token, path)` raises `CentralError` or returns
    who is calling (a register id, or an admin credential's name for the calls that take one)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]],
                 authenticate: Callable[[str | None, str], str], limits: GuardLimits | None = None) -> None:
        self.app = app
        self.authenticate = authenticate
        self.limits = limits or GuardLimits()
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._pairing = parse(self.limits.pairing)
        self._register = parse(self.limits.register)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path: str = scope.get("path", "")
        declared = headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > self.limits.max_body_bytes):
            await _answer(send, 413, "body_too_large",
                          f"the body is larger than {self.limits.max_body_bytes // (1024 * 1024)} MiB")
            return
        if path.startswith("/v1/"):
            declared_protocol = headers.get(PROTOCOL_HEADER.lower())
            # The report is read by people with curl and by tools, not by the sync protocol: no header is fine.
            refusal = None if path in UNVERSIONED_PATHS and declared_protocol is None else \
                self._protocol(declared_protocol)
            if refusal is not None:
                await refusal(send)
                return
            if path == "/v1/pair":
                client = (scope.get("client") or ("unknown", 0))[0]
                if not await self._allowed(send, self._pairing, "pair", client):
                    return
            else:
                register = await self._credential(send, headers.get("authorization"), path)
                if register is None or not await self._allowed(send, self._register, "register", register):
                    return
        try:
            await self.app(scope, self._capped(receive), send)
        except _BodyTooLarge:
            await _answer(send, 413, "body_too_large",
                          f"the body is larger than {self.limits.max_body_bytes // (1024 * 1024)} MiB")

    def _protocol(self, raw: str | None) -> Callable[[Send], Awaitable[None]] | None:
        if raw is not None and _VERSION.fullmatch(raw.strip()) and int(raw) in SUPPORTED_PROTOCOL_VERSIONS:
            return None
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_PROTOCOL_VERSIONS))
        problem = f"no {PROTOCOL_HEADER} header" if raw is None else f"protocol version {raw[:16]!r} is not supported"

        async def answer(send: Send) -> None:
            await _answer(send, 426, "protocol_unsupported",
                          f"{problem} (this server speaks {supported}); update the register software",
                          {"Upgrade": f"pos-protocol/{PROTOCOL_VERSION}", PROTOCOL_HEADER: supported})

        return answer

    async def _credential(self, send: Send, authorization: str | None, path: str) -> str | None:
        token = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else None
        try:
            return await run_in_threadpool(self.authenticate, token, path)
        except CentralError as exc:
            await _answer(send, exc.status, exc.code, exc.detail)
            return None

    async def _allowed(self, send: Send, limit: Any, kind: str, who: str) -> bool:
        if self._limiter.hit(limit, kind, who):
            return True
        reset = self._limiter.get_window_stats(limit, kind, who).reset_time
        wait = max(1, int(reset - time.time()) + 1)
        await _answer(send, 429, "too_many_requests",
                      f"too many {'pairing attempts from this address' if kind == 'pair' else 'requests'}; "
                      f"try again in {wait} s", {"Retry-After": str(wait)})
        return False

    def _capped(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.limits.max_body_bytes

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge
            return message

        return capped


async def _answer(send: Send, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail, "code": code, "acked_through_seq": None}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


__all__ = ["MAX_BODY_BYTES", "GuardLimits", "RequestGuard"]
