"""The central database as SQLAlchemy 2.0 typed tables.

`ledger_entries`, `rejected_entries`, `overdraft_events` and `conflicts` are
append-only (triggers installed by the migrations refuse UPDATE and DELETE).
`customers.balance` is a cache of the sum of the customer's ledger entries,
kept in the same transaction as every insert; `customers.overdraft` is the
outstanding offline overdraft, i.e. `max(0, -balance)`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL, INTEGER (the rowid alias, so autoincrement works) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Stamp = DateTime(timezone=True)

APPEND_ONLY_TABLES = ("ledger_entries", "rejected_entries", "overdraft_events", "conflicts")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RegisterRow(Base):
    __tablename__ = "registers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(Stamp)
    paired_at: Mapped[datetime | None] = mapped_column(Stamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp)
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    # Revision 0005: the head of the register's audit chain as its last push reported it.
    audit_seq: Mapped[int | None] = mapped_column(BigInteger)
    audit_hash: Mapped[str | None] = mapped_column(String(64))


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    # One member per card across the chain (registers look members up by it); NULLs are not compared.
    card: Mapped[str | None] = mapped_column(String(64), unique=True)
    birthday: Mapped[date | None] = mapped_column(Date)
    tier: Mapped[str | None] = mapped_column(String(32))
    segments: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of names
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    overdraft: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    last_order_at: Mapped[datetime | None] = mapped_column(Stamp)
    enrolled_at: Mapped[datetime] = mapped_column(Stamp)
    # Revision 0002: what registers publish about a member they enrolled or edited.
    consent_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    consent_sms: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    enrolled_register_id: Mapped[str | None] = mapped_column(String(64))  # None: imported at the central
    # Set when a manager merged this member into another: their points and keys live there now.
    merged_into: Mapped[str | None] = mapped_column(String(64), index=True)
    # Revision 0030: the member left the program (a participant until that day, not on it).
    left_at: Mapped[datetime | None] = mapped_column(Stamp)
    # Revision 0020, written by the program's jobs (`sync.central.tiers`, `sync.central.expiry`):
    # the chain-wide rolling spend the tier was decided on (orders before `tier_spend_until`), the last day a
    # tier the spend no longer reaches is kept, and the open point lots (JSON [[expires_on, points], ...],
    # first to expire first) as computed at `lots_at`, with the first one's date.
    tier_spend_minor: Mapped[int | None] = mapped_column(BigInteger)
    tier_spend_until: Mapped[datetime | None] = mapped_column(Stamp)
    tier_kept_until: Mapped[date | None] = mapped_column(Date)
    lots: Mapped[str | None] = mapped_column(Text)
    lots_at: Mapped[datetime | None] = mapped_column(Stamp)
    next_expiry_on: Mapped[date | None] = mapped_column(Date, index=True)


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (UniqueConstraint("register_id", "seq", name="uq_ledger_entries_register_seq"),)

    server_seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    register_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    points: Mapped[int] = mapped_column(BigInteger)
    # Unique: an entry is reversed at most once, whatever races.
    reverses: Mapped[str | None] = mapped_column(String(36), unique=True)
    code: Mapped[str | None] = mapped_column(String(64), index=True)
    discount_minor: Mapped[int | None] = mapped_column(BigInteger)
    order_id: Mapped[str | None] = mapped_column(String(160))
    order_total_minor: Mapped[int | None] = mapped_column(BigInteger)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at_register: Mapped[datetime] = mapped_column(Stamp)
    received_at: Mapped[datetime] = mapped_column(Stamp)
    payload_hash: Mapped[str] = mapped_column(String(64))
    flags: Mapped[str] = mapped_column(String(200), default="")  # comma separated
    details: Mapped[str | None] = mapped_column(Text)  # JSON: reason, actor_id, counterpart_id, group_id, note
    # Revision 0004: what checks and reports filter on, out of `details` (e.g. `reward:COFFEE`, `payment`).
    reason: Mapped[str | None] = mapped_column(String(200), index=True)
    group_id: Mapped[str | None] = mapped_column(String(64), index=True)


class RejectedEntryRow(Base):
    """An entry the server refused: kept so a resend gets the same answer and `seq` stays gapless."""

    __tablename__ = "rejected_entries"
    __table_args__ = (UniqueConstraint("register_id", "seq", name="uq_rejected_entries_register_seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    payload_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(Stamp)


class OverdraftEventRow(Base):
    """Offline overdraft bookings: `points` > 0 books a shortfall, < 0 pays it down."""

    __tablename__ = "overdraft_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    entry_id: Mapped[str] = mapped_column(String(36))
    points: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class ConflictRow(Base):
    """A conflict decided at the central service, shown to managers."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    register_id: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[str | None] = mapped_column(String(36))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    leakage_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Stamp)


