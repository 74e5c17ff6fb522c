"""Parked sales and kept receipts: a sale put aside survives a restart, a receipt can be printed again.

- `parked_sales`: one row per sale put aside (its draft as JSON, who parked
  it, for whom, how many items and what it cost when parked).
- `receipts`: each receipt as printed (a sale's, a return's), by order.

New tables only: nothing existing is touched.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "parked_sales",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("parked_at", sa.String(length=32), nullable=False),
        sa.Column("cashier_id", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_sales")),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("printed_at", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('sale', 'return')", name=op.f("ck_receipts_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    op.create_index(op.f("ix_receipts_order_id"), "receipts", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_receipts_order_id"), table_name="receipts")
    op.drop_table("receipts")
    op.drop_table("parked_sales")
