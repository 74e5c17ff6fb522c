"""Tiers: a ladder of spend thresholds, with progression and retention.

A member's tier follows their rolling spend (the program's window, e.g. 12
months, across every store). Reaching a higher threshold moves them up at
once, as far as the spend reaches (progression). Falling below the tier they
hold does not move them down at once: they keep it for the program's
retention period (`retention_months`, "kept 6 months after falling below"),
through `kept_until`; on the first day after it they step down ONE tier, and
when the spend is still below that one too, a new retention period starts for
it. Spend that reaches the held tier again ends the retention. A tier the
ladder does not name (an imported `staff` tier) is left alone.

`decide_tier` is pure: the central service's tier job applies it to every
member each day (`sync.central.tiers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pos_app.domain.ledger import add_months

PROGRESSION = "progression"
RETENTION_ENDED = "retention_ended"


@dataclass(frozen=True, slots=True)
class TierRule:
    """A tier reached with `threshold_minor` of rolling spend; earns `multiplier` times."""

    name: str
    threshold_minor: int
    multiplier: str = "1"


def ladder(rules: Sequence[TierRule]) -> tuple[TierRule, ...]:
    """The rules from the lowest threshold up (ties in name order)."""
    return tuple(sorted(rules, key=lambda rule: (rule.threshold_minor, rule.name)))


def reached_tier(rules: Sequence[TierRule], spend_minor: int) -> str | None:
    """The highest tier whose threshold the spend reaches, or None."""
    reached = [rule for rule in ladder(rules) if spend_minor >= rule.threshold_minor]
    return reached[-1].name if reached else None


def next_tier(rules: Sequence[TierRule], spend_minor: int, held: str | None) -> TierRule | None:
    """The lowest tier above both the spend and the tier held, or None at the top."""
    steps = ladder(rules)
    floor = spend_minor
    for rule in steps:
        if rule.name in (held, reached_tier(steps, spend_minor)):
            floor = max(floor, rule.threshold_minor)
    return next((rule for rule in steps if rule.threshold_minor > floor), None)


@dataclass(frozen=True, slots=True)
class TierDecision:
    """What a member's tier becomes: `reason` names a change of tier (None: the tier stays)."""

    tier: str | None
    kept_until: date | None
    reason: str | None = None


def retention_end(today: date, retention_months: int) -> date:
    """The last day a tier is kept when the spend falls below it on `today`."""
    return add_months(today, retention_months) - timedelta(days=1)


def decide_tier(rules: Sequence[TierRule], *, current: str | None, spend_minor: int, kept_until: date | None,
                today: date, retention_months: int) -> TierDecision:
    """The member's tier on `today` (see the module docstring)."""
    steps = [rule.name for rule in ladder(rules)]
    if current is not None and current not in steps:
        return TierDecision(current, None)
    held = steps.index(current) if current is not None else -1
    reached = reached_tier(rules, spend_minor)
    rank = steps.index(reached) if reached is not None else -1
    if rank > held:
        return TierDecision(reached, None, PROGRESSION)
    if rank == held:
        return TierDecision(current, None)
    if retention_months > 0 and kept_until is None:
        return TierDecision(current, retention_end(today, retention_months))
    if retention_months > 0 and kept_until is not None and today <= kept_until:
        return TierDecision(current, kept_until)
    lower = steps[held - 1] if held > 0 else None
    still_below = rank < held - 1
    again = retention_end(today, retention_months) if still_below and retention_months > 0 else None
    return TierDecision(lower, again, RETENTION_ENDED)


__all__ = [
    "PROGRESSION",
    "RETENTION_ENDED",
    "TierDecision",
    "TierRule",
    "decide_tier",
    "ladder",
    "next_tier",
    "reached_tier",
    "retention_end",
]
