"""The HTTP face of the central service (FastAPI, served by uvicorn).

API processes keep no state of their own: everything lives in the database,
so a chain runs several `pos-central serve --db postgresql+psycopg://...`
processes behind one load balancer. Every `/v1` request must carry
`X-POS-Protocol`; an unsupported version is answered 426 before any handler
runs, so an old client can never write anything.
"""

# No `from __future__ import annotations`: FastAPI must see the local Annotated aliases as objects.

import hashlib
import logging
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.central import audit_heads, feed, holds, ledger, members, orders, records, registers, rewards
from sync.central import settings as central_settings
from sync.central.db import DEFAULT_DB_URL, READ_ONLY, create_engine, utcnow
from sync.central.errors import CentralError, Forbidden, NotFound
from sync.central.guard import GuardLimits, RequestGuard
from sync.central.report import api as report_api
from sync.central.tables import AlertRow, ConflictRow, CustomerRow
from sync.protocol import (
    AUDIT_ANCHOR_HEADER,
    AUDIT_ANCHOR_SEQ_HEADER,
    AUDIT_HEAD_HEADER,
    CLOCK_HEADER,
    CLOCK_SKEW_LIMIT_SECONDS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SNAPSHOT_HASH_HEADER,
    EntryKind,
    ErrorBody,
    LedgerEntry,
    PairRequest,
    PairResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.protocol.records import HoldAnswer, HoldRequest, RecordsPushRequest, RecordsPushResponse

log = logging.getLogger(__name__)
T = TypeVar("T")
_RETRYABLE_PG_CODES = {"40001", "40P01"}


def run_in_transaction(engine: Engine, work: Callable[[Session], T], attempts: int = 8) -> T:
    """Run `work` in one transaction, retrying deadlocks, serialisation failures and lock timeouts."""
    for attempt in range(attempts):
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                return work(session)
        except sa.exc.DBAPIError as exc:
            if attempt == attempts - 1 or not _retryable(exc):
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise AssertionError("unreachable")


def _retryable(exc: sa.exc.DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _RETRYABLE_PG_CODES:
        return True
    if isinstance(exc, sa.exc.IntegrityError):
        return True  # a concurrent insert of the same key; the retry sees it and answers properly
    return "database is locked" in str(exc.orig)


@dataclass(frozen=True)
class _Pushed:
    response: PushResponse
    merged_members: frozenset[str]  # members merged into others that the push booked points for


def _clock_skew(register_clock: str | None) -> tuple[float | None, str | None]:
    if not register_clock:
        return None, None
    try:
        theirs = datetime.fromisoformat(register_clock)
    except ValueError:
        return None, f"unreadable {CLOCK_HEADER} header"
    if theirs.tzinfo is None:
        return None, f"{CLOCK_HEADER} has no time zone"
    skew = (theirs - utcnow()).total_seconds()
    if abs(skew) > CLOCK_SKEW_LIMIT_SECONDS:
        direction = "ahead of" if skew > 0 else "behind"
        return skew, f"register clock is {abs(skew):.0f} s {direction} the server; fix the register's time"
    return skew, None


def _error(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorBody(detail=detail, code=code, **extra).model_dump())


def create_app(
    db_url: str = DEFAULT_DB_URL,
    *,
    engine: Engine | None = None,
    migrate: bool = True,
    after_push_commit: Callable[[PushResponse], None] | None = None,
    max_page: int = 1000,
    guard_limits: GuardLimits | None = None,
) -> FastAPI:
    """The app over one database. `after_push_commit` is a hook for fault tests (e.g. die before replying)."""
    engine = engine or create_engine(db_url)
    if migrate:
        from sync.central.schema import upgrade

        upgrade(engine)
    app = FastAPI(
        title="pos-companion central service",
        version=str(PROTOCOL_VERSION),
        responses={status: {"model": ErrorBody, "description": text} for status, text in (
            (400, "a body that is not JSON"), (404, "no such record"), (401, "no credential, or an unknown one"), (403, "a revoked register, or another register's data"),
            (413, "the body is larger than the limit"), (422, "a request that does not fit the protocol"),
            (426, "a protocol version this server does not speak"),
            (429, "too many requests: wait as Retry-After says"))},
        description="Authoritative loyalty ledger, balances and change feed for registers. "
        f"Every /v1 request carries `{PROTOCOL_HEADER}: {PROTOCOL_VERSION}`.",
    )
    app.state.engine = engine

    def check_credential(token: str | None, path: str) -> str:
        with Session(engine.execution_options(**{READ_ONLY: True})) as session, session.begin():
            if path == report_api.PATH:  # the report also takes a chain-wide admin credential
                return report_api.viewer(session, token).name
            return registers.authenticate(session, token).id

    app.add_middleware(RequestGuard, authenticate=check_credential, limits=guard_limits)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
        answer = _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail)[:300])
        answer.headers.update(exc.headers or {})  # e.g. Allow, for a method the path does not take
        return answer

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}"[:300])

    @app.exception_handler(CentralError)
    async def central_error(_request: Request, exc: CentralError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.detail, acked_through_seq=exc.acked_through_seq)

    scheme = HTTPBearer(auto_error=False, description="the register's credential from pairing")

    def bearer(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(scheme)] = None) -> str | None:
        return credentials.credentials if credentials is not None else None

    Token = Annotated[str | None, Depends(bearer)]
    Clock = Annotated[str | None, Header(alias=CLOCK_HEADER)]

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "protocol": PROTOCOL_VERSION}

    @app.post("/v1/pair", response_model=PairResponse)
    def pair(body: PairRequest) -> PairResponse:
        def work(session: Session) -> PairResponse:
            row, token = registers.pair(session, body.pairing_code, register_id=body.register_id)
            return PairResponse(register_id=row.id, store_id=row.store_id, token=token)

        return run_in_transaction(engine, work)

    def _alert(exc: ledger.PayloadConflictError) -> None:
        alert = exc.alert
        run_in_transaction(engine, lambda s: s.add(AlertRow(
            kind="payload_conflict", register_id=alert.register_id, entry_id=alert.entry_id,
            detail=alert.detail, created_at=utcnow())))
        log.error("409 payload conflict from %s: %s", alert.register_id, exc.detail)

    @app.post("/v1/push", response_model=PushResponse, responses={409: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    def push(body: PushRequest, token: Token, http_response: Response, clock: Clock = None,
             audit_head: Annotated[str | None, Header(alias=AUDIT_HEAD_HEADER, max_length=100)] = None,
             audit_anchor: Annotated[str | None, Header(alias=AUDIT_ANCHOR_HEADER, max_length=100)] = None,
             ) -> PushResponse:
        skew, warning = _clock_skew(clock)

        def enroll_unknown(session: Session) -> None:
            """Members the push books for and the central does not know yet, created in a short transaction
            of their own; every refusal of the whole push comes first, so a refused push writes nothing."""
            register = registers.authenticate(session, token)
            if body.register_id != register.id:
                raise Forbidden(f"register_id {body.register_id!r} does not match the credential")
            _, _, fresh = ledger.plan(session, register, body.entries)
            members.ensure_customers(session, ledger.customers_to_enroll(fresh), utcnow())

        try:
            run_in_transaction(engine, enroll_unknown)
        except ledger.PayloadConflictError as exc:
            _alert(exc)
            raise

        def work(session: Session) -> PushResponse:
            register = registers.authenticate(session, token, lock=True)
            if body.register_id != register.id:
                raise Forbidden(f"register_id {body.register_id!r} does not match the credential")
            now = utcnow()
            outcome = ledger.ingest(session, register, body.entries, now)
            asked = audit_heads.check_head(session, register, audit_head, audit_anchor, now)
            if asked is not None:
                http_response.headers[AUDIT_ANCHOR_SEQ_HEADER] = str(asked)
            return _Pushed(PushResponse(results=outcome.results, acked_through_seq=outcome.acked_through_seq,
                                        server_time=now, clock_skew_seconds=skew, clock_warning=warning),
                           outcome.merged_members)

        try:
            pushed = run_in_transaction(engine, work)
        except ledger.PayloadConflictError as exc:
            _alert(exc)
            raise
        response = pushed.response
        if pushed.merged_members:
            run_in_transaction(engine, lambda s: members.forward_merged_balances(s, pushed.merged_members))
        claims = [e.id for e in body.entries
                  if isinstance(e, LedgerEntry) and e.code and e.kind is EntryKind.REDEMPTION]
        if claims:  # partner reward codes handed out: theirs now, and replaced in the register's reserve
            try:
                run_in_transaction(engine, lambda s: rewards.settle_claims(s, claims))
            except Exception:  # the entries are booked; the daily `rewards` job settles what this did not
                log.exception("settling partner reward claims of %s failed", body.register_id)
        if after_push_commit is not None:
            after_push_commit(response)
        return response

    @app.post("/v1/records", response_model=RecordsPushResponse,
              responses={403: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    def push_records(body: RecordsPushRequest, token: Token) -> RecordsPushResponse:
        """Members, issued codes, orders, returns and voids a register publishes (each answered on its own)."""
        parsed = records.parse_batch(body.records)

        def enroll_unknown(session: Session) -> None:
            register = registers.authenticate(session, token)
            wanted = records.customer_ids_of(session, register, [p for p in parsed if p is not None])
            members.ensure_customers(session, wanted, utcnow())

        run_in_transaction(engine, enroll_unknown)

        def work(session: Session) -> RecordsPushResponse:
            register = registers.authenticate(session, token, lock=True)
            if body.register_id != register.id:
                raise Forbidden(f"register_id {body.register_id!r} does not match the credential")
            region = str(central_settings.get_setting(session, "program.default_phone_region") or "US")
            results = records.ingest_records(session, register, body.records, utcnow(), phone_region=region)
            return RecordsPushResponse(results=results)

        return run_in_transaction(engine, work)

    @app.get("/v1/orders/{order_id}", responses={404: {"model": ErrorBody}})
    def order(order_id: Annotated[str, Path(max_length=160)], token: Token) -> dict[str, Any]:
        """An order of any store (to return or void it elsewhere): its frozen lines and what was returned."""
        def work(session: Session) -> dict[str, Any]:
            register = registers.authenticate(session, token)
            found = orders.order_for_register(session, order_id, register.store_id)
            if found is None:
                raise NotFound(f"no order {order_id} at the central service")
            return found

        return run_in_transaction(engine, work)

    @app.post("/v1/customers/{customer_id}/holds", response_model=HoldAnswer, responses={404: {"model": ErrorBody}})
    def hold(customer_id: Annotated[str, Path(max_length=64)], body: HoldRequest, token: Token) -> HoldAnswer:
        """Keep points of a member for a sale this register is about to write (see `sync.central.holds`)."""
        def work(session: Session) -> HoldAnswer:
            register = registers.authenticate(session, token)
            return holds.place_hold(session, register, customer_id, body.hold_id, body.points, utcnow())

        return run_in_transaction(engine, work)

    @app.delete("/v1/holds/{hold_id}", status_code=204)
    def release(hold_id: Annotated[str, Path(max_length=64)], token: Token) -> None:
        def work(session: Session) -> None:
            register = registers.authenticate(session, token)
            holds.release_hold(session, register, hold_id)

        run_in_transaction(engine, work)

    @app.get("/v1/changes", response_model=PullResponse, responses={410: {"model": ErrorBody}})
    def changes(token: Token, cursor: Annotated[str, Query(max_length=64)] = "1.0",
                limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
                clock: Clock = None) -> PullResponse:
        skew, warning = _clock_skew(clock)

        run_in_transaction(engine, feed.assign_sequence)

        def work(session: Session) -> PullResponse:
            registers.authenticate(session, token)
            page, new_cursor, more = feed.changes_after(session, cursor, min(limit, max_page))
            return PullResponse(changes=page, cursor=new_cursor, has_more=more, server_time=utcnow(),
                                clock_skew_seconds=skew, clock_warning=warning)

        return run_in_transaction(engine, work)

    @app.get("/v1/snapshot", response_class=FileResponse, responses={200: {
        "description": "JSON Lines: a SnapshotHeader, then one Change per line; SHA-256 of the body in "
                       f"{SNAPSHOT_HASH_HEADER}",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}})
    def snapshot(token: Token) -> FileResponse:
        run_in_transaction(engine, feed.assign_sequence)
        handle = tempfile.NamedTemporaryFile(prefix="pos-snapshot-", suffix=".jsonl", delete=False)  # noqa: SIM115
        digest = hashlib.sha256()

        def write(chunk: bytes) -> None:
            digest.update(chunk)
            handle.write(chunk)

        def work(session: Session) -> None:
            registers.authenticate(session, token)
            feed.write_snapshot(session, write)

        try:
            run_in_transaction(engine, work, attempts=1)
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
        handle.close()
        return FileResponse(handle.name, media_type="application/x-ndjson",
                            headers={SNAPSHOT_HASH_HEADER: digest.hexdigest()},
                            background=BackgroundTask(os.unlink, handle.name))

    @app.get("/v1/customers/{customer_id}")
    def customer(customer_id: Annotated[str, Path(max_length=64)], token: Token) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            registers.authenticate(session, token)
            row = session.get(CustomerRow, customer_id)
            if row is None:
                raise NotFound(f"no customer {customer_id}")
            # The balance a register checks; the profile reaches registers through the feed, not from here.
            return {"id": row.id, "tier": row.tier, "balance": row.balance, "overdraft": row.overdraft,
                    "merged_into": row.merged_into}

        return run_in_transaction(engine, work)

    report_api.install(app, engine, run_in_transaction)

    @app.get("/v1/conflicts")
    def conflicts(token: Token, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
        def work(session: Session) -> list[dict[str, Any]]:
            register = registers.authenticate(session, token)
            return list_conflicts(session, limit, store_id=register.store_id)

        return run_in_transaction(engine, work)

    return app


def list_conflicts(session: Session, limit: int = 200, *, store_id: str | None = None) -> list[dict[str, Any]]:
    """Conflicts, newest first; a register sees its own store's only (`store_id`)."""
    query = sa.select(ConflictRow).order_by(ConflictRow.id.desc()).limit(limit)
    if store_id is not None:
        query = query.where(ConflictRow.register_id.startswith(f"{store_id}.", autoescape=True))
    rows = session.scalars(query).all()
    return [
        {"id": r.id, "kind": r.kind, "register_id": r.register_id, "entry_id": r.entry_id,
         "customer_id": r.customer_id, "code": r.code, "points": r.points, "leakage_minor": r.leakage_minor,
         "detail": r.detail, "created_at": r.created_at.isoformat()}
        for r in rows
    ]


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` worker processes: the database URL comes from POS_CENTRAL_DB.

    Workers never migrate; the parent (`pos-central serve`) did it once before starting them.
    """
    return create_app(os.environ.get("POS_CENTRAL_DB", DEFAULT_DB_URL), migrate=False)
