"""The register's tables, as SQLAlchemy 2.0 typed declarative classes.

Money is integer minor units (`*_minor`), points are integers, quantities are
decimal strings (a weighted line sells "0.532" kg). Moments are stored as ISO
8601 text in UTC (`UtcDateTime`), so they sort and compare as text. Promotions
keep the JSON of scenarios/FORMAT.md in a text column next to the few fields
queries need. The name search index (FTS5) and the append-only triggers are
not expressible here and live in the migrations.

The customer's identity is `id`, the central service's text id; `row_id` is
a local integer key only because the FTS5 index needs a stable rowid.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from pos_app.domain.ledger import ENTRY_KINDS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC ISO text; naive datetimes are refused (a bug)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes stored by the register must be timezone-aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), date: Date(), dict[str, Any]: JSON(), list[str]: JSON()}


class ProgramSettingsRow(Base):
    """The one row of program settings (id is always 1)."""

    __tablename__ = "program_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    rounding: Mapped[str] = mapped_column(String(16))
    arbitration: Mapped[str] = mapped_column(String(16))
    max_discount_share: Mapped[str] = mapped_column(String(32))
    earn_rate: Mapped[str] = mapped_column(String(32))
    earn_on: Mapped[str] = mapped_column(String(8))
    redeem_value: Mapped[str] = mapped_column(String(32))
    min_redeem: Mapped[int]
    redeem_step: Mapped[int]
    max_redeem_share: Mapped[str] = mapped_column(String(32))
    expiry_months: Mapped[int]
    offline_customer_cap: Mapped[int]
    offline_register_cap: Mapped[int]
    max_cache_age_s: Mapped[int]
    return_window_days: Mapped[int]
    welcome_points: Mapped[int]
    welcome_promotion_id: Mapped[str | None] = mapped_column(String(64))
    next_visit_promotion_id: Mapped[str | None] = mapped_column(String(64))
    next_visit_min_total_minor: Mapped[int] = mapped_column(default=0, server_default="0")
    default_phone_region: Mapped[str] = mapped_column(String(2))
    manager_daily_adjust_limit: Mapped[int]


class TierRow(Base):
    __tablename__ = "tiers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    threshold_minor: Mapped[int]
    multiplier: Mapped[str] = mapped_column(String(32))


class CustomerRow(Base):
    __tablename__ = "customers"
    __table_args__ = (CheckConstraint("origin IN ('central', 'register')", name="origin"),)

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    card_number: Mapped[str | None] = mapped_column(String(13), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    birthday: Mapped[date | None]
    tier: Mapped[str | None] = mapped_column(String(64))
    segments: Mapped[list[str]] = mapped_column(default=list)
    consent_email: Mapped[bool] = mapped_column(default=False)
    consent_sms: Mapped[bool] = mapped_column(default=False)
    confirmed_points: Mapped[int] = mapped_column(default=0)
    pending_points: Mapped[int] = mapped_column(default=0)
    first_order: Mapped[bool] = mapped_column(default=False)
    promo_uses: Mapped[dict[str, Any]] = mapped_column(default=dict)
    origin: Mapped[str] = mapped_column(String(8), default="central")
    enrolled_at: Mapped[datetime | None]
    # Revision 0006: the member this one was merged into at the central service (found as that one).
    merged_into: Mapped[str | None] = mapped_column(String(64))
    # Revision 0040: the chain-wide figures the central service's jobs computed (null: none received):
    # rolling spend of orders before `tier_spend_until`, the last day a tier above it is kept, and the
    # first lots to expire (JSON [{"on": "2026-03-01", "points": 120}, ...]) as of `lots_at`.
    tier_spend_minor: Mapped[int | None]
    tier_spend_until: Mapped[datetime | None]
    tier_kept_until: Mapped[date | None]
    expiring: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    lots_at: Mapped[datetime | None]


# Email is matched case-insensitively: the index is on the lowercased address.
Index("ix_customers_email_lower", func.lower(CustomerRow.email))


class ProductRow(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    barcode: Mapped[str | None] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_price_minor: Mapped[int]
    categories: Mapped[list[str]] = mapped_column(default=list)
    brand: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(default=list)
    no_discount: Mapped[bool] = mapped_column(default=False)
    no_points: Mapped[bool] = mapped_column(default=False)
    min_unit_price_minor: Mapped[int | None]
    weighted: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class PromotionRow(Base):
    """A promotion: its FORMAT.md JSON in `body`, plus what queries filter on."""

    __tablename__ = "promotions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int]
    valid_from: Mapped[str | None] = mapped_column(String(32), index=True)  # local ISO, inclusive
    valid_to: Mapped[str | None] = mapped_column(String(32), index=True)  # local ISO, inclusive
    active: Mapped[bool] = mapped_column(default=True)
    body: Mapped[str] = mapped_column(Text)


# A customer's card lists the promotions with an audience: found through their JSON by this index (revision 0021).
PERSONAL_AUDIENCE = func.json_type(PromotionRow.body, text("'$.audience'"))
Index("ix_promotions_audience_type", PERSONAL_AUDIENCE)


class PromotionCodeRow(Base):
    """A code of a promotion; `code` is normalised (trimmed, upper case). `uses_left` None: unlimited."""

    __tablename__ = "promotion_codes"
    __table_args__ = (CheckConstraint("uses_left IS NULL OR uses_left >= 0", name="uses_left"),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    promotion_id: Mapped[str] = mapped_column(ForeignKey("promotions.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    uses_left: Mapped[int | None]
    display: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime | None]
    order_id: Mapped[str | None] = mapped_column(String(80), index=True)  # the sale that earned it (next visit)


class RegisterSequenceRow(Base):
    """The last `seq` given to a ledger entry of this register; bumped in the entry's transaction."""

    __tablename__ = "register_sequences"

    register_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("status IN ('paid', 'voided')", name="status"),
        Index("ix_orders_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register_id: Mapped[str] = mapped_column(String(64))
    store_id: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    cashier_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(8), default="paid")
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int]
    discount_minor: Mapped[int]
    points_value_minor: Mapped[int]
    total_minor: Mapped[int]
    refunded_minor: Mapped[int] = mapped_column(default=0)
    points_earned: Mapped[int] = mapped_column(default=0)
    points_redeemed: Mapped[int] = mapped_column(default=0)
    accrual_available_on: Mapped[date | None]
    codes: Mapped[list[str]] = mapped_column(default=list)
    result_json: Mapped[str] = mapped_column(Text)
    # The draft this order paid (revision 0003): a sale is paid at most once.
    sale_id: Mapped[str | None] = mapped_column(String(36), index=True, unique=True)