class AlertRow(Base):
    """Something an operator must look at (e.g. the same entry id sent with two payloads)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    register_id: Mapped[str | None] = mapped_column(String(64))
    entry_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Stamp)


class CodeRow(Base):
    """A promotion code and how often the server has seen it used (first committed wins)."""

    __tablename__ = "codes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)  # trimmed, upper case
    promotion_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    uses_allowed: Mapped[int | None] = mapped_column(Integer)  # null: unlimited
    used: Mapped[int] = mapped_column(Integer, default=0)
    # Revision 0002: a code a register issued (welcome, reward, next visit) and the sale that earned it.
    issued_by: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime | None] = mapped_column(Stamp)
    order_id: Mapped[str | None] = mapped_column(String(160), index=True)
    # The `uses_left` the promotions file said at its last import: a re-import changes uses only when it differs.
    imported_uses_left: Mapped[int | None] = mapped_column(Integer)


class ChangeRow(Base):
    """The change feed: the new state of one record, numbered by a global increasing `seq`."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_topic_key", "topic", "key"),
        Index("ix_changes_unsequenced", "id", postgresql_where=text("seq IS NULL"), sqlite_where=text("seq IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Numbered after commit by `feed.assign_sequence`, so a later number never becomes visible before an
    # earlier one: null until then.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    topic: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    data: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class FeedStateRow(Base):
    """One row: changes at or below `horizon_seq` may have been compacted away."""

    __tablename__ = "feed_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    horizon_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class CatalogItemRow(Base):
    __tablename__ = "catalog_items"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class PromotionRow(Base):
    __tablename__ = "promotions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # the FORMAT.md promotion JSON
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class OrderRow(Base):
    """The chain's orders, anonymous ones included: spend, tiers, segments and the report read them.

    `id` is chain-wide (`S1-R1-000042`: store, register, number). An order
    arrives as a record with its lines (`has_lines`); from a register that
    predates order records it is known only from the accrual entry carrying
    its total. `refunded_minor` grows with returns; a voided order counts
    for nothing.
    """

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_store_created", "store_id", "created_at"),
        Index("ix_orders_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    register_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(Stamp)
    # Revision 0002: the order as the register recorded it.
    store_id: Mapped[str | None] = mapped_column(String(64))
    cashier_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime | None] = mapped_column(Stamp)  # the register's time of sale
    currency: Mapped[str | None] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    points_value_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    points_earned: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    points_redeemed: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    codes: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON list
    applied: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON [{id, amount_minor}]
    status: Mapped[str] = mapped_column(String(8), default="paid", server_default="paid")  # paid | voided
    has_lines: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    record_id: Mapped[str | None] = mapped_column(String(36))  # the record that brought it


class OrderLineRow(Base):
    """A sold line with its frozen allocations; `qty_returned` counts returns at every store."""

    __tablename__ = "order_lines"

    order_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    line_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    qty: Mapped[str] = mapped_column(String(32))
    qty_returned: Mapped[str] = mapped_column(String(32), default="0")
    weighted: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    points_value_minor: Mapped[int] = mapped_column(BigInteger)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    points_earned: Mapped[int] = mapped_column(BigInteger, default=0)
    points_redeemed: Mapped[int] = mapped_column(BigInteger, default=0)
    allocations: Mapped[str] = mapped_column(Text, default="{}")  # JSON {promotion id: minor units}


class OrderReturnRow(Base):
    """Items returned from an order, at any register of the chain."""

    __tablename__ = "order_returns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(160), index=True)
    register_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(Stamp)
    received_at: Mapped[datetime] = mapped_column(Stamp)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    refund_minor: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[str] = mapped_column(Text)  # JSON of the returned lines


class ReceivedRecordRow(Base):
    """Every record a register pushed and the answer it got: a resend gets the same answer."""

    __tablename__ = "received_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    flags: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(Stamp)


class HoldRow(Base):
    """Points of a member kept for a sale being paid online at one register, until its redemption arrives.

    `remaining` falls as that register's redemptions for the member are booked;
    a hold past `expires_at` no longer counts.
    """

    __tablename__ = "holds"
    __table_args__ = (Index("ix_holds_customer_expires", "customer_id", "expires_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    register_id: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    expires_at: Mapped[datetime] = mapped_column(Stamp)


# -- the program's rules that run by themselves (revision 0003) ---------------------------------------


class JobRunRow(Base):
    """One run of a program job for one day: at most one row per (job, day), so a day's run happens once.

    `status` is `running`, `done` or `failed`; a failed run is retried (`attempts` counts them) and stays
    visible with its error.
    """

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_date: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(Stamp)
    finished_at: Mapped[datetime | None] = mapped_column(Stamp)
    result: Mapped[str | None] = mapped_column(Text)  # JSON: what the run changed
    error: Mapped[str | None] = mapped_column(Text)
    runner: Mapped[str | None] = mapped_column(String(128))  # host and process that ran it


class TierChangeRow(Base):
    """A member's tier moved (progression, retention ended, an import): the tier history the report reads."""

    __tablename__ = "tier_changes"
    __table_args__ = (Index("ix_tier_changes_changed", "changed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    from_tier: Mapped[str | None] = mapped_column(String(32))
    to_tier: Mapped[str | None] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(Stamp)
    reason: Mapped[str] = mapped_column(String(32))  # progression | retention_ended | import | merge


class OfferAudienceRow(Base):
    """Who a personal offer (win-back, birthday, a segment's promotion) targeted, and who was held out.

    `group` is `target` (got the offer) or `control` (held out, chosen by a stable hash of the member id
    so a member never changes group between runs); the report compares the two.
    """

    __tablename__ = "offer_audiences"

    promotion_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    group: Mapped[str] = mapped_column(String(8))  # target | control
    assigned_at: Mapped[datetime] = mapped_column(Stamp)
    source: Mapped[str] = mapped_column(String(64))  # the job or import that chose the audience


class RewardRow(Base):
    """A reward of the catalogue members claim with points, distributed to every register.

    `kind`: `discount` or `free_product` (a code-gated promotion, `promotion_id`, gives it) or `partner`
    (a code handed out from the reward's pool, `reward_pool_codes`). `data` is the reward as imported.
    """

    __tablename__ = "rewards"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(BigInteger)
    promotion_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class RewardPoolCodeRow(Base):
    """A partner reward's code (a cinema ticket, a partner's voucher): free, reserved for a register, or issued."""

    __tablename__ = "reward_pool_codes"
    __table_args__ = (Index("ix_reward_pool_codes_reward_state", "reward_id", "state"),)

    code: Mapped[str] = mapped_column(String(128), primary_key=True)
    reward_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="free")  # free | reserved | issued
    register_id: Mapped[str | None] = mapped_column(String(64))  # reserved for, or issued at
    customer_id: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime | None] = mapped_column(Stamp)


# -- the loyalty report (revision 0030) -------------------------------------------------------------
# Derived tables: `pos-central report-rebuild` recomputes all of them from the orders, the ledger and
# the members; `sync.central.report.refresh` keeps them current as records and entries arrive.


class AdminTokenRow(Base):
    """A chain-wide credential (the report of every store); the server keeps only its SHA-256."""

    __tablename__ = "admin_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp)


class ReportMemberRow(Base):
    """A member as the report sees them: when they participate, where they enrolled, their points now.

    `ordinal` numbers members densely for the buyers' bitmaps; `brand_mask` 0: never a participant. A
    member merged into another takes that member's span and brands.
    """

    __tablename__ = "report_members"

    ordinal: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64), unique=True)
    home_store: Mapped[str] = mapped_column(String(64))
    brand_mask: Mapped[int] = mapped_column(Integer, default=0)
    # Merged into another member: their entries count as that member's, they are not counted themselves.
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    since_day: Mapped[date | None] = mapped_column(Date)
    until_day: Mapped[date | None] = mapped_column(Date)
    tier: Mapped[str] = mapped_column(String(32), default="")
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    pending: Mapped[int] = mapped_column(BigInteger, default=0)
    expiring_30: Mapped[int] = mapped_column(BigInteger, default=0)
    expiring_90: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportOrderCellRow(Base):
    """Orders of one local day at one store, by audience (participant, member, anonymous)."""

    __tablename__ = "report_order_cells"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    audience: Mapped[str] = mapped_column(String(16), primary_key=True)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    points_value_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportPointsCellRow(Base):
    """Ledger entries of one local day booked by one store's registers, by audience."""

    __tablename__ = "report_points_cells"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    audience: Mapped[str] = mapped_column(String(16), primary_key=True)
    accrued: Mapped[int] = mapped_column(BigInteger, default=0)
    redeemed: Mapped[int] = mapped_column(BigInteger, default=0)
    expired: Mapped[int] = mapped_column(BigInteger, default=0)
    adjusted: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportRewardCellRow(Base):
    """Participants' claims of one reward on one local day at one store."""

    __tablename__ = "report_reward_cells"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reward_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claims: Mapped[int] = mapped_column(BigInteger, default=0)
    points: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportPromotionCellRow(Base):
    """What one promotion cost on one local day at one store, and the orders it applied to."""

    __tablename__ = "report_promotion_cells"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    promotion_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportBuyerCellRow(Base):
    """The participants (by ordinal, a serialized roaring bitmap) who bought on one local day.

    `scope` is a store id, or `*` for the chain (the union of the stores).
    """

    __tablename__ = "report_buyer_cells"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    buyers: Mapped[int] = mapped_column(BigInteger, default=0)
    bitmap: Mapped[bytes] = mapped_column(LargeBinary)
    # Revision 0050, a store's cells only: those of the buyers whose home store it is (a store's purchase rate).
    home_bitmap: Mapped[bytes | None] = mapped_column(LargeBinary)


class ReportEnrollmentCellRow(Base):
    """Members who became participants (`enrolled`) or stopped (`left`) on one local day."""

    __tablename__ = "report_enrollment_cells"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    home_store: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_mask: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolled: Mapped[int] = mapped_column(BigInteger, default=0)
    left: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportMemberCellRow(Base):
    """Participants now, by home store, brands and tier, with their points position."""

    __tablename__ = "report_member_cells"

    home_store: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_mask: Mapped[int] = mapped_column(Integer, primary_key=True)
    tier: Mapped[str] = mapped_column(String(32), primary_key=True)
    members: Mapped[int] = mapped_column(BigInteger, default=0)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    pending: Mapped[int] = mapped_column(BigInteger, default=0)
    expiring_30: Mapped[int] = mapped_column(BigInteger, default=0)
    expiring_90: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportOfferOrderRow(Base):
    """A counted order of a member of a personal offer's audience, placed after they were assigned."""

    __tablename__ = "report_offer_orders"
    __table_args__ = (
        Index("ix_report_offer_orders_store_day", "store_id", "day"),
        Index("ix_report_offer_orders_promotion_day", "promotion_id", "day"),
    )

    promotion_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    group: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    store_id: Mapped[str] = mapped_column(String(64))
    revenue_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportAudienceMemberRow(Base):
    """A member of a personal offer's audience, with their scope as `report_members` has it (revision 0050)."""

    __tablename__ = "report_audience_members"

    promotion_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    group: Mapped[str] = mapped_column(String(8))
    assigned_at: Mapped[datetime] = mapped_column(Stamp)
    home_store: Mapped[str] = mapped_column(String(64))
    brand_mask: Mapped[int] = mapped_column(Integer, default=0)


class ReportTierMoveRow(Base):
    """A tier change (`tier_changes`, same id), with its member's scope as `report_members` has it (revision 0050)."""

    __tablename__ = "report_tier_moves"
    __table_args__ = (Index("ix_report_tier_moves_changed", "changed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    from_tier: Mapped[str | None] = mapped_column(String(32))
    to_tier: Mapped[str | None] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(Stamp)
    home_store: Mapped[str] = mapped_column(String(64))
    brand_mask: Mapped[int] = mapped_column(Integer, default=0)


class ReportDirtyRow(Base):
    """A store's local day whose cells must be recomputed (written in the transaction that changed it)."""

    __tablename__ = "report_dirty"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)


class ReportStateRow(Base):
    """What the report's refresh keeps between runs (feed watermark, the rules its tables follow)."""

    __tablename__ = "report_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# Revision 0030: what the report's refresh looks up by (a store's entries of a day, an audience's member).
Index("ix_ledger_entries_register_created", LedgerEntryRow.register_id, LedgerEntryRow.created_at_register)
Index("ix_offer_audiences_customer", OfferAudienceRow.customer_id)
Index("ix_conflicts_created", ConflictRow.created_at)


# -- revision 0020: custom segments ----------------------------------------------------------------


class SegmentMemberRow(Base):
    """A member of a custom segment (imported from a CSV file); built-in segments are computed daily."""

    __tablename__ = "segment_members"

    segment: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(Stamp)
