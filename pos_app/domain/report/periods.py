"""The report's calendar: local days, the breakdown grain and the periods a date range falls into.

Every figure of the loyalty report belongs to a *local day*: the day in the
program's report time zone (`report.timezone`, an IANA name such as
`Europe/Madrid`) on which the sale or the ledger entry happened. A range is
inclusive at both ends. Without a chosen breakdown, 1 to 30 days are shown
day by day, 31 to 90 week by week (ISO weeks, Monday first) and anything
longer month by month; the first and last periods are cut to the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_RANGE_DAYS = 3 * 366 + 1  # three years: longer ranges are refused, not slow


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class RangeError(ValueError):
    """A date range or grain the report cannot show (with a message for the person who asked)."""


def zone(name: str) -> ZoneInfo:
    """The report's time zone by IANA name; raises `RangeError` for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RangeError(f"unknown time zone {name!r} (use an IANA name such as Europe/Madrid)") from None


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The report day of a moment; a naive moment is UTC (how the central database hands them back)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days `first`..`last` (for index range scans on timestamps)."""
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def default_grain(first: date, last: date) -> Grain:
    days = (last - first).days + 1
    if days <= 30:
        return Grain.DAY
    if days <= 90:
        return Grain.WEEK
    return Grain.MONTH


def check_range(first: date, last: date) -> None:
    if last < first:
        raise RangeError(f"the range ends ({last}) before it starts ({first})")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise RangeError(f"a range of at most {MAX_RANGE_DAYS} days, please ({first} to {last} is longer)")


def period_start(day: date, grain: Grain) -> date:
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(start: date, grain: Grain) -> date:
    if grain is Grain.DAY:
        return start + timedelta(days=1)
    if grain is Grain.WEEK:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """One bar of a chart: the local days `first`..`last` (cut to the range)."""

    first: date
    last: date
    grain: Grain

    @property
    def label(self) -> str:
        if self.grain is Grain.DAY:
            return self.first.isoformat()
        if self.grain is Grain.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return self.first.strftime("%Y-%m")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def periods(first: date, last: date, grain: Grain) -> tuple[Period, ...]:
    """The periods covering `first`..`last`, in order, the outer ones cut to the range."""
    check_range(first, last)
    out: list[Period] = []
    start = period_start(first, grain)
    while start <= last:
        following = _next_start(start, grain)
        out.append(Period(max(start, first), min(following - timedelta(days=1), last), grain))
        start = following
    return tuple(out)


def period_index(bounds: tuple[Period, ...]) -> dict[date, int]:
    """Each day of the range -> the position of its period (to bucket daily sums)."""
    index: dict[date, int] = {}
    for i, period in enumerate(bounds):
        day = period.first
        while day <= period.last:
            index[day] = i
            day += timedelta(days=1)
    return index


__all__ = [
    "MAX_RANGE_DAYS",
    "Grain",
    "Period",
    "RangeError",
    "check_range",
    "day_bounds",
    "default_grain",
    "local_day",
    "period_index",
    "period_start",
    "periods",
    "zone",
]
