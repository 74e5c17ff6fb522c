"""`pos-companion --headless`: the POS API (and the sync loop) on a till's machine with no window, no Qt."""

from __future__ import annotations

import shutil
from pathlib import Path

import requests

from tests.api.register_process import RegisterProcess
from tests.api.till_client import ZOE_CARD, Till, line


def test_the_headless_register_serves_the_api_on_the_printed_address_without_loading_qt(demo_template,
                                                                                          tmp_path) -> None:
    shutil.copyfile(demo_template, tmp_path / "register.db")
    register = RegisterProcess(tmp_path / "register.db", tmp_path)
    key = register.add_key("till-1")
    url = register.start()
    try:
        maps = Path(f"/proc/{register.pid}/maps").read_text()
        spec = requests.get(url + "/openapi.json", timeout=10).json()
        till = Till(url, key)
        paid = till.sell({"check_id": "H-1", "member": ZOE_CARD, "lines": [line("1", "DAI-0005", 2, "2.49")]},
                         "tx-headless")
    finally:
        code = register.stop()

    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")  # port 0: a free one, printed
    assert "Qt6" not in maps and "PySide6" not in maps and "shiboken" not in maps
    assert set(spec["paths"]) == {"/v1/members", "/v1/members/{member}", "/v1/checks/inquire",
                                  "/v1/checks/commit", "/v1/checks/reverse"}
    assert paid["order_id"].startswith("S1-R1-") and paid["online"] is False
    assert code == 0  # SIGTERM: a clean stop


def test_an_address_in_use_is_a_clear_error(demo_template, tmp_path) -> None:
    shutil.copyfile(demo_template, tmp_path / "register.db")
    first = RegisterProcess(tmp_path / "register.db", tmp_path)
    url = first.start()
    second = RegisterProcess(tmp_path / "register.db", tmp_path)
    second.env["POS_API_LISTEN"] = url.removeprefix("http://")
    try:
        refused = second.command("--headless")
    finally:
        first.stop()

    assert refused.returncode == 1
    assert "cannot listen on 127.0.0.1:" in refused.stderr


def test_a_malformed_listen_setting_says_what_is_expected(demo_template, tmp_path) -> None:
    register = RegisterProcess(tmp_path / "register.db", tmp_path)
    register.env["POS_API_LISTEN"] = "8766"

    refused = register.command("--headless")

    assert refused.returncode == 1
    assert "expected host:port, e.g. 127.0.0.1:8766" in refused.stderr
