"""The demo's central service on loopback, and the register's sync wired to the local store.

`pos-companion --demo` starts `EmbeddedCentral`: the reference central
service (`sync.central.app.create_app`) on a SQLite file next to the demo
register's, served by uvicorn on 127.0.0.1 (a free port) in a background
thread, seeded with the demo's members and their balances, and a pairing
code for register R1. `cut()` stops the server and `restore()` starts it
again on the same port: a real outage for the register's sync loop, which
the demo's "cut the connection" key uses.

The members' segments are seeded at the central service too: it owns them,
and the register's first sync would otherwise clear them.

The register's side of the sync (outbox and change sink over the local
store) is `pos_app.services.sync_ports`, the same as for a real central
service. This module starts a server, unlike the rest of `pos_app.demo`; it
is only imported by the composition root when the demo starts.
"""

from __future__ import annotations

import csv
import logging
import socket
import tempfile
import threading
import time
from pathlib import Path

from pos_app.demo.store import DemoStore
from pos_app.domain.loyalty_settings import LoyaltySettings

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

    def prepare(self, demo: DemoStore, program: LoyaltySettings | None = None, *, history: bool = True) -> str:
        """Create the central database, seed the demo's program, members and balances; returns a pairing code.

        `program` (the register's settings) and the demo's promotions are set at the central service too:
        it checks every accrual against the program's rates and bonuses.
        """
        from sync.central import grants as grants_module
        from sync.central import imports, registers
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
            report = run_in_transaction(engine, lambda s: imports.import_customers(s, path))
        for error in report.errors:
            log.warning("demo member not loaded at the central service: %s", error)
        if program is not None:
            run_in_transaction(engine, lambda s: _seed_program(s, program, demo))
        # The year the chain has behind it: the report has something to show from the first minute.
        if history:
            run_in_transaction(engine, lambda s: _seed_history(s, demo))
        grants = [(c.id, EntryKind.ACCRUAL, c.points, "demo-opening-balance") for c in demo.customers if c.points]
        run_in_transaction(engine, lambda s: grants_module.book_central_entries(s, grants))
        run_in_transaction(engine, lambda s: _seed_segments(s, demo))
        _register_id, code = run_in_transaction(
            engine, lambda s: registers.issue_pairing_code(s, self.store_id, self.register, replace=True))
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


def _seed_program(session, program: LoyaltySettings, demo: DemoStore) -> None:
    """The program as the register has it: rates, tiers, welcome points, and every promotion."""
    from sync.central import imports
    from sync.central.settings import set_setting

    for key, value in (
        ("currency", program.currency),
        ("points.earn_rate", program.earn_rate),
        ("points.earn_on", program.earn_on),
        ("tiers", [{"name": t.name, "threshold_minor": t.threshold_minor, "multiplier": t.multiplier}
                   for t in program.tiers]),
        ("program.welcome_points", program.welcome_points),
    ):
        set_setting(session, key, value)
    for promotion in demo.promotions:
        imports.upsert_promotion(session, dict(promotion))


def _seed_segments(session, demo: DemoStore) -> None:
    """The central service owns segments: give it the demo's, so the first sync keeps them."""
    from sync.central import operations

    operations.set_segments(session, {c.id: sorted(c.segments) for c in demo.customers if c.segments})


def _seed_history(session, demo: DemoStore) -> None:
    """The demo's year (`pos_app.demo.history`) at the central service, and the program's tiers for the report."""
    from pos_app.demo.history import demo_history
    from pos_app.services.demo_loader import demo_settings
    from sync.central import settings
    from sync.central.bulk_history import load_history

    load_history(session, demo_history(demo), exact_hashes=True)
    settings.set_setting(session, "tiers", [{"name": t.name, "threshold_minor": t.threshold_minor,
                                             "multiplier": t.multiplier} for t in demo_settings(demo).tiers])
