"""`pos-companion evaluate FILE|-`: run one scenario through the engine, print the result JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pos_app.domain.engine import PromotionEngine
from pos_app.domain.scenario_json import FormatError, load_scenario_text, result_to_json


def run_evaluate(args: list[str]) -> int:
    if len(args) != 1:
        print("usage: pos-companion evaluate FILE|-", file=sys.stderr)
        return 2
    source = args[0]
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        print(f"{source}: cannot read: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        scenario = load_scenario_text(text)
    except FormatError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    engine = PromotionEngine(scenario.settings, scenario.promotions)
    result = engine.evaluate(scenario.sale)
    json.dump(result_to_json(result), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
