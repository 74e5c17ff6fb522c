"""Every refusal a service can send the window has its words in the window's table (translated by reason).

The reason codes are read from the sources: the first argument of every `Refused(...)` in pos_app/services,
and of every `IdentityError(...)` in sync/protocol/identity.py (the services pass those on as refusals).
"""

from __future__ import annotations

import ast
from pathlib import Path

from pos_app.qt.refusals import REFUSAL_WORDS, refusal_words
from pos_app.services.outcome import Refused

ROOT = Path(__file__).resolve().parents[2]


def _codes(paths, call: str) -> set[str]:
    codes = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == call \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                codes.add(node.args[0].value)
    return codes


def test_the_table_has_every_reason_code_the_services_use():
    services = _codes((ROOT / "pos_app" / "services").rglob("*.py"), "Refused")
    identity = _codes([ROOT / "sync" / "protocol" / "identity.py"], "IdentityError")
    assert len(services) > 60 and identity  # the scan found them, not an empty set
    assert not (services | identity) - set(REFUSAL_WORDS)


def test_a_refusal_reads_as_its_words_and_a_new_code_as_its_own_message():
    # In English (no catalogue installed) the service's own message is shown: it names the details.
    assert refusal_words(Refused("unknown_product", "barcode 4006381333931: no such product")) == \
        "barcode 4006381333931: no such product"
    assert refusal_words(Refused("brand_new_reason", "something new")) == "something new"
