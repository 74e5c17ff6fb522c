"""Points held at the central service for sales paid online, as the registers asking for them see it.

A real central service on 127.0.0.1 (SQLite, then PostgreSQL in a schema
of its own) and registers paired with it asking over HTTP.
"""

from __future__ import annotations

import uuid

from sync.central import grants
from sync.protocol import EntryKind


def figures(answer) -> tuple[bool, int, int, int]:
    return answer.granted, answer.balance, answer.held, answer.available


def test_a_granted_hold_answers_the_figures_after_it_as_every_later_read_does(either_central):
    central = either_central
    with central.session() as s, s.begin():
        grants.book_central_entries(s, [("C1", EntryKind.ADJUSTMENT, 500, "test-opening")])
    r1, r2 = central.client("S1", "R1"), central.client("S1", "R2")
    first = str(uuid.uuid4())

    placed = r1.hold_points("C1", first, 200)
    assert figures(placed) == (True, 500, 200, 300)  # the 200 points it keeps are no longer available
    assert placed.expires_at is not None

    # The register asking again (a retry) and the next register both read the same figures.
    assert figures(r1.hold_points("C1", first, 200)) == (True, 500, 200, 300)
    refused = r2.hold_points("C1", str(uuid.uuid4()), 301)
    assert figures(refused) == (False, 500, 200, 300)
    other = str(uuid.uuid4())
    assert figures(r2.hold_points("C1", other, 300)) == (True, 500, 500, 0)
    assert figures(r1.hold_points("C1", first, 200)) == (True, 500, 500, 0)

    # Given back, the points are available again to the next read.
    r2.release_hold(other)
    assert figures(r2.hold_points("C1", str(uuid.uuid4()), 1)) == (True, 500, 201, 299)

