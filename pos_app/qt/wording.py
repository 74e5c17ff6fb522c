"""What the register says, in a cashier's words: money, refusal reasons, redemption limits, codes.

Functions over the engine's and the services' values, so every panel says a
thing the same way. The word tables are marked for translation
(`QT_TR_NOOP`) and translated where they are shown (`language.tr`); money,
numbers and dates are written by `formats` for the register's locale.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QT_TR_NOOP

from pos_app.domain.money import Currency
from pos_app.qt import formats
from pos_app.qt.language import tr

REASON_WORDS = {
    "not_started": QT_TR_NOOP("not started yet"),
    "expired": QT_TR_NOOP("offer is over"),
    "outside_days": QT_TR_NOOP("not today"),
    "outside_hours": QT_TR_NOOP("not at this hour"),
    "wrong_store": QT_TR_NOOP("not in this store"),
    "customer_required": QT_TR_NOOP("identify the customer first"),
    "not_in_audience": QT_TR_NOOP("not for this customer"),
    "code_required": QT_TR_NOOP("needs a code"),
    "code_used": QT_TR_NOOP("code already used"),
    "code_not_owner": QT_TR_NOOP("code belongs to someone else"),
    "usage_limit": QT_TR_NOOP("already used"),
    "first_order_only": QT_TR_NOOP("first order only"),
    "birthday_only": QT_TR_NOOP("birthday week only"),
    "no_eligible_items": QT_TR_NOOP("no matching items"),
    "min_subtotal": QT_TR_NOOP("spend more"),
    "min_qty": QT_TR_NOOP("buy more"),
    "excluded": QT_TR_NOOP("excluded by another offer"),
    "stopped": QT_TR_NOOP("another offer stops the rest"),
    "group_taken": QT_TR_NOOP("a similar offer already applies"),
    "lost_to_better": QT_TR_NOOP("a better offer applies"),
    "no_effect": QT_TR_NOOP("nothing to discount"),
}

LIMITED_BY_WORDS = {
    None: "",
    "balance": QT_TR_NOOP("all the points the customer has"),
    "share": QT_TR_NOOP("capped: points may pay at most part of the order"),
    "step": QT_TR_NOOP("rounded down to the redemption step"),
    "minimum": QT_TR_NOOP("below the minimum to redeem"),
    "customer_required": QT_TR_NOOP("identify the customer first"),
}

CODE_STATUS_WORDS = {
    "applied": QT_TR_NOOP("applied"),
    "unknown": QT_TR_NOOP("unknown code"),
    "used": QT_TR_NOOP("already used"),
    "not_owner": QT_TR_NOOP("belongs to another customer"),
    "not_applicable": QT_TR_NOOP("valid, but nothing in the cart qualifies"),
}


NOT_PROVEN_WORDS = QT_TR_NOOP("≈ Best deal found within the search limit: another combination might save the "
                              "customer a little more.")


def demo_hint_words(cashier_pin: str, manager_id: str, manager_pin: str) -> str:
    """The demo's first-run hint: the PINs, a card and a code to try (" · " between its lines)."""
    return tr("Demo: Sam Cashier's PIN %1 · manager mode (F10): user %2, PIN %3 · Try card 2900000000018 "
              "(Zoë Martin) and code SAVE5").replace("%1", cashier_pin).replace("%2", manager_id).replace(
        "%3", manager_pin)


def money(minor: int, currency: str = "USD") -> str:
    """Minor units as shown on screen: "$12.50", "-$3.00" (in the register's locale)."""
    return formats.money(minor, currency)


def point_value_words(value: object, currency: str = "USD") -> str:
    """What one point is worth: "$0.01 a point", or "$0.005 a point" below the currency's smallest unit."""
    cur = Currency.of(currency)
    amount = Decimal(str(value))
    minor = amount * cur.scale
    if minor == minor.to_integral_value():
        return tr("%1 a point").replace("%1", formats.money(int(minor), cur.code))
    return tr("%1 a point").replace("%1", formats.amount(amount, cur.code))


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def reason_words(reason: str, detail: str = "") -> str:
    """The engine's refusal as one phrase: its own detail when it has one, else the reason in words.

    The engine's details are English; in another language the reason's words are shown instead.
    """
    words = REASON_WORDS.get(str(reason))
    base = tr(words) if words else str(reason).replace("_", " ")
    detail = (detail or "").strip()
    if not detail or (words and tr(words) != words):
        return _capitalized(base)
    return _capitalized(detail)


def redemption_words(limited_by: str | None, cap: int, min_redeem: int = 0) -> str:
    """Why a redemption was cut, with the cap it met ("Capped at 1,250 points: ...")."""
    if limited_by is None:
        return ""
    if limited_by == "share":
        return tr("Capped at %Ln point(s): points may pay at most part of the order", "", cap)
    if limited_by == "minimum" and min_redeem:
        return tr("Below the minimum of %Ln point(s)", "", min_redeem)
    words = LIMITED_BY_WORDS.get(limited_by)
    return _capitalized(tr(words) if words else limited_by.replace("_", " "))


def code_status_words(status: str) -> str:
    words = CODE_STATUS_WORDS.get(status)
    return tr(words) if words else status.replace("_", " ")


def points(value: int) -> str:
    return tr("%1 pts").replace("%1", formats.number(value))


def earns_words(points_earned: int) -> str:
    return tr("Earns %Ln point(s)", "", points_earned)


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
    if local.date() == now.date():
        return tr("since %1").replace("%1", formats.time_of_day(local))
    return tr("since %1").replace("%1", f"{formats.short_day(local.date())} {formats.time_of_day(local)}")


def age(seconds: float | None) -> str:
    """A duration for the status bar: "12 s", "5 min", "3 h", "2 d"."""
    if seconds is None:
        return tr("never")
    s = max(0, int(seconds))
    if s < 60:
        return tr("%1 s", "seconds").replace("%1", str(s))
    if s < 3600:
        return tr("%1 min", "minutes").replace("%1", str(s // 60))
    if s < 86400:
        return tr("%1 h", "hours").replace("%1", str(s // 3600))
    return tr("%1 d", "days").replace("%1", str(s // 86400))


__all__ = [
    "CODE_STATUS_WORDS",
    "NOT_PROVEN_WORDS",
    "LIMITED_BY_WORDS",
    "REASON_WORDS",
    "age",
    "code_status_words",
    "demo_hint_words",
    "earns_words",
    "is_birthday_week",
    "money",
    "point_value_words",
    "points",
    "reason_words",
    "redemption_words",
    "since",
]
