"""The rewards catalogue: what a customer may claim with points, and the promotion that gives it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pos_app.storage.tables import RewardRow


@dataclass(frozen=True, slots=True)
class Reward:
    """A free coffee for 150 points: `promotion_id` is the code-gated promotion a claim's code unlocks."""

    id: str
    name: str
    points: int
    promotion_id: str
    active: bool = True


def _to_reward(row: RewardRow) -> Reward:
    return Reward(row.id, row.name, row.points, row.promotion_id, row.active)


class RewardRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, reward_id: str) -> Reward | None:
        row = self._session.get(RewardRow, reward_id)
        return None if row is None else _to_reward(row)

    def active(self) -> list[Reward]:
        """The rewards a cashier may offer, cheapest first."""
        rows = self._session.scalars(
            select(RewardRow).where(RewardRow.active).order_by(RewardRow.points, RewardRow.id)
        )
        return [_to_reward(row) for row in rows]

    def upsert_many(self, rewards: Iterable[Reward]) -> int:
        values = [
            {
                "id": r.id,
                "name": r.name,
                "points": r.points,
                "promotion_id": r.promotion_id,
                "active": r.active,
            }
            for r in rewards
        ]
        if not values:
            return 0
        statement = sqlite_insert(RewardRow).values()
        statement = statement.on_conflict_do_update(
            index_elements=[RewardRow.id],
            set_={name: statement.excluded[name] for name in values[0] if name != "id"},
        )
        self._session.execute(statement, values)
        return len(values)


__all__ = ["Reward", "RewardRepository"]
