"""A store's till as the tests drive it: real HTTP to a register's POS API, with the till's key.

`RunningRegister` is a register store (a real SQLite file with the demo's
catalogue, promotions and members) serving the POS API on a free loopback
port, as `pos_app.app.build_pos_api` wires it, with two tills' keys made
through the key use case. Its clock is the demo day at 11:00 local time.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text

from pos_app.api.app import PosApiContext, create_pos_api, warm_up
from pos_app.api.server import PosApiServer
from pos_app.app import prepare_demo
from pos_app.demo import DEMO_DAY
from pos_app.services.connectivity import sync_loop_connectivity
from pos_app.services.pos_keys import IssuedKey, add_key
from pos_app.services.receipts import StoreFacts
from pos_app.services.till_checks import TillChecks
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory

DEMO_NOW = datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, 11, 0).astimezone()
ZOE_CARD = "2900000000018"  # Zoë Martin, gold, 4,820 points, birthday week
FRANCOIS_CARD = "2900000000070"  # François Singh, gold, 10,280 points


def demo_clock() -> datetime:
    return DEMO_NOW


def make_demo_template(directory: Path, customers: int = 300) -> Path:
    path, _loaded = prepare_demo(directory, customers=customers, clock=demo_clock, history=False)
    return path


def line(line_id: str, sku: str, qty: int | str = 1, unit_price: str = "1.00", **more: Any) -> dict[str, Any]:
    """A cart line as a till sends it: id, sku, qty and price only, unless told more."""
    return {"id": line_id, "sku": sku, "qty": qty, "unit_price": unit_price, **more}


class Till:
    """One till: its key, and HTTP calls to the register."""

    def __init__(self, url: str, key: str | None, name: str = "till") -> None:
        self.url = url
        self.name = name
        self.session = requests.Session()
        if key is not None:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.url + path, params=params, timeout=30)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.session.post(self.url + path, json=body, timeout=30)

    def post_raw(self, path: str, data: bytes | str, content_type: str = "application/json") -> requests.Response:
        return self.session.post(self.url + path, data=data, headers={"Content-Type": content_type}, timeout=30)

    def inquire(self, check: dict[str, Any]) -> requests.Response:
        return self.post("/v1/checks/inquire", check)

    def commit(self, check: dict[str, Any], transaction_id: str, expected_total: str) -> requests.Response:
        return self.post("/v1/checks/commit", {**check, "transaction_id": transaction_id,
                                               "expected_total": expected_total})

    def reverse(self, body: dict[str, Any]) -> requests.Response:
        return self.post("/v1/checks/reverse", body)

    def sell(self, check: dict[str, Any], transaction_id: str) -> dict[str, Any]:
        """Inquire, then commit at the total the register answered (what a till does)."""
        asked = self.inquire(check)
        assert asked.status_code == 200, asked.text
        paid = self.commit(check, transaction_id, asked.json()["result"]["total"])
        assert paid.status_code == 200, paid.text
        return paid.json()


@dataclass
class RunningRegister:
    """A register store with its POS API serving on loopback."""

    database: Path
    factory: UnitOfWorkFactory
    checks: TillChecks
    server: PosApiServer
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.address

    def till(self, name: str = "till-1") -> Till:
        return Till(self.url, self.keys[name], name)

    def stranger(self, key: str | None = None) -> Till:
        return Till(self.url, key, "stranger")

    def count(self, sql: str, **params: Any) -> int:
        with self.factory.engine.connect() as connection:
            return int(connection.execute(text(sql), params).scalar_one())

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.factory.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]

    def stop(self) -> None:
        self.server.stop()
        self.factory.engine.dispose()


def start_register(template: Path, directory: Path, *, sync_loop: Any = None, checks: TillChecks | None = None,
                   tills: tuple[str, ...] = ("till-1", "till-2")) -> RunningRegister:
    """A copy of the demo store, two tills' keys, the POS API on a free port (real HTTP, real SQLite).

    A `register.db` already in `directory` (a copy a sync loop was wired to) is used as it is.
    """
    database = directory / "register.db"
    if not database.exists():
        shutil.copyfile(template, database)
    factory = UnitOfWorkFactory(open_store(database), "R1")
    keys = {}
    for name in tills:
        issued = add_key(factory(), name, now=DEMO_NOW)
        assert isinstance(issued, IssuedKey)
        keys[name] = issued.key
    checks = checks or TillChecks("S1")
    context = PosApiContext(
        uow=factory,
        clock=demo_clock,
        checks=checks,
        connectivity=sync_loop_connectivity(sync_loop, demo_clock, DEMO_NOW),
        store=StoreFacts("S1", "Corner Market", ("12 High Street", "Springfield")),
    )
    server = PosApiServer(create_pos_api(context), "127.0.0.1:0")
    warm_up(context).join()  # as the composition root does (there the catalogue loads while the API serves)
    server.start()
    return RunningRegister(database, factory, checks, server, keys)


__all__ = ["DEMO_NOW", "FRANCOIS_CARD", "ZOE_CARD", "RunningRegister", "Till", "demo_clock", "line",
           "make_demo_template", "start_register"]
