"""Work-arounds for defects of the PySide6 build the register runs on, applied once at import.

PySide6 6.12.0 returns `True` from `SignalInstance.emit()` (and from a
successful `disconnect()`) without taking the reference it hands over. Every
call therefore gives away one reference to `True` that nobody owned. On
Python 3.12 and later `True` is immortal and nothing happens; on Python 3.11
its count reaches zero after a few hundred emits and the interpreter aborts
("Fatal Python error: bool_dealloc"), in the middle of a sale or at exit.

The cure is what Python 3.12 does: make `True` and `False` immortal. When a
probe shows that `emit()` drops a reference on this interpreter, their
reference counts are raised by 2**40, far more than a register emits in its
lifetime. The probe costs a few emits; on a correct build nothing is touched.
"""

from __future__ import annotations

import ctypes
import platform
import sys

from PySide6.QtCore import QObject, Signal

_IMMORTAL_MARGIN = 2**40
_applied = False


class _Probe(QObject):
    fired = Signal()


def emit_drops_a_reference() -> bool:
    """True when `Signal.emit()` gives away a reference to `True` it did not take."""
    if platform.python_implementation() != "CPython" or sys.version_info >= (3, 12):
        return False  # no reference counts to break: True is immortal there
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    lost = before - sys.getrefcount(True)
    if lost > 0:
        _add_references(True, lost)  # give back what the probe itself took
    return lost >= 8


def _add_references(obj: object, count: int) -> None:
    # CPython: an object's reference count is the first word of the object, at id(obj).
    ctypes.c_ssize_t.from_address(id(obj)).value += count


def apply_pyside_workarounds() -> bool:
    """Apply what this PySide6 build needs (idempotent); True when something was applied."""
    global _applied
    if _applied:
        return True
    if emit_drops_a_reference():
        _add_references(True, _IMMORTAL_MARGIN)
        _add_references(False, _IMMORTAL_MARGIN)
        _applied = True
    return _applied


__all__ = ["apply_pyside_workarounds", "emit_drops_a_reference"]
