"""merge: the ledger's reason and group and the registers' audit heads, with the loyalty report's tables

Revision ID: 0006
Revises: 0005, 0030
"""

from __future__ import annotations

revision = "0006"
down_revision = ("0005", "0030")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
