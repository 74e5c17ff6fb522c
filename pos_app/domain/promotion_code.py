"""A promotion code as the register stores it: who may use it and how often.

Codes match case-insensitively after trimming (FORMAT.md 2), so they are
stored under `normalise_code(text)`; `display` keeps the spelling issued.
"""

from __future__ import annotations

from dataclasses import dataclass


def normalise_code(text: str) -> str:
    return text.strip().upper()


@dataclass(frozen=True, slots=True)
class PromotionCode:
    code: str  # normalised
    promotion_id: str
    customer_id: str | None = None  # None: universal
    uses_left: int | None = None  # None: unlimited
    display: str = ""

    @property
    def used_up(self) -> bool:
        return self.uses_left == 0

    def to_scenario(self) -> dict[str, object]:
        """The FORMAT.md 2 `codes[]` entry."""
        return {"code": self.display or self.code, "customer": self.customer_id, "uses_left": self.uses_left}


__all__ = ["PromotionCode", "normalise_code"]
