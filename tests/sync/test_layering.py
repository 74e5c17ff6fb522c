"""The sync packages respect the layers: no GUI, and the central side never imports the register's storage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SYNC = Path(__file__).resolve().parents[2] / "sync"

FORBIDDEN = {
    "protocol": ("PySide6", "pos_app.qt", "pos_app.services", "pos_app.storage", "sync.central", "sync.client",
                 "sqlalchemy", "requests", "fastapi"),
    "central": ("PySide6", "pos_app.qt", "pos_app.services", "pos_app.storage", "sync.client"),
    "client": ("PySide6", "pos_app.qt", "sync.central", "fastapi"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_sync_package_imports_only_what_its_layer_allows(package):
    offending = []
    for path in sorted((SYNC / package).rglob("*.py")):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                offending.append(f"{path.relative_to(SYNC.parent)} imports {name}")
    assert offending == []
