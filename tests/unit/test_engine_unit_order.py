"""Bundle and buy-get rewards pick their units as FORMAT.md 3.5 says, however the engine computes it.

The engine orders whole lines by an integer unit-price key instead of sorting
every unit as a fraction (it is the engine's hot path). These properties
compare it with the format read literally: every unit listed with its exact
running unit price, sorted (stable, so ties stay in cart order), grouped or
taken from the cheapest.
"""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.engine.rewards import _bundle_parts, _buy_get_parts
from pos_app.domain.engine.spread import spread
from pos_app.domain.money import Rounding, round_minor, round_ratio
from pos_app.domain.promotion import Bundle, BuyGet


def units_by_price(lines, running, units, *, highest_first):  # noqa: ANN001, ANN201
    listed = [(Fraction(running[i], units[i]), i) for i in lines for _ in range(units[i])]
    return sorted(listed, key=lambda u: -u[0] if highest_first else u[0])


def bundle_as_written(reward: Bundle, lines, running, units, rounding):  # noqa: ANN001, ANN201
    ordered = units_by_price(lines, running, units, highest_first=True)
    parts = dict.fromkeys(lines, 0)
    for g in range(len(ordered) // reward.qty):
        group = ordered[g * reward.qty : (g + 1) * reward.qty]
        total = sum(price for price, _ in group)
        if total <= reward.value:
            continue
        weights: dict[int, Fraction] = {}
        for price, i in group:
            weights[i] = weights.get(i, Fraction(0)) + price
        for i, part in spread(round_minor(total - reward.value, rounding), sorted(weights.items())).items():
            parts[i] += part
    return parts


def buy_get_as_written(reward: BuyGet, lines, running, units, rounding):  # noqa: ANN001, ANN201
    times = sum(units[i] for i in lines) // (reward.buy + reward.get)
    if reward.max_times is not None:
        times = min(times, reward.max_times)
    counts: dict[int, int] = {}
    for _, i in units_by_price(lines, running, units, highest_first=False)[: times * reward.get]:
        counts[i] = counts.get(i, 0) + 1
    num, den = reward.value.numerator, reward.value.denominator * 100
    return {i: round_ratio(running[i] * n * num, den * units[i], rounding) for i, n in counts.items()}


carts = st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 6)), min_size=1, max_size=12)
roundings = st.sampled_from([Rounding.HALF_UP, Rounding.HALF_EVEN])


def context(cart, rounding):  # noqa: ANN001, ANN201
    return SimpleNamespace(units=[u for _, u in cart], settings=SimpleNamespace(rounding=rounding))


@settings(max_examples=300, deadline=None)
@given(cart=carts, qty=st.integers(2, 5), value=st.integers(0, 8000), rounding=roundings)
def test_bundle_groups_the_dearest_units_first_as_the_format_says(cart, qty, value, rounding) -> None:
    lines = tuple(range(len(cart)))
    running = [amount for amount, _ in cart]
    ctx = context(cart, rounding)
    reward = Bundle(qty, value)

    assert _bundle_parts(reward, lines, running, ctx) == bundle_as_written(reward, lines, running, ctx.units,
                                                                          rounding)


@settings(max_examples=300, deadline=None)
@given(cart=carts, buy=st.integers(1, 3), get=st.integers(1, 2), percent=st.integers(1, 100),
       max_times=st.none() | st.integers(1, 3), rounding=roundings)
def test_buy_get_gives_the_cheapest_units_as_the_format_says(cart, buy, get, percent, max_times, rounding) -> None:
    lines = tuple(range(len(cart)))
    running = [amount for amount, _ in cart]
    ctx = context(cart, rounding)
    reward = BuyGet(buy, get, Fraction(percent), max_times=max_times)
    candidate = SimpleNamespace(eligible=lines, reward_lines=lines)

    assert _buy_get_parts(candidate, reward, running, ctx) == buy_get_as_written(reward, lines, running, ctx.units,
                                                                                 rounding)
