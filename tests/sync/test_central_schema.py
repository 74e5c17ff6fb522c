"""The packaged migrations build exactly the tables the code declares, and can run twice."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sync.central.db import create_engine
from sync.central.schema import upgrade
from sync.central.tables import Base


def test_migrations_match_the_tables_and_are_idempotent(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'central.db'}")
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        triggers = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert {"ledger_entries_no_update", "ledger_entries_no_delete"} <= triggers
    assert journal == "wal"
    engine.dispose()
