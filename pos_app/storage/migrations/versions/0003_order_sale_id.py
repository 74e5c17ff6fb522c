"""Orders remember the draft they paid (`sale_id`), so a sale is never paid twice.

A double click on "Pay", or a retry after a timeout, sends the same draft to
checkout again; the unique index lets checkout see that this sale already
has an order and refuse. Plain `ALTER TABLE ADD COLUMN` and `CREATE UNIQUE
INDEX`: existing orders keep NULL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("sale_id", sa.String(length=36), nullable=True))
    op.create_index("ix_orders_sale_id", "orders", ["sale_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_orders_sale_id", table_name="orders")
    op.drop_column("orders", "sale_id")
