"""The program's settings from a file: `pos-central import-settings program.json`.

The file is one JSON object of settings, e.g.

    {"tiers": [{"name": "silver", "threshold_minor": 50000, "multiplier": "1.25"},
               {"name": "gold", "threshold_minor": 150000, "multiplier": "1.5"}],
     "tiers.window_months": 12, "tiers.retention_months": 6,
     "points.expiry_months": 12,
     "segments": [{"name": "lapsed_90d", "rule": "lapsed", "days": 90}],
     "offers.winback": {"days": 90, "reward": {"type": "percent", "value": "20", "target": "order"}},
     "jobs.schedule": {"tiers": "02:00"}, "jobs.timezone": "Europe/Madrid"}

Every setting the program's jobs read is checked by the same rule the job
applies (`check_setting`, which `pos-central set-setting` uses too); the
file is set whole or not at all, with every error named. Keys the registers
read (`points.earn_rate`, `offline.offline_customer_cap`, ...: a key whose
last dotted part names a field of the register's `LoyaltySettings`) are set as
they are; any other key is refused as a probable typo, since nothing would
ever read it.

The currency labels every amount the program holds (orders, priced ledger
entries, offers), stored as integer minor units without a currency of their
own. A program that has no order yet may set it freely; once money is booked
(`has_money`), a different currency is refused, since it would re-label every
booked amount without converting any: an operator who really means it says
so (`switch_currency`, the commands' `--switch-currency`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.money import Currency, MoneyError
from sync.central.settings import DEFAULT_SETTINGS, get_setting, set_setting
from sync.central.tables import LedgerEntryRow, OrderRow

SWITCH_CURRENCY_FLAG = "--switch-currency"


def _whole(low: int) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"a whole number, at least {low}")
    return check


def _schedule(value: Any) -> None:
    from sync.central.jobs import jobs
    from sync.central.scheduler import parse_time

    if not isinstance(value, dict):
        raise ValueError('an object of job: "HH:MM" (null: the job does not run by itself)')
    for name, at in value.items():
        if name not in jobs():
            raise ValueError(f"no job {name!r} (jobs: {', '.join(jobs())})")
        if at is not None:
            parse_time(at)


def _zone(value: Any) -> None:
    from sync.central.days import zone_named

    zone_named(value)


def _tiers(value: Any) -> None:
    from sync.central.tiers import tier_ladder

    tier_ladder(value)


def _segments(value: Any) -> None:
    from sync.central.segments import segment_rules

    segment_rules(value)


def _offer(kind: str) -> Callable[[Currency, Any], None]:
    def check(currency: Currency, value: Any) -> None:
        from sync.central.offers import parse_offer

        parse_offer(kind, value, currency)
    return check


_CHECKS: dict[str, Callable[[Any], None]] = {
    "tiers": _tiers,
    "tiers.window_months": _whole(1),
    "tiers.retention_months": _whole(0),
    "points.expiry_months": _whole(0),
    "segments": _segments,
    "jobs.schedule": _schedule,
    "jobs.timezone": _zone,
    "jobs.retry_minutes": _whole(1),
    "jobs.max_attempts": _whole(1),
    "jobs.stale_minutes": _whole(1),
    "rewards.partner_reserve": _whole(0),
}
_PRICED_CHECKS: dict[str, Callable[[Currency, Any], None]] = {
    f"offers.{kind}": _offer(kind) for kind in ("welcome", "birthday", "winback")}


_REGISTER_FIELDS = frozenset(field.name for field in dataclasses.fields(LoyaltySettings))


def _known(key: str) -> bool:
    """A key the central service or the registers read."""
    return key in DEFAULT_SETTINGS or key.rsplit(".", 1)[-1] in _REGISTER_FIELDS


def has_money(session: Session) -> bool:
    """Whether the program has booked money: an order, or a ledger entry with an amount (a sale's total or
    discount), each in minor units of the program's currency."""
    order = sa.select(OrderRow.id).limit(1)
    priced = sa.select(LedgerEntryRow.server_seq).where(
        sa.or_(LedgerEntryRow.order_total_minor.is_not(None), LedgerEntryRow.discount_minor.is_not(None))).limit(1)
    return session.scalar(order) is not None or session.scalar(priced) is not None


def _program_currency(session: Session) -> str:
    return str(get_setting(session, "currency") or DEFAULT_SETTINGS["currency"])


def _is_currency(value: Any) -> bool:
    try:
        Currency.of(value)
    except MoneyError:
        return False
    return True


def _currency(session: Session, value: Any, switch_currency: bool) -> str | None:
    """Why `value` cannot be the program's currency now (None: it can)."""
    if not _is_currency(value):
        return f'currency: {value!r} is not a currency code (e.g. "EUR")'
    current = _program_currency(session)
    if value != current and not switch_currency and has_money(session):
        return (f"currency: the program already has sales booked in {current}, and booked amounts carry no "
                f"currency of their own: {value} would re-label every one of them as {value} without "
                f"converting any. The currency stays {current}; if every booked amount really is meant as "
                f"{value}, run the command again with {SWITCH_CURRENCY_FLAG}")
    return None


def check_setting(session: Session, key: str, value: Any, currency: str | None = None, *,
                  switch_currency: bool = False) -> str | None:
    """Why `value` cannot be the program's `key` (None: it can); offers are priced in `currency` (default: the
    program's). A different currency once the program has money needs `switch_currency`."""
    if key == "currency":
        return _currency(session, value, switch_currency)
    try:
        if key in _CHECKS:
            _CHECKS[key](value)
        elif key in _PRICED_CHECKS:
            _PRICED_CHECKS[key](Currency.of(currency or _program_currency(session)), value)
        elif key.startswith("offers."):
            return f"{key}: no such offer (offers.welcome, offers.birthday, offers.winback)"
        elif not _known(key):
            return f"{key}: no such setting (a typo? sync/README.md lists the program's settings)"
    except ValueError as exc:
        text = str(exc)
        return text if text.startswith(key) else f"{key}: {text}"
    return None


def import_settings(session: Session, path: Path, *, switch_currency: bool = False) -> tuple[list[str], list[str]]:
    """(keys set, errors): the file's settings, all of them or none (each checked by `check_setting`)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return [], [f"byte {exc.start}: not UTF-8 text (save the file as UTF-8)"]
    except json.JSONDecodeError as exc:
        return [], [f"line {exc.lineno}: {exc.msg}"]
    if not isinstance(document, dict):
        return [], ["the file must be one JSON object of settings: {\"key\": value, ...}"]
    errors = []
    currency = document.get("currency")  # the file's offers are priced in the currency it sets
    if not _is_currency(currency):
        currency = None
    for key, value in document.items():
        if not 1 <= len(key) <= 64:
            errors.append(f"{key!r}: a setting's name is 1 to 64 characters")
            continue
        problem = check_setting(session, key, value, currency, switch_currency=switch_currency)
        if problem:
            errors.append(problem)
    if errors:
        return [], errors
    for key, value in document.items():
        set_setting(session, key, value)
    return sorted(document), []


__all__ = ["SWITCH_CURRENCY_FLAG", "check_setting", "has_money", "import_settings"]
