"""merge: returns recorded by their id (0009) with the chain's figures and rewards (0040)

Revision ID: 0011
Revises: 0009, 0040
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | Sequence[str] | None = ("0009", "0040")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
