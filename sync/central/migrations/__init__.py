"""Alembic migrations of the central database, shipped inside the package."""
