"""docs/PROMOTIONS.md says what the registers do: every example runs through `pos-companion evaluate`.

Each example is a complete scenario with its `expect`; the command's answer is
compared the way the conformance checker compares (money as decimal values,
`applied` in order, `rejected` by id and reason). A second test keeps the page
complete: an example for every reward type and target, both arbitration modes
and each combining flag.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "PROMOTIONS.md"
EXAMPLE = re.compile(r"<!-- example: (?P<name>[a-z-]+) -->\s*```json\n(?P<body>.*?)\n```", re.DOTALL)


def examples() -> dict[str, dict]:
    return {m["name"]: json.loads(m["body"]) for m in EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))}


def _same_money(actual: str, expected: str) -> bool:
    return Decimal(actual) == Decimal(expected)


@pytest.mark.parametrize("name", sorted(examples()))
def test_the_example_gives_what_the_page_says(name: str) -> None:
    scenario = examples()[name]
    done = subprocess.run([sys.executable, "-m", "pos_app.cli", "evaluate", "-"], input=json.dumps(scenario),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result, expect = json.loads(done.stdout), scenario["expect"]

    for key in ("discount_total", "total"):
        assert _same_money(result[key], expect[key]), f"{key}: {result[key]} (page says {expect[key]})"
    assert result["points_earned"] == expect.get("points_earned", 0)
    assert [a["id"] for a in result["applied"]] == [a["id"] for a in expect["applied"]]
    for got, want in zip(result["applied"], expect["applied"], strict=True):
        if "amount" in want:
            assert _same_money(got["amount"], want["amount"])
        if "points" in want:
            assert got["points"] == want["points"]
    reasons = {r["id"]: r["reason"] for r in result["rejected"]}
    assert reasons == {r["id"]: r["reason"] for r in expect.get("rejected", [])}


def test_the_page_shows_every_reward_and_every_way_promotions_combine() -> None:
    rewards, modes, flags = set(), set(), set()
    for scenario in examples().values():
        modes.add(scenario["settings"].get("arbitration", "best"))
        for promotion in scenario["promotions"]:
            reward = promotion["reward"]
            rewards.add(f"{reward['type']}:{reward.get('target', '')}")
            flags.update(flag for flag in ("exclusive", "stop", "group") if promotion.get(flag))
    assert rewards >= {"percent:items", "percent:cheapest", "percent:order", "amount:order", "amount:per_unit",
                       "fixed_price:", "bundle:", "buy_get:", "points_bonus:", "points_multiplier:"}
    assert modes == {"best", "priority"}
    assert flags == {"exclusive", "stop", "group"}
