"""Reading and writing many rows at once: `COPY` on PostgreSQL, `executemany` on SQLite.

A daily job writes hundreds of thousands of rows (members' tiers and lots,
feed changes, offer audiences). `executemany` sends one statement per row;
on PostgreSQL these helpers stream the batch with `COPY`, in the session's
own transaction: straight into the table for an insert, into a temporary
table joined by one `UPDATE ... FROM` for an update. The rows and their
meaning are the same either way. `stream` reads a big query as its rows come.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

SMALL = 20  # below this many rows, executemany is as good
STREAM = 20_000  # rows fetched at a time by `stream`


def _use_copy(session: Session, rows: Sequence[Any]) -> bool:
    return len(rows) >= SMALL and session.get_bind().dialect.name == "postgresql"


def _copy(session: Session, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    driver = session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT the rows (each a dict of the same columns) into `table`."""
    if not rows:
        return
    if not _use_copy(session, rows):
        session.execute(table.insert(), list(rows))
        return
    _copy(session, table.name, list(rows[0]), rows)


def update_rows(session: Session, table: sa.Table, key: str, rows: Sequence[dict[str, Any]],
                columns: Sequence[str]) -> None:
    """UPDATE `columns` of the rows of `table` whose `key` each dict names (`{key: ..., column: ...}`)."""
    if not rows:
        return
    if not _use_copy(session, rows):
        statement = (table.update().where(table.c[key] == sa.bindparam("b_key"))
                     .values(**{c: sa.bindparam(f"b_{c}") for c in columns}))
        session.execute(statement, [{"b_key": row[key], **{f"b_{c}": row[c] for c in columns}} for row in rows])
        return
    every = [key, *columns]
    scratch = f"bulk_{table.name}"
    types = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=postgresql.dialect())}' for c in every)
    session.execute(sa.text(f'CREATE TEMPORARY TABLE "{scratch}" ({types}) ON COMMIT DROP'))
    _copy(session, scratch, every, rows)
    assignments = ", ".join(f'"{c}" = v."{c}"' for c in columns)
    session.execute(sa.text(f'UPDATE "{table.name}" SET {assignments} FROM "{scratch}" AS v '
                            f'WHERE "{table.name}"."{key}" = v."{key}"'))
    session.execute(sa.text(f'DROP TABLE "{scratch}"'))


def stream(conn: sa.Connection, query: sa.Select[Any]) -> Iterator[sa.Row[Any]]:
    """The rows of a big query as they come (on PostgreSQL with room to sort them in memory)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
    yield from conn.execution_options(stream_results=True, yield_per=STREAM).execute(query)


__all__ = ["insert_rows", "stream", "update_rows"]
