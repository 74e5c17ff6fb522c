"""Arbitration: which discount promotions apply together (FORMAT.md section 4).

Candidates are walked in sequence (item phase, then order phase; priority,
then id), each on the running amounts the ones before it left.

`priority` mode walks the sequence once. `best` mode searches the selections
that respect the flags for the largest total discount: a depth-first branch
and bound over the sequence, after splitting the candidates into independent
components (no shared line, group, stop or binding order cap), each searched on
its own. A component of more than `EXACT_LIMIT` candidates whose search visits
more than `NODE_BUDGET` nodes falls back to the best selection found so far and
the result says `optimal: false`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pos_app.domain.engine.context import SaleContext
from pos_app.domain.engine.rewards import Candidate, Outcome, apply_discount
from pos_app.domain.engine.search_bound import SuffixBound
from pos_app.domain.promotion import AmountOff, FixedPrice, PercentOff, Reason

EXACT_LIMIT = 16
NODE_BUDGET = 1_000


@dataclass(slots=True)
class Arbitration:
    """The arbitration's outcome: the chosen candidates in sequence order, and refusals."""

    selected: list[Candidate]
    refused: dict[str, tuple[Reason, str, int]] = field(
        default_factory=dict
    )  # id -> reason, detail, shortfall
    optimal: bool = True


def walk(selected: list[Candidate], ctx: SaleContext) -> tuple[list[int], dict[str, dict[int, int]], bool]:
    """Apply candidates in sequence; returns running amounts, parts per promotion, and
    whether every one applied with a non-zero amount."""
    running = list(ctx.subtotals)
    parts: dict[str, dict[int, int]] = {}
    total = 0
    ok = True
    for cand in selected:
        out = apply_discount(cand, running, total, ctx)
        if out.reason is not None:
            ok = False
            continue
        for i, p in out.parts.items():
            running[i] -= p
        total += out.amount
        parts[cand.id] = out.parts
    return running, parts, ok


def alone(cands: list[Candidate], ctx: SaleContext) -> dict[str, Outcome]:
    """Each candidate evaluated alone on the untouched cart."""
    running = list(ctx.subtotals)
    return {c.id: apply_discount(c, running, 0, ctx) for c in cands}


def arbitrate_priority(cands: list[Candidate], ctx: SaleContext) -> Arbitration:
    """FORMAT.md 4.1: an applicable exclusive alone, else walk the sequence once."""
    solo = alone(cands, ctx)
    result = Arbitration(selected=[])
    for c in cands:
        if c.promo.exclusive and solo[c.id].reason is None:
            result.selected = [c]
            for other in cands:
                if other is c:
                    continue
                out = solo[other.id]
                if out.reason is not None:
                    result.refused[other.id] = (out.reason, out.detail, out.shortfall)
                else:
                    result.refused[other.id] = (Reason.EXCLUDED, f"{c.promo.title} applies alone (exclusive)", 0)
            return result
    running = list(ctx.subtotals)
    total = 0
    groups: dict[str, str] = {}
    stopped_by: str | None = None
    for c in cands:
        if c.promo.exclusive:
            out = solo[c.id]
            result.refused[c.id] = (out.reason or Reason.NO_EFFECT, out.detail, out.shortfall)
            continue
        if stopped_by is not None:
            result.refused[c.id] = (Reason.STOPPED, f"{stopped_by} stops further promotions", 0)
            continue
        group = c.promo.group
        if group is not None and group in groups:
            result.refused[c.id] = (
                Reason.GROUP_TAKEN,
                f"{groups[group]} already applied in group {group}",
                0,
            )
            continue
        out = apply_discount(c, running, total, ctx)
        if out.reason is not None:
            result.refused[c.id] = (out.reason, out.detail, out.shortfall)
            continue
        for i, p in out.parts.items():
            running[i] -= p
        total += out.amount
        result.selected.append(c)
        if group is not None:
            groups[group] = c.promo.title
        if c.promo.stop:
            stopped_by = c.promo.title
    return result


