"""The register's database holds members' personal data: its folder is made, the file is its owner's only."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from pos_app.log_files import configure_logging, remove_logging
from pos_app.storage.database import open_store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_machine_gets_its_data_folder_and_a_private_database(tmp_path: Path) -> None:
    path = tmp_path / "never" / "made" / "register.db"
    engine = open_store(path)
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert _mode(path) == 0o600
    assert _mode(Path(f"{path}-wal")) == 0o600
    engine.dispose()


def test_a_database_readable_by_others_is_tightened_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    open_store(path).dispose()
    path.chmod(0o644)
    open_store(path).dispose()
    assert _mode(path) == 0o600


def test_the_log_rotates_privately_and_masks_what_it_is_given(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "log", "INFO")
    try:
        logging.getLogger("pos_app.test").warning("enrolled %s, card %s", "ana@example.com", "2900000000018")
        try:
            raise ValueError("lookup failed for +14155550101")
        except ValueError:
            logging.getLogger("pos_app.test").exception("identification")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "enrolled a***@***, card *********0018" in text
        assert "ValueError: lookup failed for +*********01" in text  # the traceback too
        assert "ana@example.com" not in text and "4155550101" not in text
        assert _mode(path) == 0o600
    finally:
        remove_logging()


def test_user_add_on_a_fresh_machine_creates_the_data_folder(tmp_path, monkeypatch, capsys) -> None:
    from pos_app.cli import main

    for name in ("POS_DATABASE", "POS_COMPANION_CONFIG", "POS_LOG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("135790\n"))

    assert main(["user", "add", "boss", "Ana Boss", "--role", "manager", "--pin-stdin"]) == 0

    database = tmp_path / "data" / "pos-companion" / "register.db"
    assert f"manager boss (Ana Boss) created in {database}" in capsys.readouterr().out
    assert _mode(database) == 0o600


def test_a_data_folder_that_cannot_be_made_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys) -> None:
    from pos_app.cli import main

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("POS_DATABASE", str(blocker / "register.db"))
    monkeypatch.setenv("POS_COMPANION_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("135790\n"))

    assert main(["user", "add", "boss", "Ana Boss", "--pin-stdin"]) == 1

    err = capsys.readouterr().err
    assert err.startswith(f"pos-companion: {blocker}") and len(err.splitlines()) == 1
