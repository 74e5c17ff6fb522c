"""Alembic migrations shipped inside the package and applied at start-up.

`upgrade_to_head(engine)` brings any database, including a brand-new empty
file, to the current schema; the outbox and the ledger survive every upgrade
because migrations only ever add (batch mode recreates SQLite tables with
their rows). There is no alembic.ini: the configuration is built here.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave the FTS5 index (a virtual table and its shadow tables) out of autogenerate."""
    return not (type_ == "table" and name is not None and name.startswith("customers_fts"))


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every migration not yet applied to the database behind `engine`."""
    upgrade_to(engine, "head")


def upgrade_to(engine: Engine, revision: str) -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade_to(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def all_revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "all_revisions",
    "current_revision",
    "downgrade_to",
    "head_revision",
    "include_object",
    "upgrade_to",
    "upgrade_to_head",
]
