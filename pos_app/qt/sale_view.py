"""The priced sale as the panels show it: one plain value built from the engine's answer.

`SaleView` is what the cart table, the promotions panel and the totals read:
rows, promotions applied (with amounts) and refused (with the engine's
`detail` in plain words), nudges, each entered code's status, the points
redemption with its cap and limit in words, and the totals. `sale_view()`
builds it from an `EvaluationResult` and the cart's names and quantities;
panels never look inside the engine's types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pos_app.domain.engine.result import EvaluationResult
from pos_app.qt.cart_model import CartRow
from pos_app.qt.language import SOURCE_LANGUAGE, current_language, tr
from pos_app.qt.wording import code_status_words, reason_words, redemption_words

# Refusals a cashier can act on come first; "not for this customer" noise is hidden from the list.
_QUIET_REASONS = {
    "not_in_audience", "code_required", "wrong_store", "expired", "not_started", "no_eligible_items",
    "outside_days", "outside_hours", "first_order_only", "birthday_only", "customer_required",
}


@dataclass(frozen=True, slots=True)
class PromotionLine:
    promotion_id: str
    name: str
    amount: int = 0  # money off, minor units
    points: int = 0  # points added
    words: str = ""  # for refusals: why, in plain words


@dataclass(frozen=True, slots=True)
class CodeLine:
    code: str
    status: str
    words: str

    @property
    def ok(self) -> bool:
        return self.status == "applied"


@dataclass(frozen=True, slots=True)
class RedemptionView:
    requested: int | str  # a number or "max"
    redeemed: int
    value: int
    cap: int
    limited_by: str | None
    words: str


@dataclass(frozen=True, slots=True)
class SaleView:
    currency: str = "USD"
    rows: tuple[CartRow, ...] = ()
    applied: tuple[PromotionLine, ...] = ()
    refused: tuple[PromotionLine, ...] = ()
    hidden_refusals: int = 0  # refusals not worth the cashier's attention (other audiences, no code)
    nudges: tuple[str, ...] = ()
    codes: tuple[CodeLine, ...] = ()
    redemption: RedemptionView | None = None
    subtotal: int = 0
    discount_total: int = 0
    points_value: int = 0
    total: int = 0
    points_earned: int = 0
    item_count: int = 0
    customer_points: int | None = None  # spendable now, after the rewards claimed in this sale
    claims: tuple[tuple[str, str, int], ...] = ()  # rewards claimed: (reward id, name, points)
    optimal: bool = True  # False: the engine's search stopped at its budget; the best deal is not proven
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.rows


def sale_view(
    result: EvaluationResult,
    lines: Sequence[tuple[str, str, str, int, bool, str]],
    *,
    min_redeem: int = 0,
    customer_points: int | None = None,
    claims: tuple[tuple[str, str, int], ...] = (),
) -> SaleView:
    """`lines`: (line id, name, qty text, unit price, weighted, sku) in cart order."""
    by_id = {line.id: line for line in result.lines}
    rows = []
    count = 0
    for line_id, name, qty, unit_price, weighted, sku in lines:
        outcome = by_id.get(line_id)
        discount = outcome.discount if outcome else 0
        subtotal = outcome.subtotal if outcome else 0
        rows.append(CartRow(line_id, name, qty, unit_price, discount, subtotal - discount, sku, weighted))
        count += 1 if weighted else int(qty)
    applied = tuple(PromotionLine(a.id, a.name, a.amount, a.points) for a in result.applied)
    loud = [r for r in result.rejected if str(r.reason) not in _QUIET_REASONS]
    code_promos = {c.promotion for c in result.codes if c.promotion}
    loud += [r for r in result.rejected if str(r.reason) in _QUIET_REASONS and r.id in code_promos]
    refused = tuple(PromotionLine(r.id, r.name, words=reason_words(str(r.reason), r.detail)) for r in loud)
    redemption = None
    red = result.redemption
    if red.requested not in (0, "0"):
        redemption = RedemptionView(red.requested, red.redeemed, red.value, red.cap, red.limited_by,
                                    redemption_words(red.limited_by, red.cap, min_redeem))
    return SaleView(
        currency=result.currency.code,
        rows=tuple(rows),
        applied=applied,
        refused=refused,
        hidden_refusals=len(result.rejected) - len(refused),
        nudges=_nudges(result),
        codes=tuple(CodeLine(c.code, c.status, code_status_words(c.status)) for c in result.codes),
        redemption=redemption,
        subtotal=result.subtotal,
        discount_total=result.discount_total,
        points_value=result.points_value,
        total=result.total,
        points_earned=result.points_earned,
        item_count=count,
        customer_points=customer_points,
        claims=claims,
        optimal=result.optimal,
    )


def _nudges(result: EvaluationResult) -> tuple[str, ...]:
    """What the customer could add: the engine's words (English, with the amounts and items) in English,
    else the promotion it would unlock, in the register's language."""
    english = current_language().code == SOURCE_LANGUAGE
    names = {p.id: p.name for p in (*result.applied, *result.rejected)}
    return tuple(
        (n.message[0].upper() + n.message[1:]) if english
        else tr("Add a little more to get: %1").replace("%1", names.get(n.promotion, n.promotion))
        for n in result.nudges if n.message)


__all__ = ["CodeLine", "PromotionLine", "RedemptionView", "SaleView", "sale_view"]
