"""`pos-companion --self-test` in an empty home folder, and steps that other parts plug in."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert lines[-1].startswith("self-test: 5 passed, 0 failed")
    assert "Traceback" not in done.stderr
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


@pytest.fixture
def plugged(monkeypatch):
    monkeypatch.setattr(self_test, "_REGISTERED", [])
    return self_test.register_step


def test_a_registered_step_runs_after_the_built_in_ones_and_its_failure_fails_the_run(tmp_path, plugged) -> None:
    calls = []

    def api_up_and_down(context: self_test.SelfTestContext) -> str:
        calls.append(context.uow is not None)  # the store is open for it
        return "listening on 127.0.0.1:5123, stopped"

    plugged("POS API starts and stops", api_up_and_down)
    plugged("broken part", lambda _context: 1 / 0)
    lines: list[str] = []

    code = self_test.run_self_test(AppSettings(database=tmp_path / "r.db"), out=lines.append)

    assert calls == [True] and code == 1
    assert "ok    POS API starts and stops: listening on 127.0.0.1:5123, stopped" in lines
    assert "FAIL  broken part: ZeroDivisionError: division by zero" in lines
    assert lines[-1].startswith("self-test: 6 passed, 1 failed")


def test_a_plug_in_module_missing_from_the_build_is_a_skip_not_a_pass(tmp_path, monkeypatch, plugged) -> None:
    monkeypatch.setattr(self_test, "PLUGIN_MODULES", {"pos_app.not_built.self_test": "a part not built"})
    lines: list[str] = []
    assert self_test.run_self_test(AppSettings(database=tmp_path / "r.db"), out=lines.append) == 0
    assert "skip  a part not built: pos_app.not_built.self_test is not part of this build" in lines
    assert lines[-1].endswith("0 failed, 1 skipped")
