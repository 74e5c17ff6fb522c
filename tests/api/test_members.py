"""A till finds members and signs customers up through the register's POS API (real HTTP, real store)."""

from __future__ import annotations

from stdnum import ean

from tests.api.till_client import ZOE_CARD


def test_a_card_a_phone_in_any_form_an_email_in_any_case_or_a_name_finds_the_member(register) -> None:
    till = register.till()

    by_card = till.get("/v1/members", q=ZOE_CARD).json()
    by_local_phone = till.get("/v1/members", q="(201) 555-0100").json()
    by_e164 = till.get("/v1/members", q="+12015550100").json()
    by_email = till.get("/v1/members", q="ZOE.Martin1@EXAMPLE.com").json()
    by_name = till.get("/v1/members", q="zoë mar").json()

    zoe = {"id": "C00001", "name": "Zoë Martin", "card": ZOE_CARD, "phone_masked": "+*******0100",
           "tier": "gold", "points": 4820}
    assert by_card == {"members": [zoe], "online": False}  # no central service configured: offline
    assert by_local_phone["members"] == by_e164["members"] == by_email["members"] == [zoe]
    assert zoe in by_name["members"]


def test_a_name_prefix_lists_at_most_twenty(register) -> None:
    found = register.till().get("/v1/members", q="a").json()["members"]

    assert 1 < len(found) <= 20
    assert all(any(word.lower().startswith("a") for word in m["name"].split()) for m in found)


def test_a_card_with_a_wrong_check_digit_is_422_and_nothing_found_is_an_empty_list(register) -> None:
    till = register.till()

    wrong = till.get("/v1/members", q="2900000000019")
    nobody = till.get("/v1/members", q="nobody@example.org")

    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "bad_check_digit"
    assert "2900000000019" in wrong.json()["error"]["message"]
    assert nobody.status_code == 200 and nobody.json()["members"] == []


def test_a_malformed_phone_or_an_empty_query_is_a_clear_422(register) -> None:
    till = register.till()

    assert till.get("/v1/members", q="+999 1234").json()["error"]["code"] == "malformed_phone"
    empty = till.get("/v1/members", q="")
    assert empty.status_code == 422 and empty.json()["error"]["message"].startswith("q:")
    assert empty.json()["error"]["code"] == "empty_search"


def test_a_members_card_shows_tier_points_offers_and_birthday_week(register) -> None:
    member = register.till().get(f"/v1/members/{ZOE_CARD}").json()
    by_id = register.till().get("/v1/members/C00001").json()

    assert member == by_id
    assert (member["id"], member["tier"], member["birthday_week"]) == ("C00001", "gold", True)
    assert member["points"] == {"confirmed": 4820, "pending": 0, "available": 4820, "expiring": []}
    codes = {offer["code"]: offer for offer in member["offers"] if offer["code"]}
    vip = next(offer for offer in codes.values() if offer["promotion"] == "P18")
    assert vip["uses_left"] == 3 and vip["name"].startswith("VIP")
    assert {"code": None, "promotion": "P19", "name": "Gold members: 5% off every order",
            "uses_left": None} in member["offers"]


def test_an_unknown_member_is_404(register) -> None:
    answer = register.till().get("/v1/members/C99999")

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_member"


def sign_up(till, transaction_id="signup-1", **fields):  # noqa: ANN001, ANN201
    body = {"transaction_id": transaction_id, "name": "Kim Park", "phone": "(415) 555-0199",
            "email": "Kim.Park@Example.org", "consents": {"email": True, "sms": False}, **fields}
    return till.post("/v1/members", body)


