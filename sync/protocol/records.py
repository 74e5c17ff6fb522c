"""Records a register publishes besides its ledger: members, codes it issued, orders, returns, voids.

The ledger entry is the chain's money; these records are the chain's facts
about who a member is and what was sold. A register writes each record to
its record outbox in the same local transaction as the action it records (an
enrollment, a sale, a return), and pushes them, oldest first, before its
ledger entries, so the central service knows a member, a code or an order
before any entry refers to it.

A record's `id` is its idempotency key: the same id with the same
`payload_hash` is answered `exists`; with another hash it is `rejected`
(`payload_conflict`), never a change. The central service decides each
record on its own: a record it cannot take is `rejected` with a reason and
the rest of the batch goes on, so one bad record never blocks a register.
A record taken with a conflict (the same card enrolled at two stores, an
order returned twice) is `flagged` and the conflict is shown to managers.

`data` is validated per kind by the central service (`RECORD_DATA`), so a
record of a kind a server does not know is rejected, not a 422 of the batch.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

MAX_RECORDS_PER_PUSH = 1000


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordKind(StrEnum):
    CUSTOMER = "customer"
    CODE = "code"
    ORDER = "order"
    ORDER_RETURN = "order_return"
    ORDER_VOID = "order_void"
    FEED_PROBLEM = "feed_problem"


class RecordStatus(StrEnum):
    ACCEPTED = "accepted"
    EXISTS = "exists"
    FLAGGED = "flagged"  # accepted with a conflict that managers see
    REJECTED = "rejected"


Text64 = Field(min_length=1, max_length=64)


class Consents(_Wire):
    email: StrictBool = False
    sms: StrictBool = False


class CustomerData(_Wire):
    """A member as the register knows them after an enrollment or an edit (the whole profile)."""

    id: str = Text64
    name: str = Field(min_length=1, max_length=200)
    card: str | None = Field(default=None, max_length=13)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    birthday: date | None = None
    consents: Consents = Consents()
    enrolled_at: AwareDatetime | None = None


class CodeData(_Wire):
    """A code the register issued (welcome, reward, next visit), or retired (`retired`: its order was voided)."""

    code: str = Text64
    promotion_id: str = Text64
    customer_id: str | None = Field(default=None, max_length=64)
    uses_left: StrictInt | None = Field(default=None, ge=0)
    issued_at: AwareDatetime | None = None
    order_id: str | None = Field(default=None, max_length=160)
    retired: StrictBool = False


class OrderLineData(_Wire):
    """A sold line with what the engine fixed for it at checkout (amounts in minor units)."""

    line_id: str = Text64
    position: StrictInt = Field(ge=0)
    sku: str = Text64
    name: str = Field(default="", max_length=200)
    qty: str = Field(pattern=r"^[0-9]{1,9}(\.[0-9]{1,3})?$")
    weighted: StrictBool = False
    unit_price_minor: StrictInt = Field(ge=0)
    subtotal_minor: StrictInt = Field(ge=0)
    discount_minor: StrictInt = Field(ge=0)
    points_value_minor: StrictInt = Field(ge=0)
    net_minor: StrictInt = Field(ge=0)
    points_earned: StrictInt = Field(default=0, ge=0)
    points_redeemed: StrictInt = Field(default=0, ge=0)
    allocations: dict[str, StrictInt] = Field(default_factory=dict)


class AppliedPromotion(_Wire):
    id: str = Text64
    amount_minor: StrictInt = Field(ge=0)


class OrderData(_Wire):
    """A paid order with its lines: what the chain's spend, tiers, segments and report are computed from."""

    id: str = Field(min_length=1, max_length=160)
    store_id: str = Text64
    customer_id: str | None = Field(default=None, max_length=64)
    cashier_id: str | None = Field(default=None, max_length=64)
    created_at: AwareDatetime
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    subtotal_minor: StrictInt = Field(ge=0)
    discount_minor: StrictInt = Field(ge=0)
    points_value_minor: StrictInt = Field(ge=0)
    total_minor: StrictInt = Field(ge=0)
    points_earned: StrictInt = Field(default=0, ge=0)
    points_redeemed: StrictInt = Field(default=0, ge=0)
    codes: list[str] = Field(default_factory=list, max_length=50)
    applied: list[AppliedPromotion] = Field(default_factory=list, max_length=200)
    lines: list[OrderLineData] = Field(min_length=1, max_length=1000)


