"""Helpers for driving the register window: the demo's fixed moment, F-keys, waiting for the workers."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pos_app.demo import DEMO_DAY

ROOT = Path(__file__).resolve().parents[2]
DEMO_NOW = datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, 11, 0).astimezone()


def demo_clock() -> datetime:
    return DEMO_NOW


def press(window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed on the keyboard: it goes to whatever has the focus in `window` (shortcuts included)."""
    top = window.window()
    if not top.isActiveWindow():
        top.activateWindow()  # a closed dialog hands the focus back to the window, as the window system would
        for _ in range(50):
            QApplication.processEvents()
            if top.isActiveWindow():
                break
    target = QApplication.focusWidget()
    if target is None or target.window() is not top:
        target = top.focusWidget() or top
    QTest.keyClick(target, key, modifier)


ZOE_CARD = "2900000000018"


def sell(qtbot, register, wedge, products, card: str | None = ZOE_CARD):
    """Sell `products` (to the card's holder, or anonymously); returns the receipt after closing its dialog."""
    if card is not None:
        wedge.scan(register, card)
        qtbot.waitUntil(lambda: register.customer_panel.current is not None, timeout=5000)
    for product in products:
        wedge.scan(register, product.barcode)
    qtbot.waitUntil(lambda: register.view.item_count == len(products), timeout=5000)
    press(register, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: register.receipt_dialog is not None and register.receipt_dialog.isVisible(),
                    timeout=5000)
    dialog = register.receipt_dialog
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    return dialog.receipt


def manager_mode(qtbot, register, user: str = "manager", pin: str = "246810"):
    """F10, the manager's id and PIN typed: the manager dialog, open."""
    press(register, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: getattr(register, "pin_dialog", None) is not None
                    and register.pin_dialog.isVisible(), timeout=2000)
    dialog = register.pin_dialog
    assert dialog.user.text() == ""  # nobody's id is filled in for them
    qtbot.keyClicks(dialog.user, user)
    qtbot.keyClick(dialog.user, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.pin, pin)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.manager_dialog is not None and register.manager_dialog.isVisible(),
                    timeout=5000)
    return register.manager_dialog


def confirm(qtbot, holder, name: str = "confirm_dialog"):
    """The confirmation `holder` opened: wait for it, return it (the test reads it, then presses Enter)."""
    qtbot.waitUntil(lambda: getattr(holder, name, None) is not None and getattr(holder, name).isVisible(),
                    timeout=5000)
    return getattr(holder, name)


def wait_idle(qtbot, window, timeout: int = 5000) -> None:
    """Wait until the register's task runner has delivered every answer."""
    qtbot.waitUntil(lambda: window.runner.pending_count == 0, timeout=timeout)


def screenshot_folder() -> Path:
    """Where screenshots go: `$POS_SCREENSHOT_DIR`, else test-artifacts/screenshots."""
    folder = Path(os.environ.get("POS_SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_screenshot(widget, folder: Path, name: str, dialog=None) -> Path:
    """The widget as painted; with `dialog`, the dialog drawn over the dimmed window, as the cashier sees it."""
    image = widget.grab().toImage()
    if dialog is not None:
        from PySide6.QtGui import QColor, QPainter

        painter = QPainter(image)
        painter.fillRect(image.rect(), QColor(0, 0, 0, 120))
        shot = dialog.grab().toImage()
        painter.drawImage((image.width() - shot.width()) // 2, (image.height() - shot.height()) // 2, shot)
        painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    path = folder / f"{name}.png"
    path.write_bytes(bytes(buffer.data()))
    return path


def publish_screenshots(shots: list[Path], subfolder: str = "") -> None:
    """With POS_UPDATE_DOC_SCREENSHOTS=1: copy into docs/screenshots, reduced to 256 colours to stay small."""
    if os.environ.get("POS_UPDATE_DOC_SCREENSHOTS") != "1":
        return
    docs = ROOT / "docs" / "screenshots" / subfolder
    docs.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        with Image.open(shot) as picture:
            reduced = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                      dither=Image.Dither.NONE)
            out = io.BytesIO()
            reduced.save(out, "PNG", optimize=True)
        (docs / shot.name).write_bytes(out.getvalue())
