"""Each reward type on a small cart, with the arithmetic a merchant would do by hand."""

from tests.unit.engine_helpers import applied, evaluate, line, line_of, percent, promo, reasons


def test_ten_percent_on_items_rounds_each_line():
    result = evaluate(
        [line("L1", "0.25", qty=1), line("L2", "0.35", qty=1)],
        [promo("P", percent("10"))],
    )
    # 0.025 -> 0.03 and 0.035 -> 0.04 with half_up, each line on its own
    assert line_of(result, "L1")["discount"] == "0.03"
    assert line_of(result, "L2")["discount"] == "0.04"


def test_half_even_rounds_ties_to_even_cents():
    result = evaluate(
        [line("L1", "0.25", qty=1), line("L2", "0.35", qty=1)],
        [promo("P", percent("10"))],
        settings={"rounding": "half_even"},
    )
    assert line_of(result, "L1")["discount"] == "0.02"
    assert line_of(result, "L2")["discount"] == "0.04"


def test_order_percent_is_rounded_once_then_spread_by_largest_remainder():
    # 10% of 10.00 = 1.00 spread over three equal lines: 0.34, 0.33, 0.33 (tie to cart order)
    result = evaluate(
        [line("A", "3.33"), line("B", "3.33"), line("C", "3.34")],
        [promo("P", percent("10", "order"))],
    )
    assert applied(result) == {"P": "1.00"}
    parts = [line_of(result, x)["discount"] for x in "ABC"]
    assert sorted(parts) == ["0.33", "0.33", "0.34"]
    assert sum(int(p.replace(".", "")) for p in parts) == 100


def test_amount_per_unit_takes_the_value_off_every_unit():
    result = evaluate([line("L1", "4.00", qty=3)], [promo("P", {"type": "amount", "value": "0.50", "target": "per_unit"})])
    assert result["discount_total"] == "1.50"


def test_amount_off_the_order_never_exceeds_what_the_items_cost():
    result = evaluate([line("L1", "4.00")], [promo("P", {"type": "amount", "value": "10.00", "target": "order"})])
    assert result["discount_total"] == "4.00"
    assert result["total"] == "0.00"


def test_fixed_price_only_lowers_units_priced_above_it():
    result = evaluate(
        [line("DEAR", "5.00", qty=2), line("CHEAP", "1.00")],
        [promo("P", {"type": "fixed_price", "value": "2.00"})],
    )
    assert line_of(result, "DEAR")["discount"] == "6.00"
    assert line_of(result, "CHEAP")["discount"] == "0.00"


def test_bundle_groups_the_dearest_units_first_and_leaves_the_rest():
    # 3 for 10.00 over 5 units of 4.00: one full group (12.00 -> 10.00), two units untouched
    result = evaluate([line("L1", "4.00", qty=5)], [promo("P", {"type": "bundle", "qty": 3, "value": "10.00"})])
    assert result["discount_total"] == "2.00"


def test_buy_two_get_one_with_a_separate_reward_list():
    # Buy 2 shirts, get a tie free: the tie never counts as bought.
    result = evaluate(
        [line("SHIRT", "20.00", qty=2, categories=["shirts"]), line("TIE", "8.00", qty=1, categories=["ties"])],
        [promo("P", {"type": "buy_get", "buy": 2, "get": 1, "value": "100",
                     "get_items": {"categories": ["ties"]}},
               conditions={"items": {"categories": ["shirts"]}})],
    )
    assert applied(result) == {"P": "8.00"}
    assert line_of(result, "TIE")["total"] == "0.00"


def test_buy_get_with_too_few_reward_units_tells_the_cashier():
    result = evaluate(
        [line("SHIRT", "20.00", qty=4, categories=["shirts"]), line("TIE", "8.00", qty=1, categories=["ties"])],
        [promo("P", {"type": "buy_get", "buy": 2, "get": 1, "value": "100",
                     "get_items": {"categories": ["ties"]}},
               conditions={"items": {"categories": ["shirts"]}})],
    )
    assert applied(result) == {"P": "8.00"}  # only one tie in the cart
    assert any(n["promotion"] == "P" and "ties" in n["message"] for n in result["nudges"])


def test_one_more_sock_and_the_third_is_free():
    result = evaluate(
        [line("SOCK", "5.00", qty=2, categories=["socks"])],
        [promo("P", {"type": "buy_get", "buy": 2, "get": 1, "value": "100"},
               conditions={"items": {"categories": ["socks"]}})],
    )
    assert result["applied"] == []
    assert reasons(result) == {"P": "no_effect"}
    assert [n["message"] for n in result["nudges"]] == ["add 1 more socks: buy 2, get 1 free"]


def test_percent_cap_spreads_the_cap_over_what_each_line_would_have_had():
    result = evaluate(
        [line("A", "15.00", qty=2), line("B", "25.00")],
        [promo("P", percent("100", max_amount="40.00"))],
    )
    assert line_of(result, "A")["discount"] == "21.82"
    assert line_of(result, "B")["discount"] == "18.18"


def test_min_unit_price_floors_a_line_and_the_cut_is_lost():
    result = evaluate(
        [line("A", "10.00", min_unit_price="9.50"), line("B", "10.00")],
        [promo("P", percent("20", "order"))],
    )
    # 4.00 spread 2.00 / 2.00; A may lose only 0.50, the other 1.50 is not moved to B
    assert line_of(result, "A")["discount"] == "0.50"
    assert line_of(result, "B")["discount"] == "2.00"
    assert applied(result) == {"P": "2.50"}


def test_the_order_cap_limits_all_promotions_together():
    result = evaluate(
        [line("A", "100.00")],
        [promo("P1", percent("30"), priority=1), promo("P2", percent("30"), priority=2)],
        settings={"max_discount_share": "0.4", "arbitration": "priority"},
    )
    assert applied(result) == {"P1": "30.00", "P2": "10.00"}


def test_no_discount_lines_are_never_discounted_but_count_in_the_order_cap_base():
    result = evaluate(
        [line("TOBACCO", "50.00", no_discount=True), line("A", "50.00")],
        [promo("P", percent("100"))],
        settings={"max_discount_share": "0.3"},
    )
    assert line_of(result, "TOBACCO")["discount"] == "0.00"
    assert result["discount_total"] == "30.00"  # 30% of the whole 100.00


def test_weighted_line_is_one_unit_and_its_floor_rounds_down():
    result = evaluate(
        [line("BANANA", "1.99", qty="1.250", weighted=True, min_unit_price="1.50")],
        [promo("P", percent("50"))],
    )
    # subtotal 2.49 (2.4875 rounded); floor 1.875 -> may lose 0.615, rounded down to 0.61
    assert line_of(result, "BANANA")["subtotal"] == "2.49"
    assert line_of(result, "BANANA")["discount"] == "0.61"


def test_cheapest_unit_then_a_floor_can_leave_nothing():
    result = evaluate(
        [line("A", "5.00", min_unit_price="5.00"), line("B", "8.00")],
        [promo("P", percent("50", "cheapest"))],
    )
    assert reasons(result) == {"P": "no_effect"}


def test_yen_has_no_minor_digits():
    result = evaluate([line("A", "1001")], [promo("P", percent("10"))], settings={"currency": "JPY"})
    assert result["discount_total"] == "100"
    assert result["total"] == "901"
