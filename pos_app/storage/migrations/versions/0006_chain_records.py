"""chain records: the record outbox, the feed's quarantine, merged members, chain-wide order ids

Revision ID: 0006
Revises: 0005

A register now publishes members, the codes it issues, orders, returns and
voids (`record_outbox`), sets aside a pulled change it cannot apply
(`feed_quarantine`) and knows when a member was merged into another.

Order ids become unique across the chain: `R1-000042` becomes
`S1-R1-000042` (the order's store in front) in the orders, their lines, the
ledger entries and the codes that refer to them. The ledger is append-only,
so its triggers are lifted for this one rewrite and put back. Outbox
payloads are not touched: an entry already sent must be sent again
byte-for-byte, and the central service reads an old id the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEDGER_GUARDS = {
    "ledger_entries_no_update": "BEFORE UPDATE ON ledger_entries BEGIN "
    "SELECT RAISE(ABORT, 'ledger_entries is append-only'); END",
}
_RECORD_TRIGGERS = {
    "record_outbox_payload_frozen": "BEFORE UPDATE OF id, kind, payload, created_at ON record_outbox BEGIN "
    "SELECT RAISE(ABORT, 'record payloads are immutable'); END",
    "record_outbox_no_delete_pending": "BEFORE DELETE ON record_outbox WHEN OLD.acknowledged_at IS NULL "
    "BEGIN SELECT RAISE(ABORT, 'an unacknowledged record cannot be deleted'); END",
}
# An old order id is `<register>-<digits>`; a chain-wide one has the store in front.
_OLD_ID = "o.id NOT LIKE '%-%-%' AND o.id LIKE '%-%'"


def _requalify_orders(new_id: str, where: str) -> None:
    """Rewrite order ids in every table that holds one (foreign keys checked at commit).

    `new_id` and `where` are SQL over the order `o`; each row finds its order by primary key.
    """
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
    chosen = f"SELECT o.id FROM orders o WHERE o.store_id IS NOT NULL AND {where}"
    for table, column in (("ledger_entries", "order_id"), ("order_lines", "order_id"),
                          ("promotion_codes", "order_id"), ("orders", "id")):
        op.execute(
            f"UPDATE {table} SET {column} = (SELECT {new_id} FROM orders o WHERE o.id = {table}.{column}) "
            f"WHERE {column} IN ({chosen})"
        )
    for name, body in _LEDGER_GUARDS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    op.create_table(
        "record_outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("acknowledged_at", sa.String(length=32), nullable=True),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_record_outbox")),
        sa.UniqueConstraint("id", name=op.f("uq_record_outbox_id")),
    )
    with op.batch_alter_table("record_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_record_outbox_pending", ["seq"], unique=False,
                              sqlite_where=sa.text("acknowledged_at IS NULL"))
    op.create_table(
        "feed_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("set_aside_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_quarantine")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into", sa.String(length=64), nullable=True))
    for name, body in _RECORD_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    _requalify_orders("o.store_id || '-' || o.id", _OLD_ID)


def downgrade() -> None:
    _requalify_orders("substr(o.id, length(o.store_id) + 2)", "o.id LIKE o.store_id || '-%-%'")
    for name in _RECORD_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # Natively (SQLite 3.35+): recreating `customers` would break the foreign keys that refer to it.
    op.execute("ALTER TABLE customers DROP COLUMN merged_into")
    op.drop_table("feed_quarantine")
    with op.batch_alter_table("record_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_record_outbox_pending", sqlite_where=sa.text("acknowledged_at IS NULL"))
    op.drop_table("record_outbox")
