"""The change feed: every change to pulled state, numbered by a global increasing `seq`.

A record is identified by (topic, key); a change carries its whole new state,
so the latest change of every record *is* the current state, and a snapshot is
just that.

A puller must never step over a number whose change is not yet visible, so
numbers are not handed out by the writers (whose transactions commit in any
order). Writers insert changes unnumbered; `assign_sequence`, run before each
pull in its own short transaction under a lock, numbers the committed
unnumbered changes after every number given before. A change that commits
later therefore always gets a later number, and pushes never wait on each
other for the feed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central.bulk import insert_rows
from sync.central.db import utcnow
from sync.central.errors import CursorExpired
from sync.central.tables import ChangeRow, FeedStateRow
from sync.protocol import (
    FEED_SCHEMA_VERSION,
    Change,
    ChangeTopic,
    SnapshotHeader,
    format_cursor,
    parse_cursor,
)

FEED_LOCK_KEY = 0x504F53  # "POS"
SEQUENCE_CHUNK = 20_000

Record = tuple[ChangeTopic, str, dict[str, Any] | None]


def emit(session: Session, records: Iterable[Record]) -> None:
    rows = [
        {"topic": topic.value, "key": key, "data": None if data is None else _dumps(data), "created_at": utcnow()}
        for topic, key, data in records
    ]
    insert_rows(session, ChangeRow.__table__, rows)


def assign_sequence(session: Session) -> int:
    """Number the committed unnumbered changes (call in its own transaction); returns the head seq."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})
    # (SQLite: the transaction began IMMEDIATE, so it is alone already.)
    head = head_seq(session)
    table = ChangeRow.__table__
    while True:  # in chunks, so a million-row import does not need a million parameters at once
        pending = session.scalars(
            sa.select(ChangeRow.id).where(ChangeRow.seq.is_(None)).order_by(ChangeRow.id).limit(SEQUENCE_CHUNK)
        ).all()
        if not pending:
            return head
        session.execute(
            table.update().where(table.c.id == sa.bindparam("b_id")).values(seq=sa.bindparam("b_seq")),
            [{"b_id": change_id, "b_seq": head + n} for n, change_id in enumerate(pending, start=1)],
        )
        head += len(pending)


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _to_change(row: ChangeRow | sa.Row[Any]) -> Change:
    return Change(
        seq=row.seq,
        topic=ChangeTopic(row.topic),
        key=row.key,
        data=None if row.data is None else json.loads(row.data),
    )


def head_seq(session: Session) -> int:
    """The highest number handed out so far."""
    return session.scalar(sa.select(sa.func.coalesce(sa.func.max(ChangeRow.seq), 0))) or 0


def horizon_seq(session: Session) -> int:
    return session.scalar(sa.select(FeedStateRow.horizon_seq).where(FeedStateRow.id == 1)) or 0


def changes_after(session: Session, cursor: str, limit: int) -> tuple[list[Change], str, bool]:
    """One page of changes after `cursor`: (changes, new cursor, more to come).

    Raises `CursorExpired` when the cursor is of another feed schema, older than
    the compaction horizon, or ahead of anything this server ever numbered.
    """
    try:
        schema, after = parse_cursor(cursor)
    except ValueError as exc:
        raise CursorExpired(str(exc)) from exc
    if schema != FEED_SCHEMA_VERSION:
        raise CursorExpired(f"feed schema changed ({schema} -> {FEED_SCHEMA_VERSION}); download a snapshot")
    if after < horizon_seq(session):
        raise CursorExpired("cursor older than the retained change feed; download a snapshot")
    rows = session.execute(
        sa.select(ChangeRow.seq, ChangeRow.topic, ChangeRow.key, ChangeRow.data)
        .where(ChangeRow.seq > after)
        .order_by(ChangeRow.seq)
        .limit(limit + 1)
    ).all()
    if not rows and after > head_seq(session):
        raise CursorExpired("cursor ahead of this server's feed; download a snapshot")
    more = len(rows) > limit
    page = [_to_change(r) for r in rows[:limit]]
    new_cursor = format_cursor(page[-1].seq if page else after)
    return page, new_cursor, more


def write_snapshot(session: Session, write: Callable[[bytes], object]) -> str:
    """Write the snapshot as JSON Lines (header, then the latest change of every live record); returns its cursor.

    Rows are streamed from the database, so memory stays flat whatever the number of customers.
    """
    head = head_seq(session)
    write(SnapshotHeader(feed_schema=FEED_SCHEMA_VERSION, cursor=format_cursor(head)).model_dump_json().encode()
          + b"\n")
    latest = (
        sa.select(ChangeRow.topic, ChangeRow.key, sa.func.max(ChangeRow.seq).label("seq"))
        .where(ChangeRow.seq.is_not(None), ChangeRow.seq <= head)
        .group_by(ChangeRow.topic, ChangeRow.key)
        .subquery()
    )
    rows = session.execute(
        sa.select(ChangeRow.seq, ChangeRow.topic, ChangeRow.key, ChangeRow.data)
        .join(latest, ChangeRow.seq == latest.c.seq)
        .where(ChangeRow.data.is_not(None))
        .order_by(ChangeRow.seq),
        execution_options={"stream_results": True, "yield_per": 5000},
    )
    for row in rows:
        # `data` is already canonical JSON text: splice it in rather than parse and re-dump it.
        write(b'{"seq":%d,"topic":%s,"key":%s,"data":%s}\n' % (
            row.seq, json.dumps(row.topic).encode(), json.dumps(row.key).encode(), row.data.encode()))
    return format_cursor(head)


def compact(session: Session, upto_seq: int) -> int:
    """Drop changes at or below `upto_seq` that a later change supersedes; cursors below it get 410.

    Returns how many changes were dropped.
    """
    newer = sa.orm.aliased(ChangeRow)
    superseded = sa.exists().where(
        newer.topic == ChangeRow.topic, newer.key == ChangeRow.key, newer.seq.is_not(None), newer.seq > ChangeRow.seq
    )
    result = session.execute(
        sa.delete(ChangeRow)
        .where(ChangeRow.seq.is_not(None), ChangeRow.seq <= upto_seq)
        .where(sa.or_(superseded, ChangeRow.data.is_(None)))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(FeedStateRow)
        .where(FeedStateRow.id == 1)
        .values(horizon_seq=sa.func.max(FeedStateRow.horizon_seq, upto_seq)
                if session.get_bind().dialect.name == "sqlite"
                else sa.func.greatest(FeedStateRow.horizon_seq, upto_seq))
    )
    return result.rowcount or 0
