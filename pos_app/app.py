"""The composition root: the one place that reads settings and wires the register together.

`AppSettings.load()` reads one TOML file (`$POS_COMPANION_CONFIG`, else
`pos-companion.toml` in the platform's config folder, see `user_dir`) and
lets environment variables override it, key by key (`SETTING_ENV`). Every
key is documented in docs/CONFIGURATION.md. A file or variable that cannot
be read raises `SettingsError` naming the key and where it came from. With a
central URL, token and register id the register runs its sync loop. The till's POS API
(`pos_app.api`) listens on `pos_api_listen` while the register runs, with its
window or without one (`run_headless`).
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
    central_token = "..."                  # written by `pos-companion pair`
    central_register_id = "S1.R1"
    pos_api_listen = "127.0.0.1:8766"      # the till's POS API; port 0 picks a free one
    [printer]
    kind = "network"
    host = "192.168.1.50"
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

APP_NAME = "pos-companion"
DEFAULT_DB_NAME = "register.db"
CONFIG_FILE_NAME = "pos-companion.toml"
DEFAULT_POS_API_LISTEN = "127.0.0.1:8766"


def user_dir(kind: str) -> Path:
    """The platform's folder for the app's "config", "data" or "log" files (platformdirs).

    Linux: `~/.config/pos-companion`, `~/.local/share/pos-companion`,
    `~/.local/state/pos-companion/log` (the XDG variables respected); Windows:
    `%LOCALAPPDATA%\\pos-companion` (logs in its `Logs`); macOS:
    `~/Library/Application Support/pos-companion`, `~/Library/Logs/pos-companion`.
    """
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    paths = {"config": dirs.user_config_dir, "data": dirs.user_data_dir, "log": dirs.user_log_dir}
    return Path(paths[kind])


class SystemLibrariesMissing(RuntimeError):
    """The desktop lacks libraries Qt needs to open a window; the message names the packages."""


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the file or variable and the key."""


