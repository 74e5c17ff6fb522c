"""Property tests of the central ledger: whatever registers push, in whatever interleaving, the invariants hold.

Runs `ledger.ingest` directly on a real SQLite database (no HTTP), one fresh
set of registers and customers per example.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from sync.central import ledger, registers
from sync.central.db import create_engine, utcnow
from sync.central.schema import upgrade
from sync.central.tables import RegisterRow
from sync.protocol import EntryKind, EntryResult, EntryStatus, LedgerEntry

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
_examples = itertools.count()

operation = st.tuples(
    st.integers(0, 2),  # register
    st.sampled_from(["accrual", "redemption", "redemption_online", "reversal", "adjustment"]),
    st.integers(0, 2),  # customer
    st.integers(1, 120),  # points
    st.integers(0, 50),  # which earlier entry a reversal targets
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'central.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _entries(prefix: str, ops: list[tuple[int, str, int, int, int]]) -> dict[int, list[LedgerEntry]]:
    by_register: dict[int, list[LedgerEntry]] = {0: [], 1: [], 2: []}
    made: list[LedgerEntry] = []
    for reg, kind, cust, points, target in ops:
        entries = by_register[reg]
        fields = {"register_id": f"{prefix}.R{reg}", "seq": len(entries) + 1, "customer_id": f"{prefix}-C{cust}",
                  "created_at_register": NOW}
        if kind == "accrual":
            entry = LedgerEntry.build(kind=EntryKind.ACCRUAL, points=points, **fields)
        elif kind == "adjustment":
            entry = LedgerEntry.build(kind=EntryKind.ADJUSTMENT, points=-points // 2 or 1, **fields)
        elif kind.startswith("redemption"):
            entry = LedgerEntry.build(kind=EntryKind.REDEMPTION, points=-points, online=kind.endswith("online"),
                                      **fields)
        elif made:
            victim = made[target % len(made)]
            entry = LedgerEntry.build(kind=EntryKind.REVERSAL, points=-victim.points, reverses=victim.id,
                                      **{**fields, "customer_id": victim.customer_id})
        else:
            continue
        entries.append(entry)
        made.append(entry)
    return by_register


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=40), batch=st.integers(1, 6),
       order=st.lists(st.integers(0, 2), min_size=60, max_size=60))
def test_ledger_invariants_hold_for_any_pushes_and_interleavings(engine, ops, batch, order):
    prefix = f"X{next(_examples)}"
    by_register = _entries(prefix, ops)
    with Session(engine) as s, s.begin():
        for reg in range(3):
            registers.issue_pairing_code(s, prefix, f"R{reg}", replace=True)
    cursors = dict.fromkeys(range(3), 0)
    pushes = [reg for reg in order if by_register[reg]] + [0, 1, 2] * 40
    answers: dict[str, EntryResult] = {}
    for reg in pushes:
        chunk = by_register[reg][cursors[reg] : cursors[reg] + batch]
        if not chunk:
            continue
        with Session(engine, expire_on_commit=False) as s, s.begin():
            register = s.get(RegisterRow, f"{prefix}.R{reg}", with_for_update=True)
            outcome = ledger.ingest(s, register, chunk, utcnow())
        answers.update({r.id: r for r in outcome.results})
        cursors[reg] += len(chunk)
    everything = [e for entries in by_register.values() for e in entries]
    assert set(answers) == {e.id for e in everything}

    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.id, c.balance, c.overdraft, COALESCE(SUM(l.points), 0) AS total FROM customers c "
            "LEFT JOIN ledger_entries l ON l.customer_id = c.id WHERE c.id LIKE :p GROUP BY c.id"),
            {"p": f"{prefix}-%"}).all()
        for row in rows:
            assert row.balance == row.total
            assert row.overdraft == max(0, -row.balance)
            booked = conn.execute(sa.text("SELECT COALESCE(SUM(points), 0) FROM overdraft_events "
                                          "WHERE customer_id = :c"), {"c": row.id}).scalar()
            assert booked == row.overdraft
            running = 0
            for points, online in conn.execute(sa.text(
                    "SELECT points, online FROM ledger_entries WHERE customer_id = :c ORDER BY server_seq"),
                    {"c": row.id}):
                before, running = running, running + points
                assert not (online and points < 0 and running < 0), (before, points)
        reversals = conn.execute(sa.text(
            "SELECT r.reverses, t.kind FROM ledger_entries r JOIN ledger_entries t ON t.id = r.reverses "
            "WHERE r.register_id LIKE :p"), {"p": f"{prefix}.%"}).all()
        assert all(kind != "reversal" for _, kind in reversals)
        assert len({target for target, _ in reversals}) == len(reversals)
        stored = conn.execute(sa.text("SELECT COUNT(*) FROM ledger_entries WHERE register_id LIKE :p"),
                              {"p": f"{prefix}.%"}).scalar()
        refused = conn.execute(sa.text("SELECT COUNT(*) FROM rejected_entries WHERE register_id LIKE :p"),
                               {"p": f"{prefix}.%"}).scalar()
    assert stored + refused == len(everything)
    assert refused == sum(a.status is EntryStatus.REJECTED for a in answers.values())
