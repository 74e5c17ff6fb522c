"""The register survives a whole day of signals, whatever PySide6 build it runs on."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

A_BUSY_DAY = textwrap.dedent(
    """
    import pos_app.qt
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication([])

    class Scanner(QObject):
        barcode_scanned = Signal(str)

    scanner = Scanner()
    seen = []
    scanner.barcode_scanned.connect(seen.append)
    for n in range(20000):
        scanner.barcode_scanned.emit(str(n))
    for _ in range(2000):
        slot = lambda code: None
        scanner.barcode_scanned.connect(slot)
        scanner.barcode_scanned.disconnect(slot)
    print(len(seen))
    """
)


def test_twenty_thousand_signals_do_not_crash_the_interpreter():
    run = subprocess.run([sys.executable, "-c", A_BUSY_DAY], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "20000"
