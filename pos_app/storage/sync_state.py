"""The sync's key/value state (`sync_state`): the pull cursor and pulled records with no table of their own.

Values are JSON text. The repository shares the unit of work's session, so a
cursor saved here commits or rolls back together with the page it follows.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pos_app.storage.tables import SyncStateRow

CURSOR_KEY = "cursor"  # the pull cursor: present once the register has pulled from a central service


class SyncStateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str, default: Any = None) -> Any:
        text = self._session.scalar(select(SyncStateRow.value).where(SyncStateRow.key == key))
        return default if text is None else json.loads(text)

    def put(self, key: str, value: Any) -> None:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        statement = sqlite_insert(SyncStateRow).values(key=key, value=text)
        self._session.execute(statement.on_conflict_do_update(index_elements=[SyncStateRow.key],
                                                              set_={"value": statement.excluded.value}))

    def delete(self, key: str) -> None:
        self._session.execute(delete(SyncStateRow).where(SyncStateRow.key == key))

    def with_prefix(self, prefix: str) -> dict[str, Any]:
        """Every value whose key starts with `prefix`, by the rest of the key."""
        rows = self._session.execute(
            select(SyncStateRow.key, SyncStateRow.value).where(SyncStateRow.key.startswith(prefix, autoescape=True))
        )
        return {key[len(prefix):]: json.loads(value) for key, value in rows}

    def follows_central(self) -> bool:
        """Whether this register takes the program's state from a central service (it has pulled from one)."""
        return self.get(CURSOR_KEY) is not None

    def delete_prefix(self, prefix: str) -> None:
        self._session.execute(delete(SyncStateRow).where(SyncStateRow.key.startswith(prefix, autoescape=True)))


__all__ = ["CURSOR_KEY", "SyncStateRepository"]
