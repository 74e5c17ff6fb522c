"""`pos-companion --self-test` in an empty home folder: every part of a register, started for real."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from pos_app import self_test
from pos_app.app import AppSettings


def test_the_self_test_passes_in_an_empty_home_and_creates_the_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "POS_", "QT_QPA"))}
    env["HOME"] = str(home)

    done = subprocess.run([sys.executable, "-m", "pos_app.cli", "--self-test"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    database = home / ".local" / "share" / "pos-companion" / "register.db"
    assert lines[1].startswith(f"ok    database: created {database}, schema ")
    assert lines[2] == "ok    promotion engine: sample sale 58.30 -> 45.50 USD (COFFEE-2FOR25, SAVE5; 31 points earned)"
    assert lines[3].startswith("ok    receipt with barcode: ") and "Code128" in lines[3]
    assert lines[4].startswith("ok    Qt: PySide6 ")
    assert lines[5] == "ok    translations: ru: 'Pay' is 'Оплата', 1\xa0234,56\xa0₽"
    assert lines[6].startswith("ok    POS API: served its contract (5 paths) on http://127.0.0.1:")
    assert lines[6].endswith("refused a call without a key (401), stopped")
    assert lines[-1] == "self-test: 7 passed, 0 failed, 0 skipped"
    assert "Traceback" not in done.stderr
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_a_failing_step_fails_the_run_and_says_why(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(self_test, "BUILT_IN_STEPS", (*self_test.BUILT_IN_STEPS, ("broken part", lambda _c: 1 / 0)))
    lines: list[str] = []

    code = self_test.run_self_test(AppSettings(database=tmp_path / "r.db"), out=lines.append)

    assert code == 1
    assert "FAIL  broken part: ZeroDivisionError: division by zero" in lines
    assert lines[-1] == "self-test: 7 passed, 1 failed, 0 skipped"
