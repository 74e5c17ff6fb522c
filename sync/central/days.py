"""The chain's days: the program's jobs run per day in the chain's time zone (setting `jobs.timezone`).

A job run "as of" a day sees the chain as it stood at the start of that day:
orders before its first moment count, a lot expiring on the day before is
past, a member last seen 60 days before it has lapsed 60 days.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from sync.central.settings import get_setting

DEFAULT_ZONE = "UTC"


def zone_named(name: str | None) -> ZoneInfo:
    """The IANA zone `name` (`Europe/Madrid`); ValueError with a readable message when there is none."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"jobs.timezone: {name!r} is not a time zone (e.g. \"Europe/Madrid\")") from None


def chain_zone(session: Session) -> ZoneInfo:
    return zone_named(get_setting(session, "jobs.timezone"))


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of `day` in the chain's zone (an aware datetime)."""
    return datetime.combine(day, time.min, tzinfo=zone)


def day_of(moment: datetime, zone: ZoneInfo) -> date:
    """The chain's day a moment falls on (naive moments are UTC, as the database keeps them)."""
    from sync.central.db import as_utc

    aware = as_utc(moment)
    assert aware is not None
    return aware.astimezone(zone).date()


__all__ = ["DEFAULT_ZONE", "chain_zone", "day_of", "start_of", "zone_named"]
