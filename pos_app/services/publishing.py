"""What a register tells the chain besides its ledger: members, codes it issues, orders, returns, voids.

Each use case that enrolls or edits a member, issues or retires a code, or
sells, returns or voids an order calls one of these in its own transaction,
which writes a record to the record outbox (`pos_app.storage.records`); the
sync loop pushes records before ledger entries. The record's data is the
protocol's model for its kind (`sync.protocol.records`), checked here, so a
register never queues a record the central service could not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.domain.promotion_code import PromotionCode
from pos_app.domain.sale_record import SaleRecord
from pos_app.storage.unit_of_work import UnitOfWork
from sync.protocol.records import (
    AppliedPromotion,
    CodeData,
    Consents,
    CustomerData,
    FeedProblemData,
    OrderData,
    OrderLineData,
    OrderReturnData,
    OrderVoidData,
    RecordKind,
    ReturnedLineData,
)


def publish_member(uow: UnitOfWork, member: CustomerProfile, at: datetime, *, enrolled: bool = False) -> str:
    """The member's whole profile, after an enrollment (`enrolled`) or an edit at this register."""
    data = CustomerData(
        id=member.id, name=member.name, card=member.card_number, phone=member.phone, email=member.email,
        birthday=member.birthday, consents=Consents(email=member.consents.email, sms=member.consents.sms),
        enrolled_at=at if enrolled else None,
    )
    return uow.records.add(RecordKind.CUSTOMER, data.model_dump(mode="json"), at)


def publish_code(uow: UnitOfWork, code: PromotionCode, at: datetime, *, order_id: str | None = None,
                 retired: bool = False) -> str:
    """A code this register issued (welcome, reward, next visit), or retired because its order was voided."""
    data = CodeData(code=code.display or code.code, promotion_id=code.promotion_id, customer_id=code.customer_id,
                    uses_left=code.uses_left if not retired else 0, issued_at=at, order_id=order_id, retired=retired)
    return uow.records.add(RecordKind.CODE, data.model_dump(mode="json"), at)


def publish_order(uow: UnitOfWork, order: SaleRecord, applied: Iterable[tuple[str, int]]) -> str:
    """A paid order with its lines, as the checkout froze them."""
    data = OrderData(
        id=order.id, store_id=uow.store_id, customer_id=order.customer_id, cashier_id=order.cashier_id,
        created_at=order.created_at, currency=order.currency, subtotal_minor=order.subtotal_minor,
        discount_minor=order.discount_minor, points_value_minor=order.points_value_minor,
        total_minor=order.total_minor, points_earned=order.points_earned, points_redeemed=order.points_redeemed,
        codes=list(order.codes), applied=[AppliedPromotion(id=pid, amount_minor=amount) for pid, amount in applied],
        lines=[
            OrderLineData(
                line_id=line.line_id, position=line.position, sku=line.sku, name=line.name, qty=line.qty,
                weighted=line.weighted, unit_price_minor=line.unit_price_minor, subtotal_minor=line.subtotal_minor,
                discount_minor=line.discount_minor, points_value_minor=line.points_value_minor,
                net_minor=line.net_minor, points_earned=line.points_earned, points_redeemed=line.points_redeemed,
                allocations=dict(line.allocations),
            )
            for line in order.lines
        ],
    )
    return uow.records.add(RecordKind.ORDER, data.model_dump(mode="json"), order.created_at)


def publish_return(uow: UnitOfWork, return_id: str, order_id: str, lines: Iterable[ReturnedLineData],
                   refund_minor: int, at: datetime, actor_id: str | None) -> str:
    data = OrderReturnData(id=return_id, order_id=order_id, at=at, actor_id=actor_id, refund_minor=refund_minor,
                           lines=list(lines))
    return uow.records.add(RecordKind.ORDER_RETURN, data.model_dump(mode="json"), at)


def publish_void(uow: UnitOfWork, order_id: str, refund_minor: int, at: datetime, actor_id: str | None) -> str:
    data = OrderVoidData(order_id=order_id, at=at, actor_id=actor_id, refund_minor=refund_minor)
    return uow.records.add(RecordKind.ORDER_VOID, data.model_dump(mode="json"), at)


def publish_feed_problem(uow: UnitOfWork, change_seq: int, topic: str, key: str, error: str, at: datetime) -> str:
    data = FeedProblemData(seq=change_seq, topic=topic[:32], key=key[:160], error=error[:500])
    return uow.records.add(RecordKind.FEED_PROBLEM, data.model_dump(mode="json"), at)


__all__ = [
    "ReturnedLineData",
    "publish_code",
    "publish_feed_problem",
    "publish_member",
    "publish_order",
    "publish_return",
    "publish_void",
]
