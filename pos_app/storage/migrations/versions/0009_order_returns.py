"""Returns by id: a retried return (a double tap, a till's retry) is recorded once.

- `order_returns`: one row per return, keyed by the id its caller chose,
  with what the return gave (lines, refund, points, its ledger entries).

A new table only: returns recorded before this revision keep no id.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 23:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order_returns",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=80), nullable=False),
        sa.Column("returned_at", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_returns")),
    )
    op.create_index(op.f("ix_order_returns_order_id"), "order_returns", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_order_returns_order_id"), table_name="order_returns")
    op.drop_table("order_returns")
