"""What one discount promotion takes off each line, given the running amounts.

`apply_discount` is the single step every arbitration mode is built from:
check the cart conditions on the running amounts (FORMAT.md 2), compute the
reward's line parts with its rounding rule (3.2-3.5), cut each part at the
line's floor (3.6, the cut is lost), then cut the promotion to the order's
discount cap and re-spread it (3.6). A result with nothing left is `no_effect`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

from pos_app.domain.engine.context import SaleContext
from pos_app.domain.engine.spread import spread, spread_int
from pos_app.domain.money import round_ratio
from pos_app.domain.promotion import (
    AmountOff,
    Bundle,
    BuyGet,
    FixedPrice,
    PercentOff,
    Promotion,
    Reason,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A discount promotion that passed the static checks, with its lines resolved."""

    promo: Promotion
    eligible: tuple[int, ...]  # lines its conditions look at
    reward_lines: tuple[int, ...]  # lines its reward may touch (buy_get `get_items` may differ)
    position: int  # place in the sequence (phase, priority, id)
    touched: frozenset[int] = field(init=False, compare=False)  # eligible | reward_lines, asked at every node

    def __post_init__(self) -> None:
        object.__setattr__(self, "touched", frozenset(self.eligible).union(self.reward_lines))

    @property
    def id(self) -> str:
        return self.promo.id


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of evaluating one candidate on a state: a refusal, or line parts."""

    reason: Reason | None
    parts: dict[int, int]
    detail: str = ""
    shortfall: int = 0  # for min_subtotal / min_qty refusals: how much is missing

    @property
    def amount(self) -> int:
        return sum(self.parts.values())


def check_conditions(
    promo: Promotion, eligible: tuple[int, ...], running: list[int], ctx: SaleContext
) -> Outcome | None:
    """Cart conditions on the running amounts: eligible lines, then min_qty, then min_subtotal."""
    if not eligible:
        return Outcome(Reason.NO_ELIGIBLE_ITEMS, {}, "no eligible items in the cart")
    cond = promo.conditions
    if cond.min_qty is not None:
        qty = sum(ctx.units[i] for i in eligible)
        if qty < cond.min_qty:
            return Outcome(
                Reason.MIN_QTY, {}, f"needs {cond.min_qty} eligible items, cart has {qty}", cond.min_qty - qty
            )
    if cond.min_subtotal is not None:
        have = sum(running[i] for i in eligible)
        if have < cond.min_subtotal:
            money = ctx.settings.currency.display
            return Outcome(
                Reason.MIN_SUBTOTAL,
                {},
                f"needs {money(cond.min_subtotal)} of eligible items, cart has {money(have)}",
                cond.min_subtotal - have,
            )
    return None


def apply_discount(cand: Candidate, running: list[int], discount_so_far: int, ctx: SaleContext) -> Outcome:
    """Evaluate one candidate on the running amounts; nothing is mutated."""
    refused = check_conditions(cand.promo, cand.eligible, running, ctx)
    if refused is not None:
        return refused
    parts = reward_parts(cand, running, ctx)
    # Floors: a part is cut so the line stays at or above its floor; the cut is lost.
    floors = ctx.floors
    for i, part in parts.items():
        if floors[i]:
            room = ctx.room_above_floor(i, running[i])
        else:
            room = running[i] if running[i] > 0 else 0
        if part > room:
            parts[i] = room
    # The order cap: total promotion discount <= max_discount_share * subtotal (rounded down).
    share = ctx.settings.max_discount_share
    if share < 1:
        cap = (share * ctx.order_subtotal).__floor__()
        room = max(0, cap - discount_so_far)
        total = sum(parts.values())
        if total > room:
            parts = spread(room, [(i, parts[i]) for i in sorted(parts)])
    parts = {i: p for i, p in parts.items() if p}
    if not parts:
        return Outcome(Reason.NO_EFFECT, {}, "gives nothing on this cart")
    return Outcome(None, parts)


def reward_parts(cand: Candidate, running: list[int], ctx: SaleContext) -> dict[int, int]:
    """Each touched line's discount from the reward, rounded by its rule, before floors and caps."""
    reward = cand.promo.reward
    rounding = ctx.settings.rounding
    lines = cand.reward_lines
    if isinstance(reward, PercentOff):
        num, den = reward.value.numerator, reward.value.denominator * 100
        if reward.target == "items":
            parts = {i: round_ratio(running[i] * num, den, rounding) for i in lines}
        elif reward.target == "cheapest":
            i = _cheapest(lines, running, ctx)
            parts = {i: round_ratio(running[i] * num, den * ctx.units[i], rounding)}
        else:  # order
            base = sum(running[i] for i in lines)
            parts = spread_int(
                round_ratio(base * num, den, rounding), list(lines), [running[i] for i in lines]
            )
        if reward.max_amount is not None and sum(parts.values()) > reward.max_amount:
            parts = spread(reward.max_amount, [(i, parts[i]) for i in sorted(parts)])
        return parts
    if isinstance(reward, AmountOff):
        if reward.target == "per_unit":
            return {i: ctx.units[i] * reward.value for i in lines}
        base = sum(running[i] for i in lines)
        return spread_int(min(reward.value, base), list(lines), [running[i] for i in lines])
    if isinstance(reward, FixedPrice):
        return {i: max(0, running[i] - ctx.units[i] * reward.value) for i in lines}
    if isinstance(reward, Bundle):
        return _bundle_parts(reward, lines, running, ctx)
    if isinstance(reward, BuyGet):
        return _buy_get_parts(cand, reward, running, ctx)
    raise TypeError(f"not a discount reward: {reward!r}")  # pragma: no cover


