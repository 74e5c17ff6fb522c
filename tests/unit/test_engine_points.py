"""Points: spending them as payment, and earning them."""

from tests.unit.engine_helpers import evaluate, line, line_of, promo, reasons

POINTS = {"redeem_value": "0.01", "min_redeem": 100, "redeem_step": 50, "max_redeem_share": "0.5"}


def test_redeeming_more_than_the_balance_is_cut_to_the_balance():
    result = evaluate([line("A", "100.00")], customer={"id": "C", "points": 730}, redeem_points=1000,
                      settings={"points": POINTS})
    # 1000 -> 730 (balance) -> 700 (step of 50)
    assert result["redemption"] == {"requested": 1000, "redeemed": 700, "value": "7.00", "limited_by": "step"}
    assert result["total"] == "93.00"


def test_redemption_below_the_minimum_is_refused():
    result = evaluate([line("A", "100.00")], customer={"id": "C", "points": 90}, redeem_points="max",
                      settings={"points": POINTS})
    assert result["redemption"]["redeemed"] == 0
    assert result["redemption"]["limited_by"] == "minimum"


def test_redemption_needs_a_customer():
    result = evaluate([line("A", "100.00")], redeem_points=500, settings={"points": POINTS})
    assert result["redemption"]["limited_by"] == "customer_required"
    assert result["points_value"] == "0.00"


def test_points_pay_through_a_floor_but_never_below_zero():
    result = evaluate([line("A", "10.00", min_unit_price="9.00")], customer={"id": "C", "points": 5000},
                      redeem_points="max", settings={"points": {"max_redeem_share": "1"}})
    assert line_of(result, "A")["total"] == "0.00"
    assert result["redemption"]["redeemed"] == 1000


def test_redemption_value_is_rounded_down():
    result = evaluate([line("A", "10.00")], customer={"id": "C", "points": 3}, redeem_points=3,
                      settings={"points": {"redeem_value": "0.005"}})
    assert result["redemption"]["value"] == "0.01"  # 0.015 rounded down


def test_points_are_earned_on_what_is_paid_in_money():
    result = evaluate([line("A", "100.00")], customer={"id": "C", "points": 1000}, redeem_points=1000,
                      settings={"points": {"earn_rate": "1"}})
    assert result["points_earned"] == 90


def test_gross_earning_ignores_discounts_and_points():
    result = evaluate([line("A", "100.00")], [promo("P", {"type": "percent", "value": "50", "target": "items"})],
                      customer={"id": "C"}, settings={"points": {"earn_on": "gross"}})
    assert result["points_earned"] == 100


def test_no_points_lines_earn_nothing():
    result = evaluate([line("GIFT", "50.00", no_points=True), line("A", "9.99")], customer={"id": "C"})
    assert result["points_earned"] == 9


def test_only_the_highest_multiplier_counts_on_a_line():
    x2 = promo("X2", {"type": "points_multiplier", "value": "2"}, kind="points")
    x3 = promo("X3", {"type": "points_multiplier", "value": "3"}, kind="points",
               conditions={"items": {"skus": ["A"]}})
    result = evaluate([line("A", "10.00"), line("B", "10.00")], [x2, x3], customer={"id": "C"})
    # base 20; X3 on A adds 20; X2 only on B adds 10
    assert {a["id"]: a["points"] for a in result["applied"]} == {"X2": 10, "X3": 20}
    assert result["points_earned"] == 50


def test_points_promotions_in_a_group_keep_the_most_generous():
    small = promo("SMALL", {"type": "points_bonus", "value": 50}, kind="points", group="g")
    big = promo("BIG", {"type": "points_bonus", "value": 200}, kind="points", group="g")
    result = evaluate([line("A", "10.00")], [small, big], customer={"id": "C"})
    assert [a["id"] for a in result["applied"]] == ["BIG"]
    assert reasons(result) == {"SMALL": "lost_to_better"}


def test_an_exclusive_points_promotion_applies_alone():
    excl = promo("EXCL", {"type": "points_bonus", "value": 10}, kind="points", exclusive=True, priority=1)
    other = promo("OTHER", {"type": "points_bonus", "value": 500}, kind="points", priority=2)
    result = evaluate([line("A", "10.00")], [excl, other], customer={"id": "C"})
    assert reasons(result) == {"OTHER": "excluded"}
    assert result["points_earned"] == 20


def test_points_promotions_need_a_customer():
    bonus = promo("B", {"type": "points_bonus", "value": 100}, kind="points")
    assert reasons(evaluate([line("A", "10.00")], [bonus])) == {"B": "customer_required"}


def test_a_points_promotion_that_adds_nothing_has_no_effect():
    zero = promo("Z", {"type": "points_multiplier", "value": "1"}, kind="points")
    assert reasons(evaluate([line("A", "10.00")], [zero], customer={"id": "C"})) == {"Z": "no_effect"}
