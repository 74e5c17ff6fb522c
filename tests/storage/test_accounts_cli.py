"""Creating register accounts from the command line: `pos-companion user add`."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from pos_app.accounts_cli import run_user
from pos_app.domain.account import Role
from pos_app.services.accounts import verify_pin
from pos_app.services.outcome import Refused
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory


def add(config: Path, monkeypatch, pin: str, *extra: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    return run_user(["add", *extra, "--pin-stdin", "--config", str(config)])


def test_the_first_manager_of_a_register_can_then_sign_in(tmp_path: Path, monkeypatch, capsys):
    database = tmp_path / "register.db"
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{database}"\n')

    assert add(config, monkeypatch, "246810", "boss", "Ana Boss", "--role", "manager") == 0

    assert "manager boss (Ana Boss) created" in capsys.readouterr().out
    engine = open_store(database)
    signed_in = verify_pin(UnitOfWorkFactory(engine, "R1")(), "boss", "246810", datetime.now(UTC), Role.MANAGER)
    engine.dispose()
    assert not isinstance(signed_in, Refused)


def test_a_duplicate_or_a_bad_pin_creates_nothing(tmp_path: Path, monkeypatch, capsys):
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{tmp_path / "register.db"}"\n')
    assert add(config, monkeypatch, "1111", "sam", "Sam") == 0

    assert add(config, monkeypatch, "2222", "sam", "Another Sam") == 1
    assert add(config, monkeypatch, "12", "kim", "Kim") == 1

    err = capsys.readouterr().err
    assert "already exists" in err and "4 to 8 digits" in err


def test_without_a_terminal_and_without_pin_stdin_it_says_how_and_creates_nothing(tmp_path: Path, monkeypatch,
                                                                                   capsys):
    database = tmp_path / "register.db"
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{database}"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a script or a service: no terminal to type on

    assert run_user(["add", "boss", "Ana Boss", "--role", "manager", "--config", str(config)]) == 2

    assert "--pin-stdin" in capsys.readouterr().err
    assert not database.exists()
