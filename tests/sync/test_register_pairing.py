"""Pairing a register from its command line: `pos-companion pair URL CODE`."""

from __future__ import annotations

import socket
import stat
import tomllib
from pathlib import Path

from pos_app.app import AppSettings
from pos_app.pairing_cli import run_pair


def test_pairing_saves_the_credential_and_keeps_the_rest_of_the_config(central, tmp_path: Path, capsys):
    config = tmp_path / "pos-companion.toml"
    config.write_text('register_id = "R7"\n\n[printer]\nkind = "network"\nhost = "10.0.0.5"\n')
    code = central.pairing_code("S1", "R7")

    assert run_pair([central.url, code, "--config", str(config)]) == 0

    saved = tomllib.loads(config.read_text())
    assert saved["central_url"] == central.url
    assert saved["central_register_id"] == "S1.R7"
    assert len(saved["central_token"]) >= 20
    assert saved["printer"] == {"kind": "network", "host": "10.0.0.5"}
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    settings = AppSettings.load(environ={}, config_path=config)
    assert (settings.central_url, settings.central_register_id) == (central.url, "S1.R7")
    assert "paired as register S1.R7" in capsys.readouterr().out


def test_a_spent_code_is_refused_and_nothing_is_written(central, tmp_path: Path, capsys):
    config = tmp_path / "pos-companion.toml"
    code = central.pairing_code("S1", "R8")
    assert run_pair([central.url, code, "--config", str(config)]) == 0
    before = config.read_text()

    assert run_pair([central.url, code, "--config", str(config)]) == 1

    assert config.read_text() == before
    assert capsys.readouterr().err.startswith("pairing failed:")


def test_an_unreachable_central_service_is_a_clear_message(tmp_path: Path, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "pos-companion.toml"

    assert run_pair([f"http://127.0.0.1:{port}", "ABCD-EFGH-JKLM", "--config", str(config)]) == 1

    assert not config.exists()
    assert capsys.readouterr().err.startswith("pairing failed:")
