"""The till's HTTP API (contract: shared/POS-API.md), a thin shell over the register's use cases.

Each call parses its request, calls the same use cases as the window
(`identify`, `enroll_customer`, `customer_card`, `price_sale`, `checkout`,
`return_items`; a till's check becomes a sale draft in `TillChecks`) and
presents the answer. State-changing calls run through `answer_once`, which
stores the answer under the till's `transaction_id` in the same local
transaction as the work.

Before any handler runs, `TillGate` checks the bearer key (one indexed read
of the store, in WAL mode never blocked by a writer) and reads the body (at
most 1 MiB, JSON), so a caller without a valid key never has its body parsed. Every refusal is the
contract's `{"error": {"code", "message"}}` with a 4xx status.
"""

# No `from __future__ import annotations`: FastAPI must see the Annotated aliases as objects.

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from pos_app.api import answers
from pos_app.api.errors import error_body, refusal, request_error
from pos_app.api.models import (
    CheckIn,
    CommitAnswer,
    CommitIn,
    ErrorBody,
    InquireAnswer,
    Member,
    MemberList,
    ReverseAnswer,
    ReverseIn,
    SignUpIn,
)
from pos_app.domain.customer_profile import Consents
from pos_app.domain.money import Currency, MoneyError
from pos_app.domain.scenario_json import FormatError, parse_line, result_to_json
from pos_app.services.chain import ChainCalls
from pos_app.services.checkout import Connectivity, checkout, hold_points, release_points
from pos_app.services.contact import issue_card_number
from pos_app.services.customer_card import card_in, customer_card
from pos_app.services.enrollment import enroll_customer
from pos_app.services.identification import Candidates, Identified, identify
from pos_app.services.outcome import Refused
from pos_app.services.pos_keys import key_name
from pos_app.services.pricing import PricingEngineCache, price_sale
from pos_app.services.receipts import StoreFacts, sale_receipt
from pos_app.services.returns import locate_order, return_items
from pos_app.services.sale import SaleDraft
from pos_app.services.till_checks import (
    FILLED_FIELDS,
    CheckRequest,
    TillChecks,
    TillLine,
    find_member,
    priced_messages,
)
from pos_app.services.till_transactions import Answer, answer_once, earlier_answer, fingerprint
from pos_app.storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1 << 20
JSON_TYPE = "application/json"


@dataclass
class PosApiContext:
    """What the composition root hands the API: the store, the clock, the shared checks and the connection."""

    uow: UnitOfWorkFactory
    clock: Callable[[], datetime]
    checks: TillChecks
    connectivity: Callable[[], Connectivity]
    store: StoreFacts
    card_prefix: str = "29"
    chain: ChainCalls | None = None  # the central service: points held for online sales, other stores' orders
    cache: PricingEngineCache = field(default_factory=PricingEngineCache)

    def till_actor(self, till: str) -> str:
        """Who the ledger and the orders say did it: the till, by its key's name."""
        return f"till:{till}"


def _json(status: int, body: Any) -> Response:
    return Response(orjson.dumps(body), status, media_type=JSON_TYPE)


def _answered(answer: Answer) -> Response:
    return Response(answer.text, answer.status, media_type=JSON_TYPE)


def _refused(refused: Refused, **extra: Any) -> Response:
    status, body = refusal(refused, **extra)
    return _json(status, body)


