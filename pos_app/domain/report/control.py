"""Control groups: what a personal offer drove, measured against the members held out of it.

A personal promotion (win-back, birthday, a segment's offer) may hold out a
share of its audience: those members get nothing and show what the others
would have done anyway. Who is held out is decided by a stable hash of the
promotion and the member id (`held_out`), so a member never changes group
between runs. The report compares the two groups over the same days, counting
only orders placed after each member was assigned:

- purchase rate (members who bought / members), with the difference and its
  95% confidence interval (two independent proportions, normal approximation);
- revenue per member (every member counts, non-buyers with zero), with the
  difference and its 95% interval (Welch's unequal variances);
- average order value, with the difference.

The *lift* is the difference target - control; relative lift divides it by
the control's value. An interval that excludes zero is a significant effect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

Z_95 = Decimal("1.959964")
_Q = Decimal("0.000001")


def held_out(promotion_id: str, customer_id: str, share: Decimal | str) -> bool:
    """Whether the member is in the promotion's control group (a stable hash below `share`)."""
    digest = hashlib.sha256(f"{promotion_id}\x1f{customer_id}".encode()).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 1 << 64) < Fraction(Decimal(share))


@dataclass(frozen=True, slots=True)
class GroupStats:
    """One group's members and what they bought (revenue in minor units, `revenue_squares` per member)."""

    members: int = 0
    buyers: int = 0
    orders: int = 0
    revenue_minor: int = 0
    revenue_squares: int = 0  # the sum over members of (their revenue in minor units) squared

    @property
    def purchase_rate(self) -> Decimal | None:
        return _div(self.buyers, self.members)

    @property
    def revenue_per_member(self) -> Decimal | None:
        return _div(self.revenue_minor, self.members)

    @property
    def average_order(self) -> Decimal | None:
        return _div(self.revenue_minor, self.orders)

    def revenue_variance(self) -> Decimal | None:
        if self.members < 2:
            return None
        with localcontext() as ctx:
            ctx.prec = 40
            n = Decimal(self.members)
            mean = Decimal(self.revenue_minor) / n
            return max((Decimal(self.revenue_squares) - n * mean * mean) / (n - 1), Decimal(0))


@dataclass(frozen=True, slots=True)
class Lift:
    """target - control; `low`..`high` the 95% interval when it can be computed."""

    target: Decimal | None
    control: Decimal | None
    difference: Decimal | None
    relative: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def significant(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low > 0 or self.high < 0


@dataclass(frozen=True, slots=True)
class ControlComparison:
    promotion_id: str
    name: str
    target: GroupStats
    control: GroupStats
    purchase_rate: Lift
    revenue_per_member: Lift
    average_order: Lift

    @property
    def incremental_revenue_minor(self) -> Decimal | None:
        """What the offer drove: the revenue-per-member lift times the members who got it."""
        if self.revenue_per_member.difference is None:
            return None
        return (self.revenue_per_member.difference * self.target.members).quantize(Decimal(1))


def compare_groups(promotion_id: str, name: str, target: GroupStats, control: GroupStats) -> ControlComparison:
    rate = _lift(target.purchase_rate, control.purchase_rate)
    if rate.difference is not None and target.members and control.members:
        with localcontext() as ctx:
            ctx.prec = 40
            pt, pc = rate.target, rate.control
            assert pt is not None and pc is not None
            se = (pt * (1 - pt) / target.members + pc * (1 - pc) / control.members).sqrt()
            rate = _with_interval(rate, se)
    revenue = _lift(target.revenue_per_member, control.revenue_per_member)
    vt, vc = target.revenue_variance(), control.revenue_variance()
    if revenue.difference is not None and vt is not None and vc is not None:
        with localcontext() as ctx:
            ctx.prec = 40
            revenue = _with_interval(revenue, (vt / target.members + vc / control.members).sqrt())
    aov = _lift(target.average_order, control.average_order)
    return ControlComparison(promotion_id, name, target, control, rate, revenue, aov)


def _div(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(numerator) / Decimal(denominator)).quantize(_Q)


def _lift(target: Decimal | None, control: Decimal | None) -> Lift:
    if target is None or control is None:
        return Lift(target, control, None, None)
    difference = target - control
    relative = (difference / control).quantize(_Q) if control else None
    return Lift(target, control, difference, relative)


def _with_interval(lift: Lift, standard_error: Decimal) -> Lift:
    assert lift.difference is not None
    margin = Z_95 * standard_error
    return Lift(lift.target, lift.control, lift.difference, lift.relative,
                (lift.difference - margin).quantize(_Q), (lift.difference + margin).quantize(_Q))


__all__ = ["Z_95", "ControlComparison", "GroupStats", "Lift", "compare_groups", "held_out"]
