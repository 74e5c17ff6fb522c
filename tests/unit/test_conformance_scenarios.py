"""The engine against the scenario files: the public conformance cases and our own.

`tests/scenarios/` holds cases written from FORMAT.md by a second reader of the
contract, each with its arithmetic in WORKINGS.md. The public cases live in the
shared folder beside the repository (CI has it); they run through the
published checker exactly as the conformance run does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT.parent / "shared" / "scenarios" / "check.py"
PUBLIC = ROOT.parent / "shared" / "scenarios" / "public"
OURS = ROOT / "tests" / "scenarios"
COMMAND = f"{sys.executable} -m pos_app.cli evaluate"


def checker_available() -> bool:
    return CHECKER.exists()


@pytest.mark.parametrize("folder", [OURS, PUBLIC], ids=["ours", "public"])
def test_every_scenario_passes_the_checker(folder: Path):
    if not checker_available() or not folder.exists():
        pytest.skip("the shared scenarios folder is not beside this checkout")
    proc = subprocess.run(
        [sys.executable, str(CHECKER), str(folder), "--cmd", COMMAND],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " 0 failed" in proc.stdout


def test_our_scenarios_are_valid_json_with_an_expectation():
    files = sorted(OURS.glob("*.json"))
    assert len(files) >= 40
    for f in files:
        data = json.loads(f.read_text())
        wanted = "expect_error" if f.name.startswith("invalid-") else "expect"
        assert wanted in data, f"{f.name} has no {wanted}"
