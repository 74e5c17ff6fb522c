"""The program settings the loyalty report follows, read once per refresh or query.

`report.timezone` (the local day), `report.participants` and `report.brands`
(who participates, per brand: `pos_app.domain.report.facts.ParticipantRules`),
and from the program: `currency`, the value of a point (`redeem_value`), the
months after which points expire (`expiry_months`, 12 unless set), the return
window (`return_window_days`, 30 unless set: points earned within it are
pending) and the tiers. A program setting is found by its name alone or with
any prefix (`points.redeem_value`), as registers read them.

`fingerprint` names what the derived tables depend on: when it changes (a
manager set another segment, brand or time zone) the tables are rebuilt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pos_app.domain.report.facts import ParticipantRules
from pos_app.domain.report.periods import local_day, zone
from sync.central.settings import get_setting
from sync.central.tables import SettingRow


@dataclass(frozen=True)
class ReportConfig:
    tz_name: str
    rules: ParticipantRules
    currency: str = "USD"
    redeem_value: str = "0.01"
    expiry_months: int = 12
    return_window_days: int = 30
    tier_order: tuple[str, ...] = ()

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.tz_name)

    def today(self, now: datetime) -> date:
        return local_day(now, self.tz)

    @property
    def fingerprint(self) -> str:
        return json.dumps({"tz": self.tz_name, "rules": self.rules.to_settings(), "expiry": self.expiry_months,
                           "window": self.return_window_days}, sort_keys=True)

    @property
    def participants_rule(self) -> str:
        segment = self.rules.segment
        return f"members of segment {segment!r}" if segment else "every enrolled member"


def program_value(session: Session, name: str, default: Any) -> Any:
    """A program setting by its name alone or with a prefix (`points.redeem_value`); `default` when unset."""
    rows = session.execute(sa.select(SettingRow.key, SettingRow.value).where(
        sa.or_(SettingRow.key == name, SettingRow.key.like(f"%.{name}")))).all()
    if not rows:
        return default
    key, value = min(rows, key=lambda row: (row.key != name, row.key))
    found = json.loads(value)
    return default if found is None else found


def load_config(session: Session) -> ReportConfig:
    tz_name = str(get_setting(session, "report.timezone") or "UTC")
    zone(tz_name)  # refuse an unknown zone now, with its name
    rules = ParticipantRules.from_settings(get_setting(session, "report.participants"),
                                           get_setting(session, "report.brands"))
    tiers = program_value(session, "tiers", [])
    order = tuple(str(t["name"]) for t in sorted(
        (t for t in tiers if isinstance(t, dict) and "name" in t),
        key=lambda t: int(t.get("threshold_minor", t.get("threshold", 0)) or 0)))
    return ReportConfig(
        tz_name=tz_name, rules=rules, currency=str(program_value(session, "currency", "USD")),
        redeem_value=str(program_value(session, "redeem_value", "0.01")),
        expiry_months=int(program_value(session, "expiry_months", 12)),
        return_window_days=int(program_value(session, "return_window_days", 30)),
        tier_order=order,
    )


__all__ = ["ReportConfig", "load_config", "program_value"]