# Every setting's environment variable; the variable wins over the file.
SETTING_ENV: dict[str, str] = {
    "database": "POS_DATABASE",
    "register_id": "POS_REGISTER_ID",
    "store_id": "POS_STORE_ID",
    "store_name": "POS_STORE_NAME",
    "store_address": "POS_STORE_ADDRESS",
    "central_url": "POS_CENTRAL_URL",
    "central_token": "POS_CENTRAL_TOKEN",
    "central_register_id": "POS_CENTRAL_REGISTER_ID",
    "central_ca_bundle": "POS_CENTRAL_CA_BUNDLE",
    "printer": "POS_PRINTER",
    "card_prefix": "POS_CARD_PREFIX",
    "log_dir": "POS_LOG_DIR",
    "log_level": "POS_LOG_LEVEL",
    "language": "POS_LANGUAGE",
    "backup_dir": "POS_BACKUP_DIR",
    "min_free_disk_mb": "POS_MIN_FREE_DISK_MB",
    "outbox_max_age_hours": "POS_OUTBOX_MAX_AGE_HOURS",
    "sync_failure_max_hours": "POS_SYNC_FAILURE_MAX_HOURS",
    "pos_api_listen": "POS_API_LISTEN",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


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
    central_ca_bundle: Path | None = None  # certificates to trust for the central service (None: the system's)
    printer: Mapping[str, Any] = field(default_factory=lambda: {"kind": "dummy"})
    cashier_id: str | None = None
    cashier_name: str | None = None
    hint: str | None = None  # first-run text (the demo's PINs)
    demo_pins: tuple[str, str, str] | None = None  # the hint's PINs: the window words it in its language
    card_prefix: str = "29"  # loyalty card numbers start with it (in-store EAN-13 range 20-29)
    pos_api_listen: str = DEFAULT_POS_API_LISTEN  # host:port of the till's POS API
    config_path: Path | None = None  # the file these came from (pairing writes the credential there)
    log_dir: Path | None = None  # None: the platform's log folder
    log_level: str = "INFO"
    language: str = ""  # "" follows the system; "en" or "ru" (pos_app.qt.language.LANGUAGES)
    backup_dir: Path | None = None  # None: `backups` in the data folder
    min_free_disk_mb: int = 500  # doctor warns below this on the database's disk
    outbox_max_age_hours: float = 24.0  # doctor warns when the oldest unsynced entry is older
    sync_failure_max_hours: float = 4.0  # doctor reports a problem when sync cycles have failed longer

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, config_path: Path | None = None) -> AppSettings:
        env = os.environ if environ is None else environ
        path = config_path or default_config_path(env)
        raw = read_config_file(path)
        values = _SettingValues(raw, env, path)
        return cls(
            database=values.path("database") or user_dir("data") / DEFAULT_DB_NAME,
            register_id=values.text("register_id") or "R1",
            store_id=values.text("store_id") or "S1",
            store_name=values.text("store_name") or "Corner Market",
            store_address=values.lines("store_address"),
            central_url=values.text("central_url"),
            central_token=values.text("central_token"),
            central_register_id=values.text("central_register_id"),
            central_ca_bundle=values.path("central_ca_bundle"),
            printer=values.table("printer") or {"kind": "dummy"},
            card_prefix=values.text("card_prefix") or "29",
            pos_api_listen=values.text("pos_api_listen") or DEFAULT_POS_API_LISTEN,
            config_path=path,
            log_dir=values.path("log_dir"),
            log_level=values.choice("log_level", LOG_LEVELS) or "INFO",
            language=values.text("language") or "",
            backup_dir=values.path("backup_dir"),
            min_free_disk_mb=values.number("min_free_disk_mb", int, 500),
            outbox_max_age_hours=values.number("outbox_max_age_hours", float, 24.0),
            sync_failure_max_hours=values.number("sync_failure_max_hours", float, 4.0),
        )

    @property
    def central_verify(self) -> str | bool:
        """How the register checks the central service's certificate: always, with this CA bundle if set."""
        return str(self.central_ca_bundle) if self.central_ca_bundle else True

    @property
    def log_folder(self) -> Path:
        return self.log_dir or user_dir("log")

    @property
    def backup_folder(self) -> Path:
        return self.backup_dir or self.database.parent / "backups"

    @property
    def chain_identity(self) -> tuple[str, str]:
        """(store, register) as the chain knows this register: from pairing (`S1.R1`), else from the config."""
        if self.central_register_id and "." in self.central_register_id:
            store, _, register = self.central_register_id.partition(".")
            return store, register
        return self.store_id, self.register_id

    def store_factory(self, engine: Any) -> Any:
        """The unit-of-work factory over the register's store, named as the chain knows the register."""
        from pos_app.storage.unit_of_work import UnitOfWorkFactory

        store, register = self.chain_identity
        return UnitOfWorkFactory(engine, self.register_id, store_id=store, register_name=register)

    def save_credential(self, url: str, token: str, register_id: str) -> None:
        """Keep the register's central-service credential in its config file (readable by its owner only)."""
        write_credential(self.config_path or default_config_path(os.environ), url=url, token=token,
                         register_id=register_id)

    def with_changes(self, **changes: Any) -> AppSettings:
        return replace(self, **changes)


def known_setting_keys() -> frozenset[str]:
    """The keys a config file may hold (every field of `AppSettings` but the run-time ones)."""
    runtime = {"cashier_id", "cashier_name", "hint", "demo_pins", "config_path"}
    return frozenset(f.name for f in dataclasses.fields(AppSettings) if f.name not in runtime)


def read_config_file(path: Path) -> dict[str, Any]:
    """The TOML file's keys, or {} when there is no file."""
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror}") from exc


