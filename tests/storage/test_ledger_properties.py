"""Property: whatever cashiers and managers do, the ledger's books balance.

Random runs of accruals (with random expiry dates), redemptions within the
balance, reversals, acknowledgements and expiry runs; afterwards, for every
customer, confirmed + pending = the sum of the entries, pending = the
unacknowledged entries, every lot holds between zero and its points, the
lots account for every point, and the sequence has no gap.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.ledger import EntryKind
from pos_app.services.expiry import run_point_expiry
from pos_app.storage.database import open_store
from pos_app.storage.ledger import NewLot
from pos_app.storage.unit_of_work import UnitOfWorkFactory

from .conftest import NOW

CUSTOMERS = ("A", "B")
op = st.one_of(
    st.tuples(st.just("accrue"), st.sampled_from(CUSTOMERS), st.integers(1, 500), st.integers(0, 400)),
    st.tuples(st.just("redeem"), st.sampled_from(CUSTOMERS), st.integers(1, 600)),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("ack"), st.integers(1, 5)),
    st.tuples(st.just("expire"), st.integers(0, 400)),
)


def apply(factory: UnitOfWorkFactory, step: tuple) -> None:
    kind = step[0]
    if kind == "expire":
        run_point_expiry(factory(), now=NOW + timedelta(days=step[1]))
        return
    with factory() as work:
        if kind == "accrue":
            _, customer, points, days = step
            work.ledger.append(EntryKind.ACCRUAL, customer, points, at=NOW,
                               lots=[NewLot(points, (NOW + timedelta(days=days)).date())])
        elif kind == "redeem":
            _, customer, points = step
            if work.customers.get(customer).points < points:
                return
            work.ledger.append(EntryKind.REDEMPTION, customer, -points, at=NOW)
        elif kind == "reverse":
            entries = [e for c in CUSTOMERS for e in work.ledger.entries_of(c)
                       if e.kind in (EntryKind.ACCRUAL, EntryKind.REDEMPTION) and work.ledger.reversal_of(e.id) is None]
            if not entries:
                return
            target = entries[step[1] % len(entries)]
            if work.customers.get(target.customer_id).points < target.points:
                return  # a reversal may not leave a negative balance (the service refuses it)
            work.ledger.append(EntryKind.REVERSAL, target.customer_id, -target.points, at=NOW, reverses=target.id)
        elif kind == "ack":
            work.ledger.acknowledge([i.entry_id for i in work.ledger.pending_outbox(limit=step[1])], NOW)
        work.commit()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(op, min_size=1, max_size=25))
def test_the_books_always_balance(steps) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(Path(folder) / "p.db")
        factory = UnitOfWorkFactory(engine, "R1")
        with factory() as work:
            for customer in CUSTOMERS:
                work.customers.add(CustomerProfile(id=customer, name=customer))
            work.commit()

        for step in steps:
            apply(factory, step)

        with factory() as work, engine.connect() as connection:
            for customer in CUSTOMERS:
                profile = work.customers.get(customer)
                entries = work.ledger.entries_of(customer)
                unacked = {i.entry_id for i in work.ledger.pending_outbox(limit=10_000)}
                assert profile.confirmed_points + profile.pending_points == sum(e.points for e in entries)
                assert profile.pending_points == sum(e.points for e in entries if e.id in unacked)
                assert profile.points >= 0
                lots = work.ledger.lots(customer)
                assert all(0 <= lot.remaining <= lot.points for lot in lots)
                unlotted = connection.execute(text(
                    "SELECT COALESCE(SUM(points), 0) FROM lot_consumptions WHERE lot_id IS NULL AND customer_id = :c"
                ), {"c": customer}).scalar()
                assert unlotted == 0  # every point spent came out of a lot
                assert sum(lot.remaining for lot in lots) == profile.points
            seqs = connection.execute(text("SELECT seq FROM ledger_entries ORDER BY seq")).scalars().all()
            assert seqs == list(range(1, len(seqs) + 1))
        engine.dispose()
