"""The composition root: the one place that reads settings and wires the register together.

`AppSettings.load()` reads a TOML config file (`$POS_COMPANION_CONFIG`, else
`pos-companion.toml` in the user config directory) and lets environment
variables override it (`POS_DATABASE`, `POS_REGISTER_ID`, `POS_STORE_ID`,
`POS_STORE_NAME`, `POS_CENTRAL_URL`, `POS_CENTRAL_TOKEN`,
`POS_CENTRAL_REGISTER_ID`, `POS_PRINTER` as JSON, `POS_CARD_PREFIX`,
`POS_API_LISTEN`). With a central URL, token and register id the register
runs its sync loop. The till's POS API (`pos_app.api`) listens on
`pos_api_listen` while the register runs, with its window or without one
(`run_headless`).
`build_register` opens the local store, builds the unit-of-work factory, the
task runner and the main window; nothing else in the program reads global
state.

`prepare_demo` generates the demo store (`pos_app.demo`) into a fresh
SQLite file, for `pos-companion --demo`.

Example config:

    database = "/var/lib/pos-companion/register.db"
    register_id = "R1"
    store_id = "S1"
    store_name = "Corner Market"
    central_url = "https://loyalty.example.com"
    central_token = "..."                  # from pairing: SyncClient(url).pair(code).token
    central_register_id = "S1.R1"
    pos_api_listen = "127.0.0.1:8766"      # the till's POS API; port 0 picks a free one
    [printer]
    kind = "network"
    host = "192.168.1.50"
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

DEFAULT_DB_NAME = "register.db"
DEFAULT_POS_API_LISTEN = "127.0.0.1:8766"


def user_dir(kind: str) -> Path:
    """The user's config or data directory for the app (XDG on Linux, the usual places elsewhere)."""
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA", Path.home()))
    elif kind == "config":
        base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "pos-companion"


@dataclass(frozen=True, slots=True)
class AppSettings:
    database: Path
    register_id: str = "R1"
    store_id: str = "S1"
    store_name: str = "Corner Market"
    store_address: tuple[str, ...] = ()
    central_url: str | None = None
    central_token: str | None = None  # the register's credential from pairing (`pos-central pair-register`)
    central_register_id: str | None = None  # the paired id, e.g. "S1.R1"
    printer: Mapping[str, Any] = field(default_factory=lambda: {"kind": "dummy"})
    cashier_id: str | None = None
    cashier_name: str | None = None
    hint: str | None = None  # first-run text (the demo's PINs)
    card_prefix: str = "29"  # loyalty card numbers start with it (in-store EAN-13 range 20-29)
    pos_api_listen: str = DEFAULT_POS_API_LISTEN  # host:port of the till's POS API
    config_path: Path | None = None  # the file these came from (pairing writes the credential there)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, config_path: Path | None = None) -> AppSettings:
        env = os.environ if environ is None else environ
        path = config_path or default_config_path(env)
        raw: dict[str, Any] = {}
        if path.is_file():
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
        printer = raw.get("printer", {"kind": "dummy"})
        if env.get("POS_PRINTER"):
            printer = json.loads(env["POS_PRINTER"])
        return cls(
            database=Path(env.get("POS_DATABASE") or raw.get("database") or user_dir("data") / DEFAULT_DB_NAME),
            register_id=env.get("POS_REGISTER_ID") or raw.get("register_id", "R1"),
            store_id=env.get("POS_STORE_ID") or raw.get("store_id", "S1"),
            store_name=env.get("POS_STORE_NAME") or raw.get("store_name", "Corner Market"),
            store_address=tuple(raw.get("store_address", ())),
            central_url=env.get("POS_CENTRAL_URL") or raw.get("central_url"),
            central_token=env.get("POS_CENTRAL_TOKEN") or raw.get("central_token"),
            central_register_id=env.get("POS_CENTRAL_REGISTER_ID") or raw.get("central_register_id"),
            printer=printer,
            card_prefix=str(env.get("POS_CARD_PREFIX") or raw.get("card_prefix", "29")),
            pos_api_listen=str(env.get("POS_API_LISTEN") or raw.get("pos_api_listen", DEFAULT_POS_API_LISTEN)),
            config_path=path,
        )

    def save_credential(self, url: str, token: str, register_id: str) -> None:
        """Keep the register's central-service credential in its config file (readable by its owner only)."""
        write_credential(self.config_path or default_config_path(os.environ), url=url, token=token,
                         register_id=register_id)

    def with_changes(self, **changes: Any) -> AppSettings:
        return replace(self, **changes)


