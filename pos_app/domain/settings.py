"""Program settings: the currency, rounding, arbitration and points rules of a program."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from pos_app.domain.money import Currency, Rounding


@dataclass(frozen=True, slots=True)
class PointsRules:
    """How points are earned and spent (FORMAT.md 1.1 `points`)."""

    earn_rate: Fraction = Fraction(1)
    earn_on: str = "net"  # net | gross
    redeem_value: Fraction = Fraction(1, 100)
    min_redeem: int = 0
    redeem_step: int = 1
    max_redeem_share: Fraction = Fraction(1)
    tiers: dict[str, Fraction] = field(default_factory=dict, hash=False)

    def tier_multiplier(self, tier: str | None) -> Fraction:
        """A tier not listed, or no tier, earns at 1."""
        return self.tiers.get(tier, Fraction(1)) if tier is not None else Fraction(1)


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    """The settings the engine needs for one evaluation."""

    currency: Currency
    rounding: Rounding = Rounding.HALF_UP
    arbitration: str = "best"  # best | priority
    max_discount_share: Fraction = Fraction(1)
    points: PointsRules = field(default_factory=PointsRules)
