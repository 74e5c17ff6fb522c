"""Tiers from rolling 12-month spend, and the point-expiry run."""

from __future__ import annotations

from datetime import date, timedelta

from pos_app.domain.ledger import EntryKind
from pos_app.domain.sale_record import SaleRecord
from pos_app.services.expiry import run_point_expiry
from pos_app.services.tiers import TierChange, recompute_tiers
from pos_app.storage.ledger import NewLot, new_entry_id

from .conftest import NOW


def sell(uow, customer_id, total_minor, when, refunded_minor=0):
    with uow() as work:
        work.orders.add(SaleRecord(id=new_entry_id(), register_id="R1", created_at=when, currency="USD",
                                   subtotal_minor=total_minor, discount_minor=0, points_value_minor=0,
                                   total_minor=total_minor, customer_id=customer_id, refunded_minor=refunded_minor))
        work.commit()


def test_tiers_follow_the_last_twelve_months_of_spend(uow, people) -> None:
    sell(uow, "C1", 30_000, NOW - timedelta(days=20))
    sell(uow, "C1", 25_000, NOW - timedelta(days=200))
    sell(uow, "C1", 500_000, NOW - timedelta(days=400))  # too old to count
    sell(uow, "C2", 250_000, NOW - timedelta(days=5))
    sell(uow, "C3", 60_000, NOW - timedelta(days=5), refunded_minor=20_000)  # net 400.00: no tier

    run = recompute_tiers(uow(), now=NOW)

    assert run.checked == 3
    assert set(run.changes) == {TierChange("C1", None, "silver", 55_000), TierChange("C2", None, "gold", 250_000)}
    with uow() as work:
        assert [work.customers.get(c).tier for c in ("C1", "C2", "C3")] == ["silver", "gold", None]


def test_a_customer_drops_a_tier_when_old_spend_leaves_the_window(uow, people) -> None:
    sell(uow, "C1", 60_000, NOW - timedelta(days=300))
    recompute_tiers(uow(), now=NOW)

    run = recompute_tiers(uow(), now=NOW + timedelta(days=70), customer_ids=["C1"])

    assert run.changes == (TierChange("C1", "silver", None, 0),)


def test_expired_lots_expire_and_the_rest_stays(uow, people) -> None:
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C3", 100, at=NOW, lots=[NewLot(100, date(2026, 11, 30))])
        work.ledger.append(EntryKind.ACCRUAL, "C3", 50, at=NOW, lots=[NewLot(50, date(2027, 6, 30))])
        work.ledger.append(EntryKind.REDEMPTION, "C3", -30, at=NOW)  # from the lot expiring first
        work.commit()

    assert run_point_expiry(uow(), now=NOW + timedelta(days=7)).entries == ()  # 30 Nov is still valid

    run = run_point_expiry(uow(), now=NOW + timedelta(days=8))
    assert run.points == 70
    (entry,) = run.entries
    assert (entry.kind, entry.customer_id, entry.points) == (EntryKind.EXPIRY, "C3", -70)
    with uow() as work:
        assert work.customers.get("C3").points == 50
        assert [(lot.remaining, lot.expires_on) for lot in work.ledger.lots("C3")] == [
            (0, date(2026, 11, 30)), (50, date(2027, 6, 30))]

    assert run_point_expiry(uow(), now=NOW + timedelta(days=9)).entries == ()  # nothing twice