def default_config_path(environ: Mapping[str, str]) -> Path:
    """`$POS_COMPANION_CONFIG`, else `pos-companion.toml` in the user's config directory."""
    return Path(environ.get("POS_COMPANION_CONFIG") or user_dir("config") / "pos-companion.toml")


def write_credential(path: Path, *, url: str, token: str, register_id: str) -> None:
    """Set the three central-service keys in the TOML config, keeping the rest of it as it was."""
    import tomlkit

    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    document["central_url"] = url
    document["central_token"] = token
    document["central_register_id"] = register_id
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(tomlkit.dumps(document), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def local_now() -> datetime:
    """The register's clock: local time with its zone (the ledger stores UTC, days are local)."""
    return datetime.now().astimezone()


def prepare_demo(directory: Path, *, customers: int = 5000, seed: int | None = None,
                 clock: Callable[[], datetime] = local_now) -> tuple[Path, Any]:
    """A fresh demo database in `directory`; returns its path and what was loaded (with the PINs).

    `loaded.store` is the generated `DemoStore` (for seeding the embedded central service).
    """
    from pos_app.demo import DEFAULT_SEED, generate_demo_store
    from pos_app.services.demo_loader import load_demo_store
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "demo-register.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    now = clock()
    store = generate_demo_store(seed or DEFAULT_SEED, today=now.date(), customers=customers)
    engine = open_store(path)
    try:
        loaded = load_demo_store(UnitOfWorkFactory(engine, "R1")(), store, now)
    finally:
        engine.dispose()
    return path, _Loaded(loaded, store)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What `prepare_demo` loaded (counts and the PINs) and the generated store itself."""

    loaded: Any
    store: Any

    @property
    def accounts(self) -> Any:
        return self.loaded.accounts


def demo_hint(loaded: Any) -> str:
    a = loaded.accounts
    return (f"Demo PINs: cashier {a.cashier_pin}, manager {a.manager_pin} · "
            f"Try card 2900000000018 (Zoë Martin) · and code SAVE5")


def demo_till_key(database: Path) -> str:
    """A key for the demo's till, `demo-till` (the demo store is new each run, and so is its key)."""
    from pos_app.services.pos_keys import IssuedKey, add_key
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    engine = open_store(database)
    try:
        issued = add_key(UnitOfWorkFactory(engine, "R1")(), "demo-till", now=local_now())
    finally:
        engine.dispose()
    assert isinstance(issued, IssuedKey)
    return issued.key


def build_register(settings: AppSettings, *, clock: Callable[[], datetime] = local_now,
                   sync_loop: Any = None, scanner: Any = None, demo_network: Any = None,
                   till_checks: Any = None):
    """Open the store and build the runner and the main window (not shown). Returns the window.

    `scanner` is the application's `ScanDetector` (installed by the caller); without one the
    register still takes items and cards typed into its fields. With `till_checks` (the POS
    API's `TillChecks`) the window mirrors the check a till last inquired.
    """
    from pos_app.printing.escpos_output import PrinterConfig
    from pos_app.qt.main_window import RegisterContext, RegisterWindow
    from pos_app.qt.register_ops import RegisterOps
    from pos_app.qt.sale_ops import SaleOps, StoreFacts
    from pos_app.qt.task_runner import TaskRunner
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    engine = open_store(settings.database)
    factory = UnitOfWorkFactory(engine, settings.register_id)
    with factory(read_only=True) as uow:
        currency = uow.settings.get().currency  # the program's, as the central service set it
    runner = TaskRunner()
    context = RegisterContext(
        ops=RegisterOps(factory, clock),
        sale_ops=SaleOps(factory, clock, StoreFacts(settings.store_id, settings.store_name, settings.store_address)),
        runner=runner,
        clock=clock,
        register_id=settings.register_id,
        store_id=settings.store_id,
        store_name=settings.store_name,
        store_address=settings.store_address,
        currency=currency,
        printer=PrinterConfig.from_dict(dict(settings.printer)),
        hint=settings.hint,
        cashier_id=settings.cashier_id,
        cashier_name=settings.cashier_name,
        sync_loop=sync_loop,
        cache_loaded_at=clock(),
        scanner=scanner,
        card_prefix=settings.card_prefix,
        demo_network=demo_network,
    )
    window = RegisterWindow(context)
    window.destroyed.connect(engine.dispose)
    if till_checks is not None:
        from pos_app.qt.till_mirror import TillMirror

        window.till_mirror = TillMirror(window, till_checks)
    return window


def start_demo_sync(settings: AppSettings, directory: Path, demo: Any) -> tuple[Any, Any]:
    """The demo's central service on loopback, the register paired with it, and its sync loop (not started)."""
    from pos_app.demo.embedded_sync import EmbeddedCentral
    from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory
    from sync.client import SyncClient, SyncLoop

    central = EmbeddedCentral(directory, store_id=settings.store_id, register=settings.register_id)
    code = central.prepare(demo)
    central.start()
    client = SyncClient(central.base_url)
    paired = client.pair(code)
    factory = UnitOfWorkFactory(open_store(settings.database), settings.register_id)
    # The demo central holds members and balances, not the generated catalogue and promotions:
    # its snapshot must not deactivate them at the register.
    sink = StoreChangeSink(factory, snapshot_prunes=())
    loop = SyncLoop(client, StoreOutbox(factory, paired.register_id), sink, interval=5.0,
                    exposure=offline_exposure(factory))
    return central, loop


def offline_exposure(factory: Any) -> Any:
    """The register's offline caps and cache age (a monotonic counter), resumed from the store."""
    from pos_app.services.sync_ports import load_exposure_state
    from sync.client.exposure import ExposureLimits, OfflineExposure

    with factory(read_only=True) as uow:
        program = uow.settings.get()
    limits = ExposureLimits(per_customer_points=program.offline_customer_cap,
                            per_register_points=program.offline_register_cap,
                            max_cache_age_seconds=float(program.max_cache_age_s))
    return OfflineExposure(limits, state=load_exposure_state(factory))


def configured_sync_loop(settings: AppSettings) -> Any:
    """The sync loop for a register paired with a central service (URL, token and register id configured)."""
    if not (settings.central_url and settings.central_token and settings.central_register_id):
        return None
    from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory
    from sync.client import SyncClient, SyncLoop

    client = SyncClient(settings.central_url, token=settings.central_token,
                        register_id=settings.central_register_id)
    factory = UnitOfWorkFactory(open_store(settings.database), settings.register_id)
    return SyncLoop(client, StoreOutbox(factory, settings.central_register_id), StoreChangeSink(factory),
                    exposure=offline_exposure(factory))


def run_gui(settings: AppSettings, *, demo_sync: tuple[Any, Any] | None = None) -> int:
    """Start the Qt application with the register window and the POS API; returns the exit code.

    `demo_sync`: the demo's (embedded central service, sync loop), started with the window.
    """
    from pos_app.qt.application import register_application
    from pos_app.services.till_checks import TillChecks

    app, scanner = register_application()
    settings.database.parent.mkdir(parents=True, exist_ok=True)  # the first start creates the store
    central, loop = demo_sync if demo_sync is not None else (None, configured_sync_loop(settings))
    checks = TillChecks(settings.store_id)
    window = build_register(settings, scanner=scanner, sync_loop=loop, demo_network=central, till_checks=checks)
    api = start_pos_api(settings, checks, loop)
    window.showMaximized()
    if loop is not None:
        loop.start()
    try:
        return app.exec()
    finally:
        if api is not None:
            api.stop()
        if loop is not None:
            loop.stop(5)
        if central is not None:
            central.stop()


def build_pos_api(settings: AppSettings, checks: Any, sync_loop: Any = None, *,
                  clock: Callable[[], datetime] = local_now) -> Any:
    """The till's POS API over the register's store, bound to `settings.pos_api_listen` (not serving yet).

    `checks` is the `TillChecks` the window mirrors (a fresh one without a window). Raises
    `ListenError` when the address is malformed or taken.
    """
    from pos_app.api.app import PosApiContext, create_pos_api, warm_up
    from pos_app.api.server import PosApiServer
    from pos_app.services.connectivity import sync_loop_connectivity
    from pos_app.services.receipts import StoreFacts
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    factory = UnitOfWorkFactory(open_store(settings.database), settings.register_id)
    context = PosApiContext(
        uow=factory,
        clock=clock,
        checks=checks,
        connectivity=sync_loop_connectivity(sync_loop, clock, clock()),
        store=StoreFacts(settings.store_id, settings.store_name, settings.store_address),
        card_prefix=settings.card_prefix,
    )
    server = PosApiServer(create_pos_api(context), settings.pos_api_listen)
    warm_up(context)
    return server


def start_pos_api(settings: AppSettings, checks: Any, sync_loop: Any = None) -> Any:
    """The POS API serving in the background beside the window, or None (the reason printed) when it cannot."""
    import sys

    from pos_app.api.server import ListenError, freeze_startup_objects

    try:
        server = build_pos_api(settings, checks, sync_loop)
        freeze_startup_objects()
        server.start()
    except ListenError as exc:
        print(f"{exc}; the register runs without its POS API (set pos_api_listen)", file=sys.stderr)
        return None
    print(f"POS API on {server.address} (a till's key: pos-companion pos-key add NAME)", file=sys.stderr)
    return server


def run_headless(settings: AppSettings, *, demo_sync: tuple[Any, Any] | None = None) -> int:
    """The register without a window: its sync loop and the POS API, until interrupted. No Qt is imported."""
    import signal
    import sys

    from pos_app.api.server import ListenError, freeze_startup_objects
    from pos_app.services.till_checks import TillChecks

    settings.database.parent.mkdir(parents=True, exist_ok=True)  # the first start creates the store
    central, loop = demo_sync if demo_sync is not None else (None, configured_sync_loop(settings))
    try:
        server = build_pos_api(settings, TillChecks(settings.store_id), loop)
    except ListenError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"POS API on {server.address}", flush=True)
    signal.signal(signal.SIGTERM, _exit_quietly)  # uvicorn stops on it, then hands it here: clean up, exit 0
    keeper = _ExposureKeeper(settings, loop) if loop is not None else None
    if loop is not None:
        loop.start()
    freeze_startup_objects()
    try:
        server.serve()
    finally:
        if loop is not None:
            loop.stop(5)
        if keeper is not None:
            keeper.stop()
        if central is not None:
            central.stop()
    return 0


