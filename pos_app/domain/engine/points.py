"""Points: spending them as payment (FORMAT.md 5) and earning them (section 6).

Redemption comes after every discount: the grant starts at the request and is
cut to the balance, to the share cap, down to the step, and to zero below the
minimum; its value (rounded down) is spread over the redeemable lines.
Earning: base points on each line's earning base times the earn rate and the
tier multiplier, plus what points promotions add. Points are always integers,
rounded down.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pos_app.domain.engine.checks import static_refusal
from pos_app.domain.engine.context import SaleContext
from pos_app.domain.engine.result import Redemption
from pos_app.domain.engine.rewards import check_conditions
from pos_app.domain.engine.spread import spread
from pos_app.domain.promotion import PointsBonus, PointsMultiplier, Promotion, Reason


def redeem(ctx: SaleContext, running: list[int]) -> tuple[Redemption, dict[int, int]]:
    """Points spent as payment, and the value each redeemable line receives."""
    request = ctx.sale.redeem_points
    rules = ctx.settings.points
    scale = ctx.settings.currency.scale
    redeemable = [i for i in ctx.discountable]
    redeemable_amount = sum(running[i] for i in redeemable)
    cap = (Fraction(redeemable_amount, scale) * rules.max_redeem_share / rules.redeem_value).__floor__()
    customer = ctx.sale.customer
    if request == 0:
        return Redemption(request, 0, 0, None, cap), {}
    if customer is None:
        return Redemption(request, 0, 0, "customer_required", cap), {}
    grant = customer.points if request == "max" else int(request)
    limited_by: str | None = None
    if grant > customer.points:
        grant, limited_by = customer.points, "balance"
    if grant > cap:
        grant, limited_by = cap, "share"
    stepped = grant - grant % rules.redeem_step
    if stepped != grant:
        grant, limited_by = stepped, "step"
    if 0 < grant < rules.min_redeem:
        grant, limited_by = 0, "minimum"
    value = (grant * rules.redeem_value * scale).__floor__()
    parts = spread(value, [(i, running[i]) for i in redeemable]) if value else {}
    return Redemption(request, grant, value, limited_by, cap), parts


@dataclass(frozen=True, slots=True)
class PointsOutcome:
    """Points earned: the base, what each applied points promotion adds, and refusals."""

    base: int
    by_promotion: dict[str, int]  # in sequence order
    refused: dict[str, tuple[Reason, str]]

    @property
    def total(self) -> int:
        return self.base + sum(self.by_promotion.values())


def earn(
    ctx: SaleContext,
    promos: list[Promotion],
    running_after_discounts: list[int],
    points_values: dict[int, int],
) -> PointsOutcome:
    """Base points and points promotions (FORMAT.md section 6 and fine print 6)."""
    customer = ctx.sale.customer
    refused: dict[str, tuple[Reason, str]] = {}
    if customer is None:
        for p in promos:
            refused[p.id] = (Reason.CUSTOMER_REQUIRED, "points need an identified customer")
        return PointsOutcome(0, {}, refused)
    rules = ctx.settings.points
    scale = ctx.settings.currency.scale
    rate = rules.earn_rate * rules.tier_multiplier(customer.tier)
    # Earning base per line, in minor units.
    base: dict[int, int] = {}
    for i, line in enumerate(ctx.lines):
        if line.no_points:
            continue
        if rules.earn_on == "gross":
            base[i] = ctx.subtotals[i]
        else:
            base[i] = running_after_discounts[i] - points_values.get(i, 0)
    base_points = (Fraction(sum(base.values()), scale) * rate).__floor__()

    qualified: list[tuple[Promotion, tuple[int, ...]]] = []
    for p in sorted(promos, key=lambda p: (p.priority, p.id)):
        refusal = static_refusal(p, ctx)
        if refusal is not None:
            refused[p.id] = refusal
            continue
        eligible = ctx.lines_matching(p.conditions.items)
        failed = check_conditions(p, eligible, running_after_discounts, ctx)
        if failed is not None:
            refused[p.id] = (failed.reason, failed.detail)
            continue
        qualified.append((p, eligible))

    def alone(p: Promotion, eligible: tuple[int, ...]) -> int:
        if isinstance(p.reward, PointsBonus):
            return p.reward.value
        assert isinstance(p.reward, PointsMultiplier)
        extra = Fraction(sum(base[i] for i in eligible if i in base), scale) * rate * (p.reward.value - 1)
        return extra.__floor__()

    solo = {p.id: alone(p, el) for p, el in qualified}
    live = []
    for p, el in qualified:
        if solo[p.id] <= 0:
            refused[p.id] = (Reason.NO_EFFECT, "adds no points on this cart")
        else:
            live.append((p, el))
    exclusive = next(((p, el) for p, el in live if p.exclusive), None)
    if exclusive is not None:
        for p, _ in live:
            if p is not exclusive[0]:
                refused[p.id] = (Reason.EXCLUDED, f"{exclusive[0].title} applies alone (exclusive)")
        live = [exclusive]
    group_winner: dict[str, Promotion] = {}
    for p, _ in live:  # priority, then id order: the first of equals wins
        g = p.group
        if g is not None and (g not in group_winner or solo[p.id] > solo[group_winner[g].id]):
            group_winner[g] = p
    kept = []
    for p, el in live:
        if p.group is not None and group_winner[p.group] is not p:
            refused[p.id] = (Reason.LOST_TO_BETTER, f"{group_winner[p.group].title} gives more points")
        else:
            kept.append((p, el))

    # On each line only the highest multiplier counts (equal: lower priority, then id, wins).
    line_winner: dict[int, Promotion] = {}
    for p, el in kept:
        if isinstance(p.reward, PointsMultiplier):
            for i in el:
                w = line_winner.get(i)
                if w is None or p.reward.value > w.reward.value:
                    line_winner[i] = p
    by_promotion: dict[str, int] = {}
    for p, el in kept:
        if isinstance(p.reward, PointsBonus):
            by_promotion[p.id] = p.reward.value
            continue
        won = [i for i in el if line_winner.get(i) is p and i in base]
        extra = (Fraction(sum(base[i] for i in won), scale) * rate * (p.reward.value - 1)).__floor__()
        if extra > 0:
            by_promotion[p.id] = extra
        else:
            refused[p.id] = (Reason.NO_EFFECT, "a higher multiplier covers its items")
    return PointsOutcome(base_points, by_promotion, refused)
