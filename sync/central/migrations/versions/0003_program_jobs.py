"""program jobs: job runs, tier history, offer audiences (target and control), the rewards catalogue

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 21:07:01.706197
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('job_runs',
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('runner', sa.String(length=128), nullable=True),
    sa.PrimaryKeyConstraint('job', 'run_date', name=op.f('pk_job_runs'))
    )
    op.create_table('offer_audiences',
    sa.Column('promotion_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('group', sa.String(length=8), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('promotion_id', 'customer_id', name=op.f('pk_offer_audiences'))
    )
    op.create_table('reward_pool_codes',
    sa.Column('code', sa.String(length=128), nullable=False),
    sa.Column('reward_id', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('register_id', sa.String(length=64), nullable=True),
    sa.Column('customer_id', sa.String(length=64), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_reward_pool_codes'))
    )
    with op.batch_alter_table('reward_pool_codes', schema=None) as batch_op:
        batch_op.create_index('ix_reward_pool_codes_reward_state', ['reward_id', 'state'], unique=False)

    op.create_table('rewards',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('promotion_id', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rewards'))
    )
    op.create_table('tier_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('from_tier', sa.String(length=32), nullable=True),
    sa.Column('to_tier', sa.String(length=32), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_changes'))
    )
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.create_index('ix_tier_changes_changed', ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tier_changes_customer_id'), ['customer_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tier_changes_customer_id'))
        batch_op.drop_index('ix_tier_changes_changed')

    op.drop_table('tier_changes')
    op.drop_table('rewards')
    with op.batch_alter_table('reward_pool_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_reward_pool_codes_reward_state')

    op.drop_table('reward_pool_codes')
    op.drop_table('offer_audiences')
    op.drop_table('job_runs')

