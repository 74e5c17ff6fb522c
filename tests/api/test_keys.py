"""Tills need a key made on the register; two tills share one register, each with its own key."""

from __future__ import annotations

import os
import subprocess
import sys

from pos_app.services.pos_keys import remove_key
from tests.api.till_client import ZOE_CARD, line

CHECK = {"check_id": "C-1", "member": ZOE_CARD, "lines": [line("1", "DAI-0005", 2, "2.49")]}


def test_no_key_a_wrong_key_or_a_removed_key_is_401(register) -> None:
    no_key = register.stranger().get("/v1/members", q=ZOE_CARD)
    wrong = register.stranger("posk_" + "x" * 43).get("/v1/members", q=ZOE_CARD)
    not_bearer = register.stranger()
    not_bearer.session.headers["Authorization"] = f"Basic {register.keys['till-1']}"
    till = register.till("till-1")
    assert till.get("/v1/members", q=ZOE_CARD).status_code == 200

    remove_key(register.factory(), "till-1")
    removed = till.get("/v1/members", q=ZOE_CARD)

    for answer in (no_key, wrong, not_bearer.get("/v1/members", q=ZOE_CARD), removed):
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert register.till("till-2").get("/v1/members", q=ZOE_CARD).status_code == 200


def test_without_a_key_the_body_is_never_looked_at(register) -> None:
    stranger = register.stranger()

    bad_json = stranger.post_raw("/v1/checks/inquire", b"{not json")
    huge = stranger.post_raw("/v1/checks/commit", b"x" * (2 << 20))
    commit = stranger.commit(CHECK, "tx-1", "3.98")

    assert [a.status_code for a in (bad_json, huge, commit)] == [401, 401, 401]
    assert register.count("SELECT count(*) FROM orders") == 0


def test_the_contract_is_public_and_names_the_bearer_scheme(register) -> None:
    spec = register.stranger().get("/openapi.json").json()

    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer",
        "description": "a till's key, made with `pos-companion pos-key add NAME`"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"HTTPBearer": []}], (method, path)
            assert {"401", "422"} <= set(operation["responses"]), (method, path)
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorBody"}


def test_two_tills_sell_on_one_register_each_under_its_own_transaction_ids(register) -> None:
    one, two = register.till("till-1"), register.till("till-2")

    first = one.sell(CHECK, "tx-1")
    second = two.sell({**CHECK, "member": None}, "tx-1")  # the same id from another till is another sale
    replay_one = one.commit(CHECK, "tx-1", first["result"]["total"])

    assert first["order_id"] != second["order_id"]
    assert replay_one.json() == first
    assert register.rows("SELECT cashier_id, customer_id FROM orders ORDER BY id") == [
        ("till:till-1", "C00001"), ("till:till-2", None)]
    assert register.rows("SELECT key_name, transaction_id, call FROM pos_transactions ORDER BY key_name") == [
        ("till-1", "tx-1", "commit"), ("till-2", "tx-1", "commit")]


def test_the_checks_of_two_tills_are_apart_even_with_the_same_check_id(register) -> None:
    one, two = register.till("till-1"), register.till("till-2")

    one.inquire(CHECK)
    on_two = two.inquire({**CHECK, "member": None}).json()
    again_on_one = one.inquire({**CHECK, "member": ZOE_CARD}).json()

    assert on_two["member"] is None
    assert again_on_one["member"]["id"] == "C00001"


def pos_key(database, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    env = {**os.environ, "POS_DATABASE": str(database), "POS_COMPANION_CONFIG": str(database) + ".toml"}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "pos-key", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_pos_key_add_prints_the_key_once_list_shows_names_and_remove_revokes_it(register) -> None:
    added = pos_key(register.database, "add", "front-till")
    duplicate = pos_key(register.database, "add", "front-till")
    bad_name = pos_key(register.database, "add", "front till!")
    key = added.stdout.strip()

    listed = pos_key(register.database, "list")
    works = register.stranger(key).get("/v1/members", q=ZOE_CARD).status_code
    removed = pos_key(register.database, "remove", "front-till")
    gone = register.stranger(key).get("/v1/members", q=ZOE_CARD).status_code
    removed_again = pos_key(register.database, "remove", "front-till")

    assert added.returncode == 0 and key.startswith("posk_") and len(key) > 40
    assert "shown this once" in added.stderr
    assert duplicate.returncode == 1 and "exists" in duplicate.stderr
    assert bad_name.returncode == 1
    assert [row.split("\t")[0] for row in listed.stdout.splitlines()] == ["front-till", "till-1", "till-2"]
    assert key not in listed.stdout
    assert register.count("SELECT count(*) FROM pos_keys WHERE key_hash = :k", k=key) == 0  # only its hash
    assert (works, gone) == (200, 401)
    assert removed.returncode == 0 and removed_again.returncode == 1


def test_pos_key_before_the_registers_first_start_makes_its_store_or_says_there_is_none(tmp_path) -> None:
    database = tmp_path / "not-yet" / "register.db"

    listed = pos_key(database, "list")
    added = pos_key(database, "add", "front-till")

    assert listed.returncode == 1 and "no register store" in listed.stderr and "Traceback" not in listed.stderr
    assert added.returncode == 0 and added.stdout.startswith("posk_") and database.is_file()
