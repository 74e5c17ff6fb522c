"""The central service's front door: sizes, protocol versions, credentials first, and rate limits."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from harness import CentralServer, sqlite_url

from sync.central.guard import GuardLimits
from sync.client import RetryPolicy, SyncLoop
from sync.client.errors import TransientError
from sync.protocol import PROTOCOL_HEADER

V1 = {PROTOCOL_HEADER: "1"}


@pytest.fixture
def strict(tmp_path: Path):
    server = CentralServer(sqlite_url(tmp_path / "central.db"),
                           guard_limits=GuardLimits(max_body_bytes=64 * 1024, pairing="3/minute", register="4/second"))
    yield server
    server.stop()


def test_a_large_body_is_refused_from_its_length_before_anything_reads_it(strict):
    client = strict.client("S1", "R1")
    answer = httpx.post(f"{strict.url}/v1/push", content=b"x" * (65 * 1024),
                        headers={**V1, "Authorization": f"Bearer {client.token}"})
    assert answer.status_code == 413 and answer.json()["code"] == "body_too_large"


def test_a_body_streamed_past_the_limit_without_a_length_is_cut_off(strict):
    client = strict.client("S1", "R1")

    def chunks():
        for _ in range(40):
            yield b"y" * 4096

    answer = httpx.post(f"{strict.url}/v1/push", content=chunks(),
                        headers={**V1, "Authorization": f"Bearer {client.token}", "Content-Type": "application/json"})
    assert answer.status_code == 413


def test_without_a_valid_credential_the_body_is_never_read(strict):
    """An anonymous client announcing 60 KiB and sending none of it is answered at once."""
    with socket.create_connection(("127.0.0.1", strict.port), timeout=5) as sock:
        sock.sendall(b"POST /v1/push HTTP/1.1\r\nHost: x\r\nX-POS-Protocol: 1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 60000\r\n\r\n{")
        started = time.monotonic()
        answer = b""
        while b'"acked_through_seq"' not in answer and time.monotonic() - started < 3:
            answer += sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 401") and b'"code": "unauthorized"' in answer
    wrong = httpx.post(f"{strict.url}/v1/records", json={"register_id": "S1.R1", "records": []},
                       headers={**V1, "Authorization": "Bearer S1.R1:forged"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("version", ["", "¹", "٣", "1.0", "99999999999999999999", "2"])
def test_any_unsupported_protocol_header_is_426(central, version):
    answer = httpx.get(f"{central.url}/v1/changes", headers={PROTOCOL_HEADER: version.encode()})
    assert answer.status_code == 426 and answer.json()["code"] == "protocol_unsupported"


@pytest.mark.parametrize("query", ["cursor=1.99999999999999999999999", "cursor=-1", "cursor=%00",
                                   "limit=-5", "limit=0", "limit=99999999999999999999", "limit=x"])
def test_bad_cursor_or_limit_is_a_4xx_never_a_5xx(central, query):
    client = central.client("S1", "R1")
    answer = httpx.get(f"{central.url}/v1/changes?{query}", headers={**V1, "Authorization": f"Bearer {client.token}"})
    assert 400 <= answer.status_code < 500, answer.text


def test_pairing_is_throttled_per_address(strict):
    attempts = [httpx.post(f"{strict.url}/v1/pair", json={"pairing_code": f"WRONG-{n}"}, headers=V1)
                for n in range(4)]
    assert [a.status_code for a in attempts] == [401, 401, 401, 429]
    assert int(attempts[-1].headers["Retry-After"]) >= 1


def test_a_throttled_register_waits_as_told_and_syncs_everything(strict, make_store):
    client = strict.client("S1", "R1")
    client.retry = RetryPolicy(base=0.01, cap=0.05, max_attempts=10)
    store = make_store(client.register_id)
    for n in range(12):
        store.record("accrual", "C1", 1 + n)
    loop = SyncLoop(client, store, store, batch_size=1, call_attempts=10)

    started = time.monotonic()
    assert loop.run_once(), loop.status.message

    assert store.pending_count() == 0 and strict.balance("C1") == sum(range(1, 13))
    assert time.monotonic() - started >= 1.0  # 12 pushes and a pull at 4 a second: Retry-After was honoured


def test_a_register_sees_only_its_own_stores_conflicts(central, make_store):
    s1, s2 = central.client("S1", "R1"), central.client("S2", "R1")
    for client in (s1, s2):
        store = make_store(client.register_id)
        store.record("redemption", "C1", -50)  # offline overdraft: a conflict of that register
        SyncLoop(client, store, store).run_once()
    headers = {**V1, "Authorization": f"Bearer {s1.token}"}
    seen = httpx.get(f"{central.url}/v1/conflicts", headers=headers).json()
    assert seen and {c["register_id"] for c in seen} == {"S1.R1"}
    customer = httpx.get(f"{central.url}/v1/customers/C1", headers=headers).json()
    assert set(customer) == {"id", "tier", "balance", "overdraft", "merged_into"}  # no contact details


def test_the_openapi_names_the_security_scheme_and_the_error_answers(central):
    spec = httpx.get(f"{central.url}/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    push = spec["paths"]["/v1/push"]["post"]
    assert {"401", "403", "409", "413", "422", "426", "429"} <= set(push["responses"])
    assert {"HTTPBearer": []} in push["security"]


def test_the_register_client_reports_a_throttle_as_transient(strict):
    client = strict.client("S1", "R1")
    client.retry = RetryPolicy(base=0.01, cap=0.01, max_attempts=1)
    answers = []
    for _ in range(8):
        try:
            client.pull("1.0")
            answers.append("ok")
        except TransientError as exc:
            answers.append(exc.status)
    assert 429 in answers
