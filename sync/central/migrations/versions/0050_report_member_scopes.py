"""loyalty report at chain scale: home buyers' bitmaps, offer audiences and tier moves with their member's scope

`report_members` loses its index on the home store (nothing reads by it
now). `report_buyer_cells.home_bitmap` keeps, for a store's day, the buyers whose
home store it is; `report_audience_members` and `report_tier_moves` copy the
offer audiences and the tier history with each member's home store and
brands, so a brand's or a store's report reads them without joining a
million members. All three are derived: they are filled by the next rebuild
(an upgrade changes nothing the report's fingerprint sees, so the revision
asks for one by forgetting the fingerprint).

Revision ID: 0050
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing looks members up by home store any more; the index only slowed the rebuild's insert.
    with op.batch_alter_table("report_members", schema=None) as batch_op:
        batch_op.drop_index("ix_report_members_home_store")
    with op.batch_alter_table("report_buyer_cells", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_bitmap", sa.LargeBinary(), nullable=True))
    op.create_table(
        "report_audience_members",
        sa.Column("promotion_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("group", sa.String(length=8), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("home_store", sa.String(length=64), nullable=False),
        sa.Column("brand_mask", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("promotion_id", "customer_id", name=op.f("pk_report_audience_members")),
    )
    with op.batch_alter_table("report_audience_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_audience_members_customer_id"), ["customer_id"], unique=False)
    op.create_table(
        "report_tier_moves",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("from_tier", sa.String(length=32), nullable=True),
        sa.Column("to_tier", sa.String(length=32), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("home_store", sa.String(length=64), nullable=False),
        sa.Column("brand_mask", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_tier_moves")),
    )
    with op.batch_alter_table("report_tier_moves", schema=None) as batch_op:
        batch_op.create_index("ix_report_tier_moves_changed", ["changed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_tier_moves_customer_id"), ["customer_id"], unique=False)
    op.execute("DELETE FROM report_state WHERE key = 'fingerprint'")  # the next refresh rebuilds


def downgrade() -> None:
    with op.batch_alter_table("report_tier_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_tier_moves_customer_id"))
        batch_op.drop_index("ix_report_tier_moves_changed")
    op.drop_table("report_tier_moves")
    with op.batch_alter_table("report_audience_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_audience_members_customer_id"))
    op.drop_table("report_audience_members")
    with op.batch_alter_table("report_buyer_cells", schema=None) as batch_op:
        batch_op.drop_column("home_bitmap")
    with op.batch_alter_table("report_members", schema=None) as batch_op:
        batch_op.create_index("ix_report_members_home_store", ["home_store"], unique=False)
