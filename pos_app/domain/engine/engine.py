"""The promotion engine: one sale in, prices, promotions and points out.

`PromotionEngine` is built once from the program settings and the promotions
in force (the register keeps it while the promotions do not change) and
evaluates any number of sales; it holds no per-sale state, so one engine may
serve several threads. The steps follow FORMAT.md: static checks, discount
arbitration, points redemption, points earned, code statuses, nudges.
"""

from __future__ import annotations

from pos_app.domain.engine.arbitration import arbitrate_best, arbitrate_priority, walk
from pos_app.domain.engine.checks import static_refusal
from pos_app.domain.engine.context import SaleContext
from pos_app.domain.engine.nudges import nudges_for
from pos_app.domain.engine.points import earn, redeem
from pos_app.domain.engine.result import (
    AppliedPromotion,
    CodeStatus,
    EvaluationResult,
    LineResult,
    Rejection,
)
from pos_app.domain.engine.rewards import Candidate
from pos_app.domain.engine.sale import Sale
from pos_app.domain.promotion import BuyGet, PromoCode, Promotion, Reason
from pos_app.domain.settings import ProgramSettings


class PromotionEngine:
    """Evaluates sales against a fixed set of promotions."""

    def __init__(
        self, settings: ProgramSettings, promotions: list[Promotion] | tuple[Promotion, ...]
    ) -> None:
        self.settings = settings
        ordered = sorted(promotions, key=lambda p: p.sequence_key)
        self.discounts = [p for p in ordered if not p.is_points]
        self.points_promotions = [p for p in ordered if p.is_points]
        self.by_id = {p.id: p for p in ordered}
        self.rank = {p.id: k for k, p in enumerate(ordered)}  # sequence order, for listing refusals
        self.code_index: dict[str, tuple[Promotion, PromoCode]] = {}
        for p in ordered:
            for c in p.codes:
                self.code_index[c.key] = (p, c)

    def evaluate(self, sale: Sale) -> EvaluationResult:
        ctx = SaleContext(sale, self.settings)
        rejections: dict[str, tuple[Reason, str]] = {}  # promotion id -> reason, detail
        candidates: list[Candidate] = []
        for position, promo in enumerate(self.discounts):
            refusal = static_refusal(promo, ctx)
            if refusal is not None:
                rejections[promo.id] = refusal
                continue
            eligible = ctx.lines_matching(promo.conditions.items)
            if not eligible and self.settings.arbitration == "best":
                # Fails alone, whatever else applies (priority mode still walks it: a
                # walked candidate is `stopped` or `group_taken` before its own reason).
                rejections[promo.id] = (Reason.NO_ELIGIBLE_ITEMS, "no eligible items in the cart")
                continue
            reward = promo.reward
            reward_lines = (
                ctx.lines_matching(reward.get_items)
                if isinstance(reward, BuyGet) and reward.get_items is not None
                else eligible
            )
            candidates.append(Candidate(promo, eligible, reward_lines, position))

        arbitrate = arbitrate_priority if self.settings.arbitration == "priority" else arbitrate_best
        outcome = arbitrate(candidates, ctx)
        running, parts, _ = walk(outcome.selected, ctx)
        for pid, (reason, detail, _) in outcome.refused.items():
            rejections[pid] = (reason, detail)

        redemption, points_parts = redeem(ctx, running)
        points = earn(ctx, self.points_promotions, running, points_parts)
        rejections.update(points.refused)

        lines = []
        for i, line in enumerate(ctx.lines):
            alloc = {pid: p[i] for pid, p in parts.items() if p.get(i)}
            lines.append(
                LineResult(
                    id=line.id,
                    subtotal=ctx.subtotals[i],
                    discount=ctx.subtotals[i] - running[i],
                    points_value=points_parts.get(i, 0),
                    allocations=alloc,
                )
            )
        applied = [
            AppliedPromotion(c.id, c.promo.name, amount=sum(parts[c.id].values())) for c in outcome.selected
        ]
        applied += [
            AppliedPromotion(pid, self.by_id[pid].name, points=n) for pid, n in points.by_promotion.items()
        ]
        applied_ids = {a.id for a in applied}
        rejected = [
            Rejection(pid, self.by_id[pid].name, reason, detail)
            for pid, (reason, detail) in sorted(rejections.items(), key=lambda kv: self.rank[kv[0]])
        ]
        return EvaluationResult(
            currency=self.settings.currency,
            lines=tuple(lines),
            applied=tuple(applied),
            rejected=tuple(rejected),
            codes=tuple(self._code_statuses(ctx, applied_ids)),
            redemption=redemption,
            points_earned=points.total,
            nudges=tuple(nudges_for(candidates, outcome.refused, applied_ids, ctx)),
            optimal=outcome.optimal,
        )

    def _code_statuses(self, ctx: SaleContext, applied_ids: set[str]) -> list[CodeStatus]:
        customer = ctx.sale.customer
        out = []
        for key, as_entered in ctx.entered_codes.items():
            found = self.code_index.get(key)
            if found is None:
                out.append(CodeStatus(as_entered, "unknown", None))
                continue
            promo, code = found
            if code.used_up:
                status = "used"
            elif code.customer is not None and (customer is None or customer.id != code.customer):
                status = "not_owner"
            elif promo.id in applied_ids:
                status = "applied"
            else:
                status = "not_applicable"
            out.append(CodeStatus(as_entered, status, promo.id))
        return out
