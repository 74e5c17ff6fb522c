"""A real central service on 127.0.0.1:0 for the sync tests (uvicorn in a thread)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn
from sqlalchemy.orm import Session

from sync.central import registers
from sync.central.app import create_app
from sync.central.db import create_engine
from sync.central.guard import GuardLimits
from sync.client import RetryPolicy, SyncClient
from sync.protocol import PushResponse


class CentralServer:
    def __init__(self, db_url: str, *, after_push_commit: Callable[[PushResponse], None] | None = None,
                 guard_limits: GuardLimits | None = None, tls: tuple[Path, Path] | None = None) -> None:
        self.db_url = db_url
        self.engine = create_engine(db_url)
        # Fault tests pair and push thousands of times a second: the limits are the guard tests' own subject.
        self.app = create_app(db_url, engine=self.engine, after_push_commit=after_push_commit,
                              guard_limits=guard_limits or GuardLimits(pairing="100000/second", register="100000/second"))
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                timeout_keep_alive=30,
                                **({"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("central server did not start")
            time.sleep(0.01)
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.engine.dispose()

    # -- helpers ---------------------------------------------------------------------------------

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def pairing_code(self, store: str, register: str) -> str:
        with self.session() as s, s.begin():
            return registers.issue_pairing_code(s, store, register, replace=True)[1]

    def client(self, store: str = "S1", register: str = "R1", *, url: str | None = None,
               read_timeout: float = 5.0, retry: RetryPolicy | None = None) -> SyncClient:
        """A register paired directly (pairing is not what fault tests exercise), then talking to `url`."""
        paired = SyncClient(self.url, read_timeout=30.0, connect_timeout=2.0).pair(self.pairing_code(store, register))
        client = SyncClient(url or self.url, read_timeout=read_timeout, connect_timeout=2.0,
                            retry=retry or RetryPolicy(base=0.01, cap=0.1, max_attempts=5))
        client.token, client.register_id = paired.token, paired.register_id
        return client

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def balance(self, customer_id: str) -> int:
        return self.scalar("SELECT balance FROM customers WHERE id = :c", c=customer_id) or 0

    def ledger_sums(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.rows(
            "SELECT customer_id, SUM(points) FROM ledger_entries GROUP BY customer_id ORDER BY customer_id")}

    def balances(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.rows("SELECT id, balance FROM customers ORDER BY id")}


    @staticmethod
    def pairing_session(db_url: str) -> _EngineSession:
        return _EngineSession(db_url)

    @staticmethod
    def issue_code(session: Session, store: str, register: str) -> str:
        return registers.issue_pairing_code(session, store, register, replace=True)[1]


class _EngineSession:
    """A committed session on its own engine (for a database served by another process)."""

    def __init__(self, db_url: str) -> None:
        from sync.central.schema import upgrade

        self.engine = create_engine(db_url)
        upgrade(self.engine)

    def __enter__(self) -> Session:
        self.session = Session(self.engine)
        self.session.begin()
        return self.session

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.session.commit()
        self.session.close()
        self.engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
