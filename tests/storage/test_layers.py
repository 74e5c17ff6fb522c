"""The layering rule, checked on the source: storage and services never import Qt; new domain modules are stdlib only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pos_app

ROOT = Path(pos_app.__file__).parent
DOMAIN_MODULES = ("ledger", "account", "audit_chain", "sale_record", "promotion_code", "loyalty_settings",
                  "customer_profile", "catalog_item")


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0] if node.module.split(".")[0] != "pos_app" else node.module)
    return roots


def test_storage_and_services_never_import_qt() -> None:
    for folder in ("storage", "services"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "PySide6" not in imported_roots(path), path


def test_the_storage_never_imports_services_or_qt_modules_of_the_app() -> None:
    for path in (ROOT / "storage").rglob("*.py"):
        assert not {m for m in imported_roots(path) if m.startswith(("pos_app.services", "pos_app.qt"))}, path


def test_the_domain_modules_of_the_store_use_the_standard_library_only() -> None:
    for name in DOMAIN_MODULES:
        roots = imported_roots(ROOT / "domain" / f"{name}.py")
        outside = {r for r in roots if r not in sys.stdlib_module_names and not r.startswith("pos_app.domain")}
        assert outside == set(), (name, outside)
