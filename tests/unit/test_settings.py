"""The register's settings: one TOML file in the platform's config folder, every key overridable by a variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pos_app.app import SETTING_ENV, AppSettings, SettingsError, known_setting_keys, user_dir

DOCS = Path(__file__).resolve().parents[2] / "docs" / "CONFIGURATION.md"


def test_the_file_lives_in_the_platforms_config_folder_and_honours_xdg(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("POS_COMPANION_CONFIG", raising=False)
    settings = AppSettings.load({})
    assert settings.config_path == tmp_path / "cfg" / "pos-companion" / "pos-companion.toml"
    assert settings.database == tmp_path / "data" / "pos-companion" / "register.db"
    assert user_dir("log").name == "log"


def test_every_key_in_the_file_is_read_and_every_variable_wins(tmp_path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text(
        'database = "/srv/r.db"\nregister_id = "R7"\nstore_address = ["12 High Street", "Springfield"]\n'
        'log_level = "debug"\nlanguage = "ru"\nmin_free_disk_mb = 900\noutbox_max_age_hours = 6.5\n'
        'sync_failure_max_hours = 2\n'
        'backup_dir = "/srv/backups"\n[printer]\nkind = "network"\nhost = "10.0.0.9"\n', encoding="utf-8")
    from_file = AppSettings.load({}, config)
    assert (from_file.register_id, from_file.log_level, from_file.language) == ("R7", "DEBUG", "ru")
    assert from_file.store_address == ("12 High Street", "Springfield")
    assert (from_file.min_free_disk_mb, from_file.outbox_max_age_hours) == (900, 6.5)
    assert from_file.sync_failure_max_hours == 2.0 and AppSettings.load({}, tmp_path / "none.toml").sync_failure_max_hours == 4.0
    assert from_file.backup_folder == Path("/srv/backups")

    overridden = AppSettings.load({
        "POS_REGISTER_ID": "R9", "POS_STORE_ADDRESS": '["1 Main St"]', "POS_LOG_LEVEL": "warning",
        "POS_PRINTER": '{"kind": "file", "path": "/dev/usb/lp0"}', "POS_MIN_FREE_DISK_MB": "100",
        "POS_SYNC_FAILURE_MAX_HOURS": "0.5",
        "POS_LOG_DIR": str(tmp_path / "logs"),
    }, config)
    assert overridden.register_id == "R9" and overridden.store_address == ("1 Main St",)
    assert overridden.printer == {"kind": "file", "path": "/dev/usb/lp0"}
    assert (overridden.log_level, overridden.min_free_disk_mb) == ("WARNING", 100)
    assert overridden.sync_failure_max_hours == 0.5
    assert overridden.log_folder == tmp_path / "logs"


@pytest.mark.parametrize(
    ("file_text", "environ", "message"),
    [
        ("database = [", {}, "not valid TOML"),
        ("min_free_disk_mb = 'lots'", {}, "min_free_disk_mb: must be a number"),
        ("", {"POS_OUTBOX_MAX_AGE_HOURS": "-1"}, "POS_OUTBOX_MAX_AGE_HOURS: must not be negative"),
        ("", {"POS_PRINTER": "{kind: usb}"}, "POS_PRINTER: not valid JSON"),
        ("printer = 'usb'", {}, "printer: must be a table"),
        ("store_address = 'one line'", {}, "store_address: must be a list of text lines"),
        ("log_level = 'LOUD'", {}, "log_level: must be one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_a_setting_that_cannot_be_used_is_refused_naming_it(tmp_path, file_text, environ, message) -> None:
    config = tmp_path / "pos.toml"
    config.write_text(file_text, encoding="utf-8")
    with pytest.raises(SettingsError, match=re.escape(message)):
        AppSettings.load(environ, config)


def test_a_broken_config_stops_the_command_with_one_line_and_exit_2(tmp_path, monkeypatch, capsys) -> None:
    from pos_app.cli import main

    config = tmp_path / "pos.toml"
    config.write_text("register_id = \n", encoding="utf-8")
    monkeypatch.setenv("POS_COMPANION_CONFIG", str(config))
    assert main(["doctor", "--offline"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pos-companion: configuration: {config}: not valid TOML")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_every_setting_and_its_variable_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for key in sorted(known_setting_keys()):
        assert f"`{key}`" in text, f"{key} is not in docs/CONFIGURATION.md"
        assert f"`{SETTING_ENV[key]}`" in text, f"{SETTING_ENV[key]} is not in docs/CONFIGURATION.md"
    assert "`POS_COMPANION_CONFIG`" in text
