"""What the register says, in a cashier's words: money, refusal reasons, redemption limits, codes.

Pure functions over the engine's and the services' values (no Qt), so the
wording is tested without a window and every panel says a thing the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pos_app.domain.money import Currency

REASON_WORDS = {
    "not_started": "not started yet",
    "expired": "offer is over",
    "outside_days": "not today",
    "outside_hours": "not at this hour",
    "wrong_store": "not in this store",
    "customer_required": "identify the customer first",
    "not_in_audience": "not for this customer",
    "code_required": "needs a code",
    "code_used": "code already used",
    "code_not_owner": "code belongs to someone else",
    "usage_limit": "already used",
    "first_order_only": "first order only",
    "birthday_only": "birthday week only",
    "no_eligible_items": "no matching items",
    "min_subtotal": "spend more",
    "min_qty": "buy more",
    "excluded": "excluded by another offer",
    "stopped": "another offer stops the rest",
    "group_taken": "a similar offer already applies",
    "lost_to_better": "a better offer applies",
    "no_effect": "nothing to discount",
}

LIMITED_BY_WORDS = {
    None: "",
    "balance": "all the points the customer has",
    "share": "capped: points may pay at most part of the order",
    "step": "rounded down to the redemption step",
    "minimum": "below the minimum to redeem",
    "customer_required": "identify the customer first",
}

CODE_STATUS_WORDS = {
    "applied": "applied",
    "unknown": "unknown code",
    "used": "already used",
    "not_owner": "belongs to another customer",
    "not_applicable": "valid, but nothing in the cart qualifies",
}


NOT_PROVEN_WORDS = ("≈ Best deal found within the search limit: another combination might save the "
                    "customer a little more.")


def money(minor: int, currency: str = "USD") -> str:
    """Minor units as shown on screen: "$12.50", "-$3.00"."""
    return Currency.of(currency).display(minor)


def point_value_words(value: object, currency: str = "USD") -> str:
    """What one point is worth: "$0.01 a point", or "0.005 USD a point" below the currency's smallest unit."""
    cur = Currency.of(currency)
    amount = Decimal(str(value))
    minor = amount * cur.scale
    if minor == minor.to_integral_value():
        return f"{cur.display(int(minor))} a point"
    return f"{amount} {cur.code} a point"


def reason_words(reason: str, detail: str = "") -> str:
    """The engine's refusal as one phrase: its own detail when it has one, else the reason in words."""
    base = REASON_WORDS.get(str(reason), str(reason).replace("_", " "))
    detail = (detail or "").strip()
    if not detail:
        return base.capitalize()
    return detail[0].upper() + detail[1:]


def redemption_words(limited_by: str | None, cap: int, min_redeem: int = 0) -> str:
    """Why a redemption was cut, with the cap it met ("capped at 1,250 points: ...")."""
    if limited_by is None:
        return ""
    if limited_by == "share":
        return f"Capped at {cap:,} points: points may pay at most part of the order"
    if limited_by == "minimum" and min_redeem:
        return f"Below the minimum of {min_redeem:,} points"
    return LIMITED_BY_WORDS.get(limited_by, limited_by.replace("_", " ")).capitalize()


def code_status_words(status: str) -> str:
    return CODE_STATUS_WORDS.get(status, status.replace("_", " "))


def points(value: int) -> str:
    return f"{value:,} pts"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 point", "12 points", "1 ledger entry", "3 ledger entries"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def earns_words(points_earned: int) -> str:
    return f"Earns {count(points_earned, 'point')}"


def is_birthday_week(birthday: date | None, today: date, days: int = 7) -> bool:
    """The birthday (month and day) falls within `days` of `today`."""
    if birthday is None:
        return False
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if abs((day - today).days) <= days:
            return True
    return False


def since(moment: datetime | None, now: datetime) -> str:
    """ "since 14:05" today, "since Nov 21 14:05" on another day, "" without a moment."""
    if moment is None:
        return ""
    local = moment.astimezone(now.tzinfo) if moment.tzinfo and now.tzinfo else moment
    return f"since {local:%H:%M}" if local.date() == now.date() else f"since {local:%b %d %H:%M}"


def age(seconds: float | None) -> str:
    """A duration for the status bar: "12 s", "5 min", "3 h", "2 d"."""
    if seconds is None:
        return "never"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h"
    return f"{s // 86400} d"


__all__ = [
    "CODE_STATUS_WORDS",
    "NOT_PROVEN_WORDS",
    "LIMITED_BY_WORDS",
    "REASON_WORDS",
    "age",
    "code_status_words",
    "count",
    "earns_words",
    "is_birthday_week",
    "money",
    "point_value_words",
    "points",
    "reason_words",
    "redemption_words",
    "since",
]
