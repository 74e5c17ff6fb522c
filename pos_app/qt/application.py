"""The Qt application of the register: created once, themed, with the scanner installed."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from pos_app.qt.pyside_workarounds import apply_pyside_workarounds
from pos_app.qt.scanner import ScanDetector
from pos_app.qt.theme import apply_theme


def register_application() -> tuple[QApplication, ScanDetector]:
    """The running QApplication (made if needed) with the register's theme and barcode scanner."""
    apply_pyside_workarounds()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("pos-companion")
    apply_theme(app)
    scanner = ScanDetector()
    scanner.install(app)
    return app, scanner
