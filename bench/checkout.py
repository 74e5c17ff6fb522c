"""Benchmark of the cashier's sale path (run by hand, not in tests).

    .venv/bin/python bench/checkout.py                                  # copies /tmp/pos-bench/store.db
    .venv/bin/python bench/checkout.py --path /tmp/pos-bench-checkout/store.db --reuse

Uses the store of `bench/store.py` (1,000,000 customers, 50,000 products):
copies its file when there is one (`--source`), else generates it with that
script's generator. Adds 1,000 promotions in force (a dozen broad ones that
match most carts: category percentages, a brand's amount per unit, buy 2 get
1 on food, a bundle, an order percentage, a points multiplier and bonus, a
code-gated order discount; the rest narrow: a few SKUs each, personal codes,
audiences, other stores, expired or future) and the program settings.

Then times, through the use-case functions and a shared `PricingEngineCache`
as the register runs them:
- scan to screen: `add_item` (barcode, check digit, lookup) + `price_sale` of
  the cart, which then has 20 lines, for a random customer asking for "max" points;
- a full `checkout` commit of a 20-line cart (re-price inside the
  transaction, order + 20 lines, redemption, code use on a quarter of the
  sales, accrual, outbox rows, synchronous=FULL), for random customers;
- once each: building the engine for 1,000 promotions (cold cache) and a
  variant with an entered code.
Target: checkout commit p99 <= 15 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from store import card_number, generate  # bench/store.py

from pos_app.domain.loyalty_settings import LoyaltySettings, TierRule
from pos_app.services.checkout import CompletedSale, checkout
from pos_app.services.identification import Identified, identify_by_card
from pos_app.services.pricing import PricedSale, PricingEngineCache, price_sale
from pos_app.services.sale import (
    SaleDraft,
    add_item,
    apply_code,
    attach_customer,
    new_sale,
    request_redemption,
)
from pos_app.storage.database import open_store
from pos_app.storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
SETTINGS = LoyaltySettings(
    currency="USD",
    redeem_value="0.01",
    min_redeem=100,
    redeem_step=10,
    max_redeem_share="0.5",
    tiers=(TierRule("silver", 50_000, "1.25"), TierRule("gold", 200_000, "1.5")),
    return_window_days=14,
)


def money(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def promotions(rng: random.Random, products: int, count: int = 1000) -> list[dict]:
    broad: list[dict] = [
        {
            "id": "B-FOOD5",
            "priority": 5,
            "reward": {"type": "percent", "value": "5", "target": "items"},
            "conditions": {"items": {"categories": ["food"]}},
        },
        {
            "id": "B-OFFICE10",
            "priority": 5,
            "group": "office",
            "reward": {"type": "percent", "value": "10", "target": "items"},
            "conditions": {"items": {"categories": ["office"]}, "min_qty": 2},
        },
        {
            "id": "B-OFFICE-BUNDLE",
            "priority": 6,
            "group": "office",
            "reward": {"type": "bundle", "qty": 3, "value": "99.00"},
            "conditions": {"items": {"categories": ["office"]}},
        },
        {
            "id": "B-ACME",
            "priority": 7,
            "reward": {"type": "amount", "value": "0.50", "target": "per_unit"},
            "conditions": {"items": {"brands": ["acme"]}},
        },
        {
            "id": "B-FOOD-B2G1",
            "priority": 8,
            "reward": {"type": "buy_get", "buy": 2, "get": 1, "value": "100"},
            "conditions": {"items": {"categories": ["food"], "brands": ["globex"]}},
        },
        {
            "id": "B-HOME-CHEAP",
            "priority": 9,
            "reward": {"type": "percent", "value": "50", "target": "cheapest"},
            "conditions": {"items": {"categories": ["home"]}, "min_qty": 3},
        },
        {
            "id": "B-ORDER3",
            "priority": 20,
            "reward": {"type": "percent", "value": "3", "target": "order"},
            "conditions": {"min_subtotal": "150.00"},
        },
        {
            "id": "B-CODE",
            "priority": 21,
            "codes": [{"code": "BENCH10"}],
            "reward": {"type": "amount", "value": "10.00", "target": "order"},
            "conditions": {"min_subtotal": "50.00"},
        },
        {
            "id": "B-X2",
            "kind": "points",
            "reward": {"type": "points_multiplier", "value": "2"},
            "conditions": {"items": {"categories": ["home"]}},
        },
        {
            "id": "B-BONUS",
            "kind": "points",
            "reward": {"type": "points_bonus", "value": 50},
            "conditions": {"min_subtotal": "100.00"},
        },
        {
            "id": "B-GOLD",
            "priority": 4,
            "audience": {"tiers": ["gold"]},
            "reward": {"type": "percent", "value": "5", "target": "items"},
        },
        {
            "id": "B-ACME-FIXED",
            "priority": 10,
            "exclusive": True,
            "reward": {"type": "fixed_price", "value": "1.00"},
            "conditions": {"items": {"brands": ["acme"]}, "min_qty": 20},
        },
    ]
    narrow: list[dict] = []
    for k in range(count - len(broad)):
        skus = [f"SKU{rng.randrange(products)}" for _ in range(3)]
        reward = [
            {"type": "percent", "value": str(rng.choice([10, 15, 20, 25])), "target": "items"},
            {"type": "fixed_price", "value": money(rng.randint(100, 2000))},
            {"type": "amount", "value": money(rng.randint(10, 200)), "target": "per_unit"},
            {"type": "buy_get", "buy": 1, "get": 1, "value": "50"},
        ][k % 4]
        p: dict = {
            "id": f"N{k:04d}",
            "priority": rng.randint(1, 30),
            "reward": reward,
            "conditions": {"items": {"skus": skus}},
        }
        match k % 10:
            case 1:
                p["codes"] = [{"code": f"PC{k:05d}", "customer": f"C{rng.randrange(1000)}", "uses_left": 1}]
            case 2:
                p["audience"] = {"segments": ["lapsed_60d"]}
            case 3:
                p["stores"] = ["S9"]
            case 4:
                p["valid"] = {"from": "2026-11-01", "to": "2026-12-31", "days": [1, 2, 3, 4, 5]}
            case 5:
                p["valid"] = {"from": "2026-12-01"}  # not yet in force
            case 6:
                p["valid"] = {"to": "2026-11-30"}
        narrow.append(p)
    return broad + narrow


def prepare(
    path: Path, source: Path | None, customers: int, products: int, reuse: bool, rng: random.Random
) -> None:
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(str(path) + suffix):
                os.remove(str(path) + suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        if source is not None and source.exists():
            started = time.perf_counter()
            shutil.copyfile(source, path)
            print(f"copied {source} in {time.perf_counter() - started:.1f} s", flush=True)
        else:
            generate(path, customers, products, rng)
    engine = open_store(path)  # migrates a copied file to head
    factory = UnitOfWorkFactory(engine, "R1")
    with factory() as work:
        work.settings.save(SETTINGS)
        work.promotions.upsert_many(promotions(random.Random(11), products))
        work.commit()
    engine.dispose()


def barcode_of(i: int) -> str:
    from stdnum import ean

    body = f"400{i:09d}"
    return body + ean.calc_check_digit(body)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def report(label: str, wall: list[float], cpu: list[float], target: float | None = None) -> None:
    p99 = percentile(wall, 0.99)
    verdict = (
        "" if target is None else f"  target p99 <= {target:g} ms: {'met' if p99 <= target else 'MISSED'}"
    )
    print(
        f"{label:<44} n={len(wall):>5}  wall p50={statistics.median(wall):7.3f} p99={p99:7.3f} "
        f"max={max(wall):7.3f} ms  cpu p50={statistics.median(cpu):7.3f} p99={percentile(cpu, 0.99):7.3f} ms"
        f"{verdict}",
        flush=True,
    )


def timed(call: Callable[[], object]) -> tuple[float, float, object]:
    c0, t0 = time.process_time(), time.perf_counter()
    result = call()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, result


def measure(path: Path, customers: int, products: int, runs: int, rng: random.Random) -> None:
    print(f"database size: {path.stat().st_size / 2**20:,.1f} MiB", flush=True)
    engine = open_store(path)
    factory = UnitOfWorkFactory(engine, "R1")
    read = lambda: factory(read_only=True)  # noqa: E731
    cache = PricingEngineCache()

    wall, cpu, first = timed(lambda: price_sale(read(), new_sale(), NOW, cache=cache))
    assert isinstance(first, PricedSale)
    print(f"engine build, 1,000 promotions (cold cache): {wall:.1f} ms wall, {cpu:.1f} ms cpu", flush=True)
    with_code = apply_code(read(), new_sale(), "BENCH10")
    assert isinstance(with_code, SaleDraft)
    wall, cpu, _ = timed(lambda: price_sale(read(), with_code, NOW, cache=cache))
    print(
        f"engine variant with an entered code (first time): {wall:.1f} ms wall, {cpu:.1f} ms cpu", flush=True
    )

    def customer_draft() -> SaleDraft:
        found = identify_by_card(read(), card_number(rng.randrange(customers)))
        assert isinstance(found, Identified)
        return request_redemption(attach_customer(new_sale(), found.customer.id), "max")  # type: ignore[return-value]

    def another(draft: SaleDraft) -> str:
        """The barcode of a product not in the draft yet (a new line)."""
        while True:
            number = rng.randrange(products)
            if all(line.sku != f"SKU{number}" for line in draft.lines):
                return barcode_of(number)

    def filled(draft: SaleDraft, lines: int) -> SaleDraft:
        for _ in range(lines):
            added = add_item(read(), draft, another(draft))
            assert isinstance(added, SaleDraft), added
            draft = added
        return draft

    # Scan to screen on a 19-line cart: the 20th scan and the pricing of the whole cart.
    scan_wall, scan_cpu, price_wall, price_cpu, applied = [], [], [], [], []
    for k in range(runs + 50):
        draft = filled(customer_draft(), 19)
        scanned = another(draft)
        w1, c1, after = timed(lambda d=draft, s=scanned: add_item(read(), d, s))
        assert isinstance(after, SaleDraft)
        w2, c2, priced = timed(lambda a=after: price_sale(read(), a, NOW, cache=cache))
        assert isinstance(priced, PricedSale) and len(priced.result.lines) == 20
        if k >= 50:
            scan_wall.append(w1 + w2)
            scan_cpu.append(c1 + c2)
            price_wall.append(w2)
            price_cpu.append(c2)
            applied.append(len(priced.result.applied))
    report("scan to screen (add_item + price_sale, 20 lines)", scan_wall, scan_cpu)
    report("  of which price_sale", price_wall, price_cpu)
    print(
        f"  promotions applied per cart: mean {statistics.mean(applied):.1f}, max {max(applied)}", flush=True
    )

    # Full checkout commits of 20-line carts.
    def make_drafts() -> list[SaleDraft]:
        drafts = []
        for k in range(runs + 50):
            draft = filled(customer_draft(), 20)
            if k % 4 == 0:
                coded = apply_code(read(), draft, "BENCH10")
                assert isinstance(coded, SaleDraft)
                draft = coded
            drafts.append(draft)
        return drafts

    def checkouts(label: str, priced_first: bool) -> None:
        wall_ms, cpu_ms, entries = [], [], []
        for k, draft in enumerate(make_drafts()):
            if priced_first:  # what the screen showed after the last scan (not timed)
                assert isinstance(price_sale(read(), draft, NOW, cache=cache), PricedSale)
            w, c, done = timed(lambda d=draft: checkout(factory(), d, now=NOW, cashier_id="K1", cache=cache))
            assert isinstance(done, CompletedSale), done
            if k >= 50:
                wall_ms.append(w)
                cpu_ms.append(c)
                entries.append(len(done.entries))
        report(label, wall_ms, cpu_ms, 15)
        print(f"  ledger entries per sale: mean {statistics.mean(entries):.2f}", flush=True)

    def durable_commit() -> None:
        with factory() as work:
            work.orders.next_order_number("CONTROL", "S1-CONTROL")
            work.commit()

    control_wall, control_cpu = [], []
    for k in range(runs + 50):
        w, c, _ = timed(durable_commit)
        if k >= 50:
            control_wall.append(w)
            control_cpu.append(c)
    report("control: one-row commit (synchronous=FULL)", control_wall, control_cpu)

    reused = cache.reused
    checkouts("checkout commit (20 lines, after the screen)", True)
    print(f"  re-pricing answered from the memo: {cache.reused - reused} of {runs + 50}", flush=True)
    checkouts("checkout commit (20 lines, never priced)", False)
    print(f"engine rebuilds: {cache.rebuilds}", flush=True)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--path", type=Path, default=Path("/tmp/pos-bench-checkout/store.db"))
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("/tmp/pos-bench/store.db"),
        help="a store generated by bench/store.py to copy (generated when absent)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure the file at --path as it is")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    prepare(args.path, args.source, args.customers, args.products, args.reuse, rng)
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    measure(args.path, args.customers, args.products, args.runs, rng)
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)


if __name__ == "__main__":
    main()
