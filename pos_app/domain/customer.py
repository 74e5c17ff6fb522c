"""The customer as the engine sees them: tier, segments, points and history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Customer:
    """An identified loyalty customer at the moment of a sale."""

    id: str
    tier: str | None = None
    segments: frozenset[str] = frozenset()
    points: int = 0
    first_order: bool = False
    birthday: date | None = None
    promo_uses: dict[str, int] = field(default_factory=dict, hash=False)

    def birthday_within(self, today: date, days: int) -> bool:
        """True when the birthday (month and day) is within `days` of `today`, inclusive.

        29 February counts as 28 February in years that have no 29 February.
        """
        if self.birthday is None:
            return False
        for year in (today.year - 1, today.year, today.year + 1):
            if abs((birthday_in_year(self.birthday, year) - today).days) <= days:
                return True
        return False


def birthday_in_year(birthday: date, year: int) -> date:
    """The birthday's date in `year` (29 February becomes 28 February off leap years)."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


__all__ = ["Customer", "birthday_in_year"]
