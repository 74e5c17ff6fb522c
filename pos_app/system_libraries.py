"""The Linux system libraries Qt's X11 window (the `xcb` platform plugin) needs, and what is missing.

The PySide6 wheel carries Qt itself but not the X11 client libraries of the
desktop; without one of them Qt prints "Could not load the Qt platform plugin
xcb" and aborts the process. `missing_xcb_libraries()` loads each library
(`ctypes`) before Qt starts, so the register can say which Debian/Ubuntu
packages to install instead. The list is what `ldd` shows for PySide6's
`libqxcb.so`, `libQt6XcbQpa.so.6` and `libQt6Gui.so.6` (README.md names the
same packages).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping

# shared object -> the Debian 12 / Ubuntu package that ships it
XCB_LIBRARIES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}


def uses_xcb(environ: Mapping[str, str] | None = None) -> bool:
    """Will Qt open an X11 window here? (Linux, and no other platform chosen.)"""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_xcb_libraries() -> dict[str, str]:
    """The libraries of `XCB_LIBRARIES` that cannot be loaded, with their packages."""
    missing = {}
    for name, package in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(name)
        except OSError:
            missing[name] = package
    return missing


def install_hint(missing: Mapping[str, str]) -> str:
    packages = " ".join(sorted(set(missing.values())))
    return (f"Qt cannot open a window: missing system libraries {', '.join(sorted(missing))}.\n"
            f"On Debian or Ubuntu: sudo apt-get install {packages}")


__all__ = ["XCB_LIBRARIES", "install_hint", "missing_xcb_libraries", "uses_xcb"]
