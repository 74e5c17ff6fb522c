"""chain records: members, codes and orders published by registers; holds

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 20:36:11.243075

Adds what registers publish besides their ledger (member profiles and
consents, the codes they issue, orders with their lines, returns), the
records' answers, and the points holds of online redemptions. Two data
fixes come first: a card number held by several members stays with the
first of them (the others lose it and a `duplicate_card` conflict names
them), so the card can be unique; and order ids of the old form `R1-000042`
(unique only within a store) get their store in front (`S1-R1-000042`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _release_duplicate_cards() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, card FROM customers WHERE card IN "
        "(SELECT card FROM customers WHERE card IS NOT NULL GROUP BY card HAVING COUNT(*) > 1) "
        "ORDER BY card, enrolled_at, id")).all()
    keeper: dict[str, str] = {}
    now = datetime.now(UTC)
    for customer_id, card in rows:
        if card not in keeper:
            keeper[card] = customer_id
            continue
        bind.execute(sa.text("UPDATE customers SET card = NULL WHERE id = :id"), {"id": customer_id})
        bind.execute(sa.text(
            "INSERT INTO conflicts (kind, register_id, entry_id, customer_id, code, points, leakage_minor, detail, "
            "created_at) VALUES ('duplicate_card', 'central', NULL, :id, NULL, 0, 0, :detail, :now)"),
            {"id": customer_id, "now": now,
             "detail": f"card {card} also held by {keeper[card]}: kept there, removed here (upgrade 0002)"})


def _qualify_order_ids() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE orders SET store_id = (SELECT store_id FROM registers WHERE registers.id = orders.register_id), "
        "created_at = received_at"))
    bind.execute(sa.text(
        "UPDATE orders SET id = store_id || '-' || id WHERE store_id IS NOT NULL AND id NOT LIKE '%-%-%'"))


def upgrade() -> None:
    _release_duplicate_cards()
    op.create_table('holds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('register_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('remaining', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holds'))
    )
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.create_index('ix_holds_customer_expires', ['customer_id', 'expires_at'], unique=False)

    op.create_table('order_lines',
    sa.Column('order_id', sa.String(length=160), nullable=False),
    sa.Column('line_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('qty', sa.String(length=32), nullable=False),
    sa.Column('qty_returned', sa.String(length=32), nullable=False),
    sa.Column('weighted', sa.Boolean(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('subtotal_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('points_value_minor', sa.BigInteger(), nullable=False),
    sa.Column('net_minor', sa.BigInteger(), nullable=False),
    sa.Column('points_earned', sa.BigInteger(), nullable=False),
    sa.Column('points_redeemed', sa.BigInteger(), nullable=False),
    sa.Column('allocations', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('order_id', 'line_id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_sku'), ['sku'], unique=False)

    op.create_table('order_returns',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=160), nullable=False),
    sa.Column('register_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('refund_minor', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_returns'))
    )
    with op.batch_alter_table('order_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_returns_order_id'), ['order_id'], unique=False)

    op.create_table('received_records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('register_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('flags', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_received_records'))
    )
    with op.batch_alter_table('received_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_received_records_register_id'), ['register_id'], unique=False)

    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('order_id', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('imported_uses_left', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_codes_order_id'), ['order_id'], unique=False)
    op.execute("UPDATE codes SET imported_uses_left = uses_allowed")

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_email', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('consent_sms', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('enrolled_register_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.String(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_customers_card'))
        batch_op.create_index(batch_op.f('ix_customers_merged_into'), ['merged_into'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_customers_card'), ['card'])

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('store_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('cashier_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('subtotal_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('discount_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('points_value_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refunded_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('points_earned', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('points_redeemed', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('codes', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('applied', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('status', sa.String(length=8), server_default='paid', nullable=False))
        batch_op.add_column(sa.Column('has_lines', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('record_id', sa.String(length=36), nullable=True))
        batch_op.drop_index(batch_op.f('ix_orders_customer_id'))
        batch_op.create_index('ix_orders_customer_created', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_store_created', ['store_id', 'created_at'], unique=False)

    _qualify_order_ids()


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_store_created')
        batch_op.drop_index('ix_orders_customer_created')
        batch_op.create_index(batch_op.f('ix_orders_customer_id'), ['customer_id'], unique=False)
        batch_op.drop_column('record_id')
        batch_op.drop_column('has_lines')
        batch_op.drop_column('status')
        batch_op.drop_column('applied')
        batch_op.drop_column('codes')
        batch_op.drop_column('points_redeemed')
        batch_op.drop_column('points_earned')
        batch_op.drop_column('refunded_minor')
        batch_op.drop_column('points_value_minor')
        batch_op.drop_column('discount_minor')
        batch_op.drop_column('subtotal_minor')
        batch_op.drop_column('currency')
        batch_op.drop_column('created_at')
        batch_op.drop_column('cashier_id')
        batch_op.drop_column('store_id')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_customers_card'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_customers_merged_into'))
        batch_op.create_index(batch_op.f('ix_customers_card'), ['card'], unique=False)
        batch_op.drop_column('merged_into')
        batch_op.drop_column('enrolled_register_id')
        batch_op.drop_column('consent_sms')
        batch_op.drop_column('consent_email')

    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codes_order_id'))
        batch_op.drop_column('imported_uses_left')
        batch_op.drop_column('order_id')
        batch_op.drop_column('issued_at')
        batch_op.drop_column('issued_by')

    with op.batch_alter_table('received_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_received_records_register_id'))

    op.drop_table('received_records')
    with op.batch_alter_table('order_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_returns_order_id'))

    op.drop_table('order_returns')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_sku'))

    op.drop_table('order_lines')
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_index('ix_holds_customer_expires')

    op.drop_table('holds')
