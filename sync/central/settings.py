"""The program's settings at the central service: JSON values by key, published to every register.

A setting the registers read (`currency`, `points.earn_rate`, `tiers`,
`program.next_visit_promotion_id`, ...) reaches them through the change feed;
`DEFAULT_SETTINGS` holds what a key means until a manager sets it.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.tables import SettingRow
from sync.protocol import ChangeTopic

DEFAULT_SETTINGS: dict[str, Any] = {
    "currency": "USD",
    "program.welcome_points": 0,
    "program.top_spenders_share": "0.1",  # the default `top_spenders` segment (see `sync.central.segments`)
    "program.default_phone_region": "US",  # phones typed without "+" are read in this region
    # The loyalty report (sync.central.report): its day boundaries, who participates, the brands.
    "report.timezone": "UTC",
    "report.participants": None,  # a segment name; None: every enrolled member
    "report.brands": {},  # {"Brand": {"stores": ["S1", ...], "participants": segment or None}}
    # The program's daily jobs (sync.central.jobs, .scheduler, .tiers, .expiry, .segments, .offers, .rewards).
    "jobs.timezone": "UTC",
    "jobs.retry_minutes": 15,
    "jobs.max_attempts": 4,
    "jobs.stale_minutes": 120,  # SQLite: a run still `running` after this long died with its process
    "tiers.window_months": 12,
    "tiers.retention_months": 6,
    "points.expiry_months": 12,
    "rewards.partner_reserve": 5,
}


def get_setting(session: Session, key: str) -> Any:
    value = session.scalar(sa.select(SettingRow.value).where(SettingRow.key == key))
    return json.loads(value) if value is not None else DEFAULT_SETTINGS.get(key)


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(SettingRow, key)
    text = json.dumps(value)
    if row is None:
        session.add(SettingRow(key=key, value=text))
    else:
        row.value = text
    feed.emit(session, [(ChangeTopic.SETTING, key, {"key": key, "value": value})])


__all__ = ["DEFAULT_SETTINGS", "get_setting", "set_setting"]
