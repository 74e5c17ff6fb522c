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
from datetime import datetime
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from sync.central import feed, holds, ledger, members, orders, records, registers
from sync.central import settings as central_settings
from sync.central.db import DEFAULT_DB_URL, create_engine, utcnow
from sync.central.errors import CentralError, Forbidden, NotFound
from sync.central.report import api as report_api
from sync.central.tables import AlertRow, ConflictRow, CustomerRow
from sync.protocol import (
    CLOCK_HEADER,
    CLOCK_SKEW_LIMIT_SECONDS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SNAPSHOT_HASH_HEADER,
    SUPPORTED_PROTOCOL_VERSIONS,
    ErrorBody,
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
) -> FastAPI:
    """The app over one database. `after_push_commit` is a hook for fault tests (e.g. die before replying)."""
    engine = engine or create_engine(db_url)
    if migrate:
        from sync.central.schema import upgrade

        upgrade(engine)
    app = FastAPI(
        title="pos-companion central service",
        version=str(PROTOCOL_VERSION),
        description="Authoritative loyalty ledger, balances and change feed for registers. "
        f"Every /v1 request carries `{PROTOCOL_HEADER}: {PROTOCOL_VERSION}`.",
    )
    app.state.engine = engine

    @app.middleware("http")
    async def require_protocol(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/v1/"):
            raw = request.headers.get(PROTOCOL_HEADER)
            supported = ", ".join(str(v) for v in sorted(SUPPORTED_PROTOCOL_VERSIONS))
            if raw is None or not raw.strip().isdigit() or int(raw) not in SUPPORTED_PROTOCOL_VERSIONS:
                problem = f"no {PROTOCOL_HEADER} header" if raw is None else f"protocol version {raw!r} is not supported"
                return JSONResponse(
                    status_code=426,
                    content=ErrorBody(
                        detail=f"{problem} (this server speaks {supported}); update the register software",
                        code="protocol_unsupported",
                    ).model_dump(),
                    headers={"Upgrade": f"pos-protocol/{PROTOCOL_VERSION}", PROTOCOL_HEADER: supported},
                )
        return await call_next(request)

    @app.exception_handler(CentralError)
    async def central_error(_request: Request, exc: CentralError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.detail, acked_through_seq=exc.acked_through_seq)

    def bearer(authorization: Annotated[str | None, Header()] = None) -> str | None:
        if authorization and authorization.lower().startswith("bearer "):
            return authorization[7:].strip()
        return None

    Token = Annotated[str | None, Depends(bearer)]
    Clock = Annotated[str | None, Header(alias=CLOCK_HEADER)]

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "protocol": PROTOCOL_VERSION}

    @app.post("/v1/pair", response_model=PairResponse)
    def pair(body: PairRequest) -> PairResponse:
        def work(session: Session) -> PairResponse:
            row, token = registers.pair(session, body.pairing_code)
            return PairResponse(register_id=row.id, store_id=row.store_id, token=token)

        return run_in_transaction(engine, work)

    @app.post("/v1/push", response_model=PushResponse, responses={409: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    def push(body: PushRequest, token: Token, clock: Clock = None) -> PushResponse:
        skew, warning = _clock_skew(clock)

        def enroll_unknown(session: Session) -> None:
            registers.authenticate(session, token)
            members.ensure_customers(session, (e.customer_id for e in body.entries if e.customer_id), utcnow())

        run_in_transaction(engine, enroll_unknown)

        def work(session: Session) -> PushResponse:
            register = registers.authenticate(session, token, lock=True)
            if body.register_id != register.id:
                raise CentralError(f"register_id {body.register_id!r} does not match the credential")
            now = utcnow()
            outcome = ledger.ingest(session, register, body.entries, now)
            return PushResponse(results=outcome.results, acked_through_seq=outcome.acked_through_seq,
                                server_time=now, clock_skew_seconds=skew, clock_warning=warning)

        try:
            response = run_in_transaction(engine, work)
        except ledger.PayloadConflictError as exc:
            alert = exc.alert
            run_in_transaction(engine, lambda s: s.add(AlertRow(
                kind="payload_conflict", register_id=alert.register_id, entry_id=alert.entry_id,
                detail=alert.detail, created_at=utcnow())))
            log.error("409 payload conflict from %s: %s", alert.register_id, exc.detail)
            raise
        touched = {e.customer_id for e in body.entries if e.customer_id}
        run_in_transaction(engine, lambda s: members.forward_merged_balances(s, touched))
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
    def changes(token: Token, cursor: str = "1.0", limit: Annotated[int, Query(ge=1)] = 500,
                clock: Clock = None) -> PullResponse:
        skew, warning = _clock_skew(clock)

        run_in_transaction(engine, feed.assign_sequence)

        def work(session: Session) -> PullResponse:
            registers.authenticate(session, token)
            page, new_cursor, more = feed.changes_after(session, cursor, min(limit, max_page))
            return PullResponse(changes=page, cursor=new_cursor, has_more=more, server_time=utcnow(),
                                clock_skew_seconds=skew, clock_warning=warning)

        return run_in_transaction(engine, work)

    @app.get("/v1/snapshot", responses={200: {"description": "JSON Lines: a SnapshotHeader, then one Change per "
                                             f"line; SHA-256 of the body in {SNAPSHOT_HASH_HEADER}"}})
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
    def customer(customer_id: str, token: Token) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            registers.authenticate(session, token)
            row = session.get(CustomerRow, customer_id)
            if row is None:
                raise NotFound(f"no customer {customer_id}")
            return members.customer_record(row)

        return run_in_transaction(engine, work)

    report_api.install(app, engine, run_in_transaction)

    @app.get("/v1/conflicts")
    def conflicts(token: Token, limit: int = 200) -> list[dict[str, Any]]:
        def work(session: Session) -> list[dict[str, Any]]:
            registers.authenticate(session, token)
            return list_conflicts(session, limit)

        return run_in_transaction(engine, work)

    return app


def list_conflicts(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    rows = session.scalars(sa.select(ConflictRow).order_by(ConflictRow.id.desc()).limit(limit)).all()
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
