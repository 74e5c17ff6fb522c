"""A sale written into a register's real store, as checkout writes it: for the sync tests that need one waiting."""

from __future__ import annotations

from datetime import UTC, datetime

from pos_app.domain.ledger import EntryKind
from pos_app.domain.sale_record import SaleRecord
from pos_app.storage.unit_of_work import UnitOfWorkFactory


def sell(store: UnitOfWorkFactory, customer_id: str, points: int) -> str:
    """A sale to a member: its order and the points it earns, as checkout writes them; the entry's id."""
    now = datetime.now(UTC)
    with store() as unit:
        order_id = unit.orders.next_order_number(unit.register_id, unit.order_prefix)
        unit.orders.add(SaleRecord(id=order_id, register_id=unit.register_id, created_at=now, currency="USD",
                                   subtotal_minor=points * 100, discount_minor=0, points_value_minor=0,
                                   total_minor=points * 100, customer_id=customer_id))
        entry = unit.ledger.append(EntryKind.ACCRUAL, customer_id, points, at=now, order_id=order_id,
                                   order_total_minor=points * 100)
        unit.commit()
    return entry.id
