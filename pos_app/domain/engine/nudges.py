"""Nudges: what the customer could add to unlock a promotion, in words for the cashier.

"add $10.00 of office to get 10% off", "add 1 more Crunchy Bros chips: buy 2,
get 1 free". Only promotions that passed every static check get a nudge:
telling a customer about an offer they cannot have helps nobody. Products are
named as the cart names them (a SKU only when the cart does not hold it), and
the closest offer comes first (the share of its condition still missing), so
a cashier reading the first few never misses the one a single item unlocks.
"""

from __future__ import annotations

from fractions import Fraction

from pos_app.domain.engine.checks import describe_reward
from pos_app.domain.engine.context import SaleContext
from pos_app.domain.engine.result import Nudge
from pos_app.domain.engine.rewards import Candidate, times_and_units
from pos_app.domain.promotion import BuyGet, Reason


def nudges_for(
    cands: list[Candidate],
    refused: dict[str, tuple[Reason, str, int]],
    applied_ids: set[str],
    ctx: SaleContext,
) -> list[Nudge]:
    money = ctx.settings.currency.display
    names = {line.sku: line.name for line in ctx.lines if line.name}
    found: list[tuple[Fraction, int, Nudge]] = []  # (share still missing, engine order, nudge)

    def nudge(promo_id: str, message: str, missing: int, needed: int) -> None:
        found.append((Fraction(missing, max(1, needed)), len(found), Nudge(promo_id, message)))

    for c in cands:
        promo = c.promo
        refusal = refused.get(promo.id)
        reward = promo.reward
        wants_nudge = (refusal is not None and refusal[0] in (Reason.MIN_SUBTOTAL, Reason.MIN_QTY)) or (
            isinstance(reward, BuyGet) and (refusal is None or refusal[0] is Reason.NO_EFFECT)
        )
        if not wants_nudge:
            continue
        what = describe_reward(promo, ctx.settings.currency)
        items = promo.conditions.items.describe(names)
        if refusal is not None and refusal[0] is Reason.MIN_SUBTOTAL:
            needed = promo.conditions.min_subtotal or refusal[2]
            nudge(promo.id, f"add {money(refusal[2])} of {items} to get {what}", refusal[2], needed)
            continue
        if refusal is not None and refusal[0] is Reason.MIN_QTY:
            needed = promo.conditions.min_qty or refusal[2]
            nudge(promo.id, f"add {refusal[2]} more {items} to get {what}", refusal[2], needed)
            continue
        if isinstance(reward, BuyGet) and (refusal is None or refusal[0] is Reason.NO_EFFECT):
            times, bought, reward_units = times_and_units(c, reward, ctx)
            if reward.max_times is not None and times >= reward.max_times:
                continue
            if reward.get_items is None:
                missing = (reward.buy + reward.get) - bought % (reward.buy + reward.get)
                if bought % (reward.buy + reward.get) >= reward.buy:
                    nudge(promo.id, f"add {missing} more {items}: {what}", missing, reward.buy + reward.get)
            else:
                could = bought // reward.buy
                if could > times and reward_units < could * reward.get:
                    short = could * reward.get - reward_units
                    nudge(promo.id, f"add {short} {reward.get_items.describe(names)}: {what}", short,
                          could * reward.get)
    return [n for _share, _order, n in sorted(found, key=lambda f: (f[0], f[1]))]
