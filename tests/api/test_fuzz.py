"""schemathesis against the register's POS API, from the API's own `/openapi.json`, bounded in time.

Two runs against a register serving the demo store on loopback:
- with a valid key, every check schemathesis has except `positive_data_acceptance`
  (the schema cannot say that "123" is no phone number or that a SKU line's
  quantity is a string only when weighted; the register refuses those with a
  422 naming the field): no 5xx, every status and body as documented, auth
  never ignored, schema-violating requests refused;
- without a key (schemathesis makes up bearer tokens itself): nothing is
  accepted, every answer is 401.
The counts are read from schemathesis' own event log (NDJSON).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

FUZZ_SECONDS = 55
KEYLESS_SECONDS = 20


def schemathesis(url: str, report: Path, seconds: int, *args: str) -> tuple[subprocess.CompletedProcess[str], Counter]:
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{url}/openapi.json", "--max-time", str(seconds),
         "--workers", "1", "--seed", "20261123", "--generation-database", "none", "--no-color",
         "--report", "ndjson", "--report-ndjson-path", str(report), *args],
        capture_output=True, text=True, timeout=seconds + 120, cwd=report.parent)
    statuses: Counter = Counter()
    for text in report.read_text().splitlines():
        event = json.loads(text)
        finished = event.get("ScenarioFinished")
        if finished:
            for interaction in ((finished.get("recorder") or {}).get("interactions") or {}).values():
                response = interaction.get("response")
                statuses[response["status_code"] if response else "no answer"] += 1
    return run, statuses


@pytest.mark.slow
def test_fuzzing_with_a_key_finds_no_5xx_and_nothing_off_the_contract(register, tmp_path) -> None:
    run, statuses = schemathesis(register.url, tmp_path / "keyed.ndjson", FUZZ_SECONDS,
                                 "--header", f"Authorization: Bearer {register.keys['till-1']}",
                                 "--checks", "all", "--exclude-checks", "positive_data_acceptance")

    requests_sent = sum(statuses.values())
    assert run.returncode == 0, run.stdout[-6000:]
    assert requests_sent > 500
    assert not [status for status in statuses if status == "no answer" or status >= 500], statuses
    assert sum(n for status, n in statuses.items() if status < 300) > 0  # it got past the door, too
    print(f"schemathesis with a key: {requests_sent} requests, statuses {dict(sorted(statuses.items()))}")


@pytest.mark.slow
def test_fuzzing_without_a_key_gets_nothing_but_401(register, tmp_path) -> None:
    run, statuses = schemathesis(register.url, tmp_path / "keyless.ndjson", KEYLESS_SECONDS,
                                 "--checks", "not_a_server_error")

    assert run.returncode == 0, run.stdout[-6000:]
    assert sum(statuses.values()) > 200
    assert set(statuses) == {401}, statuses
    assert register.count("SELECT count(*) FROM orders") == 0
    assert register.count("SELECT count(*) FROM customers WHERE origin = 'register'") == 0
    print(f"schemathesis without a key: {sum(statuses.values())} requests, all 401")
