"""The register's GUI: PySide6 widgets, item models and the background task runner.

This is the only package that imports Qt. Widgets never touch the database or
the network themselves: they hand a plain callable to the `TaskRunner`, which
runs it on a worker thread and calls back on the GUI thread.
"""

from pos_app.qt.pyside_workarounds import apply_pyside_workarounds

apply_pyside_workarounds()