def test_sign_up_assigns_a_card_applies_the_welcome_offer_and_answers_the_member(register) -> None:
    answer = sign_up(register.till())

    assert answer.status_code == 201, answer.text
    member = answer.json()
    assert member["name"] == "Kim Park"
    assert member["card"].startswith("29") and ean.is_valid(member["card"])
    assert member["points"]["pending"] == 100  # the demo's welcome points, waiting to sync
    welcome = [offer for offer in member["offers"] if offer["promotion"] == "P21"]
    assert len(welcome) == 1 and welcome[0]["code"] and welcome[0]["uses_left"] == 1
    assert register.till().get(f"/v1/members/{member['card']}").json()["id"] == member["id"]
    assert register.count("SELECT count(*) FROM customers WHERE phone = '+14155550199' "
                          "AND email = 'Kim.Park@example.org' AND consent_email AND NOT consent_sms") == 1


def test_sign_up_with_the_same_transaction_id_answers_the_same_and_enrols_once(register) -> None:
    till = register.till()

    first = sign_up(till)
    again = sign_up(till)
    other_body = sign_up(till, name="Kim Parker")

    assert again.status_code == 201 and again.content == first.content
    assert other_body.status_code == 409
    assert other_body.json()["error"]["code"] == "transaction_reused"
    assert register.count("SELECT count(*) FROM customers WHERE name LIKE 'Kim Park%'") == 1
    assert register.count("SELECT count(*) FROM ledger_entries WHERE reason = 'welcome'") == 1


def test_a_phone_email_or_card_of_someone_else_is_409_duplicate_naming_the_field(register) -> None:
    till = register.till()

    phone = sign_up(till, "s-phone", phone="+12015550100", email=None)
    email = sign_up(till, "s-email", phone=None, email="ZOE.MARTIN1@example.com")
    card = sign_up(till, "s-card", phone=None, email=None, card=ZOE_CARD)

    for answer, field in ((phone, "phone"), (email, "email"), (card, "card")):
        assert answer.status_code == 409
        assert answer.json()["error"]["code"] == "duplicate"
        assert answer.json()["error"]["field"] == field
    assert register.count("SELECT count(*) FROM customers WHERE name = 'Kim Park'") == 0


def test_sign_up_refuses_bad_fields_with_their_names(register) -> None:
    till = register.till()

    cases = {
        "phone": sign_up(till, "b1", phone="123"),
        "phone shape": sign_up(till, "b1", phone="call me"),
        "email": sign_up(till, "b2", email="kim@example"),
        "email shape": sign_up(till, "b2", email="kim"),
        "card": sign_up(till, "b3", card="2900000000019"),
        "birthday": sign_up(till, "b4", birthday="2026-02-30"),
        "consents": till.post("/v1/members", {"transaction_id": "b5", "name": "Kim"}),
        "transaction_id": sign_up(till, "not a valid id!"),
        "no name": sign_up(till, "b6", name=""),
        "long name": sign_up(till, "b7", name="K" * 201),
    }

    for field, answer in cases.items():
        assert answer.status_code == 422, (field, answer.text)
    assert cases["phone"].json()["error"]["code"] == "malformed_phone"
    assert cases["email"].json()["error"]["code"] == "malformed_email"
    assert cases["phone shape"].json()["error"]["message"] == "phone: not a phone number"
    assert cases["email shape"].json()["error"]["message"] == "email: not an email address"
    assert cases["card"].json()["error"]["code"] == "bad_check_digit"
    assert cases["birthday"].json()["error"]["message"].startswith("birthday:")
    assert cases["consents"].json()["error"]["message"] == "consents: is required"
    assert cases["transaction_id"].json()["error"]["message"].startswith("transaction_id:")
    codes = {field: answer.json()["error"]["code"] for field, answer in cases.items()}
    assert codes == {"phone": "malformed_phone", "phone shape": "malformed_phone", "email": "malformed_email",
                     "email shape": "malformed_email", "card": "bad_check_digit", "birthday": "bad_birthday",
                     "consents": "invalid_request", "transaction_id": "bad_transaction_id",
                     "no name": "name_required", "long name": "name_too_long"}  # as docs/POS-INTEGRATION.md lists
    assert register.count("SELECT count(*) FROM customers WHERE name = 'Kim Park'") == 0
