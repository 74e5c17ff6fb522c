"""Benchmark of the register's POS API over HTTP on loopback (run by hand, not in tests).

    .venv/bin/python bench/pos_api.py                      # the store of bench/store.py, as it builds it
    .venv/bin/python bench/pos_api.py --program checkout   # the same with bench/checkout.py's 1,000 promotions
    .venv/bin/python bench/pos_api.py --reuse --path /tmp/pos-bench-api/plain.db   # measure a file as it is

The store is `bench/store.py`'s: 1,000,000 customers and 50,000 products
(copied from its file, `--source`, or generated when absent). With
`--program checkout` it also gets `bench/checkout.py`'s program: 1,000
promotions in force, a dozen of them broad enough to touch most checks (buy 2
get 1, bundles, category percentages, a code-gated order discount, points
multipliers), which makes every inquire a real arbitration. The register
serves the API in a process of its own (uvicorn, as `pos-companion --headless`
does, with the benchmark's fixed moment and the connection to the central
service up); the benchmark is the till, one keep-alive HTTP/1.1 connection
(`http.client`), one call at a time, timing each from request to the last byte
of the answer, and reading the register's own CPU time for the call from a
`Server-Timing` header the benchmark's wrapper adds:
- control: a call without a key (HTTP, the key gate, a 401; no store work);
- search a member by card (`GET /v1/members?q=CARD`);
- inquire: a 50-line check (only id, sku, qty, unit_price sent: the register
  fills the rest from its catalogue) for a random member identified by card,
  spending "max" points, a code on a quarter of the checks; each check is new,
  so neither the engine's memo nor any earlier answer helps;
- commit: the same check committed at the total the inquire answered (what a
  till does after payment): re-priced, written in one transaction with its
  answer (order, 50 lines, ledger entries, outbox, `synchronous=FULL`).
It also prints how much of the register's CPU its garbage collector took, and
the machine's speed before and after the run (the median CPU time of a fixed
Python loop, `bench/store.py`'s control): a shared virtual machine's speed
drifts, so runs made apart compare only through it.
Targets (shared/POS-API.md): inquire p99 <= 10 ms, commit p99 <= 25 ms.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import multiprocessing
import os
import random
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from checkout import percentile, prepare  # bench/checkout.py: the store with 1,000 promotions
from store import card_number, generate  # bench/store.py

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
LINES = 50


def serve(path: str, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """The register: the POS API over the store, in this (child) process, until terminated."""
    from pos_app.api.app import PosApiContext, create_pos_api, warm_up
    from pos_app.api.server import PosApiServer, freeze_startup_objects
    from pos_app.services.checkout import ONLINE
    from pos_app.services.receipts import StoreFacts
    from pos_app.services.till_checks import TillChecks
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    factory = UnitOfWorkFactory(open_store(path), "R1")
    context = PosApiContext(uow=factory, clock=lambda: NOW, checks=TillChecks("S1"), connectivity=lambda: ONLINE,
                            store=StoreFacts("S1", "Bench store"))
    server = PosApiServer(Timed(create_pos_api(context)), "127.0.0.1:0")
    warm_up(context)  # as the composition root does (pos_app.app.build_pos_api, run_headless)
    freeze_startup_objects()
    gc.callbacks.append(COLLECTOR.heard)
    ready.put(server.port)
    server.serve()


class CollectorTime:
    """The CPU time the register's garbage collector took, in all (a `gc.callbacks` listener)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def heard(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.total += time.process_time() - self._started


COLLECTOR = CollectorTime()


