"""merge: the chain's records, parked sales and receipts (0007) with the till's keys and answers (0021)

Revision ID: 0008
Revises: 0007, 0021
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | Sequence[str] | None = ("0007", "0021")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
