"""The sync's own state: the pull cursor and pulled records without a table (`sync_state`).

The cursor is saved in the same local transaction as the page of changes it
follows, so a crash between the two cannot happen. A new table only: no
existing table is touched, the outbox and the ledger keep their rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
