"""loyalty report: its daily aggregates, members who leave (customers.left_at), admin credentials

The report tables are derived: after an upgrade they are empty until the
first refresh, which rebuilds them (`pos-central report-rebuild` does it on
demand).

Revision ID: 0030
Revises: 0003
Create Date: 2026-12-05 21:18:50.956260
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admin_tokens',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_admin_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_admin_tokens_token_hash'))
    )
    op.create_table('report_buyer_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('buyers', sa.BigInteger(), nullable=False),
    sa.Column('bitmap', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'scope', name=op.f('pk_report_buyer_cells'))
    )
    op.create_table('report_dirty',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_dirty'))
    )
    op.create_table('report_enrollment_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('home_store', sa.String(length=64), nullable=False),
    sa.Column('brand_mask', sa.Integer(), nullable=False),
    sa.Column('enrolled', sa.BigInteger(), nullable=False),
    sa.Column('left', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'home_store', 'brand_mask', name=op.f('pk_report_enrollment_cells'))
    )
    op.create_table('report_member_cells',
    sa.Column('home_store', sa.String(length=64), nullable=False),
    sa.Column('brand_mask', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('members', sa.BigInteger(), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('pending', sa.BigInteger(), nullable=False),
    sa.Column('expiring_30', sa.BigInteger(), nullable=False),
    sa.Column('expiring_90', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('home_store', 'brand_mask', 'tier', name=op.f('pk_report_member_cells'))
    )
    op.create_table('report_members',
    sa.Column('ordinal', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('home_store', sa.String(length=64), nullable=False),
    sa.Column('brand_mask', sa.Integer(), nullable=False),
    sa.Column('merged', sa.Boolean(), nullable=False),
    sa.Column('since_day', sa.Date(), nullable=True),
    sa.Column('until_day', sa.Date(), nullable=True),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('pending', sa.BigInteger(), nullable=False),
    sa.Column('expiring_30', sa.BigInteger(), nullable=False),
    sa.Column('expiring_90', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('ordinal', name=op.f('pk_report_members')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_report_members_customer_id'))
    )
    with op.batch_alter_table('report_members', schema=None) as batch_op:
        batch_op.create_index('ix_report_members_home_store', ['home_store'], unique=False)

    op.create_table('report_offer_orders',
    sa.Column('promotion_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=160), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('group', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('revenue_minor', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('promotion_id', 'order_id', name=op.f('pk_report_offer_orders'))
    )
    with op.batch_alter_table('report_offer_orders', schema=None) as batch_op:
        batch_op.create_index('ix_report_offer_orders_promotion_day', ['promotion_id', 'day'], unique=False)
        batch_op.create_index('ix_report_offer_orders_store_day', ['store_id', 'day'], unique=False)

    op.create_table('report_order_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('orders', sa.BigInteger(), nullable=False),
    sa.Column('revenue_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('points_value_minor', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'store_id', 'audience', name=op.f('pk_report_order_cells'))
    )
    op.create_table('report_points_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('accrued', sa.BigInteger(), nullable=False),
    sa.Column('redeemed', sa.BigInteger(), nullable=False),
    sa.Column('expired', sa.BigInteger(), nullable=False),
    sa.Column('adjusted', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'store_id', 'audience', name=op.f('pk_report_points_cells'))
    )
    op.create_table('report_promotion_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('promotion_id', sa.String(length=64), nullable=False),
    sa.Column('orders', sa.BigInteger(), nullable=False),
    sa.Column('cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('revenue_minor', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'store_id', 'promotion_id', name=op.f('pk_report_promotion_cells'))
    )
    op.create_table('report_reward_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('reward_id', sa.String(length=64), nullable=False),
    sa.Column('claims', sa.BigInteger(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'store_id', 'reward_id', name=op.f('pk_report_reward_cells'))
    )
    op.create_table('report_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_report_state'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_conflicts_created', ['created_at'], unique=False)

    # Natively (no batch copy): customers is referenced by other tables.
    op.add_column('customers', sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_register_created', ['register_id', 'created_at_register'], unique=False)

    with op.batch_alter_table('offer_audiences', schema=None) as batch_op:
        batch_op.create_index('ix_offer_audiences_customer', ['customer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('offer_audiences', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_audiences_customer')

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_register_created')

    op.execute("ALTER TABLE customers DROP COLUMN left_at")

    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_conflicts_created')

    op.drop_table('report_state')
    op.drop_table('report_reward_cells')
    op.drop_table('report_promotion_cells')
    op.drop_table('report_points_cells')
    op.drop_table('report_order_cells')
    with op.batch_alter_table('report_offer_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_report_offer_orders_store_day')
        batch_op.drop_index('ix_report_offer_orders_promotion_day')

    op.drop_table('report_offer_orders')
    with op.batch_alter_table('report_members', schema=None) as batch_op:
        batch_op.drop_index('ix_report_members_home_store')

    op.drop_table('report_members')
    op.drop_table('report_member_cells')
    op.drop_table('report_enrollment_cells')
    op.drop_table('report_dirty')
    op.drop_table('report_buyer_cells')
    op.drop_table('admin_tokens')
