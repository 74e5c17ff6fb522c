"""Fixtures of the sync tests: a real central service per test, register stores on real SQLite files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import CentralServer, sqlite_url  # noqa: E402

from sync.client.reference_store import ReferenceRegisterStore  # noqa: E402


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralServer]:
    server = CentralServer(sqlite_url(tmp_path / "central.db"))
    yield server
    server.stop()


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[Callable[[str], ReferenceRegisterStore]]:
    stores: list[ReferenceRegisterStore] = []

    def make(register_id: str, synchronous: str = "FULL") -> ReferenceRegisterStore:
        store = ReferenceRegisterStore(tmp_path / f"register-{register_id}.db", register_id, synchronous=synchronous)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def either_central(request, tmp_path: Path) -> Iterator[CentralServer]:
    """A real central service on SQLite, then on PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        server = CentralServer(sqlite_url(tmp_path / "central.db"))
        yield server
        server.stop()
        return
    import uuid

    import sqlalchemy as sa

    url = request.getfixturevalue("postgres_url")
    schema = f"pos_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    server = CentralServer(f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}")
    try:
        yield server
    finally:
        server.stop()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
