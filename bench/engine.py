"""Benchmark of the promotion engine (run by hand; results go to docs/PERFORMANCE.md).

    .venv/bin/python bench/engine.py [--runs 2000] [--seed 7]

Typical case: a 50-line cart against 300 active promotions of which about 20
match the cart (mixed reward types, groups, exclusives), 5 codes entered and a
points redemption, in `best` mode. Worst case: 25 candidates that all match
the same lines, in `best` mode. The baseline, measured in the same run, is the
same typical cart in `priority` mode (one walk, no search), so the ratio shows
what the search costs. Each case: warm-up, then N timed evaluations; p50, p99
and max in milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from datetime import datetime

from pos_app.domain.cart import CartLine
from pos_app.domain.customer import Customer
from pos_app.domain.engine import PromotionEngine, Sale
from pos_app.domain.money import Currency
from pos_app.domain.scenario_json import parse_promotions, parse_settings

USD = Currency.of("USD")
NOW = datetime(2026, 11, 23, 14, 30)


def cents(n: int) -> str:
    return f"{n // 100}.{n % 100:02d}"


def cart(rnd: random.Random, n: int = 50) -> tuple[CartLine, ...]:
    return tuple(
        CartLine(
            id=f"L{i}",
            sku=f"SKU{i}",
            qty=rnd.randint(1, 4),
            unit_price=rnd.randint(99, 4999),
            categories=frozenset({f"cat{i % 10}"}),
            brand=f"brand{i % 7}",
            tags=frozenset({"new"} if i % 9 == 0 else ()),
            no_discount=(i == 49),
        )
        for i in range(n)
    )


def matching_reward(rnd: random.Random, k: int) -> dict:
    kinds = [
        {"type": "percent", "value": str(rnd.choice([5, 10, 15, 20])), "target": "items"},
        {"type": "percent", "value": "50", "target": "cheapest"},
        {"type": "amount", "value": cents(rnd.randint(20, 100)), "target": "per_unit"},
        {"type": "fixed_price", "value": cents(rnd.randint(500, 2000))},
        {"type": "bundle", "qty": 3, "value": cents(rnd.randint(2000, 6000))},
        {"type": "buy_get", "buy": 2, "get": 1, "value": "100"},
        {"type": "percent", "value": str(rnd.choice([5, 10])), "target": "order"},
        {"type": "amount", "value": cents(rnd.randint(200, 1500)), "target": "order"},
    ]
    return kinds[k % len(kinds)]


def typical_promotions(rnd: random.Random) -> list[dict]:
    promos: list[dict] = []
    for k in range(20):  # these match the cart
        p = {
            "id": f"M{k:02d}",
            "priority": rnd.randint(1, 20),
            "reward": matching_reward(rnd, k),
            "conditions": {"items": {"categories": [f"cat{k % 10}"]}},
        }
        if k % 8 == 6:
            p["conditions"] = {"min_subtotal": "100.00"}
        if k in (3, 11):
            p["exclusive"] = True
        if k in (1, 5, 9):
            p["group"] = "g1"
        if k in (2, 14):
            p["group"] = "g2"
        if k in (4, 12, 17):
            p["codes"] = [{"code": f"CODE{k}", "uses_left": None}]
        if k == 19:
            p["stop"] = True
        promos.append(p)
    for k in range(280):  # these do not: other categories, audiences, codes, dates, stores
        p = {"id": f"N{k:03d}", "priority": rnd.randint(1, 20), "reward": matching_reward(rnd, k)}
        match k % 5:
            case 0:
                p["conditions"] = {"items": {"categories": [f"other{k}"]}}
            case 1:
                p["audience"] = {"segments": ["lapsed_60d"]}
            case 2:
                p["codes"] = [{"code": f"NOCODE{k}", "customer": f"C{k}", "uses_left": 1}]
            case 3:
                p["valid"] = {"to": "2026-10-31"}
            case 4:
                p["stores"] = ["S9"]
        promos.append(p)
    promos.append(
        {
            "id": "X2",
            "kind": "points",
            "reward": {"type": "points_multiplier", "value": "2"},
            "conditions": {"items": {"categories": ["cat0"]}},
        }
    )
    promos.append({"id": "BONUS", "kind": "points", "reward": {"type": "points_bonus", "value": 100}})
    rnd.shuffle(promos)
    return promos


def worst_promotions(rnd: random.Random) -> list[dict]:
    promos = []
    for k in range(25):
        p = {"id": f"W{k:02d}", "priority": k, "reward": matching_reward(rnd, k)}
        if k % 6 == 5:
            p["group"] = f"g{k % 2}"
        if k == 24:
            p["exclusive"] = True
        promos.append(p)
    return promos


SETTINGS = {
    "currency": "USD",
    "points": {
        "redeem_value": "0.01",
        "min_redeem": 100,
        "redeem_step": 10,
        "max_redeem_share": "0.5",
        "tiers": [{"name": "gold", "multiplier": "1.5"}],
    },
}


def engine_for(promos: list[dict], arbitration: str) -> PromotionEngine:
    settings = parse_settings({**SETTINGS, "arbitration": arbitration}, "settings")
    return PromotionEngine(settings, parse_promotions(promos, "promotions", USD))


def measure(engine: PromotionEngine, sale: Sale, runs: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU (this thread) milliseconds per evaluation."""
    for _ in range(50):
        result = engine.evaluate(sale)
    wall, cpu = [], []
    gc.collect()
    for _ in range(runs):
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        result = engine.evaluate(sale)
        c1, t1 = time.thread_time_ns(), time.perf_counter_ns()
        wall.append((t1 - t0) / 1e6)
        cpu.append((c1 - c0) / 1e6)
    return wall, cpu, result


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def summary(name: str, wall: list[float], cpu: list[float]) -> str:
    return (
        f"{name:<34} wall p50 {statistics.median(wall):7.3f}  p99 {p99(wall):7.3f}  max {max(wall):7.3f} ms"
        f"   | cpu p50 {statistics.median(cpu):7.3f}  p99 {p99(cpu):7.3f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    lines = cart(rnd)
    customer = Customer("C1", tier="gold", segments=frozenset({"top_spenders"}), points=5000)
    codes = ("CODE4", "code12", "CODE17", "NOCODE2", "UNKNOWN1")
    sale = Sale(now=NOW, cart=lines, customer=customer, codes=codes, redeem_points=800, store="S1")
    typical = typical_promotions(rnd)

    base_wall, base_cpu, _ = measure(engine_for(typical, "priority"), sale, args.runs)
    best_wall, best_cpu, result = measure(engine_for(typical, "best"), sale, args.runs)
    worst_sale = Sale(now=NOW, cart=lines[:12], customer=customer, redeem_points=0)
    worst_wall, worst_cpu, worst = measure(engine_for(worst_promotions(rnd), "best"), worst_sale, args.runs)

    matched = len(result.applied) + sum(
        1
        for r in result.rejected
        if r.reason.value in {"lost_to_better", "excluded", "no_effect", "min_subtotal", "min_qty"}
    )
    print(f"runs per case: {args.runs} (after 50 warm-up), seed {args.seed}")
    print(
        f"typical: 50 lines, {len(typical)} promotions, {matched} reach arbitration, "
        f"{len(result.applied)} applied, optimal={result.optimal}"
    )
    print(summary("baseline: typical, priority mode", base_wall, base_cpu))
    print(summary("typical, best mode", best_wall, best_cpu))
    print(summary("worst: 25 all-matching, best mode", worst_wall, worst_cpu))
    print(f"worst: {len(worst.applied)} applied, optimal={worst.optimal}")
    ratio = statistics.median(best_wall) / statistics.median(base_wall)
    print(f"ratio typical best / baseline (wall p50): {ratio:.2f}")


if __name__ == "__main__":
    main()
