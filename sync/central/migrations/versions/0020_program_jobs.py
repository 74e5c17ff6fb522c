"""program jobs: chain-wide tier figures, point lots and custom segments

Revision ID: 0020
Revises: 0003

Members get what the daily jobs compute and the registers show: the rolling
spend their tier was decided on (`tier_spend_minor`, orders before
`tier_spend_until`), the last day a tier they no longer reach is kept
(`tier_kept_until`), and their open point lots (`lots`, computed at
`lots_at`; `next_expiry_on` finds the members whose points expire). Custom
segments imported from files live in `segment_members`; the segments
members already had other than the two computed ones (`lapsed_60d`,
`top_spenders`) become custom segments, so the daily segment job keeps them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('segment_members',
    sa.Column('segment', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('segment', 'customer_id', name=op.f('pk_segment_members'))
    )
    with op.batch_alter_table('segment_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_members_customer_id'), ['customer_id'], unique=False)
    _keep_custom_segments()

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tier_spend_minor', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('tier_spend_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('tier_kept_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lots', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('lots_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_expiry_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_customers_next_expiry_on'), ['next_expiry_on'], unique=False)


def _keep_custom_segments() -> None:
    bind = op.get_bind()
    computed = {"lapsed_60d", "top_spenders"}
    now = datetime.now(UTC)
    rows = bind.execute(sa.text("SELECT id, segments FROM customers WHERE segments IS NOT NULL AND segments <> '[]'"))
    found = [{"segment": name, "customer_id": cid, "added_at": now}
             for cid, text in rows for name in sorted(set(json.loads(text or "[]")) - computed)]
    if found:
        bind.execute(sa.text("INSERT INTO segment_members (segment, customer_id, added_at) "
                             "VALUES (:segment, :customer_id, :added_at)"), found)


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_next_expiry_on'))
        batch_op.drop_column('next_expiry_on')
        batch_op.drop_column('lots_at')
        batch_op.drop_column('lots')
        batch_op.drop_column('tier_kept_until')
        batch_op.drop_column('tier_spend_until')
        batch_op.drop_column('tier_spend_minor')

    with op.batch_alter_table('segment_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_members_customer_id'))

    op.drop_table('segment_members')
