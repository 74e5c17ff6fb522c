"""Nudges: what the customer could add to unlock a promotion, in words for the cashier.

"add 10.00 of office to get 10% off", "add 1 more socks: buy 2, get 1 free".
Only promotions that passed every static check get a nudge: telling a customer
about an offer they cannot have helps nobody.
"""

from __future__ import annotations

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
    money = ctx.settings.currency.format_minor
    out: list[Nudge] = []
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
        items = promo.conditions.items.describe()
        if refusal is not None and refusal[0] is Reason.MIN_SUBTOTAL:
            out.append(Nudge(promo.id, f"add {money(refusal[2])} of {items} to get {what}"))
            continue
        if refusal is not None and refusal[0] is Reason.MIN_QTY:
            out.append(Nudge(promo.id, f"add {refusal[2]} more {items} to get {what}"))
            continue
        if isinstance(reward, BuyGet) and (refusal is None or refusal[0] is Reason.NO_EFFECT):
            times, bought, reward_units = times_and_units(c, reward, ctx)
            if reward.max_times is not None and times >= reward.max_times:
                continue
            if reward.get_items is None:
                missing = (reward.buy + reward.get) - bought % (reward.buy + reward.get)
                if bought % (reward.buy + reward.get) >= reward.buy:
                    out.append(Nudge(promo.id, f"add {missing} more {items}: {what}"))
            else:
                could = bought // reward.buy
                if could > times and reward_units < could * reward.get:
                    short = could * reward.get - reward_units
                    out.append(Nudge(promo.id, f"add {short} {reward.get_items.describe()}: {what}"))
    return out
