"""A till prices, pays and returns checks through the register's POS API (real HTTP, real store)."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import event

from tests.api.till_client import FRANCOIS_CARD, ZOE_CARD, line

WRITTEN = ("SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM ledger_entries) "
           "+ (SELECT count(*) FROM pos_transactions) + (SELECT count(*) FROM outbox)")


def office_check(check_id: str = "T-1", **more):  # noqa: ANN201
    """Two packs of pens (office supplies: 10% off two or more) and a yogurt (50 cents off)."""
    return {"check_id": check_id, "member": None, "codes": [], "redeem_points": 0,
            "lines": [line("1", "WRI-0099", 2, "4.59"), line("2", "DAI-0005", 1, "2.49")], **more}


# -- inquire ---------------------------------------------------------------------------------------------


def test_inquire_fills_each_line_from_the_catalogue_and_prices_it_as_the_window_does(register) -> None:
    answer = register.till().inquire(office_check())

    assert answer.status_code == 200, answer.text
    body = answer.json()
    result = body["result"]
    assert body["check_id"] == "T-1" and body["member"] is None and body["online"] is False
    assert [a["id"] for a in result["applied"]] == ["P01", "P05"]  # by the filled category, by SKU list
    assert result["lines"][0] == {"id": "1", "subtotal": "9.18", "discount": "0.92", "points_value": "0.00",
                                  "total": "8.26", "allocations": {"P01": "0.92"}}
    assert result["total"] == "10.25"


def test_what_the_till_sends_wins_over_the_catalogue(register) -> None:
    check = office_check(lines=[line("1", "WRI-0099", 2, "4.59", categories=[])])

    result = register.till().inquire(check).json()["result"]

    assert result["applied"] == []  # no category sent: the office supplies offer does not see the pens
    assert result["total"] == "9.18"


def test_an_unknown_sku_is_priced_as_sent_and_named_in_the_messages(register) -> None:
    check = office_check(lines=[line("1", "TILL-ONLY-42", 3, "1.10"), line("2", "DAI-0005", 1, "2.49")])

    body = register.till().inquire(check).json()

    assert body["result"]["lines"][0]["subtotal"] == "3.30"
    assert body["result"]["lines"][0]["discount"] == "0.00"
    assert "SKU TILL-ONLY-42: not in the catalogue, priced as sent" in body["messages"]


def test_inquire_for_a_member_by_card_or_id_spends_points_and_answers_the_member(register) -> None:
    till = register.till()
    check = office_check(member=ZOE_CARD, redeem_points="max")

    by_card = till.inquire(check).json()
    by_id = till.inquire({**check, "check_id": "T-2", "member": "C00001"}).json()

    assert by_card["result"] == by_id["result"]
    assert by_card["member"]["id"] == "C00001" and by_card["member"]["points"]["available"] == 4820
    redemption = by_card["result"]["redemption"]
    assert redemption["requested"] == "max" and redemption["redeemed"] > 0
    assert "P19" in [a["id"] for a in by_card["result"]["applied"]]  # gold members: 5% off


def test_the_register_knows_its_catalogue_from_the_start_and_a_changed_price_from_the_next_check(register) -> None:
    read: list[str] = []
    event.listen(register.factory.engine, "before_cursor_execute",
                 lambda _c, _k, statement, *_a: read.append(statement) if "FROM products" in statement else None)

    first = register.till().inquire(office_check()).json()["result"]
    assert read == []  # loaded when the register started: the check read no product
    with register.factory() as work:
        work.catalog.upsert_many([replace(work.catalog.by_sku("DAI-0005"), brand="alpenhof-new")])
        work.commit()
    register.till().inquire({**office_check(), "check_id": "T-2"})

    assert first["total"] == "10.25"
    assert len(read) == 2  # this test reading the product it changes, then the next check reading them again


def test_inquire_writes_nothing(register) -> None:
    before = register.count(WRITTEN)

    register.till().inquire(office_check(member=ZOE_CARD, codes=["SAVE5"], redeem_points=500))

    assert register.count(WRITTEN) == before


def test_codes_the_window_would_refuse_are_named_and_left_out(register) -> None:
    anna_code = register.rows("SELECT display FROM promotion_codes WHERE customer_id = 'C00002' "
                              "AND promotion_id = 'P17'")[0][0]
    check = office_check(member=ZOE_CARD, codes=["NOSUCHCODE", anna_code, "save5"])

    body = register.till().inquire(check).json()

    assert any("NOSUCHCODE" in m and "no such code" in m for m in body["messages"])
    assert any(anna_code in m and "another customer" in m for m in body["messages"])
    assert [c["code"] for c in body["result"]["codes"]] == ["save5"]
    assert body["result"]["codes"][0]["status"] == "not_applicable"  # valid, but the check is under $30


def test_bad_input_is_a_clear_422_naming_the_field(register) -> None:
    till = register.till()
    pens = line("1", "WRI-0099", 2, "4.59")
    cases = {
        "malformed money": ({**pens, "unit_price": "4.5.9"}, "lines[0].unit_price"),
        "too many decimals": ({**pens, "unit_price": "4.599"}, "lines[0].unit_price"),
        "money as a float": ({**pens, "unit_price": 4.59}, "lines[0].unit_price"),
        "negative qty": ({**pens, "qty": -2}, "lines[0].qty"),
        "qty zero": ({**pens, "qty": 0}, "lines[0].qty"),
        "qty as a float": ({**pens, "qty": 2.0}, "lines[0].qty"),
        "qty too large": ({**pens, "qty": 10_000}, "lines[0]"),
        "unknown field": ({**pens, "colour": "red"}, "lines[0].colour"),
        "sku as a number": ({**pens, "sku": 99}, "lines[0].sku"),
        "no price": ({"id": "1", "sku": "WRI-0099", "qty": 2}, "lines[0].unit_price"),
    }
    for name, (bad_line, path) in cases.items():
        answer = till.inquire(office_check(lines=[bad_line]))
        assert answer.status_code == 422, (name, answer.text)
        error = answer.json()["error"]
        assert error["message"].startswith(path), (name, error)
        assert error["code"] == ("bad_quantity" if "qty" in name else "invalid_request"), (name, error)


def test_codes_and_points_that_cannot_be_read_have_their_own_codes(register) -> None:
    till = register.till()

    too_many = till.inquire(office_check(codes=[f"C{k}" for k in range(51)]))
    malformed = till.inquire(office_check(codes=["X" * 65]))
    points = till.inquire(office_check(member=ZOE_CARD, redeem_points="all"))

    assert (too_many.status_code, too_many.json()["error"]["code"]) == (422, "too_many_codes")
    assert (malformed.status_code, malformed.json()["error"]["code"]) == (422, "malformed_code")
    assert (points.status_code, points.json()["error"]["code"]) == (422, "bad_points")


def test_a_check_over_500_lines_duplicate_line_ids_and_wrong_shapes_are_refused(register) -> None:
    till = register.till()

    too_long = till.inquire(office_check(lines=[line(str(k), "DAI-0001", 1, "1.49") for k in range(501)]))
    twice = till.inquire(office_check(lines=[line("1", "DAI-0001"), line("1", "DAI-0002")]))
    lines_object = till.inquire({**office_check(), "lines": {"1": "DAI-0001"}})
    redeem_negative = till.inquire(office_check(member=ZOE_CARD, redeem_points=-5))
    points_without_member = till.inquire(office_check(redeem_points=100))

    assert (too_long.status_code, too_long.json()["error"]["code"]) == (422, "too_many_lines")
    assert "501" in too_long.json()["error"]["message"]
    assert (twice.status_code, twice.json()["error"]["code"]) == (422, "duplicate_line")
    assert lines_object.json()["error"]["message"] == "lines: must be a list"
    assert redeem_negative.json()["error"]["message"].startswith("redeem_points")
    assert points_without_member.json()["error"]["code"] == "customer_required"
    assert 500 == len(till.inquire(office_check(lines=[line(str(k), "DAI-0001", 1, "1.49")
                                                       for k in range(500)])).json()["result"]["lines"])


def test_bad_json_an_unknown_member_and_a_bad_card_digit_are_4xx(register) -> None:
    till = register.till()

    bad_json = till.post_raw("/v1/checks/inquire", b'{"check_id": "T-1", "lines": [')
    not_json = till.post_raw("/v1/checks/inquire", b"check_id=T-1", "application/x-www-form-urlencoded")
    unknown = till.inquire(office_check(member="C99999"))
    bad_card = till.inquire(office_check(member="2900000000019"))
    no_body = till.post_raw("/v1/checks/inquire", b"")
    not_utf8 = till.post_raw("/v1/checks/inquire", b'{"check_id": "T-\xff\xfe"}')
    no_type = till.session.post(till.url + "/v1/checks/inquire", data=b'{"check_id": "T-1", "lines": []}',
                                headers={"Content-Type": ""}, timeout=30)

    assert (bad_json.status_code, bad_json.json()["error"]["code"]) == (400, "bad_json")
    assert (not_json.status_code, not_json.json()["error"]["code"]) == (415, "unsupported_media_type")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_member")
    assert (bad_card.status_code, bad_card.json()["error"]["code"]) == (422, "bad_check_digit")
    assert no_body.status_code in (400, 422) and "error" in no_body.json()
    assert (not_utf8.status_code, not_utf8.json()["error"]["code"]) == (400, "bad_json")
    assert (no_type.status_code, no_type.json()["error"]["code"]) == (415, "unsupported_media_type")


def test_a_body_over_one_mebibyte_is_413_and_unknown_calls_are_404(register) -> None:
    till = register.till()

    huge = till.post_raw("/v1/checks/inquire", b"[" + b"1," * 600_000 + b"1]")
    nowhere = till.get("/v1/nowhere")
    wrong_method = till.get("/v1/checks/inquire")

    assert (huge.status_code, huge.json()["error"]["code"]) == (413, "too_large")
    assert (nowhere.status_code, nowhere.json()["error"]["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["error"]["code"]) == (405, "method_not_allowed")


# -- commit ----------------------------------------------------------------------------------------------


def test_commit_writes_the_sale_once_and_answers_points_receipt_lines_and_barcodes(register) -> None:
    till = register.till()
    check = office_check(member=ZOE_CARD, redeem_points=200)
    total = till.inquire(check).json()["result"]["total"]

    answer = till.commit(check, "tx-1", total)

    assert answer.status_code == 200, answer.text
    paid = answer.json()
    order_id = paid["order_id"]
    assert paid["result"]["total"] == total
    assert paid["points"]["spent"] == 200
    assert paid["points"]["balance_after"] == 4820 - 200 + paid["points"]["earned"]
    assert paid["points"]["pending_until"] == "2026-12-23"  # held for the 30-day return window
    assert {"kind": "code128", "data": order_id, "caption": f"Order {order_id} (returns)"} in paid["barcodes"]
    assert "Customer: Zoë Martin" in paid["receipt_lines"]
    assert any(text.strip().startswith("Paid with points") and "-200" in text for text in paid["receipt_lines"])
    assert register.rows("SELECT customer_id, total_minor, cashier_id FROM orders WHERE id = :o", o=order_id) == [
        ("C00001", int(total.replace(".", "")), "till:till-1")]
    assert register.count("SELECT count(*) FROM ledger_entries WHERE order_id = :o", o=order_id) == 2


def test_a_member_sale_over_ten_dollars_earns_the_next_visit_code(register) -> None:
    till = register.till()
    check = office_check(member=FRANCOIS_CARD, lines=[line("1", "WRI-0099", 4, "4.59")])

    paid = till.sell(check, "tx-nv")

    code = paid["next_visit"]["code"]
    assert code.startswith("NV-") and "next visit" in paid["next_visit"]["text"]
    assert [b["data"] for b in paid["barcodes"]] == [code, paid["order_id"]]
    assert register.rows("SELECT customer_id, uses_left FROM promotion_codes WHERE display = :c", c=code) == [
        ("C00007", 1)]


def test_the_same_transaction_id_answers_the_first_answer_and_writes_nothing_more(register) -> None:
    till = register.till()
    check = office_check(member=ZOE_CARD)
    total = till.inquire(check).json()["result"]["total"]
    first = till.commit(check, "tx-again", total)
    written = register.count(WRITTEN)

    again = till.commit(check, "tx-again", total)
    reordered = till.post("/v1/checks/commit", json.loads(json.dumps(
        {"expected_total": total, "transaction_id": "tx-again", **dict(reversed(list(check.items())))})))
    other = till.commit({**check, "codes": ["SAVE5"]}, "tx-again", total)

    assert again.status_code == 200 and again.content == first.content
    assert reordered.content == first.content  # the same JSON in another key order is the same request
    assert (other.status_code, other.json()["error"]["code"]) == (409, "transaction_reused")
    assert register.count(WRITTEN) == written


def test_a_changed_total_is_409_repriced_with_the_new_result_and_nothing_written(register) -> None:
    till = register.till()
    before = register.count(WRITTEN)

    answer = till.commit(office_check(), "tx-stale", "11.00")

    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "repriced" and "10.25" in error["message"]
    assert error["result"]["total"] == "10.25"
    assert register.count(WRITTEN) == before
    assert till.commit(office_check(), "tx-stale", "10.25").status_code == 200  # corrected: the same id works


def test_a_check_already_paid_cannot_be_paid_again_under_another_transaction(register) -> None:
    till = register.till()
    check = office_check()
    till.inquire(check)
    paid = till.commit(check, "tx-a", "10.25").json()

    again = till.commit(check, "tx-b", "10.25")  # a till that lost its transaction id after a crash

    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_paid")
    assert paid["order_id"] in again.json()["error"]["message"]
    assert register.count("SELECT count(*) FROM orders") == 1
    assert till.commit({**check, "check_id": "T-2"}, "tx-c", "10.25").status_code == 200  # the next check


def test_commit_refuses_bad_money_and_a_missing_transaction_id(register) -> None:
    till = register.till()

    float_total = till.post("/v1/checks/commit", {**office_check(), "transaction_id": "t", "expected_total": 10.25})
    no_id = till.post("/v1/checks/commit", {**office_check(), "expected_total": "10.25"})

    assert float_total.status_code == 422
    assert float_total.json()["error"]["message"].startswith("expected_total")
    assert no_id.json()["error"]["message"] == "transaction_id: is required"
    assert register.count("SELECT count(*) FROM orders") == 0


# -- reverse ---------------------------------------------------------------------------------------------


def test_a_partial_return_then_the_rest_refund_the_frozen_prices_and_move_the_points(register) -> None:
    till = register.till()
    paid = till.sell(office_check(member=ZOE_CARD, redeem_points=200), "tx-sale")
    order_id = paid["order_id"]

    one_pen = till.reverse({"transaction_id": "ret-1", "order_id": order_id, "lines": [{"id": "1", "qty": 1}]})
    rest = till.reverse({"transaction_id": "ret-2", "order_id": order_id})

    assert one_pen.status_code == 200, one_pen.text
    first, second = one_pen.json(), rest.json()
    assert first["lines"] == [{"id": "1", "qty": "1", "refund": first["refund"]}]
    assert {(entry["id"], entry["qty"]) for entry in second["lines"]} == {("1", "1"), ("2", "1")}
    refunded = sum(int(x["refund"].replace(".", "")) for x in (first, second))
    assert refunded == int(paid["result"]["total"].replace(".", ""))  # every cent paid comes back
    assert first["points"]["returned"] + second["points"]["returned"] == 200
    assert first["points"]["reversed"] + second["points"]["reversed"] == paid["points"]["earned"]


def test_returning_more_than_sold_or_an_unknown_order_is_refused_and_a_replay_answers_again(register) -> None:
    till = register.till()
    order_id = till.sell(office_check(), "tx-sale")["order_id"]

    too_many = till.reverse({"transaction_id": "r-1", "order_id": order_id, "lines": [{"id": "2", "qty": 2}]})
    unknown = till.reverse({"transaction_id": "r-2", "order_id": "R9-000999"})
    unknown_line = till.reverse({"transaction_id": "r-3", "order_id": order_id, "lines": [{"id": "9", "qty": 1}]})
    done = till.reverse({"transaction_id": "r-4", "order_id": order_id, "lines": [{"id": "2", "qty": 1}]})
    replay = till.reverse({"transaction_id": "r-4", "order_id": order_id, "lines": [{"id": "2", "qty": 1}]})
    after = till.reverse({"transaction_id": "r-5", "order_id": order_id, "lines": [{"id": "2", "qty": 1}]})

    as_text = till.reverse({"transaction_id": "r-6", "order_id": order_id, "lines": [{"id": "1", "qty": "1"}]})
    assert (as_text.status_code, as_text.json()["error"]["code"]) == (422, "bad_quantity")  # as in a check
    assert "lines[0].qty: must be an integer" in as_text.json()["error"]["message"]
    assert (too_many.status_code, too_many.json()["error"]["code"]) == (409, "more_than_sold")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_order")
    assert (unknown_line.status_code, unknown_line.json()["error"]["code"]) == (422, "unknown_line")
    assert done.status_code == 200 and replay.content == done.content
    assert (after.status_code, after.json()["error"]["code"]) == (409, "more_than_sold")
    assert register.rows("SELECT qty_returned FROM order_lines WHERE order_id = :o AND line_id = '2'",
                         o=order_id) == [("1",)]


def test_a_sale_beyond_what_the_ledger_carries_is_refused_and_nothing_is_written(register) -> None:
    till = register.till()
    typo = office_check("T-9", member=ZOE_CARD, lines=[line("1", "WRI-0099", 9999, "99999.99")])
    total = till.inquire(typo).json()["result"]["total"]
    before = register.count(WRITTEN)

    answer = till.commit(typo, "tx-typo", total)

    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "sale_too_large")
    assert register.count(WRITTEN) == before  # nothing the sync could never deliver


def test_points_earned_wait_for_the_return_window_and_are_not_available_meanwhile(register) -> None:
    till = register.till()
    paid = till.sell(office_check("T-8", member=ZOE_CARD), "tx-earn")
    assert paid["points"]["earned"] > 0 and paid["points"]["pending_until"] is not None

    points = till.get(f"/v1/members/{ZOE_CARD}").json()["points"]

    assert points["pending"] == paid["points"]["earned"]
    assert points["available"] == points["confirmed"]  # what may be spent now: the earned points wait


def test_a_price_far_from_the_catalogues_is_priced_as_sent_and_named(register) -> None:
    till = register.till()

    body = till.inquire(office_check(lines=[line("1", "WRI-0099", 1, "459")])).json()  # cents typed as units

    assert body["result"]["subtotal"] == "459.00"  # the till owns its prices
    assert any("WRI-0099" in m and "far from the catalogue's" in m and "4.59" in m for m in body["messages"])