def arbitrate_best(cands: list[Candidate], ctx: SaleContext) -> Arbitration:
    """FORMAT.md 4.2: the valid selection with the largest total discount.

    Ties: fewer promotions, then the smaller sorted list of ids.
    Cart conditions only get harder as running amounts fall, so a candidate
    failing them alone is out. A candidate worth nothing alone is out too when
    its amount can only shrink (`is_monotone`); otherwise (a floor under a
    unit-picking or spreading reward) it may still be worth something after
    other discounts move the cheapest unit or the spread, and stays in the search.
    """
    solo = alone(cands, ctx)
    result = Arbitration(selected=[])
    searchable: list[Candidate] = []
    for c in cands:
        out = solo[c.id]
        if out.reason is None or (
            out.reason is Reason.NO_EFFECT and not c.promo.exclusive and not is_monotone(c, ctx)
        ):
            searchable.append(c)
        else:
            result.refused[c.id] = (out.reason, out.detail, out.shortfall)
    upper = {c.id: upper_bound(c, solo[c.id], ctx) for c in searchable}
    stackable = [c for c in searchable if not c.promo.exclusive]
    best = _Best()
    optimal = True
    chosen: list[Candidate] = []
    stacked_total = 0  # components are independent: their totals add up
    for component in _components(stackable, upper, ctx):
        found, amount, exact = _search(component, upper, ctx, solo)
        optimal &= exact
        chosen.extend(found)
        stacked_total += amount
    chosen.sort(key=lambda c: c.position)
    best.offer(chosen, stacked_total)
    for c in searchable:
        if c.promo.exclusive:
            best.offer([c], solo[c.id].amount)
    result.selected = best.selection
    result.optimal = optimal
    winners = {c.id for c in result.selected}
    exclusive_won = len(result.selected) == 1 and result.selected[0].promo.exclusive
    for c in searchable:
        if c.id in winners:
            continue
        out = solo[c.id]
        if out.reason is not None:
            result.refused[c.id] = (out.reason, out.detail, out.shortfall)
        elif exclusive_won:
            result.refused[c.id] = (Reason.EXCLUDED, f"{result.selected[0].promo.title} applies alone (exclusive)", 0)
        else:
            result.refused[c.id] = (Reason.LOST_TO_BETTER, _beaten_by(c, result.selected), 0)
    return result


def _beaten_by(loser: Candidate, winners: list[Candidate]) -> str:
    """Which promotions won instead, named: those that discount the same lines, else all that won."""
    rivals = [w for w in winners if w.touched & loser.touched] or winners
    if not rivals:
        return "the customer pays less without it"
    names = [w.promo.title for w in rivals]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} {'gives' if len(names) == 1 else 'give'} the customer more"


def is_monotone(c: Candidate, ctx: SaleContext) -> bool:
    """Can the candidate's amount only shrink as running amounts fall?

    True for percent-of-items without a cap, fixed prices and amounts per
    unit, and for every reward when none of its lines has a floor. A floor
    under a reward that picks units (cheapest, buy_get, bundle) or spreads an
    amount (order, caps) can make it worth more later: another discount may
    move the cheapest unit or the spread away from the floored line.
    """
    reward = c.promo.reward
    if isinstance(reward, FixedPrice) or (isinstance(reward, AmountOff) and reward.target == "per_unit"):
        return True
    if isinstance(reward, PercentOff) and reward.target == "items" and reward.max_amount is None:
        return True
    floors = ctx.floors
    return not any(floors[i] for i in c.touched)


def upper_bound(c: Candidate, alone_outcome: Outcome, ctx: SaleContext) -> int:
    """The most the candidate can ever take in this sale."""
    if is_monotone(c, ctx):
        return alone_outcome.amount
    return sum(ctx.room_above_floor(i, ctx.subtotals[i]) for i in c.touched)


class _Best:
    """The best selection seen: most discount, then fewer promotions, then smaller sorted ids."""

    def __init__(self) -> None:
        self.amount = -1
        self.selection: list[Candidate] = []
        self._key: tuple[int, list[str]] = (0, [])

    def offer(self, selection: list[Candidate], amount: int) -> bool:
        key = (len(selection), sorted(c.id for c in selection))
        if amount > self.amount or (amount == self.amount and key < self._key):
            self.amount, self.selection, self._key = amount, list(selection), key
            return True
        return False