def times_and_units(cand: Candidate, reward: BuyGet, ctx: SaleContext) -> tuple[int, int, int]:
    """buy_get: (times the reward applies, units bought, reward units present) (FORMAT.md 3.5)."""
    units = ctx.units
    if reward.get_items is None:
        pool = sum(units[i] for i in cand.eligible)
        times = pool // (reward.buy + reward.get)
        bought, reward_units = pool, pool
    else:
        reward_set = set(cand.reward_lines)
        bought = sum(units[i] for i in cand.eligible if i not in reward_set)
        reward_units = sum(units[i] for i in cand.reward_lines)
        times = min(bought // reward.buy, reward_units // reward.get)
    if reward.max_times is not None:
        times = min(times, reward.max_times)
    return times, bought, reward_units


def _unit_price(i: int, running: list[int], ctx: SaleContext) -> Fraction:
    u = ctx.units[i]
    return Fraction(running[i], u) if u != 1 else Fraction(running[i])


def _by_unit_price(lines: tuple[int, ...], running: list[int], ctx: SaleContext, *,
                   highest_first: bool = False) -> list[int]:
    """`lines` by running unit price (ties keep cart order), compared exactly as integers over the units'
    common multiple: the same order as sorting the fractions, without their slow comparisons."""
    units = ctx.units
    common = lcm(*(units[i] for i in lines)) if lines else 1
    sign = -1 if highest_first else 1
    return sorted(lines, key=lambda i: sign * running[i] * (common // units[i]))


def _cheapest(lines: tuple[int, ...], running: list[int], ctx: SaleContext) -> int:
    best = lines[0]
    best_price = _unit_price(best, running, ctx)
    for i in lines[1:]:
        price = _unit_price(i, running, ctx)
        if price < best_price:
            best, best_price = i, price
    return best


def _bundle_parts(
    reward: Bundle, lines: tuple[int, ...], running: list[int], ctx: SaleContext
) -> dict[int, int]:
    """FORMAT.md 3.5 and 8.8, in integers: each unit's running price times the units' common multiple.

    Units go highest price first, ties in cart order (whole lines sorted, each line's units side by
    side); each full group dearer than the bundle's value loses the difference, rounded once, spread
    over its lines by their units' prices. Scaling every price by one factor changes neither the order,
    nor the rounded difference (computed over the same factor), nor the proportions of the spread.
    """
    units = ctx.units
    common = lcm(*(units[i] for i in lines)) if lines else 1
    scaled = {i: running[i] * (common // units[i]) for i in lines}
    expanded = [i for i in sorted(lines, key=lambda i: -scaled[i]) for _ in range(units[i])]
    value = reward.value * common
    parts: dict[int, int] = dict.fromkeys(lines, 0)
    for g in range(len(expanded) // reward.qty):
        group = expanded[g * reward.qty : (g + 1) * reward.qty]
        group_total = sum(scaled[i] for i in group)
        if group_total <= value:
            continue
        difference = round_ratio(group_total - value, common, ctx.settings.rounding)
        weights: dict[int, int] = {}
        for i in group:
            weights[i] = weights.get(i, 0) + scaled[i]
        members = sorted(weights)
        for i, part in spread_int(difference, members, [weights[i] for i in members]).items():
            parts[i] += part
    return parts


def _buy_get_parts(cand: Candidate, reward: BuyGet, running: list[int], ctx: SaleContext) -> dict[int, int]:
    times, _, _ = times_and_units(cand, reward, ctx)
    take = times * reward.get
    if take <= 0:
        return {}
    # The `take` cheapest reward units, ties to the earlier line: whole lines in that order (stable), so
    # each line's units stay side by side, as if every unit were sorted.
    counts: dict[int, int] = {}
    for i in _by_unit_price(cand.reward_lines, running, ctx):
        if take <= 0:
            break
        n = min(take, ctx.units[i])
        counts[i] = n
        take -= n
    num, den = reward.value.numerator, reward.value.denominator * 100
    return {
        i: round_ratio(running[i] * n * num, den * ctx.units[i], ctx.settings.rounding)
        for i, n in counts.items()
    }
