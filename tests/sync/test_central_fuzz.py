"""schemathesis against the live central service's own `/openapi.json`, on SQLite and on PostgreSQL.

Two bounded runs per database, over real HTTP on loopback:
- with a valid register credential: every check schemathesis has except
  `positive_data_acceptance` (the schema cannot say which member ids exist or
  which entries the ledger's rules accept): no 5xx, every status, content type
  and body as documented;
- without a credential: nothing under `/v1` is accepted (no 2xx), nothing is
  a 5xx, and the ledger is untouched.
The counts come from schemathesis' own event log (NDJSON); the last run's
figures are in docs/SECURITY.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

KEYED_SECONDS = 40
KEYLESS_SECONDS = 15


def schemathesis(url: str, report: Path, seconds: int, *args: str) -> tuple[subprocess.CompletedProcess[str], Counter]:
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{url}/openapi.json", "--max-time", str(seconds),
         "--workers", "1", "--seed", "20261205", "--generation-database", "none", "--no-color",
         "--header", f"{PROTOCOL_HEADER}: {PROTOCOL_VERSION}",
         "--report", "ndjson", "--report-ndjson-path", str(report), *args],
        capture_output=True, text=True, timeout=seconds + 180, cwd=report.parent)
    statuses: Counter = Counter()
    for text in report.read_text().splitlines():
        finished = json.loads(text).get("ScenarioFinished")
        if finished:
            for interaction in ((finished.get("recorder") or {}).get("interactions") or {}).values():
                request, response = interaction.get("request") or {}, interaction.get("response")
                path = "/v1" if "/v1/" in request.get("uri", "") else "other"
                statuses[(path, response["status_code"] if response else "no answer")] += 1
    return run, statuses


@pytest.mark.slow
def test_fuzzing_with_a_credential_finds_no_5xx_and_nothing_off_the_contract(either_central, tmp_path):
    client = either_central.client("S1", "R1")
    run, statuses = schemathesis(either_central.url, tmp_path / "keyed.ndjson", KEYED_SECONDS,
                                 "--header", f"Authorization: Bearer {client.token}",
                                 "--checks", "all", "--exclude-checks", "positive_data_acceptance")

    sent = sum(statuses.values())
    assert run.returncode == 0, run.stdout[-6000:]
    assert sent > 300
    assert not [s for (_, s) in statuses if s == "no answer" or s >= 500], statuses
    assert sum(n for (path, s), n in statuses.items() if path == "/v1" and s < 300) > 0  # it got past the door
    print(f"central fuzz with a credential: {sent} requests, statuses {dict(sorted(Counter({s: n for (_, s), n in statuses.items()}).items()))}")


@pytest.mark.slow
def test_fuzzing_without_a_credential_is_never_accepted(either_central, tmp_path):
    either_central.client("S1", "R1")  # a paired register exists: the door has something to protect
    before = either_central.scalar("SELECT COUNT(*) FROM customers") or 0
    run, statuses = schemathesis(either_central.url, tmp_path / "keyless.ndjson", KEYLESS_SECONDS,
                                 "--checks", "not_a_server_error")

    assert run.returncode == 0, run.stdout[-6000:]
    assert sum(statuses.values()) > 100
    accepted = {k: n for k, n in statuses.items() if k[0] == "/v1" and isinstance(k[1], int) and k[1] < 300}
    assert accepted == {}, statuses
    assert not [s for (_, s) in statuses if s == "no answer" or s >= 500], statuses
    assert either_central.scalar("SELECT COUNT(*) FROM ledger_entries") == 0
    assert (either_central.scalar("SELECT COUNT(*) FROM customers") or 0) == before
    print(f"central fuzz without a credential: {sum(statuses.values())} requests, "
          f"statuses {dict(sorted(Counter({s: n for (_, s), n in statuses.items()}).items()))}")
