"""Writing a register's past into its store in bulk: orders it sold and ledger entries already synced.

Used once, on a fresh store, to give a demo register the year it would have
behind it: its orders (and the orders of its store's other registers that it
took returns of, as `locate_order` would have kept them), its ledger entries
with their own ids and gapless seqs, already acknowledged by the central
service (outbox rows with their exact payloads), and its counters moved past
them so the next sale and entry follow on. No point lots are made: the
history's points are the central service's confirmed balances.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pos_app.domain.ledger import LedgerEntry, canonical_json
from pos_app.domain.sale_record import SaleRecord
from pos_app.storage.ledger import _wire
from pos_app.storage.tables import (
    CustomerRow,
    LedgerEntryRow,
    OrderCounterRow,
    OrderLineRow,
    OrderRow,
    OutboxRow,
    RegisterSequenceRow,
)


class HistoryImport:
    def __init__(self, session: Session, register_id: str) -> None:
        self._session = session
        self.register_id = register_id

    def orders(self, records: Sequence[SaleRecord]) -> None:
        if not records:
            return
        self._session.execute(insert(OrderRow), [
            dict(id=r.id, register_id=r.register_id, store_id=r.store_id, customer_id=r.customer_id,
                 cashier_id=r.cashier_id, created_at=r.created_at, status=r.status, currency=r.currency,
                 subtotal_minor=r.subtotal_minor, discount_minor=r.discount_minor,
                 points_value_minor=r.points_value_minor, total_minor=r.total_minor, refunded_minor=r.refunded_minor,
                 points_earned=r.points_earned, points_redeemed=r.points_redeemed,
                 accrual_available_on=r.accrual_available_on, codes=list(r.codes), result_json=r.result_json)
            for r in records])
        self._session.execute(insert(OrderLineRow), [
            dict(order_id=r.id, line_id=line.line_id, position=line.position, sku=line.sku, name=line.name,
                 qty=line.qty, qty_returned=line.qty_returned, weighted=line.weighted,
                 unit_price_minor=line.unit_price_minor, subtotal_minor=line.subtotal_minor,
                 discount_minor=line.discount_minor, points_value_minor=line.points_value_minor,
                 net_minor=line.net_minor, points_earned=line.points_earned, points_redeemed=line.points_redeemed,
                 allocations=dict(line.allocations))
            for r in records for line in r.lines])

    def synced_entries(self, entries: Sequence[tuple[LedgerEntry, int | None]]) -> None:
        """Entries (with the order total an accrual carries) as written here and acknowledged by the central."""
        if not entries:
            return
        self._session.execute(insert(LedgerEntryRow), [
            dict(id=e.id, register_id=e.register_id, seq=e.seq, kind=e.kind.value, customer_id=e.customer_id,
                 points=e.points, created_at=e.created_at, reverses=e.reverses, order_id=e.order_id, code=e.code,
                 reason=e.reason, order_total_minor=total)
            for e, total in entries])
        self._session.execute(insert(OutboxRow), [
            dict(entry_id=e.id, register_id=e.register_id, seq=e.seq,
                 payload=canonical_json(_wire(e, None, total)), created_at=e.created_at,
                 acknowledged_at=e.created_at + timedelta(seconds=30), result="created")
            for e, total in entries])
        last = max(e.seq for e, _total in entries)
        statement = sqlite_insert(RegisterSequenceRow).values(register_id=self.register_id, last_seq=last)
        self._session.execute(statement.on_conflict_do_update(index_elements=[RegisterSequenceRow.register_id],
                                                              set_={"last_seq": last}))

    def enrolled_here(self, members: Sequence[tuple[str, datetime]]) -> None:
        """Members this register enrolled (and when): their enrollment is this register's."""
        if members:
            table = CustomerRow.__table__
            self._session.execute(
                update(table).where(table.c.id == bindparam("b_id"))
                .values(origin="register", enrolled_at=bindparam("b_at")),
                [{"b_id": cid, "b_at": at} for cid, at in members])

    def order_counter(self, last_number: int) -> None:
        statement = sqlite_insert(OrderCounterRow).values(register_id=self.register_id, last_number=last_number)
        self._session.execute(statement.on_conflict_do_update(index_elements=[OrderCounterRow.register_id],
                                                              set_={"last_number": last_number}))


__all__ = ["HistoryImport"]
