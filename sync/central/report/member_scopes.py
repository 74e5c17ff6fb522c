"""Offer audiences and tier moves with each member's scope, so a brand's or a store's report joins no members.

A report for a brand or a store counts the control groups' members and the
tier moves of *its* members: those in the brand's segment, or those a store
enrolled. The source tables (`offer_audiences`, `tier_changes`) name only
the member; joining them to a million `report_members` rows for every report
cost most of a brand's answer. `report_audience_members` and
`report_tier_moves` are copies of the two tables with the member's home
store and brand mask attached (the members missing from `report_members`
left out, as the join left them out).

A rebuild copies both in full. A refresh writes again the rows of the
members whose span changed (`participants.refresh_members` says who), and
copies a table again in full when the source changed since the last refresh
(its row count or newest row differ): the program's daily jobs write them,
so that is about once a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central.tables import (
    OfferAudienceRow,
    ReportAudienceMemberRow,
    ReportMemberRow,
    ReportTierMoveRow,
    TierChangeRow,
)

AUDIENCE_MEMBERS, TIER_MOVES = ReportAudienceMemberRow.__table__, ReportTierMoveRow.__table__
_A, _T, _M = OfferAudienceRow.__table__, TierChangeRow.__table__, ReportMemberRow.__table__


def signature(session: Session) -> dict[str, list[Any]]:
    """What the source tables hold, in brief: a change of either means copying it again."""
    tiers = session.execute(sa.select(sa.func.count(), sa.func.max(_T.c.id))).one()
    audiences = session.execute(sa.select(sa.func.count(), sa.func.max(_A.c.assigned_at))).one()
    return {"tiers": [int(tiers[0]), int(tiers[1] or 0)],
            "audiences": [int(audiences[0]), None if audiences[1] is None else str(audiences[1])]}


def _copy_audiences(session: Session, ids: Sequence[str] | None) -> None:
    query = (sa.select(_A.c.promotion_id, _A.c.customer_id, _A.c.group, _A.c.assigned_at, _M.c.home_store,
                       _M.c.brand_mask).select_from(_A.join(_M, _M.c.customer_id == _A.c.customer_id)))
    if ids is not None:
        query = query.where(_A.c.customer_id.in_(ids))
    session.execute(AUDIENCE_MEMBERS.insert().from_select(
        ["promotion_id", "customer_id", "group", "assigned_at", "home_store", "brand_mask"], query))


def _copy_tier_moves(session: Session, ids: Sequence[str] | None) -> None:
    query = (sa.select(_T.c.id, _T.c.customer_id, _T.c.from_tier, _T.c.to_tier, _T.c.changed_at, _M.c.home_store,
                       _M.c.brand_mask).select_from(_T.join(_M, _M.c.customer_id == _T.c.customer_id)))
    if ids is not None:
        query = query.where(_T.c.customer_id.in_(ids))
    session.execute(TIER_MOVES.insert().from_select(
        ["id", "customer_id", "from_tier", "to_tier", "changed_at", "home_store", "brand_mask"], query))


def rebuild(session: Session) -> dict[str, list[Any]]:
    """Copy both tables in full (after `report_members` was written); returns the sources' signature."""
    seen = signature(session)
    for table, copy in ((AUDIENCE_MEMBERS, _copy_audiences), (TIER_MOVES, _copy_tier_moves)):
        session.execute(table.delete())
        copy(session, None)
    return seen


def refresh(session: Session, last: dict[str, Any] | None, moved: Sequence[str]) -> dict[str, list[Any]]:
    """Bring both copies up to date after `report_members` moved; `last` is the previous signature."""
    seen = signature(session)
    before = last or {}
    whole = {name for name in ("tiers", "audiences") if before.get(name) != seen[name]}
    for name, table, copy in (("audiences", AUDIENCE_MEMBERS, _copy_audiences),
                              ("tiers", TIER_MOVES, _copy_tier_moves)):
        if name in whole:
            session.execute(table.delete())
            copy(session, None)
            continue
        for i in range(0, len(moved), 1000):
            chunk = list(moved[i:i + 1000])
            session.execute(table.delete().where(table.c.customer_id.in_(chunk)))
            copy(session, chunk)
    return seen


__all__ = ["AUDIENCE_MEMBERS", "TIER_MOVES", "rebuild", "refresh", "signature"]