class ReturnedLineData(_Wire):
    line_id: str = Text64
    qty: str = Field(pattern=r"^[0-9]{1,9}(\.[0-9]{1,3})?$")
    refund_minor: StrictInt = Field(ge=0)
    points_given_back: StrictInt = Field(default=0, ge=0)
    points_taken_back: StrictInt = Field(default=0, ge=0)


class OrderReturnData(_Wire):
    """Items of an order returned (at any store of the chain), at their frozen net prices."""

    id: str = Text64
    order_id: str = Field(min_length=1, max_length=160)
    at: AwareDatetime
    actor_id: str | None = Field(default=None, max_length=64)
    refund_minor: StrictInt = Field(ge=0)
    lines: list[ReturnedLineData] = Field(min_length=1, max_length=1000)


class OrderVoidData(_Wire):
    """A whole order voided: nothing of it counts as sold any more."""

    order_id: str = Field(min_length=1, max_length=160)
    at: AwareDatetime
    actor_id: str | None = Field(default=None, max_length=64)
    refund_minor: StrictInt = Field(ge=0)


class FeedProblemData(_Wire):
    """A pulled change the register could not apply and set aside (the rest of its feed went on)."""

    seq: StrictInt = Field(ge=0)
    topic: str = Field(max_length=32)
    key: str = Field(max_length=160)
    error: str = Field(max_length=500)


RECORD_DATA: dict[RecordKind, type[_Wire]] = {
    RecordKind.CUSTOMER: CustomerData,
    RecordKind.CODE: CodeData,
    RecordKind.ORDER: OrderData,
    RecordKind.ORDER_RETURN: OrderReturnData,
    RecordKind.ORDER_VOID: OrderVoidData,
    RecordKind.FEED_PROBLEM: FeedProblemData,
}


class SyncRecord(_Wire):
    """One published record: `data` is the kind's model as JSON (checked by the server, record by record)."""

    id: str
    kind: str = Field(max_length=32)
    register_id: str = Field(min_length=1, max_length=64)
    created_at_register: AwareDatetime
    data: dict[str, Any]
    payload_hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))

    @classmethod
    def build(cls, **fields: Any) -> SyncRecord:
        draft = cls.model_validate({**fields, "payload_hash": "0" * 64})
        return draft.model_copy(update={"payload_hash": record_payload_hash(draft)})

    def hash_is_valid(self) -> bool:
        return record_payload_hash(self) == self.payload_hash


def canonical_record(record: SyncRecord) -> str:
    data = record.model_dump(mode="json", exclude={"payload_hash"})
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def record_payload_hash(record: SyncRecord) -> str:
    return hashlib.sha256(canonical_record(record).encode()).hexdigest()


class RecordsPushRequest(_Wire):
    register_id: str
    records: list[SyncRecord] = Field(max_length=MAX_RECORDS_PER_PUSH)


class RecordResult(_Wire):
    id: str
    status: RecordStatus
    reason: str | None = None
    flags: list[str] = Field(default_factory=list)


class RecordsPushResponse(_Wire):
    results: list[RecordResult]


class HoldRequest(_Wire):
    """Reserve points of a member for a sale about to be paid online (`hold_id` makes a retry harmless)."""

    hold_id: str
    points: StrictInt = Field(ge=1, le=1_000_000_000)

    @field_validator("hold_id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))


class HoldAnswer(_Wire):
    """`granted`: the points are kept for this register until its redemption arrives (or `expires_at`)."""

    customer_id: str
    granted: bool
    balance: int  # the member's confirmed balance at the central service
    held: int  # points held for sales not yet booked, the hold this answer grants included
    available: int  # balance - held: what the next hold may take
    expires_at: AwareDatetime | None = None


__all__ = [
    "MAX_RECORDS_PER_PUSH",
    "RECORD_DATA",
    "AppliedPromotion",
    "CodeData",
    "Consents",
    "CustomerData",
    "FeedProblemData",
    "HoldAnswer",
    "HoldRequest",
    "OrderData",
    "OrderLineData",
    "OrderReturnData",
    "OrderVoidData",
    "RecordKind",
    "RecordResult",
    "RecordStatus",
    "RecordsPushRequest",
    "RecordsPushResponse",
    "ReturnedLineData",
    "SyncRecord",
    "canonical_record",
    "record_payload_hash",
]
