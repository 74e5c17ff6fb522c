"""Receipts on an ESC/POS thermal printer, whichever way it is attached.

The register's settings hold a printer config value such as
`{"kind": "network", "host": "192.168.1.50", "port": 9100}`;
`PrinterConfig.from_dict` checks it (refusals name the offending field),
`open_printer` turns it into a python-escpos printer (`Dummy`, `File`,
`Network`, `Usb`, `Serial`) and `print_receipt` sends the laid-out text, the
printer's own Code128 barcodes (the next-visit code when one was earned, the
order number always) and a cut. `render_escpos` prints to a `Dummy` and returns the bytes: what would
go down the wire, for tests and for saving a receipt to a file.

Kinds and their fields (all but `kind` optional unless marked):

- `dummy`: nothing; keeps the bytes in memory.
- `file`: `path` (required), e.g. `/dev/usb/lp0`.
- `network`: `host` (required), `port` (9100), `timeout` seconds (10).
- `usb`: `vendor_id`, `product_id` (required; int or "0x04b8"), `in_ep`, `out_ep`, `timeout`.
- `serial`: `device` (required), `baudrate` (9600), `timeout`.

Every kind accepts `profile` (a python-escpos printer profile, e.g.
"TM-T88V") and `columns` (characters per line, 42 by default).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from escpos.escpos import Escpos
from escpos.printer import Dummy, File, Network, Serial, Usb

from pos_app.printing.receipt import RECEIPT_WIDTH, Receipt, layout_receipt

_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "dummy": {},
    "file": {"path": str},
    "network": {"host": str, "port": int, "timeout": (int, float)},
    "usb": {"vendor_id": (int, str), "product_id": (int, str), "in_ep": int, "out_ep": int,
            "timeout": (int, float)},
    "serial": {"device": str, "baudrate": int, "timeout": (int, float)},
}
_REQUIRED = {"file": ("path",), "network": ("host",), "usb": ("vendor_id", "product_id"), "serial": ("device",)}
_COMMON: dict[str, type | tuple[type, ...]] = {"kind": str, "profile": str, "columns": int}


class PrinterConfigError(ValueError):
    """A printer config that cannot work; the message starts with the field's path."""


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    """Where the receipt printer is and how to talk to it."""

    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)
    profile: str | None = None
    columns: int = RECEIPT_WIDTH

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], path: str = "printer") -> PrinterConfig:
        if not isinstance(raw, Mapping):
            raise PrinterConfigError(f"{path}: must be an object")
        kind = raw.get("kind")
        if kind not in _FIELDS:
            raise PrinterConfigError(f"{path}.kind: must be one of {', '.join(sorted(_FIELDS))}")
        allowed = {**_COMMON, **_FIELDS[kind]}
        for key, value in raw.items():
            if key not in allowed:
                raise PrinterConfigError(f"{path}.{key}: unknown field for a {kind} printer")
            if isinstance(value, bool) or not isinstance(value, allowed[key]):
                raise PrinterConfigError(f"{path}.{key}: wrong type {type(value).__name__}")
        for key in _REQUIRED.get(kind, ()):
            if not raw.get(key):
                raise PrinterConfigError(f"{path}.{key}: required for a {kind} printer")
        options = {k: v for k, v in raw.items() if k not in _COMMON}
        for key in ("vendor_id", "product_id"):
            if key in options:
                options[key] = _usb_id(options[key], f"{path}.{key}")
        columns = raw.get("columns", RECEIPT_WIDTH)
        if not 24 <= columns <= 80:
            raise PrinterConfigError(f"{path}.columns: must be between 24 and 80")
        return cls(kind=kind, options=options, profile=raw.get("profile"), columns=columns)


def _usb_id(value: int | str, path: str) -> int:
    try:
        number = value if isinstance(value, int) else int(value, 0)
    except ValueError as exc:
        raise PrinterConfigError(f"{path}: not a number like 0x04b8") from exc
    if not 0 <= number <= 0xFFFF:
        raise PrinterConfigError(f"{path}: must be a 16-bit USB id")
    return number


def open_printer(config: PrinterConfig) -> Escpos:
    """A python-escpos printer for the config, connected (except `dummy`); the caller closes it."""
    o = dict(config.options)
    profile = {"profile": config.profile} if config.profile else {}
    printer: Escpos
    if config.kind == "dummy":
        return Dummy(**profile)
    if config.kind == "file":
        printer = File(o["path"], **profile)
    elif config.kind == "network":
        printer = Network(o["host"], port=o.get("port", 9100), timeout=o.get("timeout", 10), **profile)
    elif config.kind == "usb":
        printer = Usb(o["vendor_id"], o["product_id"], timeout=o.get("timeout", 0),
                      in_ep=o.get("in_ep", 0x82), out_ep=o.get("out_ep", 0x01), **profile)
    elif config.kind == "serial":
        printer = Serial(o["device"], baudrate=o.get("baudrate", 9600), timeout=o.get("timeout", 1), **profile)
    else:  # pragma: no cover - from_dict admits only known kinds
        raise PrinterConfigError(f"printer.kind: {config.kind!r}")
    printer.open()
    return printer


def print_receipt(printer: Escpos, receipt: Receipt, *, columns: int = RECEIPT_WIDTH,
                  barcode: bool = True, cut: bool = True) -> None:
    """Send one receipt: the text, the printer's native Code128 barcodes (each under its caption), a cut."""
    lines = layout_receipt(receipt, columns)
    printer.hw("INIT")
    printer.set(align="center", bold=True, double_height=True, double_width=False)
    printer.text(lines[0].strip() + "\n")
    printer.set(align="left", normal_textsize=True, bold=False)
    printer.text("\n".join(lines[1:]) + "\n")
    if barcode:
        for code in receipt.barcodes:
            printer.text("\n")
            printer.set(align="center")
            printer.text(code.caption[:columns] + "\n")
            # python-escpos announces its renderer on stdout; a register has no console to tell.
            with contextlib.redirect_stdout(io.StringIO()):
                printer.barcode("{B" + code.value, "CODE128", height=80, width=2,
                                pos="BELOW", font="A", align_ct=True, function_type="B")
        printer.set(align="left")
    if cut:
        printer.cut()


def print_to_configured_printer(config: PrinterConfig, receipt: Receipt) -> None:
    """Open the configured printer, print one receipt, close it. Raises on I/O errors."""
    printer = open_printer(config)
    try:
        print_receipt(printer, receipt, columns=config.columns)
    finally:
        printer.close()


def render_escpos(receipt: Receipt, *, columns: int = RECEIPT_WIDTH, profile: str | None = None) -> bytes:
    """The exact bytes a printer would receive for this receipt."""
    printer = Dummy(**({"profile": profile} if profile else {}))
    print_receipt(printer, receipt, columns=columns)
    return printer.output


__all__ = [
    "PrinterConfig",
    "PrinterConfigError",
    "open_printer",
    "print_receipt",
    "print_to_configured_printer",
    "render_escpos",
]
