"""The till's POS API: its keys (stored hashed) and the answers kept under each `transaction_id`.

- `pos_keys`: one row per till key made with `pos-companion pos-key add NAME`;
  only the SHA-256 of the key is kept.
- `pos_transactions`: the answer of every state-changing call, per key and
  `transaction_id`, written in the same transaction as the sale, sign-up or
  return it answers, so a retry after a crash answers the same or does the
  work once.

New tables only: nothing existing is touched.

Revision ID: 0020
Revises: 0005
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pos_keys",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_pos_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_pos_keys_key_hash")),
    )
    op.create_table(
        "pos_transactions",
        sa.Column("key_name", sa.String(length=64), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("call", sa.String(length=32), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key_name", "transaction_id", name=op.f("pk_pos_transactions")),
    )


def downgrade() -> None:
    op.drop_table("pos_transactions")
    op.drop_table("pos_keys")
