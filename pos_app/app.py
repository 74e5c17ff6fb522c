"""The composition root: the one place that reads settings and wires the register together.

`AppSettings.load()` reads a TOML config file (`$POS_COMPANION_CONFIG`, else
`pos-companion.toml` in the user config directory) and lets environment
variables override it (`POS_DATABASE`, `POS_REGISTER_ID`, `POS_STORE_ID`,
`POS_STORE_NAME`, `POS_CENTRAL_URL`, `POS_CENTRAL_TOKEN`,
`POS_CENTRAL_REGISTER_ID`, `POS_PRINTER` as JSON, `POS_CARD_PREFIX`). With a
central URL, token and register id the register runs its sync loop.
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
    return (f"Demo: Sam Cashier's PIN {a.cashier_pin} · manager mode (F10): user {a.manager_id}, "
            f"PIN {a.manager_pin} · Try card 2900000000018 (Zoë Martin) and code SAVE5")


def build_register(settings: AppSettings, *, clock: Callable[[], datetime] = local_now,
                   sync_loop: Any = None, scanner: Any = None, demo_network: Any = None):
    """Open the store and build the runner and the main window (not shown). Returns the window.

    `scanner` is the application's `ScanDetector` (installed by the caller); without one the
    register still takes items and cards typed into its fields.
    """
    from pos_app.printing.escpos_output import PrinterConfig
    from pos_app.qt.main_window import RegisterContext, RegisterWindow
    from pos_app.qt.register_ops import RegisterOps
    from pos_app.qt.sale_ops import SaleOps, StoreFacts
    from pos_app.qt.task_runner import TaskRunner
    from pos_app.services.receipts import ReceiptHeader
    from pos_app.storage.database import open_store
    from pos_app.storage.unit_of_work import UnitOfWorkFactory

    engine = open_store(settings.database)
    factory = UnitOfWorkFactory(engine, settings.register_id)
    with factory(read_only=True) as uow:
        currency = uow.settings.get().currency  # the program's, as the central service set it
    runner = TaskRunner()
    header = ReceiptHeader(settings.store_name, settings.register_id, "-", settings.store_address)
    context = RegisterContext(
        ops=RegisterOps(factory, clock, header),
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
        pairing=None if demo_network is not None else RegisterPairing(settings, factory),
        export_dir=user_dir("data") / "exports",
    )
    window = RegisterWindow(context)
    window.destroyed.connect(engine.dispose)
    return window


class RegisterPairing:
    """Pairing from the window's manager mode: the use case, the credential kept in the config, the new loop.

    `pair` runs on a worker (it talks to the network); `sync_loop` builds the loop of the credential it saved.
    """

    def __init__(self, settings: AppSettings, factory: Any) -> None:
        self._settings = settings
        self._factory = factory

    def pair(self, url: str, code: str) -> Any:
        from pos_app.services.pairing import pair_register

        def save(url: str, token: str, register_id: str) -> None:
            self._settings.save_credential(url, token, register_id)
            self._settings = self._settings.with_changes(central_url=url, central_token=token,
                                                         central_register_id=register_id)

        return pair_register(self._factory, url=url, code=code,
                             previous_register_id=self._settings.central_register_id, save=save)

    def sync_loop(self) -> Any:
        return configured_sync_loop(self._settings)


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
    """Start the Qt application with the register window; returns the exit code.

    `demo_sync`: the demo's (embedded central service, sync loop), started with the window.
    """
    from pos_app.qt.application import register_application

    app, scanner = register_application()
    central, loop = demo_sync if demo_sync is not None else (None, configured_sync_loop(settings))
    window = build_register(settings, scanner=scanner, sync_loop=loop, demo_network=central)
    screen = app.primaryScreen()
    if screen is not None:  # a till without a window manager does not maximize: fill the screen anyway
        window.resize(screen.availableGeometry().size())
    window.showMaximized()
    if loop is not None:
        loop.start()
    try:
        return app.exec()
    finally:
        if loop is not None:
            loop.stop(5)
        if central is not None:
            central.stop()


__all__ = ["AppSettings", "RegisterPairing", "build_register", "configured_sync_loop", "demo_hint", "local_now",
           "prepare_demo", "run_gui", "start_demo_sync", "user_dir"]
