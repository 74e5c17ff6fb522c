"""The report's members as a rebuild writes them (one statement) equal the rule applied member by member.

A rebuild computes every member's row in the database: participation (brand
mask, first day, day left) and points position (balance, pending, expiring
within 30 and 90 days). A refresh recomputes changed members one by one in
Python (`compute_members`, over `facts.participation` and
`facts.member_points`). Both must give the same rows, for the members below:

  A  enrolled at S1 (brand "", every member), in segment "club"; accrual, redemption, an old lot
  B  enrolled at S9 (brand Bio, whose participants are segment "club") without the segment
  C  enrolled at S9 in "club", left the program - the leaving moment before enrolment (a bad clock)
  D  imported at the central service (home HQ), left on a later day; an overdraft (balance below zero)
  E  merged into A: A's span, its own home store and points, not counted
  F  no segments at all (NULL), enrolled the last evening of March: a member of the default brand only
  G  enrolled late in the evening in New York: the next day in UTC, the same day in the report's zone
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import settings as central_settings
from sync.central.report.config import load_config
from sync.central.report.participants import COLUMNS, MemberRow, compute_members, rebuild_members
from sync.central.tables import CustomerRow, LedgerEntryRow, RegisterRow, ReportMemberRow

NOW = datetime(2026, 4, 1, 8, tzinfo=UTC)
TODAY = date(2026, 4, 1)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _chain(session: Session) -> None:
    central_settings.set_setting(session, "report.timezone", "America/New_York")
    central_settings.set_setting(session, "report.brands", {"Bio": {"stores": ["S9"], "participants": "club"}})
    for register, store in (("S1-R1", "S1"), ("S9-R1", "S9")):
        session.add(RegisterRow(id=register, store_id=store, name="R1", created_at=at(1, 1)))
    members = [
        CustomerRow(id="A", enrolled_at=at(1, 10), enrolled_register_id="S1-R1", segments='["club"]', tier="gold"),
        CustomerRow(id="B", enrolled_at=at(2, 1), enrolled_register_id="S9-R1", segments="[]"),
        CustomerRow(id="C", enrolled_at=at(2, 5), enrolled_register_id="S9-R1", segments='["club", "vip"]',
                    left_at=at(2, 3)),
        CustomerRow(id="D", enrolled_at=at(1, 2), left_at=at(3, 20), segments="[]", tier="silver"),
        CustomerRow(id="E", enrolled_at=at(1, 3), enrolled_register_id="S9-R1", merged_into="A"),
        CustomerRow(id="F", enrolled_at=at(3, 31, 23), enrolled_register_id="S1-R1", segments=None),
        CustomerRow(id="G", enrolled_at=datetime(2026, 3, 2, 2, 30, tzinfo=UTC), enrolled_register_id="S1-R1"),
    ]
    session.add_all(members)
    entries = [("A", "accrual", 500, at(3, 25)), ("A", "redemption", -120, at(3, 26)), ("A", "accrual", 80, at(1, 11)),
               ("A", "reversal", -30, at(3, 27)), ("D", "redemption", -50, at(2, 1)), ("E", "accrual", 40, at(3, 1)),
               ("G", "accrual", 15, at(3, 30))]
    for n, (customer, kind, points, when) in enumerate(entries, start=1):
        session.add(LedgerEntryRow(id=f"e{n}", register_id="S1-R1", seq=n, kind=kind, customer_id=customer,
                                   points=points, created_at_register=when, received_at=when,
                                   payload_hash=f"h{n}"))
    session.flush()


@pytest.mark.parametrize("either_central", ["sqlite", "postgresql"], indirect=True)
def test_a_rebuild_writes_every_member_as_the_rule_computes_them_one_by_one(either_central) -> None:
    with either_central.session() as session, session.begin():
        _chain(session)
    with either_central.session() as session, session.begin():
        cfg = load_config(session)
        assert rebuild_members(session, cfg, TODAY) == 7
        m = ReportMemberRow.__table__
        written = {row.customer_id: MemberRow(*row) for row in session.execute(sa.select(*(m.c[c] for c in COLUMNS)))}
        ordinals = sorted(session.scalars(sa.select(m.c.ordinal)))
        one_by_one = {row.customer_id: row for row in compute_members(session, cfg, TODAY, None)}

    assert written == one_by_one
    assert ordinals == list(range(1, 8))  # dense: the buyers' bitmaps are numbered by them
    # A few of the figures, as the rule says them:
    assert written["A"].brand_mask == 0b11 and written["A"].home_store == "S1"
    assert written["B"].brand_mask == 0b01  # every member of the default brand, not in Bio's segment
    assert written["C"].since_day == written["C"].until_day == date(2026, 2, 5)  # left "before" enrolling
    assert written["D"].home_store == "HQ" and written["D"].balance == 0  # an overdraft is no liability
    assert written["E"].merged and written["E"].since_day == written["A"].since_day and written["E"].balance == 40
    assert written["F"].brand_mask == 0b01 and written["F"].since_day == date(2026, 3, 31)  # 19:00 in New York
    assert written["G"].since_day == date(2026, 3, 1)  # 21:30 in New York
    assert written["A"].balance == 430


@pytest.mark.parametrize("either_central", ["sqlite", "postgresql"], indirect=True)
def test_the_entries_read_in_two_parts_add_up_to_the_entries_read_at_once(either_central) -> None:
    """A rebuild reads the entries of members not merged beside the members' pass (their span from the
    customer row), and those of merged members (E) with the span they took from their target (A)."""
    from sync.central.report.cells import _points

    with either_central.session() as session, session.begin():
        _chain(session)
    with either_central.session() as session, session.begin():
        cfg = load_config(session)
        rebuild_members(session, cfg, TODAY)
        at_once = _points(session, cfg, None)
        in_parts = _points(session, cfg, None, "merged", into=_points(session, cfg, None, "not merged"))
    assert in_parts == at_once
    points, _rewards = at_once
    # S1's participants on 2026-03-01 (New York): E's accrual of 40, as A's (A participates at S1 since 01-10).
    assert points[(date(2026, 3, 1), "S1", "participant")].accrued == 40
    # D left on 03-20 but spent on 02-01 (05:00 in New York) as a participant of the default brand, at S1.
    assert points[(date(2026, 2, 1), "S1", "participant")].redeemed == 50
