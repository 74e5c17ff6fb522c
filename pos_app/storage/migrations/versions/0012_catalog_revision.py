"""A `catalog` revision counter, bumped by triggers whenever a product is added, changed or removed.

The register keeps the products a till's checks name in memory
(`services.catalog_cache.CatalogCache`) for as long as this counter stays
the same; the catalogue's writers (the sync client, `import-catalog`, the
demo) bump it without knowing about it, as they bump `pricing` (0002).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE store_revisions SET value = value + 1 WHERE name = 'catalog';"

TRIGGERS = {
    "catalog_on_product_insert": f"AFTER INSERT ON products BEGIN {_BUMP} END",
    "catalog_on_product_update": f"AFTER UPDATE ON products BEGIN {_BUMP} END",
    "catalog_on_product_delete": f"AFTER DELETE ON products BEGIN {_BUMP} END",
}


def upgrade() -> None:
    op.execute("INSERT INTO store_revisions (name, value) VALUES ('catalog', 0)")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DELETE FROM store_revisions WHERE name = 'catalog'")