class _SettingValues:
    """One setting at a time: the environment variable if set, else the file's key; checked."""

    def __init__(self, raw: Mapping[str, Any], env: Mapping[str, str], path: Path) -> None:
        self.raw, self.env, self.path_of_file = raw, env, path

    def _get(self, key: str) -> tuple[Any, str, bool]:
        variable = SETTING_ENV[key]
        if self.env.get(variable):
            return self.env[variable], variable, True
        return self.raw.get(key), f"{self.path_of_file}: {key}", False

    def text(self, key: str) -> str | None:
        value, where, _ = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise SettingsError(f"{where}: must be text")
        return str(value)

    def path(self, key: str) -> Path | None:
        value = self.text(key)
        return Path(value).expanduser() if value else None

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if value.upper() not in allowed:
            raise SettingsError(f"{self._get(key)[1]}: must be one of {', '.join(allowed)}")
        return value.upper()

    def number(self, key: str, kind: type, default: Any) -> Any:
        value, where, _ = self._get(key)
        if value is None:
            return default
        try:
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ValueError
            number = kind(value)
        except ValueError:
            raise SettingsError(f"{where}: must be a number") from None
        if number < 0:
            raise SettingsError(f"{where}: must not be negative")
        return number

    def _json(self, key: str, value: str, where: str) -> Any:
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"{where}: not valid JSON: {exc.msg}") from None

    def table(self, key: str) -> dict[str, Any] | None:
        value, where, from_env = self._get(key)
        if from_env:
            value = self._json(key, value, where)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise SettingsError(f"{where}: must be a table (JSON object in {SETTING_ENV[key]})")
        return dict(value)

    def lines(self, key: str) -> tuple[str, ...]:
        value, where, from_env = self._get(key)
        if from_env:
            value = self._json(key, value, where)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
            raise SettingsError(f"{where}: must be a list of text lines")
        return tuple(value)


def default_config_path(environ: Mapping[str, str]) -> Path:
    """`$POS_COMPANION_CONFIG`, else `pos-companion.toml` in the platform's config folder."""
    return Path(environ.get("POS_COMPANION_CONFIG") or user_dir("config") / CONFIG_FILE_NAME)


def write_credential(path: Path, *, url: str, token: str, register_id: str) -> None:
    """Set the three central-service keys in the TOML config, keeping the rest of it as it was."""
    import tomlkit

    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    document["central_url"] = url
    document["central_token"] = token
    document["central_register_id"] = register_id
    write_private_text(path, tomlkit.dumps(document))


def write_setting(path: Path, key: str, value: str) -> None:
    """Set one key of the TOML config (the register's language from manager mode), keeping the rest."""
    import tomlkit

    if key not in known_setting_keys():
        raise SettingsError(f"{path}: {key!r} is not a setting")
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    document[key] = value
    write_private_text(path, tomlkit.dumps(document))


