"""The demo's central service on loopback, and the register's sync wired to the local store.

`pos-companion --demo` starts `EmbeddedCentral`: the reference central
service (`sync.central.app.create_app`) on a SQLite file next to the demo
register's, served by uvicorn on 127.0.0.1 (a free port) in a background
thread, seeded with the demo's members and their balances, and a pairing
code for register R1. `cut()` stops the server and `restore()` starts it
again on the same port: a real outage for the register's sync loop, which
the demo's "cut the connection" key uses.

The register side of the sync client's ports over `pos_app.storage`:

- `StoreOutbox` reads the ledger's outbox (entries written before any
  network call, in seq order) and turns each into the wire `LedgerEntry`
  (the same fields, under the paired register's id, with its payload hash);
  acknowledgements move the points from pending to confirmed.
- `StoreChangeSink` applies the customer balances the central service
  publishes (its `confirmed` points) and keeps the cursor in memory. Other
  topics (catalogue, promotions, codes, settings) are not applied yet: the
  demo register already holds them from the generated store, and a cache
  refresh through storage is still to be written.

This module does network and SQL, unlike the rest of `pos_app.demo`; it is
only imported by the composition root (for the demo, and for a register
configured with a central service). The two port adapters belong in
`pos_app.storage` once it implements the sync client's ports itself.
"""

from __future__ import annotations

import csv
import json
import logging
import socket
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pos_app.demo.store import DemoStore
from pos_app.storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class EmbeddedCentral:
    """The reference central service in this process, on loopback."""

    def __init__(self, directory: Path, *, store_id: str = "S1", register: str = "R1") -> None:
        self.directory = directory
        self.store_id = store_id
        self.register = register
        self.db_url = f"sqlite:///{directory / 'demo-central.db'}"
        self.port = _free_port()
        self._server = None
        self._thread: threading.Thread | None = None
        self._app = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def prepare(self, demo: DemoStore) -> str:
        """Create the central database, seed the demo members and balances; returns a pairing code."""
        from sync.central import operations, registers
        from sync.central.app import create_app, run_in_transaction
        from sync.protocol import EntryKind

        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.directory / 'demo-central.db'}{suffix}").unlink(missing_ok=True)
        self._app = create_app(self.db_url)
        engine = self._app.state.engine
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "customers.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["id", "name", "email", "phone", "card", "birthday", "tier"])
                for c in demo.customers:
                    writer.writerow([c.id, c.name, c.email or "", c.phone or "", c.card_number,
                                     c.birthday.isoformat() if c.birthday else "", c.tier])
            run_in_transaction(engine, lambda s: operations.import_customers(s, path))
        grants = [(c.id, EntryKind.ACCRUAL, c.points, "demo-opening-balance") for c in demo.customers if c.points]
        run_in_transaction(engine, lambda s: operations.book_central_entries(s, grants))
        _register_id, code = run_in_transaction(
            engine, lambda s: registers.issue_pairing_code(s, self.store_id, self.register))
        return code

    def start(self) -> None:
        import uvicorn

        if self.running:
            return
        assert self._app is not None, "prepare() first"
        config = uvicorn.Config(self._app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=server.run, name="demo-central", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the demo central service did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
        self._server, self._thread = None, None

    cut = stop  # the demo's "cut the connection": the register's pushes and pulls now fail
    restore = start


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StoreOutbox:
    """`sync.client.OutboxSource` over the register's ledger outbox."""

    def __init__(self, uow: UnitOfWorkFactory, wire_register_id: str) -> None:
        self.uow = uow
        self.wire_register_id = wire_register_id

    def pending_batch(self, limit: int):
        with self.uow(read_only=True) as uow:
            items = uow.ledger.pending_outbox(limit)
        return [self.to_wire(json.loads(item.payload)) for item in items]

    def to_wire(self, payload: dict):
        """The outbox payload (`pos_app.domain.ledger` wire dict) as the protocol's `LedgerEntry`."""
        from sync.protocol import LedgerEntry

        fields = {
            "id": payload["id"],
            "register_id": self.wire_register_id,
            "seq": payload["seq"],
            "kind": payload["kind"],
            "customer_id": payload.get("customer"),
            "points": payload["points"],
            "reverses": payload.get("reverses"),
            "code": payload.get("code"),
            "order_id": payload.get("order"),
            "created_at_register": payload["created_at"],
            "reason": payload.get("reason"),
            "actor_id": payload.get("actor"),
            "counterpart_id": payload.get("counterpart"),
            "group_id": payload.get("group"),
            "note": payload.get("note"),
        }
        for optional in ("discount_minor", "order_total_minor"):
            if payload.get(optional) is not None:
                fields[optional] = payload[optional]
        return LedgerEntry.build(**fields)

    def mark_acknowledged(self, results: Sequence) -> None:
        now = datetime.now(UTC)
        with self.uow() as uow:
            for status in {r.status.value for r in results}:
                uow.ledger.acknowledge([r.id for r in results if r.status.value == status], now, status)
            uow.commit()

    def pending_count(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.ledger.outbox_size()


class StoreChangeSink:
    """`sync.client.ChangeSink`: applies published customer balances; the cursor lives in memory."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self._cursor: str | None = None
        self.applied = 0

    def cursor(self) -> str | None:
        return self._cursor

    def apply_page(self, changes: Sequence, new_cursor: str) -> None:
        self._apply(changes)
        self._cursor = new_cursor

    def apply_snapshot(self, cursor: str, items) -> None:
        self._apply(list(items))
        self._cursor = cursor

    def _apply(self, changes: Sequence) -> None:
        balances = {
            c.key: int(c.data["balance"])
            for c in changes
            if str(c.topic) == "customer" and c.data is not None and "balance" in c.data
        }
        if not balances:
            return
        with self.uow() as uow:
            for customer_id, balance in balances.items():
                if uow.customers.get(customer_id) is not None:
                    uow.customers.set_confirmed_points(customer_id, balance)
                    self.applied += 1
            uow.commit()


__all__ = ["EmbeddedCentral", "StoreChangeSink", "StoreOutbox"]
