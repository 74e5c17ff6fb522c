"""Fixtures of the POS API tests: a register store on a real SQLite file serving the API on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.till_client import RunningRegister, make_demo_template, start_register


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (300 members, the full catalogue and promotions), generated once per session."""
    return make_demo_template(tmp_path_factory.mktemp("api-demo"))


@pytest.fixture
def register(demo_template: Path, tmp_path: Path) -> Iterator[RunningRegister]:
    """A register on its own copy of the demo store, its POS API on a free port, keys for till-1 and till-2."""
    running = start_register(demo_template, tmp_path)
    yield running
    running.stop()