def write_private_text(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, readable by its owner only from the first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    with os.fdopen(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def start_logging(settings: AppSettings) -> Path:
    """Rotating, masked log files in the settings' log folder (see `pos_app.log_files`)."""
    from pos_app.log_files import configure_logging

    return configure_logging(settings.log_folder, settings.log_level)


def local_now() -> datetime:
    """The register's clock: local time with its zone (the ledger stores UTC, days are local)."""
    return datetime.now().astimezone()


def prepare_demo(directory: Path, *, customers: int = 5000, seed: int | None = None,
                 clock: Callable[[], datetime] = local_now, history: bool = True) -> tuple[Path, Any]:
    """A fresh demo database in `directory`; returns its path and what was loaded (with the PINs).

    `loaded.store` is the generated `DemoStore` (for seeding the embedded central service). `history`:
    the register's year of past sales (the report's); without it the store has sold nothing yet.
    """
    from pos_app.demo import DEFAULT_SEED, generate_demo_store
    from pos_app.demo.history import demo_history, register_part
    from pos_app.services.demo_loader import load_demo_history, load_demo_store
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
        if history:  # the year behind the register (its sales and points, synced): its report is never empty
            load_demo_history(UnitOfWorkFactory(engine, "R1")(),
                              register_part(demo_history(store), store.store.id, "R1"))
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


def demo_pins(loaded: Any) -> tuple[str, str, str]:
    """The demo's cashier PIN, manager id and manager PIN (the window's first-run hint names them)."""
    a = loaded.accounts
    return str(a.cashier_pin), str(a.manager_id), str(a.manager_pin)


def demo_hint(loaded: Any) -> str:
    """The demo's PINs, a card and a code to try, in the register's language (English before the window)."""
    from pos_app.qt.wording import demo_hint_words

    return demo_hint_words(*demo_pins(loaded))


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
    from pos_app.qt.wording import demo_hint_words
    from pos_app.services.receipts import ReceiptHeader
    from pos_app.storage.database import open_store

    engine = open_store(settings.database)
    factory = settings.store_factory(engine)
    with factory(read_only=True) as uow:
        currency = uow.settings.get().currency  # the program's, as the central service set it
    runner = TaskRunner()
    chain = central_calls(sync_loop)
    store_id, _register = settings.chain_identity
    header = ReceiptHeader(settings.store_name, settings.register_id, "-", settings.store_address)
    context = RegisterContext(
        ops=RegisterOps(factory, clock, header, chain=chain),
        sale_ops=SaleOps(factory, clock, StoreFacts(store_id, settings.store_name, settings.store_address),
                         chain=chain),
        runner=runner,
        clock=clock,
        register_id=settings.register_id,
        store_id=store_id,  # as the chain knows this register (from pairing)
        store_name=settings.store_name,
        store_address=settings.store_address,
        currency=currency,
        printer=PrinterConfig.from_dict(dict(settings.printer)),
        hint=demo_hint_words(*settings.demo_pins) if settings.demo_pins else settings.hint,
        cashier_id=settings.cashier_id,
        cashier_name=settings.cashier_name,
        sync_loop=sync_loop,
        cache_loaded_at=clock(),
        scanner=scanner,
        card_prefix=settings.card_prefix,
        demo_network=demo_network,
        pairing=None if demo_network is not None else RegisterPairing(settings, factory),
        export_dir=user_dir("data") / "exports",
        save_language=lambda code: write_setting(settings.config_path or default_config_path(os.environ),
                                                 "language", code),
    )
    window = RegisterWindow(context)
    window.destroyed.connect(engine.dispose)
    if till_checks is not None:
        from pos_app.qt.till_mirror import TillMirror

        window.till_mirror = TillMirror(window, till_checks)
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
    from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox, StoreSyncJournal
    from pos_app.storage.database import open_store
    from sync.client import SyncClient, SyncLoop

    central = EmbeddedCentral(directory, store_id=settings.store_id, register=settings.register_id)
    engine = open_store(settings.database)
    try:
        with settings.store_factory(engine)(read_only=True) as uow:
            program = uow.settings.get()
            # The central service holds the register's year of history exactly when the register has it.
            history = uow.ledger.last_seq() > 0
    finally:
        engine.dispose()
    code = central.prepare(demo, program, history=history)
    central.start()
    client = SyncClient(central.base_url)
    paired = client.pair(code)
    factory = settings.with_changes(central_register_id=paired.register_id).store_factory(open_store(settings.database))
    # The demo central holds the members, their balances and the promotions, not the generated catalogue:
    # its snapshot must not deactivate what it does not hold at the register.
    sink = StoreChangeSink(factory, snapshot_prunes=())
    loop = SyncLoop(client, StoreOutbox(factory, paired.register_id), sink, interval=5.0,
                    exposure=offline_exposure(factory), journal=StoreSyncJournal(factory))
    return central, loop


def central_calls(loop: Any) -> Any:
    """The calls a sale makes to the central service (points holds, orders of other registers), or None.

    They are not even tried while the sync loop finds the central service unreachable.
    """
    if loop is None or getattr(loop, "client", None) is None:
        return None
    from sync.client import SyncState
    from sync.client.chain import CentralCalls

    return CentralCalls(loop.client, online=lambda: loop.status.state is not SyncState.OFFLINE)


def offline_exposure(factory: Any) -> Any:
    """The age of the register's cached balances (a monotonic counter), resumed from the store.

    The offline caps themselves are counted from the ledger by checkout.
    """
    from pos_app.services.sync_ports import load_exposure_state
    from sync.client.exposure import ExposureLimits, OfflineExposure

    with factory(read_only=True) as uow:
        program = uow.settings.get()
    limits = ExposureLimits(max_cache_age_seconds=float(program.max_cache_age_s))
    return OfflineExposure(limits, state=load_exposure_state(factory))


def configured_sync_loop(settings: AppSettings) -> Any:
    """The sync loop for a register paired with a central service (URL, token and register id configured)."""
    if not (settings.central_url and settings.central_token and settings.central_register_id):
        return None
    from pos_app.services.sync_ports import StoreChangeSink, StoreOutbox, StoreSyncJournal
    from pos_app.storage.database import open_store
    from sync.client import SyncClient, SyncLoop

    client = SyncClient(settings.central_url, token=settings.central_token, verify=settings.central_verify,
                        register_id=settings.central_register_id)
    factory = settings.store_factory(open_store(settings.database))
    return SyncLoop(client, StoreOutbox(factory, settings.central_register_id), StoreChangeSink(factory),
                    exposure=offline_exposure(factory), journal=StoreSyncJournal(factory))


def require_window_libraries() -> None:
    """Raise `SystemLibrariesMissing` naming the packages when Qt could not open a window here."""
    from pos_app.system_libraries import install_hint, missing_xcb_libraries, uses_xcb

    if uses_xcb() and (missing := missing_xcb_libraries()):
        raise SystemLibrariesMissing(install_hint(missing))  # Qt would abort the process without a word of why


def run_gui(settings: AppSettings, *, demo_sync: tuple[Any, Any] | None = None) -> int:
    """Start the Qt application with the register window and the POS API; returns the exit code.

    `demo_sync`: the demo's (embedded central service, sync loop), started with the window.
    """
    require_window_libraries()
    from pos_app.qt.application import register_application
    from pos_app.services.till_checks import TillChecks

    app, scanner = register_application(settings.language)
    settings.database.parent.mkdir(parents=True, exist_ok=True)  # the first start creates the store
    central, loop = demo_sync if demo_sync is not None else (None, configured_sync_loop(settings))
    checks = TillChecks(settings.chain_identity[0])
    window = build_register(settings, scanner=scanner, sync_loop=loop, demo_network=central, till_checks=checks)
    logging.getLogger(__name__).info(
        "register %s of store %s started on %s (%s)", settings.register_id, settings.store_id, settings.database,
        f"syncing with {settings.central_url}" if loop is not None else "local only")
    screen = app.primaryScreen()
    if screen is not None:  # a till without a window manager does not maximize: fill the screen anyway
        window.resize(screen.availableGeometry().size())
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

    factory = settings.store_factory(open_store(settings.database))
    context = PosApiContext(
        uow=factory,
        clock=clock,
        checks=checks,
        connectivity=sync_loop_connectivity(sync_loop, clock, clock()),
        store=StoreFacts(settings.chain_identity[0], settings.store_name, settings.store_address),
        chain=central_calls(sync_loop),
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
        server = build_pos_api(settings, TillChecks(settings.chain_identity[0]), loop)
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

        self._loop = loop
        self._factory = settings.store_factory(open_store(settings.database))
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


__all__ = ["APP_NAME", "SETTING_ENV", "AppSettings", "RegisterPairing", "SettingsError", "SystemLibrariesMissing",
           "build_pos_api", "build_register", "configured_sync_loop", "default_config_path", "demo_hint", "demo_pins",
           "demo_till_key", "known_setting_keys", "local_now", "prepare_demo", "require_window_libraries", "run_gui",
           "run_headless", "start_demo_sync", "start_logging", "start_pos_api", "user_dir"]