class TillGate:
    """ASGI middleware for `/v1`: a valid bearer key first, then a JSON body of at most 1 MiB.

    The till's name (its key's) is put in `scope["state"]["till"]`; the body
    read here is handed on unchanged.
    """

    def __init__(self, app: Any, authenticate: Callable[[str], str | None]) -> None:
        self.app = app
        self.authenticate = authenticate

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", ())}
        scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        till = None
        if scheme.lower() == "bearer" and key.strip():
            till = self.authenticate(key.strip())  # one indexed read (WAL: never waits for a writer)
        if till is None:
            await self._send(send, 401, error_body("unauthorized", "a valid key is needed: Authorization: Bearer "
                                                                  "<key from pos-companion pos-key add NAME>"),
                             ((b"www-authenticate", b"Bearer"),))
            return
        scope.setdefault("state", {})["till"] = till
        if scope["method"] in ("POST", "PUT", "PATCH"):
            kind = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
            json_type = kind == JSON_TYPE or kind.endswith("+json")
            body = b"" if kind and not json_type else await self._body(headers, receive)
            if body is None:
                await self._send(send, 413, error_body("too_large", f"a request body has at most {MAX_BODY_BYTES:,} "
                                                                    "bytes"))
                return
            if not json_type and (kind or body):  # a wrong type, or a body without its type
                await self._send(send, 415, error_body("unsupported_media_type",
                                                       f"send JSON with Content-Type: {JSON_TYPE}"))
                return
            receive = _replay(body)
        await self.app(scope, receive, send)

    @staticmethod
    async def _body(headers: dict[bytes, bytes], receive: Any) -> bytes | None:
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    @staticmethod
    async def _send(send: Any, status: int, body: Any, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        content = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", JSON_TYPE.encode()),
                                (b"content-length", str(len(content)).encode()), *headers]})
        await send({"type": "http.response.body", "body": content})


def _replay(body: bytes) -> Callable[[], Any]:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


bearer = HTTPBearer(auto_error=False, description="a till's key, made with `pos-companion pos-key add NAME`")


