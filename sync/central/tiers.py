"""The tier job: every member's tier from their chain-wide rolling spend.

Settings:

- `tiers`: the ladder, `[{"name": "silver", "threshold_minor": 50000, "multiplier": "1.25"}, ...]`
  (also what registers earn points by);
- `tiers.window_months`: the rolling window (default 12): a run as of day D counts the paid orders of
  every store placed from the same day `window_months` earlier up to the start of D, less refunds
  (voided orders count for nothing);
- `tiers.retention_months`: how long a tier is kept after the spend falls below it (default 6; 0 steps
  down at the next run).

The rule itself (progression, retention, one step down at a time) is
`pos_app.domain.tiers.decide_tier`. Each change of tier is written to
`tier_changes`. Every member whose tier, retention date or spend changed is
published with the figures registers show on the card (`tier_spend_minor`
and `tier_spend_until`: what the spend was and up to when, the start of the
day or the moment of the run if earlier; registers add their own sales made
since), so no register decides a tier from its own partial view. A member whose spend did not move keeps the figures of the
day they last moved (no order entered or left the window since).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pos_app.domain.ledger import add_months
from pos_app.domain.tiers import PROGRESSION, TierRule, decide_tier
from sync.central.bulk import insert_rows, stream
from sync.central.days import chain_zone, start_of
from sync.central.db import is_postgres, utcnow
from sync.central.member_updates import write_members
from sync.central.settings import get_setting
from sync.central.tables import CustomerRow, OrderRow, TierChangeRow

_COLUMNS = ("tier", "tier_kept_until", "tier_spend_minor", "tier_spend_until")


def tier_ladder(value: Any) -> tuple[TierRule, ...]:
    """The `tiers` setting as rules; ValueError naming what is wrong."""
    if value in (None, []):
        return ()
    if not isinstance(value, list):
        raise ValueError("tiers: a list of {\"name\", \"threshold_minor\", \"multiplier\"}")
    rules: list[TierRule] = []
    for i, item in enumerate(value):
        where = f"tiers[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValueError(f"{where}.name: required (text)")
        threshold = item.get("threshold_minor", item.get("threshold", 0))
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise ValueError(f"{where}.threshold_minor: a whole number of minor units, 0 or more")
        if len(item["name"]) > 32:
            raise ValueError(f"{where}.name: longer than 32 characters")
        if any(rule.name == item["name"] for rule in rules):
            raise ValueError(f"{where}.name: {item['name']!r} twice")
        rules.append(TierRule(item["name"], threshold, str(item.get("multiplier", "1"))))
    return tuple(rules)


def window_start(as_of: date, window_months: int) -> date:
    return add_months(as_of, -window_months)


def spend_by_member(start: datetime, end: datetime) -> sa.Subquery:
    """Net paid spend per member of the orders placed in [start, end)."""
    placed = sa.func.coalesce(OrderRow.created_at, OrderRow.received_at)
    return (sa.select(OrderRow.customer_id.label("customer_id"),
                      sa.func.sum(OrderRow.total_minor - OrderRow.refunded_minor).label("spend"))
            .where(OrderRow.customer_id.is_not(None), OrderRow.status == "paid", placed >= start, placed < end)
            .group_by(OrderRow.customer_id).subquery())


def run_job(engine: Engine, as_of: date) -> dict[str, Any]:
    """Decide every live member's tier as of the start of `as_of` (see the module docstring)."""
    from sync.central.app import run_in_transaction

    def read_settings(session: Session) -> tuple[tuple[TierRule, ...], int, int, Any]:
        return (tier_ladder(get_setting(session, "tiers")),
                int(get_setting(session, "tiers.window_months") or 12),
                int(get_setting(session, "tiers.retention_months") or 0),
                chain_zone(session))

    rules, window, retention, zone = run_in_transaction(engine, read_settings)
    end = start_of(as_of, zone)
    start = start_of(window_start(as_of, window), zone)
    counts = {"members": 0, "progressions": 0, "retentions_started": 0, "stepped_down": 0, "updated": 0}
    now = utcnow()

    # The figure counts orders before `end` that the central service held when the run began; a register adds
    # its own sales from then on (a run for a day still to come, by hand, held none of that day's later sales).
    until = min(end, now)

    def decisions() -> Iterator[dict[str, Any]]:
        rows = _members_with_spend(engine, start, end)
        for row in rows if is_postgres(engine) else list(rows):  # SQLite: one writer, so read everything first
            counts["members"] += 1
            spend = int(row.spend or 0)
            decided = decide_tier(rules, current=row.tier, spend_minor=spend, kept_until=row.tier_kept_until,
                                  today=as_of, retention_months=retention) if rules else None
            tier = decided.tier if decided else row.tier
            kept = decided.kept_until if decided else None
            reason = decided.reason if decided else None
            if reason == PROGRESSION:
                counts["progressions"] += 1
            elif reason is not None:
                counts["stepped_down"] += 1
            elif kept is not None and row.tier_kept_until is None:
                counts["retentions_started"] += 1
            if (tier, kept, spend) != (row.tier, row.tier_kept_until, int(row.tier_spend_minor or 0)):
                yield {"id": row.id, "tier": tier, "tier_kept_until": kept, "tier_spend_minor": spend,
                       "tier_spend_until": until, "from_tier": row.tier, "reason": reason}

    def log_changes(session: Session, batch: list[dict[str, Any]]) -> None:
        changes = [{"customer_id": u["id"], "from_tier": u["from_tier"], "to_tier": u["tier"], "changed_at": now,
                    "reason": u["reason"]} for u in batch if u["reason"] is not None]
        insert_rows(session, TierChangeRow.__table__, changes)

    counts["updated"] = write_members(engine, decisions(), _COLUMNS, also=log_changes)
    return {"as_of": as_of.isoformat(), "window_start": start.date().isoformat(), **counts}


def _members_with_spend(engine: Engine, start: datetime, end: datetime) -> Iterator[sa.Row[Any]]:
    """Every live member with their spend in the window, streamed in id order."""
    spend = spend_by_member(start, end)
    query = (sa.select(CustomerRow.id, CustomerRow.tier, CustomerRow.tier_kept_until, CustomerRow.tier_spend_minor,
                       spend.c.spend)
             .outerjoin(spend, spend.c.customer_id == CustomerRow.id)
             .where(CustomerRow.merged_into.is_(None)).order_by(CustomerRow.id))
    with engine.connect() as conn:
        yield from stream(conn, query)


__all__ = ["run_job", "spend_by_member", "tier_ladder", "window_start"]
