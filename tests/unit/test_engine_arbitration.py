"""Arbitration: which promotions apply together, and why the others do not."""

from tests.unit.engine_helpers import applied, evaluate, line, percent, promo, reasons

AMOUNT_5 = {"type": "amount", "value": "5.00", "target": "order"}


def test_best_picks_the_larger_of_two_in_a_group():
    result = evaluate(
        [line("A", "100.00")],
        [promo("SMALL", percent("10"), group="g"), promo("BIG", percent("15"), group="g")],
    )
    assert applied(result) == {"BIG": "15.00"}
    assert reasons(result) == {"SMALL": "lost_to_better"}


def test_priority_mode_gives_the_group_to_the_first_in_sequence():
    result = evaluate(
        [line("A", "100.00")],
        [promo("SMALL", percent("10"), group="g", priority=1), promo("BIG", percent("15"), group="g", priority=2)],
        settings={"arbitration": "priority"},
    )
    assert applied(result) == {"SMALL": "10.00"}
    assert reasons(result) == {"BIG": "group_taken"}


def test_items_phase_runs_before_order_phase_whatever_the_priority():
    result = evaluate(
        [line("A", "100.00")],
        [promo("ORDER", AMOUNT_5, priority=1), promo("ITEMS", percent("10"), priority=9)],
    )
    assert [a["id"] for a in result["applied"]] == ["ITEMS", "ORDER"]


def test_stop_in_best_mode_is_chosen_only_when_it_pays():
    result = evaluate(
        [line("A", "40.00")],
        [promo("STOP", percent("10"), stop=True, priority=1), promo("LATER", percent("25"), priority=2)],
    )
    # STOP alone 4.00; LATER alone 10.00; both is impossible (STOP halts LATER)
    assert applied(result) == {"LATER": "10.00"}
    assert reasons(result) == {"STOP": "lost_to_better"}


def test_best_ties_prefer_fewer_promotions():
    result = evaluate(
        [line("A", "10.00")],
        [
            promo("HALF1", {"type": "amount", "value": "2.50", "target": "order"}),
            promo("HALF2", {"type": "amount", "value": "2.50", "target": "order"}),
            promo("WHOLE", {"type": "amount", "value": "5.00", "target": "order"}),
        ],
        settings={"max_discount_share": "0.5"},
    )
    assert applied(result) == {"WHOLE": "5.00"}


def test_best_ties_on_equal_count_prefer_the_smaller_ids():
    result = evaluate(
        [line("A", "10.00")],
        [promo("B", AMOUNT_5, group="g"), promo("A", AMOUNT_5, group="g")],
    )
    assert applied(result) == {"A": "5.00"}
    assert reasons(result) == {"B": "lost_to_better"}


def test_exclusive_alone_beats_stacking_when_larger():
    result = evaluate(
        [line("A", "100.00")],
        [promo("EXCL", percent("50"), exclusive=True), promo("P1", percent("10")), promo("P2", AMOUNT_5)],
    )
    assert applied(result) == {"EXCL": "50.00"}
    assert reasons(result) == {"P1": "excluded", "P2": "excluded"}


def test_a_condition_failing_alone_keeps_its_own_reason_in_best_mode():
    result = evaluate(
        [line("A", "30.00")],
        [promo("BIG", percent("20"), conditions={"min_subtotal": "50.00"}), promo("P", percent("5"))],
    )
    assert reasons(result) == {"BIG": "min_subtotal"}
    assert result["nudges"] == [{"promotion": "BIG", "message": "add $20.00 of any item to get 20% off"}]


def test_priority_walk_refuses_with_stopped_before_group_taken():
    result = evaluate(
        [line("A", "100.00")],
        [
            promo("FIRST", percent("10"), priority=1, group="g", stop=True),
            promo("SECOND", percent("10"), priority=2, group="g"),
        ],
        settings={"arbitration": "priority"},
    )
    assert reasons(result) == {"SECOND": "stopped"}


def test_best_mode_searches_beyond_greedy():
    # Greedy (apply everything in sequence) would let A break B's threshold; best finds B + C.
    result = evaluate(
        [line("X", "60.00", categories=["x"]), line("Y", "50.00", categories=["y"])],
        [
            promo("A", percent("50"), priority=1, conditions={"items": {"categories": ["x"]}}),
            promo("B", percent("30", "order"), priority=2, conditions={"min_subtotal": "110.00"}),
            promo("C", percent("10"), priority=3, conditions={"items": {"categories": ["y"]}}),
        ],
    )
    # A alone 30 (+ C 5 = 35); B needs 110 of running amounts so nothing item-level before it:
    # B (33.00) is order phase, C is item phase and would run first, breaking B's threshold.
    assert applied(result) == {"A": "30.00", "C": "5.00"}
    assert result["optimal"] is True


def test_a_promotion_worth_nothing_alone_can_still_join_a_better_selection():
    # Alone, 50% off the cheapest unit picks A, which its floor keeps at 3.00: nothing.
    # After 80% off B, B (2.00) is the cheapest unit and loses 1.00: both together give more.
    result = evaluate(
        [line("A", "3.00", min_unit_price="3.00"), line("B", "10.00")],
        [promo("P1", percent("80"), priority=1, conditions={"items": {"skus": ["B"]}}),
         promo("Q", percent("50", "cheapest"), priority=2)],
    )
    assert applied(result) == {"P1": "8.00", "Q": "1.00"}
    assert result["optimal"] is True
