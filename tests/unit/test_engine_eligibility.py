"""Who may have a promotion, and when: validity, stores, audiences, codes, customer rules."""

from tests.unit.engine_helpers import applied, evaluate, line, percent, promo, reasons

CART = [line("A", "10.00")]
TEN = percent("10")


def code_status(result: dict) -> dict[str, str]:
    return {c["code"]: c["status"] for c in result["codes"]}


def test_a_date_alone_in_to_means_the_whole_day():
    result = evaluate(CART, [promo("P", TEN, valid={"to": "2026-11-23"})], now="2026-11-23T23:59:00")
    assert applied(result) == {"P": "1.00"}


def test_hours_are_start_inclusive_end_exclusive_and_24_00_ends_the_day():
    promos = [promo("LUNCH", TEN, valid={"hours": ["12:00", "14:00"]}),
              promo("EVENING", TEN, valid={"hours": ["18:00", "24:00"]})]
    assert reasons(evaluate(CART, promos, now="2026-11-23T14:00:00"))["LUNCH"] == "outside_hours"
    assert "LUNCH" in applied(evaluate(CART, promos, now="2026-11-23T12:00:00"))
    assert "EVENING" in applied(evaluate(CART, promos, now="2026-11-23T23:59:59"))


def test_store_list_refuses_other_stores_and_a_sale_without_store():
    promos = [promo("P", TEN, stores=["S1"])]
    assert applied(evaluate(CART, promos, store="S1")) == {"P": "1.00"}
    assert reasons(evaluate(CART, promos, store="S2")) == {"P": "wrong_store"}
    assert reasons(evaluate(CART, promos)) == {"P": "wrong_store"}


def test_personal_audience_needs_a_matching_customer():
    promos = [promo("GOLD", TEN, audience={"tiers": ["gold"]})]
    assert reasons(evaluate(CART, promos)) == {"GOLD": "customer_required"}
    assert reasons(evaluate(CART, promos, customer={"id": "C1", "tier": "silver"})) == {"GOLD": "not_in_audience"}
    assert applied(evaluate(CART, promos, customer={"id": "C1", "tier": "gold"})) == {"GOLD": "1.00"}


def test_codes_match_without_case_or_spaces_and_count_once():
    promos = [promo("P", TEN, codes=[{"code": "Spring10"}])]
    result = evaluate(CART, promos, codes=["  spring10", "SPRING10 "])
    assert applied(result) == {"P": "1.00"}
    assert result["codes"] == [{"code": "spring10", "status": "applied", "promotion": "P"}]


def test_a_personal_code_in_an_anonymous_sale_is_not_the_owners():
    promos = [promo("P", TEN, codes=[{"code": "MINE1", "customer": "C1", "uses_left": 1}])]
    result = evaluate(CART, promos, codes=["MINE1"])
    assert reasons(result) == {"P": "code_not_owner"}
    assert code_status(result) == {"MINE1": "not_owner"}


def test_a_used_up_code_is_reported_used_before_not_owner():
    promos = [promo("P", TEN, codes=[{"code": "OLD", "customer": "C2", "uses_left": 0}])]
    result = evaluate(CART, promos, codes=["OLD"], customer={"id": "C1"})
    assert reasons(result) == {"P": "code_used"}
    assert code_status(result) == {"OLD": "used"}


def test_a_code_whose_promotion_loses_is_not_applicable():
    promos = [promo("CODE", TEN, codes=[{"code": "X"}], group="g"), promo("AUTO", percent("20"), group="g")]
    result = evaluate(CART, promos, codes=["X", "NOPE"])
    assert code_status(result) == {"X": "not_applicable", "NOPE": "unknown"}


def test_usage_limit_first_order_and_birthday_need_a_customer():
    promos = [
        promo("ONCE", TEN, limit_per_customer=1),
        promo("FIRST", TEN, conditions={"first_order": True}),
        promo("BDAY", TEN, conditions={"birthday_days": 3}),
    ]
    assert set(reasons(evaluate(CART, promos)).values()) == {"customer_required"}
    result = evaluate(CART, promos, customer={"id": "C1", "promo_uses": {"ONCE": 1}, "birthday": "1990-12-30"})
    assert reasons(result) == {"ONCE": "usage_limit", "FIRST": "first_order_only", "BDAY": "birthday_only"}


def test_birthday_window_wraps_the_new_year_and_29_february():
    promos = [promo("BDAY", TEN, conditions={"birthday_days": 3})]
    assert applied(evaluate(CART, promos, customer={"id": "C", "birthday": "1990-12-31"}, now="2027-01-02T10:00:00"))
    # Born 29 February: in 2027 the birthday is 28 February.
    assert applied(evaluate(CART, promos, customer={"id": "C", "birthday": "2000-02-29"}, now="2027-02-25T10:00:00"))
    assert not applied(evaluate(CART, promos, customer={"id": "C", "birthday": "2000-02-29"},
                                now="2027-03-04T10:00:00"))


def test_item_filter_exclusions_win_over_inclusions():
    cart = [line("A", "10.00", categories=["food"]), line("B", "10.00", categories=["food"], tags=["alcohol"])]
    promos = [promo("P", TEN, conditions={"items": {"categories": ["food"], "exclude": {"tags": ["alcohol"]}}})]
    result = evaluate(cart, promos)
    assert result["lines"][0]["allocations"] == {"P": "1.00"}
    assert result["lines"][1]["allocations"] == {}


def test_min_qty_counts_a_weighted_line_as_one():
    cart = [line("BANANA", "2.00", qty="3.5", weighted=True), line("APPLE", "1.00")]
    result = evaluate(cart, [promo("P", TEN, conditions={"min_qty": 3})])
    assert reasons(result) == {"P": "min_qty"}
