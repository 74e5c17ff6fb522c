"""`pos-companion doctor`'s checks, each against the real thing: the store, a central service, sockets, TLS."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_app.domain.ledger import EntryKind
from pos_app.services import health
from pos_app.storage.database import create_store_engine
from pos_app.storage.migrations import upgrade_to
from pos_app.storage.unit_of_work import UnitOfWorkFactory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))
from harness import CentralServer, sqlite_url  # noqa: E402

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def test_a_sound_database_passes_and_an_old_schema_is_a_problem(uow, tmp_path) -> None:
    sound = health.check_database(uow, tmp_path / "register.db")
    assert sound.status == health.OK and "integrity ok" in sound.summary

    old = create_store_engine(tmp_path / "old.db")
    upgrade_to(old, "0004")
    finding = health.check_database(UnitOfWorkFactory(old, "R1"), tmp_path / "old.db")
    old.dispose()
    assert finding.status == health.PROBLEM and "schema 0004" in finding.summary and finding.advice


def test_too_little_free_disk_is_a_problem(tmp_path) -> None:
    assert health.check_free_disk(tmp_path / "register.db", 1).status == health.OK
    short = health.check_free_disk(tmp_path / "register.db", 10**12)
    assert short.status == health.PROBLEM and "cannot record a sale" in short.advice


def test_the_audit_chain_is_verified_and_an_edited_record_is_found(uow, engine) -> None:
    with uow() as unit:
        for n in range(3):
            unit.audit.append("M1", "adjust", {"customer": "C1", "points": n}, NOW)
        unit.commit()
    assert health.check_audit_chain(uow) == health.Finding("audit chain", health.OK,
                                                            "3 records, every link verified")
    with engine.begin() as connection:  # someone with the file: drop the guard, edit a record
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET details = :forged WHERE seq = 2"),
                           {"forged": '{"customer":"C1","points":500}'})

    finding = health.check_audit_chain(uow)

    assert finding.status == health.PROBLEM and finding.summary.startswith("record 2 breaks the chain")


def test_an_old_unsynced_entry_is_a_problem_a_fresh_one_is_not(uow, people) -> None:
    assert health.check_outbox(uow, paired=True, max_age_hours=24).summary == "no entries waiting to sync"
    with uow() as unit:
        unit.ledger.append(EntryKind.ACCRUAL, "C1", 10, at=NOW)
        unit.commit()
    fresh = health.check_outbox(uow, paired=True, max_age_hours=24, now=NOW + timedelta(hours=1))
    late = health.check_outbox(uow, paired=True, max_age_hours=24, now=NOW + timedelta(hours=30))
    unpaired = health.check_outbox(uow, paired=False, max_age_hours=24)
    assert fresh.status == health.OK and fresh.summary.startswith("1 entries waiting to sync")
    assert late.status == health.PROBLEM and "network" in late.advice
    assert unpaired.status == health.WARNING and "pair" in unpaired.advice


def test_sync_state_names_a_register_that_never_pulled_and_rejected_entries(uow, people) -> None:
    assert health.check_sync_state(uow, paired=False).status == health.SKIPPED
    assert health.check_sync_state(uow, paired=True).status == health.WARNING  # no cursor yet
    with uow() as unit:
        unit.sync_state.put("cursor", "42")
        entry = unit.ledger.append(EntryKind.ACCRUAL, "C1", 10, at=NOW)
        unit.ledger.acknowledge([entry.id], NOW, "rejected:points_out_of_range", confirm=False)
        unit.commit()
    finding = health.check_sync_state(uow, paired=True)
    assert finding.status == health.WARNING and "1 rejected" in finding.summary


def test_sync_failures_are_kept_masked_as_the_log_and_only_a_paired_register_is_told(uow) -> None:
    from pos_app.services.sync_ports import StoreSyncJournal

    assert health.check_sync_cycles(uow, paired=True, max_hours=4).status == health.OK  # nothing ran yet
    journal = StoreSyncJournal(uow)
    for minute in range(3):
        journal.cycle_failed(NOW + timedelta(minutes=minute), "refused",
                             "PayloadConflict: HTTP 409: entry of ana.perez@example.com, phone +14155550101", None)

    finding = health.check_sync_cycles(uow, paired=True, max_hours=4)
    assert finding.status == health.WARNING and "3 cycles in a row" in finding.summary
    assert "a***@***" in finding.summary and "+*********01" in finding.summary
    assert "example.com" not in finding.summary and "4155550101" not in finding.summary
    assert "pos-companion backup" in finding.advice
    assert health.check_sync_cycles(uow, paired=False, max_hours=4).status == health.SKIPPED


def test_each_reason_a_sync_cycle_fails_for_has_its_advice() -> None:
    from sync.client.errors import (
        AuthError,
        CertificateError,
        PayloadConflict,
        ProtocolUnsupported,
        SeqGap,
        TransientError,
        failure_reason,
    )

    reasons = {failure_reason(exc) for exc in (
        TransientError("down"), ConnectionRefusedError(), AuthError("revoked", 403), CertificateError("expired"),
        ProtocolUnsupported("too old", 426), PayloadConflict("another payload", 409), SeqGap("gap", 3),
        RuntimeError("database is locked"))}
    assert reasons == set(health.SYNC_FAILURE_ADVICE)


@pytest.fixture
def central(tmp_path):
    server = CentralServer(sqlite_url(tmp_path / "central.db"))
    yield server
    server.stop()


def test_a_reachable_central_service_and_the_clocks_compared(central) -> None:
    service, clock = health.check_central(central.url, token="t", register_id="S1.R1", skew_limit_s=300)
    assert service.status == health.OK and clock.status == health.OK

    _, skewed = health.check_central(central.url, token="t", register_id="S1.R1", skew_limit_s=300,
                                     clock=lambda: datetime.now(UTC) + timedelta(minutes=20))
    assert skewed.status == health.PROBLEM and re.match(r"register clock 120[01] s ahead", skewed.summary)


def test_an_unreachable_or_unpaired_central_service(tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    down, _ = health.check_central(f"http://127.0.0.1:{port}", token="t", register_id="S1.R1", skew_limit_s=300)
    assert down.status == health.PROBLEM and "sales go on offline" in down.advice
    unpaired, _ = health.check_central(None, token=None, register_id=None, skew_limit_s=300)
    assert unpaired.status == health.SKIPPED
    no_token, _ = health.check_central("http://127.0.0.1:1", token=None, register_id=None, skew_limit_s=300)
    assert no_token.status == health.PROBLEM and "pair it again" in no_token.advice


def test_the_printer_setting_and_whether_the_printer_answers() -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        up = health.check_printer({"kind": "network", "host": "127.0.0.1", "port": port})
    down = health.check_printer({"kind": "network", "host": "127.0.0.1", "port": port, "timeout": 1})
    assert up.status == health.OK
    assert down.status == health.PROBLEM and "unreachable" in down.summary
    assert health.check_printer({"kind": "dummy"}).status == health.WARNING
    wrong = health.check_printer({"kind": "network"})
    assert wrong.status == health.PROBLEM and "printer.host: required" in wrong.summary


def _certificate(tmp_path: Path, days: int) -> tuple[Path, Path]:
    cert, key = tmp_path / f"cert{days}.pem", tmp_path / f"key{days}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", str(days), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    return cert, key


def _tls_server(cert: Path, key: Path) -> int:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()

    def serve() -> None:
        with listening:
            for _ in range(2):
                connection, _ = listening.accept()
                try:
                    with context.wrap_socket(connection, server_side=True):
                        pass
                except (ssl.SSLError, OSError):
                    pass

    threading.Thread(target=serve, daemon=True).start()
    return listening.getsockname()[1]


def test_an_untrusted_or_expiring_certificate_is_named(tmp_path, monkeypatch) -> None:
    cert, key = _certificate(tmp_path, days=10)
    port = _tls_server(cert, key)

    untrusted = health.check_certificate(f"https://localhost:{port}")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    trusted_but_expiring = health.check_certificate(f"https://localhost:{port}")

    assert untrusted.status == health.PROBLEM and "not trusted" in untrusted.summary
    assert trusted_but_expiring.status == health.WARNING and "renew" in trusted_but_expiring.advice
    plain = health.check_certificate("http://central.example.com:8765")
    assert plain.status == health.WARNING and "in clear" in plain.summary


def test_doctor_prints_each_finding_with_what_to_do(tmp_path, monkeypatch, capsys, central) -> None:
    from pos_app.cli import main

    config = tmp_path / "pos.toml"
    config.write_text(f'central_url = "{central.url}"\ncentral_token = "t"\ncentral_register_id = "S1.R1"\n'
                      f'databse = "typo.db"\n', encoding="utf-8")
    monkeypatch.setenv("POS_COMPANION_CONFIG", str(config))
    monkeypatch.setenv("POS_DATABASE", str(tmp_path / "register.db"))
    monkeypatch.setenv("POS_LOG_DIR", str(tmp_path / "log"))
    from pos_app import system_libraries

    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES", {})  # whatever this machine's desktop libraries

    assert main(["doctor"]) == 1  # no database yet
    out = capsys.readouterr().out
    assert "PROBLEM  database" in out and "either creates it" in out
    assert "WARNING  config" in out and "unknown keys databse" in out
    assert "OK       central service" in out and "OK       clock" in out
    assert out.rstrip().endswith("1 problems, 2 warnings")


def test_a_missing_window_library_is_named_with_its_package(monkeypatch) -> None:
    from pos_app import system_libraries

    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES", {"libc.so.6": "libc6"})
    assert health.check_window_libraries().status == health.OK
    monkeypatch.setitem(system_libraries.XCB_LIBRARIES, "libxcb-nonexistent.so.9", "libxcb-nonexistent9")
    finding = health.check_window_libraries()
    assert finding.status == health.PROBLEM and "libxcb-nonexistent.so.9" in finding.summary
    assert finding.advice == "On Debian or Ubuntu: sudo apt-get install libxcb-nonexistent9"
