"""Upper bounds for the `best` search: what the rest of the sequence can still add.

A search node is a place k in the sequence and the running amounts left by
the candidates chosen before it. Three facts bound what candidates k.. can add:

* a candidate adds at most its upper bound (`arbitration.upper_bound`: its
  amount alone on the untouched cart when amounts can only shrink, else all
  its lines hold above their floors), one member per group still free;
* percentages applied one after another on a line take at most
  1 - prod(1 - p) of what is left of it, whichever of them apply;
* order-phase percentages apply to what item-phase discounts leave: a further
  item discount d on a line where the order percentages take P of the rest
  adds at most (1 - P) * d to the total, not d.

The bounds are search guides, not money: they are computed in floats with a
minor unit of slack per rounded amount, and they only ever err upward.
"""

from __future__ import annotations

from pos_app.domain.engine.rewards import Candidate
from pos_app.domain.promotion import PercentOff


def is_plain_percent(c: Candidate) -> bool:
    """A percent of the items or of the order, without a cap."""
    r = c.promo.reward
    return isinstance(r, PercentOff) and r.target in ("items", "order") and r.max_amount is None


class SuffixBound:
    """Precomputed per component, evaluated at every search node.

    Group members count once per free group, at their best amount alone.
    No more than the lines they touch hold above their floors can be taken.
    A `stop` member either is left out or ends the selection, so the bound
    is the larger of "no stop member chosen" and, for each stop member s,
    "what comes before s, plus s".
    """

    def __init__(self, cands: list[Candidate], alone: list[int], floors: list[int]) -> None:
        self.n = len(cands)
        stops = [k for k, c in enumerate(cands) if c.promo.stop]
        self._without_stops = _PhaseBound(cands, alone, floors, skip=set(stops), end=self.n)
        self._stops = [
            (s, alone[s], _PhaseBound(cands, alone, floors, skip=set(stops), end=s)) for s in stops
        ]

    def rest(self, k: int, running: list[int], used_groups: frozenset[str], need: int) -> int:
        """An upper bound of what candidates k.. can add on these running amounts.

        `need` is what the rest must add to matter; the work stops as soon as
        the bound is known to fall short of it.
        """
        best = self._without_stops.rest(k, running, used_groups, need)
        for s, amount, before in self._stops:
            if s >= k and best < need:
                best = max(best, before.rest(k, running, used_groups, need - amount) + amount)
        return best


class _PhaseBound:
    """The bound over candidates [k, end) minus `skip`, for every k.

    Two estimates, the smaller wins: the group-aware sum of amounts alone;
    and the percent products (group members included: a larger set of
    percentages only raises the product) plus the other rewards' amounts
    alone (one per group), item phase scaled by what order percentages leave.
    """

    def __init__(
        self, cands: list[Candidate], alone: list[int], floors: list[int], skip: set[int], end: int
    ) -> None:
        n = len(cands)
        size = n + 1
        self.floors = floors
        self.touched: list[tuple[int, ...]] = [() for _ in range(size)]
        self.alone_free = [0] * size
        self.alone_groups: list[dict[str, int]] = [{} for _ in range(size)]
        self.item_keep: list[list[tuple[float, tuple[int, ...]]]] = [[] for _ in range(size)]
        self.item_fixed = [0.0] * size  # rounding slack + ungrouped non-percent item amounts
        self.order_take: list[list[tuple[float, tuple[int, ...]]]] = [[] for _ in range(size)]
        self.order_fixed = [0.0] * size  # rounding slack + ungrouped non-percent order amounts
        self.other_groups: list[dict[str, int]] = [{} for _ in range(size)]  # non-percent members
        self.p_min = [0.0] * size

        item_keep: dict[int, float] = {}
        order_keep: dict[int, float] = {}
        item_lines: set[int] = set()
        all_lines: set[int] = set()
        for k in range(n - 1, -1, -1):
            nxt = k + 1
            self.alone_free[k] = self.alone_free[nxt]
            self.alone_groups[k] = self.alone_groups[nxt]
            self.other_groups[k] = self.other_groups[nxt]
            self.item_fixed[k] = self.item_fixed[nxt]
            self.order_fixed[k] = self.order_fixed[nxt]
            c, a = cands[k], alone[k]
            if k < end and k not in skip:
                g = c.promo.group
                plain = is_plain_percent(c)
                order_phase = c.promo.is_order_phase
                if g is None:
                    self.alone_free[k] += a
                else:
                    self.alone_groups[k] = {
                        **self.alone_groups[nxt],
                        g: max(self.alone_groups[nxt].get(g, 0), a),
                    }
                all_lines.update(c.touched)
                if not order_phase:
                    item_lines.update(c.touched)
                if plain:
                    p = float(c.promo.reward.value) / 100.0
                    keep = order_keep if order_phase else item_keep
                    for i in c.reward_lines:
                        keep[i] = keep.get(i, 1.0) * (1.0 - p)
                    if order_phase:
                        self.order_fixed[k] += 1.0
                    else:
                        self.item_fixed[k] += len(c.reward_lines)
                elif g is not None:
                    self.other_groups[k] = {
                        **self.other_groups[nxt],
                        g: max(self.other_groups[nxt].get(g, 0), a),
                    }
                elif order_phase:
                    self.order_fixed[k] += a
                else:
                    self.item_fixed[k] += a
            self.item_keep[k] = _by_factor({i: 1.0 - f for i, f in item_keep.items()})
            self.order_take[k] = _by_factor({i: 1.0 - f for i, f in order_keep.items()})
            self.p_min[k] = min((1.0 - order_keep.get(i, 1.0) for i in item_lines), default=0.0)
            self.touched[k] = tuple(sorted(all_lines))

    def rest(self, k: int, running: list[int], used_groups: frozenset[str], need: int) -> int:
        alone_bound = self.alone_free[k] + sum(
            v for g, v in self.alone_groups[k].items() if g not in used_groups
        )
        if alone_bound < need:
            return alone_bound
        item = self.item_fixed[k]
        for share, lines in self.item_keep[k]:
            item += share * sum([running[i] for i in lines])
        order = self.order_fixed[k]
        for take, lines in self.order_take[k]:
            order += take * sum([running[i] for i in lines])
        others = sum(v for g, v in self.other_groups[k].items() if g not in used_groups)
        combined = (1.0 - self.p_min[k]) * item + order + others
        floors = self.floors
        capacity = sum([running[i] - floors[i] for i in self.touched[k]])  # nothing goes below its floor
        return min(alone_bound, int(combined) + 1, capacity)


def _by_factor(factors: dict[int, float]) -> list[tuple[float, tuple[int, ...]]]:
    """Lines grouped by their factor, so a bound sums running amounts once per factor."""
    groups: dict[float, list[int]] = {}
    for i, f in factors.items():
        groups.setdefault(f, []).append(i)
    return [(f, tuple(lines)) for f, lines in groups.items()]
