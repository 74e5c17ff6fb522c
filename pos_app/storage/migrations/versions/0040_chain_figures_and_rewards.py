"""The chain's figures on the member, and the rewards catalogue from the central service.

- `customers`: what the central service's daily jobs computed for the
  member: the chain-wide rolling spend their tier was decided on
  (`tier_spend_minor`, orders before `tier_spend_until`), the last day a
  tier above that spend is kept (`tier_kept_until`), and the first lots to
  expire (`expiring`, as of `lots_at`). Plain `ALTER TABLE ADD COLUMN`:
  recreating `customers` would drop its name-index triggers.
- `rewards`: a reward is a `discount`, a `free_product` or a `partner`
  reward (`kind`, `partner`, `description`); a partner reward has no
  promotion, so `promotion_id` may be null (the table is recreated; it has no
  triggers).
- `reward_codes`: partner codes the central service reserved for this
  register, so a claim offline hands one out.

Revision ID: 0040
Revises: 0006
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("tier_spend_minor", sa.Integer(), nullable=True))
    op.add_column("customers", sa.Column("tier_spend_until", sa.String(length=32), nullable=True))
    op.add_column("customers", sa.Column("tier_kept_until", sa.Date(), nullable=True))
    op.add_column("customers", sa.Column("expiring", sa.JSON(), nullable=True))
    op.add_column("customers", sa.Column("lots_at", sa.String(length=32), nullable=True))
    with op.batch_alter_table("rewards", schema=None) as batch_op:
        batch_op.alter_column("promotion_id", existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="discount"))
        batch_op.add_column(sa.Column("partner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
    op.create_table(
        "reward_codes",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("reward_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("order_id", sa.String(length=80), nullable=True),
        sa.Column("issued_at", sa.String(length=32), nullable=True),
        sa.CheckConstraint("state IN ('available', 'issued')", name=op.f("ck_reward_codes_state")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_reward_codes")),
    )
    op.create_index(op.f("ix_reward_codes_reward_id"), "reward_codes", ["reward_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reward_codes_reward_id"), table_name="reward_codes")
    op.drop_table("reward_codes")
    op.execute("DELETE FROM rewards WHERE promotion_id IS NULL")  # partner rewards do not exist before 0040
    with op.batch_alter_table("rewards", schema=None) as batch_op:
        batch_op.drop_column("description")
        batch_op.drop_column("partner")
        batch_op.drop_column("kind")
        batch_op.alter_column("promotion_id", existing_type=sa.String(length=64), nullable=False)
    for column in ("lots_at", "expiring", "tier_kept_until", "tier_spend_until", "tier_spend_minor"):
        op.drop_column("customers", column)  # SQLite >= 3.35: ALTER TABLE DROP COLUMN
