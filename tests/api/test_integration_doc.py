"""docs/POS-INTEGRATION.md names every error code the POS API can answer, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from pos_app.api.errors import ERROR_CODES

DOC = Path(__file__).resolve().parents[2] / "docs" / "POS-INTEGRATION.md"


def test_the_error_table_lists_every_code_the_api_answers() -> None:
    table = DOC.read_text(encoding="utf-8").split("## Every error code", 1)[1].split("\n## ", 1)[0]
    code_cells = [row.split("|")[2] for row in table.splitlines() if re.match(r"\| \d{3} \|", row)]
    documented = {code for cell in code_cells for code in re.findall(r"`([a-z_]+)`", cell)}

    assert set(ERROR_CODES) - documented == set()
    assert documented - set(ERROR_CODES) == set()
