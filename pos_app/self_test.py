"""`pos-companion --self-test`: prove that this installation can run a register, then exit.

Each step exercises a real part, as the register would use it, and reports one
line (`ok`, `skip` or `FAIL` with the reason); the command exits 0 when no step
failed. The steps, in order:

1. the configuration is read (file and environment);
2. the register's database is opened, or created in the platform's data folder,
   and migrated to the newest schema; SQLite's quick check passes;
3. the promotion engine prices the shipped sample sale
   (`resources/demo/self-test-sale.json`) and gets its expected result;
4. that sale's receipt is laid out, rendered as an image with its Code128
   barcode, and as the bytes an ESC/POS printer would receive;
5. Qt loads (offscreen): the widgets module, the shipped fonts, the theme;
6. every shipped translation loads and translates, with Qt's own catalogue,
   and money reads in its locale (Babel's locale data is there);
7. the till's POS API starts over that database on a free loopback port,
   serves its `/openapi.json`, refuses a call without a key (401), and stops.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

@dataclass
class SelfTestContext:
    """What the steps share: the settings, the store once opened, a scratch folder."""

    settings: Any  # pos_app.app.AppSettings
    scratch: Path
    engine: Any = None  # the register store's SQLAlchemy engine, after the database step
    uow: Any = None  # its UnitOfWorkFactory
    facts: dict[str, Any] = field(default_factory=dict)  # results handed from one step to the next


class StepSkipped(Exception):
    """Raised by a step that cannot run in this build or on this machine (reported as `skip`)."""


Step = Callable[[SelfTestContext], str]


@dataclass(frozen=True, slots=True)
class StepOutcome:
    name: str
    status: str  # ok | skip | FAIL
    detail: str


# -- the built-in steps ---------------------------------------------------------------------------


def check_configuration(context: SelfTestContext) -> str:
    path = context.settings.config_path
    where = f"{path}" if path and path.is_file() else f"no file at {path}, defaults and environment"
    return f"{where}; database {context.settings.database}"


def check_database(context: SelfTestContext) -> str:
    from pos_app.storage.database import open_store
    from pos_app.storage.migrations import current_revision, head_revision

    existed = context.settings.database.is_file()
    context.engine = open_store(context.settings.database)
    context.uow = context.settings.store_factory(context.engine)
    revision = current_revision(context.engine)
    if revision != head_revision():
        raise RuntimeError(f"schema at {revision}, expected {head_revision()}")
    with context.engine.connect() as connection:
        verdict = connection.exec_driver_sql("PRAGMA quick_check").scalar()
    if verdict != "ok":
        raise RuntimeError(f"quick_check: {verdict}")
    verb = "opened" if existed else "created"
    return f"{verb} {context.settings.database}, schema {revision}, quick_check ok"


SAMPLE_SALE = ("demo", "self-test-sale.json")


def check_engine(context: SelfTestContext) -> str:
    from pos_app.domain.engine import PromotionEngine
    from pos_app.domain.scenario_json import load_scenario_text, result_to_json
    from pos_app.resources import resource_file

    text = resource_file(*SAMPLE_SALE).read_text(encoding="utf-8")
    scenario = load_scenario_text(text)
    result = result_to_json(PromotionEngine(scenario.settings, scenario.promotions).evaluate(scenario.sale))
    expected = json.loads(text)["expect"]
    wrong = [key for key, want in expected.items() if not _matches(result.get(key), want)]
    if wrong:
        raise RuntimeError("the sample sale priced differently: " + ", ".join(
            f"{key} {result.get(key)!r} (expected {expected[key]!r})" for key in wrong))
    context.facts["sale"] = (json.loads(text), result)
    applied = ", ".join(a["id"] for a in result["applied"])
    return (f"sample sale {result['subtotal']} -> {result['total']} {result['currency']} "
            f"({applied}; {result['points_earned']} points earned)")


def _matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            all(a.get(k) == v for k, v in e.items()) for a, e in zip(actual, expected, strict=True))
    return actual == expected


def check_receipt(context: SelfTestContext) -> str:
    from datetime import datetime

    from PIL import Image

    from pos_app.printing.escpos_output import render_escpos
    from pos_app.printing.preview import render_receipt_image
    from pos_app.printing.sale_receipt import receipt_from_sale

    if "sale" not in context.facts:
        raise StepSkipped("needs the engine step's sale")
    scenario, result = context.facts["sale"]
    receipt = receipt_from_sale(
        scenario["cart"], result, promotions=scenario["promotions"], item_names={},
        store_name=context.settings.store_name, register=context.settings.register_id, cashier="self-test",
        order_number=f"{context.settings.register_id}-000000", issued_at=datetime.now().astimezone(),
        points_before=scenario["customer"]["points"],
    )
    with_codes = render_receipt_image(receipt)
    text_only = render_receipt_image(receipt, barcode=False)
    barcode_area = with_codes.crop((0, text_only.height - 24, with_codes.width, with_codes.height))
    dark = sum(barcode_area.histogram()[:128])  # pixels of ink under the text
    if with_codes.height <= text_only.height or dark < 500:
        raise RuntimeError("the receipt image has no barcode under its text")
    path = context.scratch / "self-test-receipt.png"
    with_codes.save(path)
    Image.open(path).verify()
    escpos = render_escpos(receipt)
    if b"\x1dk" not in escpos:  # GS k: the printer's barcode command
        raise RuntimeError("the ESC/POS output carries no barcode command")
    return f"{with_codes.width}x{with_codes.height} px image with Code128 order barcode; {len(escpos):,} ESC/POS bytes"


def check_qt(context: SelfTestContext) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from pos_app.qt.application import describe_qt_offscreen
    except ImportError as exc:
        raise RuntimeError(f"PySide6 does not load: {exc}") from exc
    return describe_qt_offscreen()


def check_translations(context: SelfTestContext) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pos_app.qt.language import describe_translations

    return describe_translations()


def check_pos_api(context: SelfTestContext) -> str:
    from dataclasses import replace

    import requests

    from pos_app.app import build_pos_api
    from pos_app.services.till_checks import TillChecks

    if context.engine is None:
        raise StepSkipped("needs the database step's store")
    settings = replace(context.settings, pos_api_listen="127.0.0.1:0")  # never the till's own port
    server = build_pos_api(settings, TillChecks(settings.chain_identity[0]))
    server.start()
    try:
        contract = requests.get(f"{server.address}/openapi.json", timeout=10)
        keyless = requests.post(f"{server.address}/v1/checks/inquire", json={}, timeout=10)
    finally:
        server.stop()
    calls = contract.json().get("paths", {}) if contract.status_code == 200 else {}
    if "/v1/checks/inquire" not in calls:
        raise RuntimeError(f"/openapi.json answered {contract.status_code} without the check calls")
    if keyless.status_code != 401:
        raise RuntimeError(f"a call without a key answered {keyless.status_code}, not 401")
    return f"served its contract ({len(calls)} paths) on {server.address}, refused a call without a key (401), stopped"


BUILT_IN_STEPS: tuple[tuple[str, Step], ...] = (
    ("configuration", check_configuration),
    ("database", check_database),
    ("promotion engine", check_engine),
    ("receipt with barcode", check_receipt),
    ("Qt", check_qt),
    ("translations", check_translations),
    ("POS API", check_pos_api),
)


def run_self_test(settings: Any, *, out: Callable[[str], None] = print) -> int:
    """Run every step, print one line each, return the exit code (0: nothing failed)."""
    outcomes: list[StepOutcome] = []
    with tempfile.TemporaryDirectory(prefix="pos-self-test-") as scratch:
        context = SelfTestContext(settings=settings, scratch=Path(scratch))
        try:
            for name, step in BUILT_IN_STEPS:
                outcomes.append(_run_step(name, step, context))
                out(_line(outcomes[-1]))
        finally:
            if context.engine is not None:
                context.engine.dispose()
    failed = sum(o.status == "FAIL" for o in outcomes)
    skipped = sum(o.status == "skip" for o in outcomes)
    out(f"self-test: {len(outcomes) - failed - skipped} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def _line(outcome: StepOutcome) -> str:
    return f"{outcome.status:<4}  {outcome.name}: {outcome.detail}"


def _run_step(name: str, step: Step, context: SelfTestContext) -> StepOutcome:
    try:
        return StepOutcome(name, "ok", step(context))
    except StepSkipped as exc:
        return StepOutcome(name, "skip", str(exc))
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure as a line
        log.exception("self-test: %s failed", name)
        return StepOutcome(name, "FAIL", f"{type(exc).__name__}: {exc}")


__all__ = ["BUILT_IN_STEPS", "SelfTestContext", "StepSkipped", "run_self_test"]
