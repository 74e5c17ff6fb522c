"""The schema is created by migrations at start-up, from an empty file, and matches the tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from pos_app.storage.database import create_store_engine, open_store
from pos_app.storage.migrations import (
    all_revisions,
    current_heads,
    current_revision,
    downgrade_to,
    head_revision,
    include_object,
    upgrade_to,
    upgrade_to_head,
)
from pos_app.storage.tables import Base


def _names(engine, kind: str) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT name FROM sqlite_master WHERE type = :k"), {"k": kind}).scalars())


def test_an_empty_file_is_migrated_to_head_at_start_up(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "new.db")

    assert current_revision(engine) == head_revision()
    assert {"customers", "products", "promotions", "promotion_codes", "ledger_entries", "outbox", "point_lots",
            "lot_consumptions", "orders", "order_lines", "users", "audit_log", "customers_fts"} <= _names(engine, "table")
    assert {"ledger_entries_no_update", "ledger_entries_no_delete", "ledger_entries_no_reversal_of_reversal",
            "customers_fts_insert", "customers_fts_update", "customers_fts_delete"} <= _names(engine, "trigger")


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_migrated_schema_matches_the_table_definitions(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "new.db")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object, "compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_revision_upgrades_step_by_step_and_downgrades_to_empty(tmp_path: Path) -> None:
    engine = create_store_engine(tmp_path / "steps.db")
    for revision in all_revisions():
        upgrade_to(engine, revision)
        assert revision in current_heads(engine)

    downgrade_to(engine, "base")
    assert current_revision(engine) is None
    assert _names(engine, "table") <= {"alembic_version"}

    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()


def test_running_the_migrations_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    open_store(path).dispose()
    engine = open_store(path)
    assert current_revision(engine) == head_revision()


def test_every_connection_gets_the_durability_pragmas(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "pragmas.db")
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