def _exit_quietly(_signal: int, _frame: Any) -> None:
    raise SystemExit(0)


class _ExposureKeeper:
    """Saves the sync loop's offline-exposure counters every few seconds and at exit (the window does it
    in its status refresh): a restart must not make an old cache look fresh."""

    def __init__(self, settings: AppSettings, loop: Any, every: float = 5.0) -> None:
        import threading

        from pos_app.storage.database import open_store
        from pos_app.storage.unit_of_work import UnitOfWorkFactory

        self._loop = loop
        self._factory = UnitOfWorkFactory(open_store(settings.database), settings.register_id)
        self._stopped = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._run, name="pos-exposure", daemon=True)
        self._thread.start()

    def _save(self) -> None:
        from pos_app.services.sync_ports import save_exposure_state

        exposure = getattr(self._loop, "exposure", None)
        if exposure is not None:
            save_exposure_state(self._factory, exposure.state())

    def _run(self) -> None:
        import logging

        while not self._stopped.wait(self._every):
            try:
                self._save()
            except Exception:  # noqa: BLE001 - a busy store now and then must not stop the saving
                logging.getLogger(__name__).warning("could not save the offline counters", exc_info=True)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5)
        self._save()


__all__ = ["AppSettings", "build_pos_api", "build_register", "demo_hint", "demo_till_key", "local_now", "prepare_demo",
           "configured_sync_loop", "run_gui", "run_headless", "start_demo_sync", "start_pos_api", "user_dir"]
