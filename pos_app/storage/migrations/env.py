"""Alembic environment for the register's store: online only, batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from pos_app.storage.migrations import include_object
from pos_app.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line: a URL given with -x url=...
        from pos_app.storage.database import create_store_engine

        url = context.get_x_argument(as_dictionary=True).get("path")
        if not url:
            raise RuntimeError("run with -x path=/path/to/register.db or call upgrade_to_head(engine)")
        engine = create_store_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported for the register store")
run_migrations_online()
