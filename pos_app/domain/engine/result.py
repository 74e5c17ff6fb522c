"""What the engine answers: prices per line, promotions applied and refused, points.

Amounts are integer minor units; `pos_app.domain.scenario_json` turns a result
into the JSON of FORMAT.md section 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pos_app.domain.engine.sale import RedeemRequest
from pos_app.domain.money import Currency
from pos_app.domain.promotion import Reason


@dataclass(frozen=True, slots=True)
class LineResult:
    """One cart line after promotions and points: subtotal - discount - points_value = total."""

    id: str
    subtotal: int
    discount: int
    points_value: int
    allocations: dict[str, int] = field(default_factory=dict, hash=False)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount - self.points_value


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """A promotion that applied: its money amount, or the points it adds."""

    id: str
    name: str
    amount: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class Rejection:
    """A promotion that did not apply, with its reason code and words for the cashier."""

    id: str
    name: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class CodeStatus:
    """What became of one code the cashier entered."""

    code: str
    status: str  # unknown | used | not_owner | applied | not_applicable
    promotion: str | None


@dataclass(frozen=True, slots=True)
class Redemption:
    """Points spent as payment: what was asked, what was granted, why it was cut."""

    requested: RedeemRequest
    redeemed: int
    value: int
    limited_by: str | None
    cap: int = 0


@dataclass(frozen=True, slots=True)
class Nudge:
    """What the customer could add to unlock a promotion."""

    promotion: str
    message: str


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """The engine's full answer for one sale."""

    currency: Currency
    lines: tuple[LineResult, ...]
    applied: tuple[AppliedPromotion, ...]
    rejected: tuple[Rejection, ...]
    codes: tuple[CodeStatus, ...]
    redemption: Redemption
    points_earned: int
    nudges: tuple[Nudge, ...] = ()
    optimal: bool = True

    @property
    def subtotal(self) -> int:
        return sum(line.subtotal for line in self.lines)

    @property
    def discount_total(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def points_value(self) -> int:
        return sum(line.points_value for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount_total - self.points_value
