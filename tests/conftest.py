"""Test-wide set-up: Qt without a display, and the PostgreSQL the central-ledger tests use."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of a real PostgreSQL; skipped locally when none answers, never in CI.

    CI sets POS_REQUIRE_POSTGRES=1, which turns a missing server into a failure.
    """
    url = os.environ.get("POS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server here"
        if os.environ.get("POS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but not reachable at {url}: {exc}")
        pytest.skip(f"no PostgreSQL at {url}")
    return url


@pytest.fixture(autouse=True)
def no_log_files_left_behind():
    """A command run in a test installs the program's log handlers; take them off afterwards."""
    yield
    from pos_app.log_files import remove_logging

    remove_logging()
