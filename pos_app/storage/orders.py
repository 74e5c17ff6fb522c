"""Orders and their lines, written once at checkout; returns only raise `qty_returned`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from pos_app.domain.sale_record import SaleRecord, SoldLine
from pos_app.storage.tables import OrderCounterRow, OrderLineRow, OrderReturnRow, OrderRow


def _to_line(row: OrderLineRow) -> SoldLine:
    return SoldLine(
        line_id=row.line_id,
        position=row.position,
        sku=row.sku,
        name=row.name,
        qty=row.qty,
        unit_price_minor=row.unit_price_minor,
        subtotal_minor=row.subtotal_minor,
        discount_minor=row.discount_minor,
        points_value_minor=row.points_value_minor,
        net_minor=row.net_minor,
        points_earned=row.points_earned,
        points_redeemed=row.points_redeemed,
        allocations={k: int(v) for k, v in (row.allocations or {}).items()},
        qty_returned=row.qty_returned,
        weighted=row.weighted,
    )


# The statements of every sale and every customer card, built once.
_SPEND_BETWEEN = select(func.coalesce(func.sum(OrderRow.total_minor - OrderRow.refunded_minor), 0)).where(
    OrderRow.customer_id == bindparam("customer_id"),
    OrderRow.status == "paid",
    OrderRow.created_at >= bindparam("start", type_=OrderRow.created_at.type),
    OrderRow.created_at < bindparam("end", type_=OrderRow.created_at.type),
)
# Plain inserts into the tables (no ORM objects): an order and its lines are written once, never loaded back.
_INSERT_ORDER = insert(OrderRow.__table__)
_INSERT_LINES = insert(OrderLineRow.__table__)
_ORDER_OF_SALE = select(OrderRow.id).where(OrderRow.sale_id == bindparam("sale_id"))
_COUNTERS = OrderCounterRow.__table__.c  # a plain UPDATE: no ORM object of the table is ever loaded
_NEXT_NUMBER = (
    update(OrderCounterRow.__table__)
    .where(_COUNTERS.register_id == bindparam("b_register_id"))
    .values(last_number=_COUNTERS.last_number + 1)
    .returning(_COUNTERS.last_number)
)


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: SaleRecord, *, sale_id: str | None = None) -> None:
        """Write the order and its lines; `sale_id` (the paid draft's id) is unique among orders."""
        self._session.execute(
            _INSERT_ORDER,
            dict(
                sale_id=sale_id,
                id=record.id,
                register_id=record.register_id,
                store_id=record.store_id,
                customer_id=record.customer_id,
                cashier_id=record.cashier_id,
                created_at=record.created_at,
                status=record.status,
                currency=record.currency,
                subtotal_minor=record.subtotal_minor,
                discount_minor=record.discount_minor,
                points_value_minor=record.points_value_minor,
                total_minor=record.total_minor,
                refunded_minor=record.refunded_minor,
                points_earned=record.points_earned,
                points_redeemed=record.points_redeemed,
                accrual_available_on=record.accrual_available_on,
                codes=list(record.codes),
                result_json=record.result_json,
            ),
        )
        if not record.lines:
            return
        # One executemany for the lines (a 50-line sale is on the checkout's critical path).
        self._session.execute(
            _INSERT_LINES,
            [
                dict(
                    order_id=record.id,
                    line_id=line.line_id,
                    position=line.position,
                    sku=line.sku,
                    name=line.name,
                    qty=line.qty,
                    qty_returned=line.qty_returned,
                    weighted=line.weighted,
                    unit_price_minor=line.unit_price_minor,
                    subtotal_minor=line.subtotal_minor,
                    discount_minor=line.discount_minor,
                    points_value_minor=line.points_value_minor,
                    net_minor=line.net_minor,
                    points_earned=line.points_earned,
                    points_redeemed=line.points_redeemed,
                    allocations=dict(line.allocations),
                )
                for line in record.lines
            ],
        )

    def get(self, order_id: str) -> SaleRecord | None:
        row = self._session.get(OrderRow, order_id)
        if row is None:
            return None
        lines = self._session.scalars(
            select(OrderLineRow).where(OrderLineRow.order_id == order_id).order_by(OrderLineRow.position)
        )
        return SaleRecord(
            id=row.id,
            register_id=row.register_id,
            created_at=row.created_at,
            currency=row.currency,
            subtotal_minor=row.subtotal_minor,
            discount_minor=row.discount_minor,
            points_value_minor=row.points_value_minor,
            total_minor=row.total_minor,
            lines=tuple(_to_line(line) for line in lines),
            customer_id=row.customer_id,
            store_id=row.store_id,
            cashier_id=row.cashier_id,
            status=row.status,
            refunded_minor=row.refunded_minor,
            points_earned=row.points_earned,
            points_redeemed=row.points_redeemed,
            accrual_available_on=row.accrual_available_on,
            codes=tuple(row.codes or ()),
            result_json=row.result_json,
        )

    def record_return(self, order_id: str, line_id: str, qty: str, refunded_minor: int) -> None:
        """Add `qty` to the line's returned quantity and `refunded_minor` to the order's refunds.

        Refuses (ValueError, a caller bug: the return use case checks first) returning more than was sold.
        """
        line = self._session.scalars(
            select(OrderLineRow).where(OrderLineRow.order_id == order_id, OrderLineRow.line_id == line_id)
        ).one()
        returned = Decimal(line.qty_returned) + Decimal(qty)
        if Decimal(qty) <= 0 or returned > Decimal(line.qty):
            raise ValueError(
                f"line {line_id}: cannot return {qty} (sold {line.qty}, returned {line.qty_returned})"
            )
        line.qty_returned = str(returned)
        self._session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id)
            .values(refunded_minor=OrderRow.refunded_minor + refunded_minor)
        )
        self._session.flush()

    def return_on_file(self, return_id: str) -> tuple[str, dict[str, Any]] | None:
        """The order and summary of the return recorded under `return_id`, if any."""
        row = self._session.get(OrderReturnRow, return_id)
        return None if row is None else (row.order_id, dict(row.summary))

    def keep_return(self, return_id: str, order_id: str, at: datetime, summary: dict[str, Any]) -> None:
        """Record that `return_id` was done (in the return's own transaction)."""
        self._session.add(OrderReturnRow(id=return_id, order_id=order_id, returned_at=at, summary=summary))
        self._session.flush()

    def catch_up_returns(self, order_id: str, returned: dict[str, str], *, voided: bool = False) -> None:
        """What the chain says was returned of each line (at any store); a line never returns less than here."""
        for row in self._session.scalars(select(OrderLineRow).where(OrderLineRow.order_id == order_id)).all():
            chain = Decimal(returned.get(row.line_id, "0"))
            if chain > Decimal(row.qty_returned):
                row.qty_returned = str(min(chain, Decimal(row.qty)))
        if voided:
            self.void(order_id)
        self._session.flush()

    def next_order_number(self, register_id: str, prefix: str) -> str:
        """The register's next order number, `S1-R1-000042`: its store, itself, and a gapless number.

        Short enough for the receipt's barcode, unique across the chain (a
        register id is unique within its store). The counter is the register's
        own and moves in the sale's transaction.
        """
        number = self._session.execute(_NEXT_NUMBER, {"b_register_id": register_id}).scalar_one_or_none()
        if number is None:
            self._session.execute(insert(OrderCounterRow).values(register_id=register_id, last_number=1))
            number = 1
        return f"{prefix}-{number:06d}"

    def id_for_sale(self, sale_id: str) -> str | None:
        """The order that paid the draft `sale_id`, if any."""
        return self._session.scalar(_ORDER_OF_SALE, {"sale_id": sale_id})

    def last_order_id(self, register_id: str, prefix: str) -> str | None:
        """The id of the last order this register numbered, or None."""
        number = self._session.scalar(
            select(OrderCounterRow.last_number).where(OrderCounterRow.register_id == register_id)
        )
        return None if not number else f"{prefix}-{number:06d}"

    def void(self, order_id: str) -> None:
        self._session.execute(update(OrderRow).where(OrderRow.id == order_id).values(status="voided"))

    def spend_between(self, customer_id: str, start: datetime, end: datetime) -> int:
        """Net spend (paid totals less refunds) of the customer's orders in [start, end)."""
        return self._session.connection().scalar(
            _SPEND_BETWEEN, {"customer_id": customer_id, "start": start, "end": end}) or 0

    def customers_with_orders_since(self, start: datetime) -> list[str]:
        return list(
            self._session.scalars(
                select(OrderRow.customer_id)
                .where(OrderRow.customer_id.is_not(None), OrderRow.created_at >= start)
                .distinct()
            )
        )


__all__ = ["OrderRepository"]
