"""Spreading an amount over lines by the largest remainder method (FORMAT.md 3.3).

Each line first gets the floor of its exact share; the minor units left over
go one each to the lines with the largest fractional parts, ties to the
earlier line in cart order. The parts always sum to the amount exactly.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm


def spread(amount: int, weights: list[tuple[int, int | Fraction]]) -> dict[int, int]:
    """Split `amount` minor units over `(line_index, weight)` pairs, in proportion to weight.

    `weights` must be in cart order. Lines with zero weight get nothing; when
    every weight is zero nothing is spread.
    """
    if not weights:
        return {}
    if any(isinstance(w, Fraction) and w.denominator != 1 for _, w in weights):
        scale = lcm(*(Fraction(w).denominator for _, w in weights))
        int_weights = [(i, int(Fraction(w) * scale)) for i, w in weights]
    else:
        int_weights = [(i, int(w)) for i, w in weights]
    total = sum(w for _, w in int_weights)
    if total <= 0 or amount == 0:
        return {i: 0 for i, _ in int_weights}
    parts: dict[int, int] = {}
    remainders: list[tuple[int, int, int]] = []
    given = 0
    for position, (i, w) in enumerate(int_weights):
        q, r = divmod(amount * w, total)
        parts[i] = q
        given += q
        remainders.append((-r, position, i))
    left = amount - given
    if left:
        remainders.sort()
        for _, _, i in remainders[:left]:
            parts[i] += 1
    return parts
