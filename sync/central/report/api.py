"""`GET /v1/report`: the Loyalty Program report over HTTP, with the parameters of `pos-central report`.

`from`, `to` (local days, inclusive), `by` (day, week or month; by default
1-30 days daily, 31-90 weekly, longer monthly), `store`, `brand`, `format`
(json, the default, or csv). Authenticated: a register's token reads its
own store, an admin credential (`pos-central admin-token add`) the chain.
The cells are refreshed first, so the answer includes every record and
entry committed before the request.
"""

# No `from __future__ import annotations`: FastAPI must see the Annotated aliases as objects.

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pos_app.domain.report.loyalty_report import report_csv
from pos_app.domain.report.periods import RangeError
from sync.central import feed
from sync.central.db import utcnow
from sync.central.errors import CentralError
from sync.central.report.access import viewer
from sync.central.report.query import loyalty_report, parse_grain
from sync.central.report.refresh import refresh
from sync.protocol import ErrorBody

Run = Callable[[Engine, Callable[[Session], Any]], Any]
PATH = "/v1/report"


def install(app: FastAPI, engine: Engine, run: Run) -> None:
    """Add the report's route to the central service's app."""

    @app.get(PATH, responses={400: {"model": ErrorBody}, 401: {"model": ErrorBody},
                                      403: {"model": ErrorBody}})
    def report(
        first: Annotated[date, Query(alias="from", description="first local day (YYYY-MM-DD)")],
        last: Annotated[date, Query(alias="to", description="last local day, inclusive")],
        by: Annotated[str | None, Query(description="day, week or month")] = None,
        store: Annotated[str | None, Query(max_length=64)] = None,
        brand: Annotated[str | None, Query(max_length=64)] = None,
        format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        token = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else None
        who = run(engine, lambda s: viewer(s, token))
        store_, brand_ = who.scope(store, brand)
        try:
            grain = parse_grain(by)
            run(engine, feed.assign_sequence)
            run(engine, lambda s: refresh(s, wait=False))
            built = run(engine, lambda s: loyalty_report(s, first, last, grain=grain, store=store_, brand=brand_,
                                                         now=utcnow()))
        except RangeError as exc:
            raise CentralError(str(exc)) from None
        if format == "csv":
            name = f"loyalty-report-{store_ or brand_ or 'chain'}-{first}-{last}.csv"
            return Response(report_csv(built), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return JSONResponse(built.to_json())


__all__ = ["PATH", "install", "viewer"]
