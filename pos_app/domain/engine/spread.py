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
    if any(type(w) is Fraction and w.denominator != 1 for _, w in weights):
        scale = lcm(*(Fraction(w).denominator for _, w in weights))
        return spread_int(amount, [i for i, _ in weights], [int(Fraction(w) * scale) for _, w in weights])
    return spread_int(amount, [i for i, _ in weights], [int(w) for _, w in weights])


def spread_int(amount: int, lines: list[int], weights: list[int]) -> dict[int, int]:
    """`spread` for integer weights given as two parallel lists (the engine's hot path)."""
    total = sum(weights)
    if total <= 0 or amount == 0:
        return dict.fromkeys(lines, 0)
    parts: dict[int, int] = {}
    remainders: list[tuple[int, int, int]] = []
    given = 0
    for position, (i, w) in enumerate(zip(lines, weights, strict=True)):
        q, r = divmod(amount * w, total)
        parts[i] = q
        given += q
        if r:
            remainders.append((-r, position, i))
    left = amount - given
    if left:
        remainders.sort()
        for _, _, i in remainders[:left]:
            parts[i] += 1
    return parts
