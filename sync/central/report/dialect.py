"""What the report's SQL needs from each database: local days, JSON fields, bulk writes, one refresher.

PostgreSQL converts a moment to the report's local day itself (`timezone()`);
on SQLite the same conversion is `pos_app.domain.report.periods.local_day`,
registered on the connection as the function `report_day`. Bulk writes use
COPY on PostgreSQL and executemany elsewhere. Refreshes and rebuilds hold a
transaction-scoped advisory lock on PostgreSQL (SQLite transactions already
run one writer at a time).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.report.periods import local_day, zone

REPORT_LOCK_KEY = 0x5EB0_12E9


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@functools.lru_cache(maxsize=4096)
def _sqlite_day(moment: str | None, tz_name: str) -> str | None:
    if moment is None:
        return None
    return local_day(datetime.fromisoformat(moment), zone(tz_name)).isoformat()


def prepare(session: Session) -> None:
    """Register `report_day` on a SQLite connection (PostgreSQL needs nothing)."""
    if is_postgres(session):
        return
    raw = session.connection().connection.dbapi_connection
    raw.create_function("report_day", 2, _sqlite_day, deterministic=True)  # type: ignore[union-attr]


def day_of(session: Session, column: Any, tz_name: str) -> Any:
    """The local day of a timestamp column, as an SQL expression."""
    if is_postgres(session):
        return sa.func.date(sa.func.timezone(tz_name, column))
    return sa.func.report_day(column, tz_name)


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def json_field(session: Session, column: Any, name: str) -> Any:
    if is_postgres(session):
        return sa.cast(column, sa.JSON)[name].as_string()
    return sa.func.json_extract(column, f"$.{name}")


def lock(session: Session, *, wait: bool = True) -> bool:
    """The report's refresh lock for this transaction; without `wait`, False when another refresh holds it."""
    if not is_postgres(session):
        return True
    # One lock per schema: several central services may share a database, each in its own schema.
    key = sa.text("SELECT hashtext(current_schema() || :k)").bindparams(k=f":report:{REPORT_LOCK_KEY}")
    if wait:
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": session.scalar(key)})
        return True
    return bool(session.scalar(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": session.scalar(key)}))


def analyze(session: Session, tables: Iterable[sa.Table]) -> None:
    """Fresh planner statistics after a bulk rewrite (stale ones turn a join into a nested scan)."""
    if is_postgres(session):
        for table in tables:
            session.execute(sa.text(f"ANALYZE {table.name}"))


def bulk_insert(session: Session, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert many rows (tuples in `columns` order): COPY on PostgreSQL, executemany elsewhere."""
    count = 0
    if is_postgres(session):
        cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f'COPY {table.name} ({", ".join(_quoted(c) for c in columns)}) FROM STDIN') as copy:
            chunk: list[str] = []
            for row in rows:  # COPY's text format, written in large chunks (far faster than row by row)
                chunk.append("\t".join(_copy_text(v) for v in row))
                count += 1
                if len(chunk) >= 20_000:
                    copy.write("\n".join(chunk) + "\n")
                    chunk = []
            if chunk:
                copy.write("\n".join(chunk) + "\n")
        return count
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        count += 1
        if len(batch) >= 5000:
            session.execute(table.insert(), batch)
            batch = []
    if batch:
        session.execute(table.insert(), batch)
    return count


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    return str(value).translate(_ESCAPES)


def tune(session: Session) -> None:
    """Settings for the report's big reads on PostgreSQL: no JIT (its compile time outweighs these scans),
    and memory for its hash aggregates, for this transaction only."""
    if is_postgres(session):
        session.execute(sa.text("SET LOCAL jit = off"))
        session.execute(sa.text("SET LOCAL work_mem = '256MB'"))


def total(session: Session, column: Any) -> Any:
    """SUM of an integer column: over int4 on PostgreSQL (its bigint sum is a slow numeric)."""
    return sa.func.sum(sa.cast(column, sa.Integer) if is_postgres(session) else column)


def _quoted(column: str) -> str:
    return f'"{column}"' if column in {"group", "left", "day"} else column


def upsert_add(session: Session, table: sa.Table, keys: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET each other column = column + the new value."""
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    stmt = (postgresql.insert(table) if is_postgres(session) else sqlite.insert(table))
    adds = {c: table.c[c] + stmt.excluded[c] for c in rows[0] if c not in keys}
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=adds), rows)


__all__ = ["analyze", "as_date", "bulk_insert", "day_of", "is_postgres", "json_field", "lock", "prepare", "total", "tune",
           "upsert_add"]
