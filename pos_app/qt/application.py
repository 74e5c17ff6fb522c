"""The Qt application of the register: created once, with its icon and shipped fonts, themed, with the scanner
installed and Python's cycle collector run on the GUI thread."""

from __future__ import annotations

import sys

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QLabel

from pos_app.qt.gui_collector import collect_on_gui_thread
from pos_app.qt.language import install_language
from pos_app.qt.pyside_workarounds import apply_pyside_workarounds
from pos_app.qt.scanner import ScanDetector
from pos_app.qt.theme import apply_theme
from pos_app.resources import APP_ICON, font_files, resource_file


def register_application(language: str = "") -> tuple[QApplication, ScanDetector]:
    """The running QApplication (made if needed) in the configured language, with the register's theme and
    barcode scanner."""
    apply_pyside_workarounds()
    app = QApplication.instance() or QApplication(sys.argv)
    install_language(language, app)
    app.setApplicationName("pos-companion")
    app.setDesktopFileName("pos-companion")  # Wayland and the taskbars match the window to the .desktop entry
    app.setWindowIcon(QIcon(str(resource_file("icons", APP_ICON))))
    load_shipped_fonts()
    apply_theme(app)
    scanner = ScanDetector()
    scanner.install(app)
    collect_on_gui_thread(app)  # never a Qt object's destructor on a worker thread
    return app, scanner


def load_shipped_fonts() -> list[str]:
    """Register the shipped DejaVu fonts with Qt, so the theme's families exist on every platform."""
    families: list[str] = []
    for path in font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise RuntimeError(f"{path}: Qt cannot load this font")
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def describe_qt_offscreen() -> str:
    """Qt's widgets, the shipped fonts and the theme, exercised without a window (for the self-test)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    families = sorted(set(load_shipped_fonts()))
    apply_theme(app)
    label = QLabel("self-test")
    label.adjustSize()
    label.deleteLater()
    return f"PySide6 {PYSIDE_VERSION} on '{app.platformName()}', fonts {', '.join(families)}"
