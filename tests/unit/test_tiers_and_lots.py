"""The program's two pure rules: a member's tier on a day, and which of their points expire when."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.tiers import PROGRESSION, RETENTION_ENDED, TierDecision, TierRule, decide_tier, next_tier
from sync.central.lots import EntryFact, fold_lots

LADDER = (TierRule("bronze", 0), TierRule("silver", 50_000), TierRule("gold", 150_000))


def decide(current, spend, kept=None, today=date(2027, 1, 10), retention=6) -> TierDecision:
    return decide_tier(LADDER, current=current, spend_minor=spend, kept_until=kept, today=today,
                       retention_months=retention)


def test_spend_moves_a_member_up_as_far_as_it_reaches():
    assert decide(None, 20_000) == TierDecision("bronze", None, PROGRESSION)
    assert decide("bronze", 160_000) == TierDecision("gold", None, PROGRESSION)  # two steps at once, upwards
    assert decide("silver", 60_000) == TierDecision("silver", None)


def test_falling_below_keeps_the_tier_for_the_retention_then_steps_down_one_tier():
    started = decide("gold", 10_000)
    assert started == TierDecision("gold", date(2027, 7, 9))  # six months: through the day before 10 July
    assert decide("gold", 10_000, kept=date(2027, 7, 9), today=date(2027, 7, 9)) == started
    stepped = decide("gold", 10_000, kept=date(2027, 7, 9), today=date(2027, 7, 10))
    assert stepped == TierDecision("silver", date(2028, 1, 9), RETENTION_ENDED)  # below silver too: kept anew
    assert decide("silver", 60_000, kept=date(2028, 1, 9), today=date(2027, 8, 1)) == TierDecision("silver", None)
    assert decide("gold", 10_000, retention=0) == TierDecision("silver", None, RETENTION_ENDED)
    assert decide("silver", 0, kept=date(2027, 1, 9)) == TierDecision("bronze", None, RETENTION_ENDED)


def test_a_tier_the_ladder_does_not_name_is_left_alone():
    assert decide("staff", 0) == TierDecision("staff", None)


def test_the_next_tier_is_above_both_the_spend_and_the_tier_held():
    assert next_tier(LADDER, 60_000, "silver").name == "gold"
    assert next_tier(LADDER, 10_000, "silver").name == "gold"  # kept silver: the next step is still gold
    assert next_tier(LADDER, 200_000, "gold") is None


def fact(n: int, kind: str, points: int, day: date, reverses: str | None = None) -> EntryFact:
    return EntryFact(f"e{n}", kind, points, day, reverses)


def test_points_spent_come_from_the_lot_that_expires_first():
    book = fold_lots([fact(1, "accrual", 100, date(2025, 1, 10)), fact(2, "accrual", 200, date(2025, 3, 5)),
                      fact(3, "redemption", -30, date(2025, 6, 1))], 12)
    assert book.summary() == [("2026-01-10", 70), ("2026-03-05", 200)]
    assert book.expired_before(date(2026, 1, 10)) == 0  # a lot lasts through its last day
    assert book.expired_before(date(2026, 1, 11)) == 70
    assert book.summary(after_expiry_on=date(2026, 1, 11)) == [("2026-03-05", 200)]


def test_reversals_give_points_back_to_the_lots_they_came_from():
    spent = fold_lots([fact(1, "accrual", 100, date(2025, 1, 10)), fact(2, "accrual", 200, date(2025, 3, 5)),
                       fact(3, "redemption", -150, date(2025, 6, 1)),
                       fact(4, "reversal", 150, date(2025, 6, 2), reverses="e3")], 12)
    assert spent.summary() == [("2026-01-10", 100), ("2026-03-05", 200)]
    undone = fold_lots([fact(1, "accrual", 100, date(2025, 1, 10)), fact(2, "accrual", 200, date(2025, 3, 5)),
                        fact(3, "reversal", -200, date(2025, 3, 6), reverses="e2")], 12)
    assert undone.summary() == [("2026-01-10", 100)]  # the reversed accrual's own lot, not the oldest


def test_an_overdraft_is_paid_before_new_points_form_a_lot():
    book = fold_lots([fact(1, "accrual", 100, date(2025, 1, 10)), fact(2, "redemption", -160, date(2025, 2, 1)),
                      fact(3, "accrual", 100, date(2025, 4, 1))], 12)
    assert book.summary() == [("2026-04-01", 40)]


entries = st.lists(st.tuples(st.integers(-300, 300).filter(bool), st.integers(0, 700)), max_size=40)


@given(entries)
def test_the_lots_hold_exactly_the_positive_balance(moves):
    facts = [fact(n, "accrual" if points > 0 else "redemption", points, date.fromordinal(738000 + day))
             for n, (points, day) in enumerate(moves)]
    book = fold_lots(facts, 12)
    balance = sum(points for points, _ in moves)
    assert sum(points for _, points in book.summary()) == max(0, balance)
    assert all(points > 0 for _, points in book.summary())
