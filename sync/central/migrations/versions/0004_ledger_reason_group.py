"""ledger reason and group: the entry's reason and transfer group as columns

Revision ID: 0004
Revises: 0003

The server's checks look up a transfer's other side by its group and the
points a return gave back by reason (`return_points_spent`); the report
counts reward claims by reason (`reward:<id>`). Both were only inside the
entry's `details` JSON: they become columns, filled for the entries already
held (the append-only guard is lifted for this one backfill and put back).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _guards(enable: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        verb = "ENABLE" if enable else "DISABLE"
        op.execute(f"ALTER TABLE ledger_entries {verb} TRIGGER ledger_entries_append_only")
        return
    if enable:
        op.execute("CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
                   "BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")


def upgrade() -> None:
    op.add_column("ledger_entries", sa.Column("reason", sa.String(length=200), nullable=True))
    op.add_column("ledger_entries", sa.Column("group_id", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_ledger_entries_reason"), "ledger_entries", ["reason"], unique=False)
    op.create_index(op.f("ix_ledger_entries_group_id"), "ledger_entries", ["group_id"], unique=False)
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT server_seq, details FROM ledger_entries WHERE details IS NOT NULL")).all()
    if rows:
        _guards(False)
        for server_seq, details in rows:
            data = json.loads(details)
            bind.execute(sa.text("UPDATE ledger_entries SET reason = :r, group_id = :g WHERE server_seq = :s"),
                         {"r": data.get("reason"), "g": data.get("group_id"), "s": server_seq})
        _guards(True)


def downgrade() -> None:
    op.drop_index(op.f("ix_ledger_entries_group_id"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_reason"), table_name="ledger_entries")
    # Natively: recreating the ledger table (SQLite batch mode) would lose its append-only triggers.
    op.execute("ALTER TABLE ledger_entries DROP COLUMN group_id")
    op.execute("ALTER TABLE ledger_entries DROP COLUMN reason")
