"""The rewards catalogue: what a customer may claim with points, and how each is given.

A `discount` or `free_product` reward names the code-gated promotion that
gives it; a claim issues the member a personal single-use code of it. A
`partner` reward hands out a code from the partner's pool: the central
service reserves a few for this register (`reward_codes`), so a claim works
offline too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pos_app.storage.tables import RewardCodeRow, RewardRow

AVAILABLE, ISSUED = "available", "issued"


@dataclass(frozen=True, slots=True)
class Reward:
    """A free coffee for 150 points: `promotion_id` is the code-gated promotion a claim's code unlocks
    (None for a partner reward, which hands out a code of its pool)."""

    id: str
    name: str
    points: int
    promotion_id: str | None
    active: bool = True
    kind: str = "discount"  # discount | free_product | partner
    partner: str | None = None
    description: str | None = None

    @property
    def is_partner(self) -> bool:
        return self.kind == "partner"


def _to_reward(row: RewardRow) -> Reward:
    return Reward(row.id, row.name, row.points, row.promotion_id, row.active, row.kind, row.partner, row.description)


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

    def active_ids(self) -> list[str]:
        return list(self._session.scalars(select(RewardRow.id).where(RewardRow.active)))

    def upsert_many(self, rewards: Iterable[Reward]) -> int:
        values = [
            {
                "id": r.id,
                "name": r.name,
                "points": r.points,
                "promotion_id": r.promotion_id,
                "active": r.active,
                "kind": r.kind,
                "partner": r.partner,
                "description": r.description,
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

    def deactivate(self, reward_id: str) -> None:
        self._session.execute(update(RewardRow).where(RewardRow.id == reward_id).values(active=False))

    # -- partner codes held by this register ----------------------------------------------------

    def hold_codes(self, reward_id: str, codes: Collection[str]) -> None:
        """The central service's reserve for this register: these codes are available here now.

        A code already handed out here stays issued (the central service learns of it at the next push);
        an available code no longer listed went back to the pool.
        """
        held = dict(self._session.execute(
            select(RewardCodeRow.code, RewardCodeRow.state).where(RewardCodeRow.reward_id == reward_id)).all())
        gone = [code for code, state in held.items() if state == AVAILABLE and code not in codes]
        if gone:
            self._session.execute(delete(RewardCodeRow).where(RewardCodeRow.code.in_(gone)))
        fresh = [{"code": code, "reward_id": reward_id, "state": AVAILABLE} for code in codes if code not in held]
        if fresh:
            self._session.execute(sqlite_insert(RewardCodeRow).on_conflict_do_nothing(), fresh)

    def drop_codes_except(self, reward_ids: Collection[str]) -> None:
        """Available codes of rewards whose reserve the central service no longer lists (a snapshot)."""
        self._session.execute(delete(RewardCodeRow).where(RewardCodeRow.state == AVAILABLE,
                                                          RewardCodeRow.reward_id.not_in(list(reward_ids))))

    def available_code(self, reward_id: str, *, excluding: Collection[str] = ()) -> str | None:
        """A code of the reward this register may hand out (not among `excluding`, claimed in this sale)."""
        query = select(RewardCodeRow.code).where(RewardCodeRow.reward_id == reward_id,
                                                 RewardCodeRow.state == AVAILABLE)
        if excluding:
            query = query.where(RewardCodeRow.code.not_in(list(excluding)))
        return self._session.scalar(query.order_by(RewardCodeRow.code).limit(1))

    def available_count(self, reward_id: str) -> int:
        return len(self._session.scalars(select(RewardCodeRow.code).where(
            RewardCodeRow.reward_id == reward_id, RewardCodeRow.state == AVAILABLE)).all())

    def issue_code(self, code: str, customer_id: str, order_id: str, at: datetime) -> bool:
        """Hand an available code to a member for an order; False when it was handed out already."""
        done = self._session.execute(
            update(RewardCodeRow).where(RewardCodeRow.code == code, RewardCodeRow.state == AVAILABLE)
            .values(state=ISSUED, customer_id=customer_id, order_id=order_id, issued_at=at))
        return done.rowcount == 1  # type: ignore[attr-defined]

    def code_state(self, code: str) -> tuple[str, str | None] | None:
        """(state, member) of a partner code this register held, or None."""
        row = self._session.get(RewardCodeRow, code)
        return None if row is None else (row.state, row.customer_id)


__all__ = ["AVAILABLE", "ISSUED", "Reward", "RewardRepository"]
