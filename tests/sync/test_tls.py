"""The central service over TLS: the register checks the certificate and says so when it cannot trust it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from harness import CentralServer, sqlite_url

from sync.client import CertificateError, RetryPolicy, SyncClient, SyncLoop, SyncState


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture
def certificates(tmp_path: Path) -> dict[str, Path]:
    """A company CA and a certificate it signed for 127.0.0.1, as a chain's operator would make them."""
    ca_key, ca, key, csr, cert = (tmp_path / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca),
             "-days", "2", "-subj", "/CN=Loyalty Test CA")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1")
    ext = tmp_path / "san.ext"
    ext.write_text("subjectAltName = IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
             "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return {"ca": ca, "cert": cert, "key": key}


@pytest.fixture
def tls_central(tmp_path, certificates):
    server = CentralServer(sqlite_url(tmp_path / "central.db"), tls=(certificates["cert"], certificates["key"]))
    yield server
    server.stop()


def test_a_register_trusting_the_chains_ca_pairs_and_syncs_over_https(tls_central, certificates, make_store):
    assert tls_central.url.startswith("https://")
    client = SyncClient(tls_central.url, verify=str(certificates["ca"]), retry=RetryPolicy(max_attempts=1))
    client.pair(tls_central.pairing_code("S1", "R1"))
    store = make_store(client.register_id)
    store.record("accrual", "C1", 10)

    assert SyncLoop(client, store, store).run_once()
    assert tls_central.balance("C1") == 10


def test_an_untrusted_certificate_is_a_certificate_error_not_offline(tls_central, make_store):
    client = SyncClient(tls_central.url, retry=RetryPolicy(max_attempts=1))  # the system's CAs only
    with pytest.raises(CertificateError) as refused:
        client.pair(tls_central.pairing_code("S1", "R1"))
    assert "not trusted" in str(refused.value) and "certificate" in str(refused.value)

    client.token, client.register_id = "S1.R1:x", "S1.R1"
    store = make_store("S1.R1")
    loop = SyncLoop(client, store, store)
    assert not loop.run_once()
    assert loop.status.state is SyncState.ERROR  # not "offline": the network is fine, the server is not trusted
    assert "certificate" in loop.status.message


def test_pos_central_serves_https_with_a_certificate_and_refuses_half_a_pair(certificates, tmp_path, capsys):
    from sync.central.cli import main as pos_central

    assert pos_central(["serve", "--db", f"sqlite:///{tmp_path / 'c.db'}", "--certfile", str(certificates["cert"])]) == 2
    assert "go together" in capsys.readouterr().err
    missing = tmp_path / "nope.pem"
    assert pos_central(["serve", "--db", f"sqlite:///{tmp_path / 'c.db'}", "--certfile", str(missing),
                        "--keyfile", str(certificates["key"])]) == 2
    assert "no such file" in capsys.readouterr().err
