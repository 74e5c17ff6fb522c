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
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pos_app.domain.loyalty_settings import LoyaltySettings
from pos_app.domain.money import Currency, MoneyError
from sync.central.settings import DEFAULT_SETTINGS, get_setting, set_setting


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


def check_setting(session: Session, key: str, value: Any, currency: str | None = None) -> str | None:
    """Why `value` cannot be the program's `key` (None: it can); offers are priced in `currency` (default: the
    program's)."""
    try:
        if key in _CHECKS:
            _CHECKS[key](value)
        elif key in _PRICED_CHECKS:
            _PRICED_CHECKS[key](Currency.of(currency or get_setting(session, "currency") or "USD"), value)
        elif key.startswith("offers."):
            return f"{key}: no such offer (offers.welcome, offers.birthday, offers.winback)"
        elif not _known(key):
            return f"{key}: no such setting (a typo? sync/README.md lists the program's settings)"
    except ValueError as exc:
        text = str(exc)
        return text if text.startswith(key) else f"{key}: {text}"
    return None


def import_settings(session: Session, path: Path) -> tuple[list[str], list[str]]:
    """(keys set, errors): the file's settings, all of them or none."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return [], [f"byte {exc.start}: not UTF-8 text (save the file as UTF-8)"]
    except json.JSONDecodeError as exc:
        return [], [f"line {exc.lineno}: {exc.msg}"]
    if not isinstance(document, dict):
        return [], ["the file must be one JSON object of settings: {\"key\": value, ...}"]
    errors = []
    currency = document.get("currency")
    if currency is not None:
        try:
            Currency.of(currency)
        except MoneyError:
            errors.append(f"currency: {currency!r} is not a currency code (e.g. \"EUR\")")
            currency = None
    for key, value in document.items():
        if not 1 <= len(key) <= 64:
            errors.append(f"{key!r}: a setting's name is 1 to 64 characters")
            continue
        problem = check_setting(session, key, value, currency)
        if problem:
            errors.append(problem)
    if errors:
        return [], errors
    for key, value in document.items():
        set_setting(session, key, value)
    return sorted(document), []


__all__ = ["check_setting", "import_settings"]