class Timed:
    """The register's side of each call: wall time, the server process's CPU time and the part of it the
    garbage collector took, in `Server-Timing`.

    One call at a time, so the process's CPU time between the request and its answer is that call's.
    """

    def __init__(self, app: object) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # type: ignore[operator]
            return
        wall, cpu, collected = time.perf_counter(), time.process_time(), COLLECTOR.total

        async def timed_send(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                took = (f"app;dur={(time.perf_counter() - wall) * 1000:.3f}, "
                        f"cpu;dur={(time.process_time() - cpu) * 1000:.3f}, "
                        f"gc;dur={(COLLECTOR.total - collected) * 1000:.3f}")
                message["headers"] = [*message.get("headers", []), (b"server-timing", took.encode())]
            await send(message)

        await self.app(scope, receive, timed_send)  # type: ignore[operator]


class Till:
    def __init__(self, port: int, key: str | None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Content-Type": "application/json"}
        self.server_cpu: list[float] = []  # the register's CPU time of each call (ms)
        self.server_gc: list[float] = []  # the part of it the garbage collector took (ms)
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, body: object = None) -> tuple[float, int, dict]:
        data = None if body is None else json.dumps(body).encode()
        started = time.perf_counter()
        self.connection.request(method, path, body=data, headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        timing = dict(part.strip().split(";dur=") for part in response.getheader("server-timing", "").split(","))
        self.server_cpu.append(float(timing.get("cpu", "nan")))
        self.server_gc.append(float(timing.get("gc", "nan")))
        return elapsed, response.status, json.loads(payload)


def machine_speed() -> float:
    """The median CPU time (ms) of a fixed pure-Python loop, `bench/store.py`'s control: how fast this machine
    is now (on a shared virtual machine it drifts by half within the hour), to compare runs made apart."""
    times = []
    for _ in range(500):
        started = time.process_time()
        sum(range(30000))
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def report(label: str, wall: list[float], cpu: list[float], target: float | None = None) -> str:
    p99 = percentile(wall, 0.99)
    verdict = "" if target is None else f"  target p99 <= {target:g} ms: {'met' if p99 <= target else 'MISSED'}"
    line = (f"{label:<48} n={len(wall):>5}  wall p50={statistics.median(wall):7.3f} "
            f"p90={percentile(wall, 0.90):7.3f} p99={p99:7.3f} "
            f"max={max(wall):7.3f}  register cpu p50={statistics.median(cpu):6.3f} p99={percentile(cpu, 0.99):6.3f} ms"
            f"{verdict}")
    print(line, flush=True)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--program", choices=["store", "checkout"], default="store",
                        help="store: bench/store.py's file as it is; checkout: with bench/checkout.py's promotions")
    parser.add_argument("--path", type=Path, default=None,
                        help="the register's file (default /tmp/pos-bench-api/plain.db or program.db)")
    parser.add_argument("--source", type=Path, default=Path("/tmp/pos-bench/store.db"),
                        help="bench/store.py's file to copy (generated when absent)")
    parser.add_argument("--reuse", action="store_true", help="measure the file at --path as it is")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--dump", type=Path, default=None,
                        help="write every timed call's wall and register CPU time (ms) to this JSON file")
    options = parser.parse_args()
    rng = random.Random(options.seed)

    options.path = options.path or Path(f"/tmp/pos-bench-api/{'plain' if options.program == 'store' else 'program'}.db")
    if options.program == "checkout":
        prepare(options.path, options.source, options.customers, options.products, options.reuse, random.Random(3))
    elif not options.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{options.path}{suffix}").unlink(missing_ok=True)
        options.path.parent.mkdir(parents=True, exist_ok=True)
        if options.source.exists():
            shutil.copyfile(options.source, options.path)
        else:
            generate(options.path, options.customers, options.products, random.Random(1))
    from pos_app.services.pos_keys import IssuedKey, add_key
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    engine = open_store(options.path)
    factory = UnitOfWorkFactory(engine, "R1")
    issued = add_key(factory(), f"bench-{os.getpid()}", now=NOW)
    assert isinstance(issued, IssuedKey)
    with engine.connect() as db:
        prices = dict(db.exec_driver_sql("SELECT sku, unit_price_minor FROM products").all())
    engine.dispose()
    skus = sorted(prices)
    print(f"database: {options.path} ({options.path.stat().st_size / 2**20:,.1f} MiB); "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    speed_before = machine_speed()
    ready: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
    register = multiprocessing.get_context("spawn").Process(target=serve, args=(str(options.path), ready),
                                                            daemon=True)
    register.start()
    port = ready.get(timeout=120)
    till, stranger = Till(port, issued.key), Till(port, None)
    total_runs = options.runs + options.warmup

    def check(k: int) -> dict:
        lines = [{"id": str(n + 1), "sku": sku, "qty": rng.randint(1, 3),
                  "unit_price": f"{prices[sku] // 100}.{prices[sku] % 100:02d}"}
                 for n, sku in enumerate(rng.sample(skus, LINES))]
        return {"check_id": f"B-{k}", "member": card_number(rng.randrange(options.customers)), "lines": lines,
                "codes": ["BENCH10"] if k % 4 == 0 else [], "redeem_points": "max"}

    control = [stranger.call("GET", "/v1/members?q=1")[0] for _ in range(total_runs)][options.warmup:]
    assert stranger.call("GET", "/v1/members?q=1")[1] == 401
    report("control: a call without a key (401, no store work)", control,
           stranger.server_cpu[options.warmup:total_runs])

    search = []
    for k in range(total_runs):
        elapsed, status, body = till.call("GET", f"/v1/members?q={card_number(rng.randrange(options.customers))}")
        assert status == 200 and len(body["members"]) == 1, body
        if k >= options.warmup:
            search.append(elapsed)
    report("search a member by card", search, till.server_cpu[options.warmup:])

    inquire, commit, applied, inquire_cpu, commit_cpu, inquire_gc, commit_gc = [], [], [], [], [], [], []
    for k in range(total_runs):
        body = check(k)
        elapsed, status, answer = till.call("POST", "/v1/checks/inquire", body)
        assert status == 200 and len(answer["result"]["lines"]) == LINES, answer
        paid_ms, paid_status, paid = till.call("POST", "/v1/checks/commit", {
            **body, "transaction_id": f"bench-{os.getpid()}-{k}", "expected_total": answer["result"]["total"]})
        assert paid_status == 200, paid
        if k >= options.warmup:
            inquire.append(elapsed)
            commit.append(paid_ms)
            inquire_cpu.append(till.server_cpu[-2])
            commit_cpu.append(till.server_cpu[-1])
            inquire_gc.append(till.server_gc[-2])
            commit_gc.append(till.server_gc[-1])
            applied.append(len(answer["result"]["applied"]))
    if options.dump:
        options.dump.write_text(json.dumps({"inquire": inquire, "inquire_cpu": inquire_cpu, "inquire_gc": inquire_gc,
                                            "commit": commit, "commit_cpu": commit_cpu, "commit_gc": commit_gc}))
    report(f"inquire: {LINES}-line check, member by card, max points", inquire, inquire_cpu, 10)
    report("commit: the same check after its inquire", commit, commit_cpu, 25)
    for label, spent in (("inquire", inquire_gc), ("commit", commit_gc)):
        passes = [ms for ms in spent if ms > 0]
        print(f"garbage collector in {label}s: {len(passes)} of {len(spent)} calls, {sum(spent):.1f} ms in all, "
              f"worst {max(spent):.2f} ms", flush=True)
    print(f"promotions applied per check: mean {statistics.mean(applied):.1f}, max {max(applied)}; "
          f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(f"machine: control loop (sum(range(30000))) CPU p50 {speed_before:.3f} ms before, "
          f"{machine_speed():.3f} ms after", flush=True)
    register.terminate()
    register.join(10)


if __name__ == "__main__":
    main()
