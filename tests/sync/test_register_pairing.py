"""Pairing a register from its command line: `pos-companion pair URL CODE`."""

from __future__ import annotations

import socket
import stat
import tomllib
from pathlib import Path

import pytest
import requests

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


def register_with_an_entry(database: Path, *, acknowledged: bool) -> None:
    """A register store holding one accrual, pushed and acknowledged or not."""
    from datetime import UTC, datetime

    from pos_app.domain.customer_profile import CustomerProfile
    from pos_app.domain.ledger import EntryKind
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    now = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    engine = open_store(database)
    factory = UnitOfWorkFactory(engine, "R1")
    with factory() as uow:
        uow.customers.add(CustomerProfile(id="C1", name="Ana"))
        entry = uow.ledger.append(EntryKind.ACCRUAL, "C1", 10, at=now)
        uow.commit()
    if acknowledged:
        with factory() as uow:
            uow.ledger.acknowledge([entry.id], now)
            uow.commit()
    engine.dispose()


def test_pairing_again_is_refused_while_entries_wait_to_sync(central, tmp_path: Path, capsys):
    database = tmp_path / "register.db"
    register_with_an_entry(database, acknowledged=False)
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{database}"\n')
    code = central.pairing_code("S1", "R1")

    assert run_pair([central.url, code, "--config", str(config)]) == 1

    assert "1 ledger entries are not synced yet" in capsys.readouterr().err
    assert "central_token" not in config.read_text()


def test_a_register_cannot_take_another_registers_credential(central, tmp_path: Path, capsys):
    database = tmp_path / "register.db"
    register_with_an_entry(database, acknowledged=True)
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{database}"\ncentral_register_id = "S1.R1"\n')

    assert run_pair([central.url, central.pairing_code("S1", "R2"), "--config", str(config)]) == 1
    assert "belongs to register S1.R1" in capsys.readouterr().err
    assert "central_token" not in config.read_text()

    assert run_pair([central.url, central.pairing_code("S1", "R1"), "--config", str(config)]) == 0
    assert tomllib.loads(config.read_text())["central_register_id"] == "S1.R1"


class CentralBeforeTheRegisterIdField(requests.adapters.HTTPAdapter):
    """A central service older than `PairRequest.register_id`: it answers the field as its own validation did
    (422 before looking at the code); everything else reaches the real central service."""

    def send(self, request, **kwargs):
        if request.path_url == "/v1/pair" and b'"register_id"' in (request.body or b""):
            answer = requests.Response()
            answer.status_code, answer.request, answer.url = 422, request, request.url
            answer.headers["Content-Type"] = "application/json"
            answer._content = (b'{"detail":"body.register_id: Extra inputs are not permitted",'
                               b'"code":"invalid_request","acked_through_seq":null}')
            return answer
        return super().send(request, **kwargs)


@pytest.fixture
def older_central(monkeypatch) -> None:
    from sync.client import SyncClient

    plain_init = SyncClient.__init__

    def init(self, *args, **kwargs) -> None:
        plain_init(self, *args, **kwargs)
        self.session.mount("http://", CentralBeforeTheRegisterIdField())

    monkeypatch.setattr(SyncClient, "__init__", init)


def test_an_older_central_service_pairs_the_same_register_and_the_answer_is_checked(
        central, older_central, tmp_path: Path, capsys):
    database = tmp_path / "register.db"
    register_with_an_entry(database, acknowledged=False)
    config = tmp_path / "pos-companion.toml"
    config.write_text(f'database = "{database}"\ncentral_register_id = "S1.R1"\n')

    assert run_pair([central.url, central.pairing_code("S1", "R2"), "--config", str(config)]) == 1
    assert "the code was for S1.R2 (the used code is spent)" in capsys.readouterr().err
    assert "central_token" not in config.read_text()

    assert run_pair([central.url, central.pairing_code("S1", "R1"), "--config", str(config)]) == 0
    assert tomllib.loads(config.read_text())["central_register_id"] == "S1.R1"
