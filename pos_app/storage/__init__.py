"""The register's local store: SQLite through SQLAlchemy 2.0, migrated by Alembic.

`database.open_store(path)` gives an engine with the durability pragmas set on
every connection and the schema at head; `unit_of_work.UnitOfWorkFactory`
opens one session per `with` block and exposes the repositories.
"""