class OrderLineRow(Base):
    """A sold line with what the engine fixed for it at checkout; never re-spread on returns."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_id", name="uq_order_lines_order_line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    line_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    qty: Mapped[str] = mapped_column(String(32))
    qty_returned: Mapped[str] = mapped_column(String(32), default="0")
    weighted: Mapped[bool] = mapped_column(default=False)
    unit_price_minor: Mapped[int]
    subtotal_minor: Mapped[int]
    discount_minor: Mapped[int]
    points_value_minor: Mapped[int]
    net_minor: Mapped[int]
    points_earned: Mapped[int] = mapped_column(default=0)
    points_redeemed: Mapped[int] = mapped_column(default=0)
    allocations: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OrderReturnRow(Base):
    """A return as recorded, by the id its caller chose (revision 0009): the same id never returns twice.

    `summary` holds what the return gave (lines, refund, points, its ledger
    entries' ids), so a retried return answers what the first one did.
    """

    __tablename__ = "order_returns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(80), index=True)
    returned_at: Mapped[datetime]
    summary: Mapped[dict[str, Any]]


class LedgerEntryRow(Base):
    """An append-only ledger entry (UPDATE and DELETE are refused by triggers)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("register_id", "seq", name="uq_ledger_entries_register_seq"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in ENTRY_KINDS)})", name="kind"),
        CheckConstraint("(kind = 'reversal') = (reverses IS NOT NULL)", name="reversal_has_target"),
        CheckConstraint("reverses IS NULL OR reverses <> id", name="not_self_reversal"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    points: Mapped[int]
    created_at: Mapped[datetime]
    # At most one reversal per entry: the unique index is the guarantee.
    reverses: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    counterpart_id: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    # A code_use's discount (promotion leakage when the code turns out used elsewhere), revision 0002.
    discount_minor: Mapped[int | None]
    # What the customer paid for the order, carried by one entry of the order, revision 0002.
    order_total_minor: Mapped[int | None]


class PointLotRow(Base):
    """Points that arrived together and expire together (immutable; what is left is derived)."""

    __tablename__ = "point_lots"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_point_lots_customer_expires", "customer_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    points: Mapped[int]
    expires_on: Mapped[date]
    available_on: Mapped[date | None]


class LotConsumptionRow(Base):
    """Points an entry took from a lot (negative: gave back); `lot_id` None: no local lot."""

    __tablename__ = "lot_consumptions"
    __table_args__ = (
        CheckConstraint("points <> 0", name="points_nonzero"),
        Index("ix_lot_consumptions_customer_lot", "customer_id", "lot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("point_lots.id"), index=True)
    points: Mapped[int]


class OutboxRow(Base):
    """A ledger entry waiting for the central service; `payload` is pushed byte-for-byte."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("register_id", "seq", name="uq_outbox_register_seq"),
        Index("ix_outbox_pending", "seq", sqlite_where=text("acknowledged_at IS NULL")),
    )

    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.id"), primary_key=True)
    register_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(32))


class RecordOutboxRow(Base):
    """A record this register publishes (a member, a code it issued, an order, a return, a void), revision 0006.

    Written in the same transaction as what it records and pushed, oldest
    first, before the ledger's entries; `payload` (the kind's data as JSON)
    never changes, only the answer is written back.
    """

    __tablename__ = "record_outbox"
    __table_args__ = (Index("ix_record_outbox_pending", "seq", sqlite_where=text("acknowledged_at IS NULL")),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(200))


class FeedQuarantineRow(Base):
    """A pulled change this register could not apply, set aside so the rest of the feed flows (revision 0006)."""

    __tablename__ = "feed_quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_seq: Mapped[int]
    topic: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(160))
    data: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    set_aside_at: Mapped[datetime]


class UserRow(Base):
    """A cashier or manager; `pin_hash` is an argon2 string (salt included)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('cashier', 'manager')", name="role"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(8))
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    daily_adjust_limit: Mapped[int | None]
    created_at: Mapped[datetime]


class AuditLogRow(Base):
    """Hash-chained audit entries: `hash` = SHA-256(prev_hash + canonical JSON of the entry)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ParkedSaleRow(Base):
    """A sale put aside to serve the next customer (revision 0010), kept until it is recalled.

    `id` is the draft's sale id, so a recalled sale is still paid at most once;
    `draft` is the draft as JSON (lines by SKU and quantity, customer, codes,
    points asked, rewards claimed), re-priced when it comes back.
    """

    __tablename__ = "parked_sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    parked_at: Mapped[datetime]
    cashier_id: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    item_count: Mapped[int]
    total_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    draft: Mapped[str] = mapped_column(Text)


class ReceiptRow(Base):
    """A receipt as it was printed, sale or return (revision 0010), so it can be printed again."""

    __tablename__ = "receipts"
    __table_args__ = (CheckConstraint("kind IN ('sale', 'return')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    printed_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)


class RewardRow(Base):
    """A catalogue reward a customer claims with points (a free coffee for 150 points).

    `promotion_id` is the code-gated promotion that gives the reward; a claim
    issues a personal single-use code of it.
    """

    __tablename__ = "rewards"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    points: Mapped[int]
    promotion_id: Mapped[str | None] = mapped_column(String(64))  # revision 0040: none for a partner reward
    active: Mapped[bool] = mapped_column(default=True)
    # Revision 0040: `discount`, `free_product` or `partner` (a code from the partner's pool, `reward_codes`).
    kind: Mapped[str] = mapped_column(String(16), default="discount", server_default="discount")
    partner: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class RewardCodeRow(Base):
    """A partner reward's code the central service reserved for this register (revision 0040).

    `available` until a claim hands it to a member (`issued`, with the member and the order); a claim
    offline takes one of these, so it never needs the central service.
    """

    __tablename__ = "reward_codes"
    __table_args__ = (CheckConstraint("state IN ('available', 'issued')", name="state"),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    reward_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default="available")
    customer_id: Mapped[str | None] = mapped_column(String(64))
    order_id: Mapped[str | None] = mapped_column(String(80))
    issued_at: Mapped[datetime | None]


class OrderCounterRow(Base):
    """The last order number given by a register (the short number printed as the receipt's barcode)."""

    __tablename__ = "order_counters"

    register_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class StoreRevisionRow(Base):
    """Counters bumped by triggers when cached data changes (`pricing`: promotions and settings)."""

    __tablename__ = "store_revisions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class SyncStateRow(Base):
    """What the register's sync keeps between runs, as key -> JSON text (revision 0004).

    `cursor` is the pull cursor, written in the same transaction as the page it
    follows; `setting:<key>` and `register:<id>` hold pulled records that have no
    table of their own; `exposure` the offline-exposure counters.
    """

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PosKeyRow(Base):
    """A till's key for the POS API: its name and the SHA-256 of the key (the key itself is never kept)."""

    __tablename__ = "pos_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class PosTransactionRow(Base):
    """The answer to a till's state-changing call, kept under its `transaction_id` (per key).

    Written in the same local transaction as the sale, sign-up or return it
    answers, so after any crash the call is either whole with its answer or
    absent with nothing.
    """

    __tablename__ = "pos_transactions"

    key_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    call: Mapped[str] = mapped_column(String(32))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


__all__ = [
    "NAMING_CONVENTION",
    "PERSONAL_AUDIENCE",
    "AuditLogRow",
    "Base",
    "CustomerRow",
    "LedgerEntryRow",
    "LotConsumptionRow",
    "OrderCounterRow",
    "OrderLineRow",
    "OrderRow",
    "OutboxRow",
    "PointLotRow",
    "PosKeyRow",
    "PosTransactionRow",
    "ProductRow",
    "ProgramSettingsRow",
    "PromotionCodeRow",
    "PromotionRow",
    "RecordOutboxRow",
    "FeedQuarantineRow",
    "RegisterSequenceRow",
    "RewardCodeRow",
    "RewardRow",
    "StoreRevisionRow",
    "SyncStateRow",
    "TierRow",
    "UserRow",
    "UtcDateTime",
]
