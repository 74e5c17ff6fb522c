"""Static checks: may this promotion run for this sale at all? (FORMAT.md section 4)

Checks run in a fixed order and the first that fails names the refusal:
validity window, store, audience, codes, the customer a rule needs, the
customer's usage limit, first order, birthday. Cart conditions come later,
in `rewards.check_conditions`, because they depend on the running amounts.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pos_app.domain.engine.context import SaleContext
from pos_app.domain.money import Currency
from pos_app.domain.promotion import (
    AmountOff,
    Bundle,
    BuyGet,
    FixedPrice,
    PercentOff,
    PointsBonus,
    PointsMultiplier,
    Promotion,
    Reason,
)


def static_refusal(promo: Promotion, ctx: SaleContext) -> tuple[Reason, str] | None:
    """The first static check the promotion fails, with words for the cashier, or None."""
    sale = ctx.sale
    now = sale.now
    valid = promo.valid
    if valid.starts is not None and now < valid.starts:
        return Reason.NOT_STARTED, f"starts {valid.starts:%Y-%m-%d %H:%M}"
    if valid.ends is not None and now > valid.ends:
        return Reason.EXPIRED, f"ended {valid.ends:%Y-%m-%d %H:%M}"
    if valid.days and now.isoweekday() not in valid.days:
        days = ", ".join(_DAY_NAMES[d] for d in sorted(valid.days))
        return Reason.OUTSIDE_DAYS, f"runs on {days} only"
    if valid.hours is not None:
        start, end = valid.hours
        t = now.time()
        if t < start or (end is not None and t >= end):
            end_text = end.strftime("%H:%M") if end is not None else "24:00"
            return Reason.OUTSIDE_HOURS, f"runs {start:%H:%M}-{end_text} only"
    if promo.stores is not None and (sale.store is None or sale.store not in promo.stores):
        return Reason.WRONG_STORE, "not offered in this store"
    customer = sale.customer
    audience = promo.audience
    if audience is not None:
        if customer is None:
            return Reason.CUSTOMER_REQUIRED, "personal offer: identify the customer first"
        if not audience.includes(customer.id, customer.tier, customer.segments):
            return Reason.NOT_IN_AUDIENCE, "this customer is not in the offer's audience"
    if promo.codes:
        refusal = code_refusal(promo, ctx)
        if refusal is not None:
            return refusal
    if promo.needs_customer and customer is None:
        return Reason.CUSTOMER_REQUIRED, "identify the customer first"
    if customer is not None:
        if promo.limit_per_customer is not None:
            used = customer.promo_uses.get(promo.id, 0)
            if used >= promo.limit_per_customer:
                return Reason.USAGE_LIMIT, f"already used {used} of {promo.limit_per_customer} times"
        if promo.conditions.first_order and not customer.first_order:
            return Reason.FIRST_ORDER_ONLY, "first order only"
        days = promo.conditions.birthday_days
        if days is not None and not customer.birthday_within(now.date(), days):
            return Reason.BIRTHDAY_ONLY, f"only within {days} days of the customer's birthday"
    return None


def code_refusal(promo: Promotion, ctx: SaleContext) -> tuple[Reason, str] | None:
    """Passes when one entered code of the promotion is usable; else why not."""
    customer = ctx.sale.customer
    entered = [c for c in promo.codes if c.key in ctx.entered_codes]
    if not entered:
        return Reason.CODE_REQUIRED, "needs a code"
    for c in entered:
        if not c.used_up and (c.customer is None or (customer is not None and customer.id == c.customer)):
            return None
    if any(c.used_up for c in entered):
        return Reason.CODE_USED, f"code {entered[0].code} is used up"
    return Reason.CODE_NOT_OWNER, f"code {entered[0].code} belongs to another customer"


def describe_reward(promo: Promotion, currency: Currency) -> str:
    """A short phrase for what the promotion gives ("10% off", "$5.00 off", "3 for $10.00")."""
    r = promo.reward
    money = currency.display
    if isinstance(r, PercentOff):
        what = {"items": "", "cheapest": " the cheapest item", "order": " the order"}[r.target]
        return f"{_pct(r.value)}% off{what}"
    if isinstance(r, AmountOff):
        return f"{money(r.value)} off" + (" each" if r.target == "per_unit" else "")
    if isinstance(r, FixedPrice):
        return f"each for {money(r.value)}"
    if isinstance(r, Bundle):
        return f"{r.qty} for {money(r.value)}"
    if isinstance(r, BuyGet):
        gift = "free" if r.value == 100 else f"{_pct(r.value)}% off"
        return f"buy {r.buy}, get {r.get} {gift}"
    if isinstance(r, PointsBonus):
        return f"{r.value} bonus points"
    if isinstance(r, PointsMultiplier):
        return f"{_pct(r.value)}x points"
    return promo.name  # pragma: no cover


def _pct(value: Fraction) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return format(exact.normalize(), "f")


_DAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
