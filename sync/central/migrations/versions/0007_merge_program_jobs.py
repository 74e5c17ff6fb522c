"""merge: the report and the registers' audit heads (0006) with the program's jobs, lots and rewards (0020)

Revision ID: 0007
Revises: 0006, 0020
"""

from __future__ import annotations

revision = "0007"
down_revision = ("0006", "0020")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