def _components(cands: list[Candidate], upper: dict[str, int], ctx: SaleContext) -> list[list[Candidate]]:
    """Split candidates into groups that cannot affect each other's amounts or validity."""
    n = len(cands)
    if n <= 1:
        return [cands] if cands else []
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    share = ctx.settings.max_discount_share
    if share < 1 and sum(upper[c.id] for c in cands) > (share * ctx.order_subtotal).__floor__():
        return [cands]  # a binding order cap couples everything
    owner_of_line: dict[int, int] = {}
    owner_of_group: dict[str, int] = {}
    for k, c in enumerate(cands):
        for i in c.touched:
            if i in owner_of_line:
                union(owner_of_line[i], k)
            else:
                owner_of_line[i] = k
        g = c.promo.group
        if g is not None:
            if g in owner_of_group:
                union(owner_of_group[g], k)
            else:
                owner_of_group[g] = k
    for k, c in enumerate(cands):
        if c.promo.stop:  # a stop member blocks everything after it in the sequence
            for later in range(k + 1, n):
                union(k, later)
    comps: dict[int, list[Candidate]] = {}
    for k, c in enumerate(cands):
        comps.setdefault(find(k), []).append(c)
    return list(comps.values())


def _search(
    cands: list[Candidate], upper: dict[str, int], ctx: SaleContext, solo: dict[str, Outcome]
) -> tuple[list[Candidate], int, bool]:
    """Branch and bound over one component, in sequence order: (selection, its total, exact).

    The bound on what the rest of the sequence can add is `SuffixBound`'s,
    never more than the order cap's room.
    Outcomes are cached by the running amounts of the lines a candidate touches,
    which is all its outcome depends on while the order cap cannot bind; the
    cache starts with each candidate's outcome alone (`solo`: on the untouched
    cart with no discount so far), which every branch that leaves its lines
    untouched asks for again.
    """
    n = len(cands)
    if n == 1:
        out = solo[cands[0].id]
        return ([], 0, True) if out.reason is not None else (list(cands), out.amount, True)
    floors = [int(f) for f in ctx.floors]  # rounded down: the capacity bound only errs upward
    bound = SuffixBound(cands, [upper[c.id] for c in cands], floors)
    share = ctx.settings.max_discount_share
    cap = (share * ctx.order_subtotal).__floor__() if share < 1 else None
    touched = [tuple(sorted(c.touched)) for c in cands]
    subtotals = ctx.subtotals
    cache: dict[tuple, Outcome] = {
        (k, 0, *[subtotals[i] for i in touched[k]]): solo[c.id] for k, c in enumerate(cands)
    }
    best = _Best()
    nodes = 0
    exhausted = False
    chosen: list[Candidate] = []

    def outcome(k: int, running: list[int], total: int) -> Outcome:
        key = (k, total if cap is not None else 0, *[running[i] for i in touched[k]])
        out = cache.get(key)
        if out is None:
            out = cache[key] = apply_discount(cands[k], running, total, ctx)
        return out

    def bound_rest(k: int, running: list[int], total: int, groups: frozenset[str]) -> int:
        rest = bound.rest(k, running, groups, best.amount - total)
        return rest if cap is None else min(rest, cap - total)

    def dfs(k: int, running: list[int], total: int, groups: frozenset[str]) -> None:
        nonlocal nodes, exhausted
        nodes += 1
        if nodes > NODE_BUDGET and n > EXACT_LIMIT:
            exhausted = True
            return
        if k == n:
            best.offer(chosen, total)
            return
        if total + bound_rest(k, running, total, groups) < best.amount:
            return
        c = cands[k]
        g = c.promo.group
        if g is None or g not in groups:
            out = outcome(k, running, total)
            if out.reason is None:
                new_running = list(running)
                for i, p in out.parts.items():
                    new_running[i] -= p
                chosen.append(c)
                if c.promo.stop:
                    best.offer(chosen, total + out.amount)  # nothing after an applied stop member
                else:
                    dfs(k + 1, new_running, total + out.amount, groups | {g} if g is not None else groups)
                chosen.pop()
                if exhausted:
                    return
        dfs(k + 1, running, total, groups)

    dfs(0, list(ctx.subtotals), 0, frozenset())
    return best.selection, best.amount, not exhausted
