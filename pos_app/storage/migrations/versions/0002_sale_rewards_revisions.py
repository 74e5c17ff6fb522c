"""Sales: the rewards catalogue, order numbers, a pricing revision counter, code-use amounts.

- `rewards`: what a customer may claim with points; each names the
  code-gated promotion that gives it.
- `order_counters`: the short per-register order number printed as the
  receipt's barcode (`R1-000042`).
- `store_revisions`: a `pricing` counter bumped by triggers whenever
  promotions, the set of code-gated promotions, the settings or the tiers
  change, so the register rebuilds its promotion engine only then (the sync
  client's writes bump it too, without knowing about it).
- `ledger_entries.discount_minor` (a code use's discount, for leakage
  accounting) and `order_total_minor` (what the customer paid, on one entry
  of the order). Added with plain `ALTER TABLE ADD COLUMN`, not batch mode:
  recreating `ledger_entries` would drop its append-only triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE store_revisions SET value = value + 1 WHERE name = 'pricing';"

TRIGGERS = {
    "pricing_on_promotion_insert": f"AFTER INSERT ON promotions BEGIN {_BUMP} END",
    "pricing_on_promotion_update": f"AFTER UPDATE ON promotions BEGIN {_BUMP} END",
    "pricing_on_promotion_delete": f"AFTER DELETE ON promotions BEGIN {_BUMP} END",
    # Only when a promotion gains its first code or loses its last: the engine learns each entered
    # code's state when pricing, so using or issuing codes does not invalidate it.
    "pricing_on_first_code": "AFTER INSERT ON promotion_codes WHEN (SELECT COUNT(*) FROM promotion_codes "
    f"WHERE promotion_id = NEW.promotion_id) = 1 BEGIN {_BUMP} END",
    "pricing_on_last_code": "AFTER DELETE ON promotion_codes WHEN NOT EXISTS (SELECT 1 FROM promotion_codes "
    f"WHERE promotion_id = OLD.promotion_id) BEGIN {_BUMP} END",
    "pricing_on_settings_insert": f"AFTER INSERT ON program_settings BEGIN {_BUMP} END",
    "pricing_on_settings_update": f"AFTER UPDATE ON program_settings BEGIN {_BUMP} END",
    "pricing_on_tier_insert": f"AFTER INSERT ON tiers BEGIN {_BUMP} END",
    "pricing_on_tier_update": f"AFTER UPDATE ON tiers BEGIN {_BUMP} END",
    "pricing_on_tier_delete": f"AFTER DELETE ON tiers BEGIN {_BUMP} END",
}


def upgrade() -> None:
    op.create_table(
        "rewards",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("promotion_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_rewards_points_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rewards")),
    )
    op.create_table(
        "order_counters",
        sa.Column("register_id", sa.String(length=64), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", name=op.f("pk_order_counters")),
    )
    op.create_table(
        "store_revisions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_revisions")),
    )
    op.execute("INSERT INTO store_revisions (name, value) VALUES ('pricing', 0)")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # Plain ALTER TABLE (no batch): ledger_entries keeps its rows and its triggers.
    op.add_column("ledger_entries", sa.Column("discount_minor", sa.Integer(), nullable=True))
    op.add_column("ledger_entries", sa.Column("order_total_minor", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("ledger_entries", "order_total_minor")  # SQLite >= 3.35: ALTER TABLE DROP COLUMN
    op.drop_column("ledger_entries", "discount_minor")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("store_revisions")
    op.drop_table("order_counters")
    op.drop_table("rewards")
