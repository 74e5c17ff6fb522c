"""Codes registers issue (welcome, claimed reward, next visit), made chain-wide by the central service.

A register that issues a personal code publishes it as a `code` record; the
central service keeps it with the promotion it unlocks, who may use it and
how many uses it has, and sends it to every register, so the member can use
it at any store and its single use holds chain-wide (a use anywhere comes
back as `uses_left` 0). A code text that already names another promotion or
member is refused (`code_taken`) and shown; the same code published again
changes nothing. A `retired` record (its order was voided) leaves it no use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pos_app.domain.promotion import normalize_code
from sync.central import feed
from sync.central.tables import CodeRow, PromotionRow, RegisterRow
from sync.protocol import ChangeTopic
from sync.protocol.records import CodeData

FLAG_UNKNOWN_PROMOTION = "unknown_promotion"


class CodeRefused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def code_record(row: CodeRow) -> dict[str, Any]:
    """A code as the change feed carries it to registers."""
    uses_left = None if row.uses_allowed is None else max(0, row.uses_allowed - row.used)
    return {"code": row.code, "promotion_id": row.promotion_id, "customer": row.customer_id, "uses_left": uses_left}


def apply_issued_code(session: Session, register: RegisterRow, data: CodeData,
                      customer_id: str | None, now: datetime) -> tuple[str, ...]:
    """Take a code a register issued (or retired); returns flags; raises `CodeRefused`."""
    key = normalize_code(data.code)
    row = session.get(CodeRow, key, with_for_update=True)
    flags: tuple[str, ...] = ()
    if row is None:
        row = CodeRow(code=key, promotion_id=data.promotion_id, customer_id=customer_id,
                      uses_allowed=data.uses_left, used=0, issued_by=register.id, issued_at=data.issued_at,
                      order_id=data.order_id)
        session.add(row)
        if session.get(PromotionRow, data.promotion_id) is None:
            flags = (FLAG_UNKNOWN_PROMOTION,)
    elif row.promotion_id != data.promotion_id or (row.customer_id or None) != (customer_id or None):
        raise CodeRefused("code_taken", f"code {key} issued at {register.id} for {data.promotion_id} already "
                                        f"belongs to {row.promotion_id}")
    if data.retired:
        row.uses_allowed = row.used
    session.flush()
    feed.emit(session, [(ChangeTopic.CODE, row.code, code_record(row))])
    return flags


__all__ = ["CodeRefused", "apply_issued_code", "code_record"]
