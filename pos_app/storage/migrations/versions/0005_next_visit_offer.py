"""The next-visit offer: which promotion a qualifying sale earns a code of, and which sale earned each code.

- `program_settings.next_visit_promotion_id` (none by default: no offer) and
  `next_visit_min_total_minor` (the order total that earns it, 0 by default).
- `promotion_codes.order_id`: the order whose checkout issued the code, so
  voiding that order retires it.

Plain `ALTER TABLE ADD COLUMN`, not batch mode: recreating `promotion_codes`
or `program_settings` would drop the pricing-revision triggers of revision 0002.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("program_settings", sa.Column("next_visit_promotion_id", sa.String(length=64), nullable=True))
    op.add_column(
        "program_settings",
        sa.Column("next_visit_min_total_minor", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("promotion_codes", sa.Column("order_id", sa.String(length=80), nullable=True))
    op.create_index(op.f("ix_promotion_codes_order_id"), "promotion_codes", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_promotion_codes_order_id"), table_name="promotion_codes")
    op.drop_column("promotion_codes", "order_id")  # SQLite >= 3.35: ALTER TABLE DROP COLUMN
    op.drop_column("program_settings", "next_visit_min_total_minor")
    op.drop_column("program_settings", "next_visit_promotion_id")