async def till_of(request: Request, _key: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The calling till's name, set by `TillGate` (the dependency on `bearer` documents the scheme).

    A coroutine, so FastAPI does not hand it to a worker thread and back for a dictionary lookup.
    """
    return request.scope["state"]["till"]


Till = Annotated[str, Depends(till_of)]

_COMMON = {401: {"model": ErrorBody, "description": "no key, a wrong key or a removed one (`unauthorized`)"},
           422: {"model": ErrorBody, "description": "a field is wrong: the message names it"}}
_BODY = {400: {"model": ErrorBody, "description": "the body is not JSON (`bad_json`)"},
         413: {"model": ErrorBody, "description": "the body is larger than 1 MiB (`too_large`)"},
         415: {"model": ErrorBody, "description": "not JSON (`unsupported_media_type`)"}}
_CONFLICT = {409: {"model": ErrorBody, "description": "refused by the state of things; nothing written "
                                                      "(`code` says why; see docs/POS-INTEGRATION.md)"}}


def create_pos_api(ctx: PosApiContext) -> FastAPI:
    """The FastAPI application of the POS API over the register's store."""
    app = FastAPI(
        title="pos-companion POS API",
        version="1",
        description="The store's till asks the register's loyalty companion: members, checks, returns. "
                    "Money is a string with the currency's minor digits, points are integers. "
                    "Walk-through: docs/POS-INTEGRATION.md.",
        redoc_url=None,
    )
    app.add_middleware(TillGate, authenticate=lambda key: key_name(ctx.uow(read_only=True), key))
    _install_error_answers(app)

    def currency(reads: UnitOfWorkFactory) -> Currency:
        with reads(read_only=True) as uow:
            return Currency.of(ctx.cache.settings(uow, ctx.clock().date()).currency)

    def check_request(till: str, body: CheckIn, money: Currency) -> CheckRequest | Response:
        lines = []
        for k, line in enumerate(body.lines):
            raw = line.model_dump(exclude_unset=True)
            try:
                parsed = parse_line(raw, f"lines[{k}]", money)
            except FormatError as exc:
                problem = str(exc)
                code = "bad_quantity" if problem.startswith(f"lines[{k}].qty") or "quantity" in problem else \
                    "invalid_request"
                return _json(422, error_body(code, problem))
            lines.append(TillLine(parsed, frozenset(raw) & frozenset(FILLED_FIELDS)))
        redeem = body.redeem_points
        if not (redeem == "max" or (type(redeem) is int and 0 <= redeem <= 1_000_000_000)):
            return _json(422, error_body("bad_points", 'redeem_points: 0, a number of points or "max"'))
        return CheckRequest(till, body.check_id, tuple(lines), body.member, tuple(body.codes), redeem)

    # -- members ------------------------------------------------------------------------------------

    @app.get("/v1/members", response_model=MemberList, responses=_COMMON, tags=["members"],
             summary="Find members by card, phone, email or name")
    def search_members(till: Till, q: Annotated[str, Query(min_length=1, max_length=100,
                                                            description="a card number, a phone, an email "
                                                                        "or the start of a name")]) -> Response:
        found = identify(ctx.uow(read_only=True), q)
        online = ctx.connectivity().online
        if isinstance(found, Refused):
            if found.reason == "not_found":
                return _json(200, {"members": [], "online": online})
            return _refused(found)
        people = (found.customer,) if isinstance(found, Identified) else found.customers
        assert isinstance(found, Identified | Candidates)
        return _json(200, {"members": [answers.member_summary(p) for p in people], "online": online})

    @app.get("/v1/members/{member}", response_model=Member, tags=["members"], summary="One member's card",
             responses={**_COMMON, 404: {"model": ErrorBody, "description": "no such member (`unknown_member`)"}})
    def get_member(till: Till, member: Annotated[str, Path(min_length=1, max_length=64,
                                                           description="a member id or a card number")]
                   ) -> Response:
        found = find_member(ctx.uow, member)
        if isinstance(found, Refused):
            return _refused(found) if found.reason != "unknown_member" else \
                _json(404, error_body("unknown_member", found.message))
        card = customer_card(ctx.uow(read_only=True), found or "", ctx.clock())
        if isinstance(card, Refused):
            return _json(404, error_body("unknown_member", card.message))
        return _json(200, answers.member(card, online=ctx.connectivity().online))

    @app.post("/v1/members", status_code=201, response_model=Member, tags=["members"],
              summary="Sign a customer up (the welcome offer applies)",
              responses={**_COMMON, **_BODY, 409: {"model": ErrorBody, "description": "`duplicate` (`field` "
                         "names the phone, email or card that belongs to someone else) or `transaction_reused`"}})
    def sign_up(till: Till, body: SignUpIn) -> Response:
        now = ctx.clock()
        try:
            birthday = date.fromisoformat(body.birthday) if body.birthday else None
        except ValueError:
            return _json(422, error_body("bad_birthday", f"birthday: {body.birthday} is not a date"))
        request_hash = fingerprint("sign_up", body.model_dump(mode="json", exclude_unset=True))
        online = ctx.connectivity().online

        def enroll(card: str):  # noqa: ANN202 - a use case's answer or refusal
            return lambda uow: enroll_customer(
                uow, name=body.name, now=now, card_number=card, phone=body.phone, email=body.email,
                birthday=birthday, consents=Consents(email=body.consents.email, sms=body.consents.sms),
                cashier_id=ctx.till_actor(till))

        def answer(uow, enrolled) -> Answer:  # noqa: ANN001
            card = card_in(uow, enrolled.customer.id, now)
            assert not isinstance(card, Refused)
            return Answer.of(201, answers.member(card, online=online))

        for _attempt in range(3):  # an assigned card number that happens to be taken: draw another
            card = body.card or issue_card_number(ctx.card_prefix)
            done = answer_once(ctx.uow, till=till, transaction_id=body.transaction_id, call="sign_up",
                               request_hash=request_hash, work=enroll(card), answer=answer, now=now)
            if not (isinstance(done, Refused) and done.reason == "card_taken" and body.card is None):
                break
        return _refused(done) if isinstance(done, Refused) else _answered(done)

    # -- checks -------------------------------------------------------------------------------------

    @app.post("/v1/checks/inquire", response_model=InquireAnswer, tags=["checks"],
              summary="Price a check; nothing is written",
              responses={**_COMMON, **_BODY})
    async def inquire(till: Till, body: CheckIn) -> Response:
        # Served on the event loop, not a worker thread: an inquire only reads, and in WAL mode a reader
        # never waits for a writer, so it holds the loop no longer than its own few milliseconds of CPU
        # (which a thread would hold the interpreter for anyway) and spares two thread hand-overs, which
        # on a busy machine each wait for the scheduler. Calls that write (and may wait for the write lock)
        # stay on worker threads.
        with ctx.uow.reads() as reads:  # every lookup of the inquire in one read transaction
            request = check_request(till, body, currency(reads))
            if isinstance(request, Response):
                return request
            built = ctx.checks.build(reads, request)
            if isinstance(built, Refused):
                return _refused(built)
            now = ctx.clock()
            priced = price_sale(reads(read_only=True), built.draft, now, cache=ctx.cache)
            if isinstance(priced, Refused):
                return _refused(priced)
            card = None
            if priced.customer is not None:
                with reads(read_only=True) as uow:
                    card = card_in(uow, priced.customer.id, now, priced.settings, cache=ctx.cache)
                card = None if isinstance(card, Refused) else card
        messages = [*built.messages, *priced_messages(priced)]
        online = ctx.connectivity().online
        ctx.checks.shown(request, priced, messages)
        return _json(200, answers.check(request.check_id, priced, card, messages, online=online))

    @app.post("/v1/checks/commit", response_model=CommitAnswer, tags=["checks"],
              summary="The till took payment: write the sale",
              responses={**_COMMON, **_BODY, 409: {"model": ErrorBody, "description":
                         "`repriced` (`result` holds the new one), `offline_cap` (`reason` names the cap), "
                         "`transaction_reused`, `already_paid`, `insufficient_points`, `code_used`; nothing "
                         "written"}})
    def commit(till: Till, body: CommitIn) -> Response:
        request_hash = fingerprint("commit", body.model_dump(mode="json", exclude_unset=True))
        with ctx.uow.reads() as reads:  # the lookups before the sale's write, in one read transaction
            earlier = earlier_answer(reads, till=till, transaction_id=body.transaction_id, call="commit",
                                     request_hash=request_hash)
            if earlier is not None:
                return _refused(earlier) if isinstance(earlier, Refused) else _answered(earlier)
            money = currency(reads)
            try:
                expected = money.parse_minor(body.expected_total)
            except MoneyError as exc:
                return _json(422, error_body("invalid_request", f"expected_total: {exc}"))
            request = check_request(till, body, money)
            if isinstance(request, Response):
                return request
            built = ctx.checks.build(reads, request)
            if isinstance(built, Refused):
                return _refused(built)
        now = ctx.clock()
        held = hold_points(ctx.uow, built.draft, now=now, connectivity=ctx.connectivity(), cache=ctx.cache,
                           chain=ctx.chain)
        if isinstance(held, Refused):
            return _refused(held)
        connectivity = held.connectivity
        written: list[str] = []

        def answer(_uow, done) -> Answer:  # noqa: ANN001
            written.append(done.order_number)
            receipt = sale_receipt(done, ctx.store.header(ctx.uow.register_id, till), now)
            return Answer.of(200, answers.paid(done, receipt, online=connectivity.online))

        done = answer_once(
            ctx.uow, till=till, transaction_id=body.transaction_id, call="commit", request_hash=request_hash,
            work=lambda uow: checkout(uow, built.draft, now=now, cashier_id=ctx.till_actor(till),
                                      connectivity=connectivity, expected_total=expected, cache=ctx.cache),
            answer=answer, now=now, asked_before=True)
        if isinstance(done, Refused):
            release_points(ctx.chain, held)
            if done.reason == "price_changed":
                priced = price_sale(ctx.uow(read_only=True), built.draft, now, cache=ctx.cache)
                result = None if isinstance(priced, Refused) else result_to_json(priced.result)
                return _refused(done, result=result)
            return _refused(done)
        if written and not done.replayed:
            ctx.checks.paid(request, built.draft.sale_id, written[0])
        return _answered(done)

    @app.post("/v1/checks/reverse", response_model=ReverseAnswer, tags=["checks"],
              summary="A return of some lines, or of the whole order",
              responses={**_COMMON, **_BODY, **_CONFLICT,
                         403: {"model": ErrorBody, "description": "the manager's PIN is wrong or not a manager's"},
                         404: {"model": ErrorBody, "description": "no such order (`unknown_order`)"}})
    def reverse(till: Till, body: ReverseIn) -> Response:
        sent = body.model_dump(mode="json", exclude_unset=True)
        if isinstance(sent.get("manager"), dict):
            sent["manager"].pop("pin", None)  # a PIN never goes into a stored fingerprint
        request_hash = fingerprint("reverse", sent)
        earlier = earlier_answer(ctx.uow, till=till, transaction_id=body.transaction_id, call="reverse",
                                 request_hash=request_hash)
        if earlier is not None:
            return _refused(earlier) if isinstance(earlier, Refused) else _answered(earlier)
        order = locate_order(ctx.uow, body.order_id, chain=ctx.chain)  # sold at another store: fetched
        if isinstance(order, Refused):
            return _refused(order)
        if body.lines is None:
            quantities: dict[str, Any] = {line.line_id: _qty(line.qty_left) for line in order.lines
                                          if line.qty_left > 0}
            if not quantities:
                return _refused(Refused("nothing_to_return", f"order {order.id} was returned in full already"))
        else:
            quantities = {}
            weighted = {line.line_id: line.weighted for line in order.lines}
            for k, line in enumerate(body.lines):
                if line.id in quantities:
                    return _json(422, error_body("invalid_request", f"lines[{k}].id: line {line.id!r} appears "
                                                                    "twice"))
                if isinstance(line.qty, str) and weighted.get(line.id) is False:  # as a check's line (FORMAT.md)
                    return _json(422, error_body("bad_quantity", f"lines[{k}].qty: must be an integer (a decimal "
                                                                 "string only for a weighted line)"))
                quantities[line.id] = line.qty
        now, online = ctx.clock(), ctx.connectivity().online
        manager = body.manager
        done = answer_once(
            ctx.uow, till=till, transaction_id=body.transaction_id, call="reverse", request_hash=request_hash,
            work=lambda uow: return_items(uow, order.id, quantities, now=now, cashier_id=ctx.till_actor(till),
                                          manager_id=manager.id if manager else None,
                                          pin=manager.pin if manager else None),
            answer=lambda _uow, result: Answer.of(200, answers.reversed_order(result, online=online)), now=now,
            asked_before=True)
        return _refused(done) if isinstance(done, Refused) else _answered(done)

    return app


def warm_up(ctx: PosApiContext) -> threading.Thread:
    """Build the day's pricing engine before the first till asks (a few tens of ms with many promotions), and
    start loading the catalogue into the checks' cache in the background (a fraction of a second for 50,000
    products; checks asked meanwhile read their products from the store). Returns the loading thread."""
    price_sale(ctx.uow(read_only=True), SaleDraft(), ctx.clock(), cache=ctx.cache)
    loading = threading.Thread(target=ctx.checks.catalog.warm, args=(ctx.uow(read_only=True),),
                               name="catalogue-warm-up", daemon=True)
    loading.start()
    return loading


def _qty(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def _install_error_answers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        status, body = request_error(exc.errors())
        return _json(status, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _json(404, error_body("not_found", "no such call: see /openapi.json"))
        if exc.status_code == 405:
            allowed = sorted({method for route in app.router.routes if isinstance(route, APIRoute)
                              and route.matches(request.scope)[0] is not Match.NONE for method in route.methods})
            response = _json(405, error_body("method_not_allowed", f"this call is {' or '.join(allowed)}"))
            response.headers["Allow"] = ", ".join(allowed)
            return response
        if exc.status_code == 400:  # the body could not be read as JSON (not UTF-8, nested too deep)
            return _json(400, error_body("bad_json", f"the body is not valid JSON: {exc.detail}"))
        return _json(exc.status_code, error_body("http_error", str(exc.detail)))

    @app.exception_handler(OperationalError)
    async def busy(_request: Request, exc: OperationalError) -> Response:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            response = _json(503, error_body("busy", "the register's store is busy: try again in a moment"))
            response.headers["Retry-After"] = "1"
            return response
        raise exc

    @app.exception_handler(Exception)
    async def bug(_request: Request, exc: Exception) -> Response:
        log.error("POS API: unexpected error", exc_info=exc)
        return _json(500, error_body("internal", "the register failed to answer: see its log"))


__all__ = ["MAX_BODY_BYTES", "PosApiContext", "TillGate", "create_pos_api", "warm_up"]
