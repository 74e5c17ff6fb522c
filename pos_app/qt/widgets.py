"""Small building blocks shared by the panels: labels with a theme role, framed panels, F-key buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


def label(text: str = "", role: str | None = None, *, wrap: bool = False, name: str | None = None) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    if name:
        widget.setObjectName(name)
    return widget


def set_role(widget: QWidget, role: str | None) -> None:
    """Change a widget's theme role and let the style sheet see it."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Panel(QFrame):
    """A framed area with a heading; `body` is its layout."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 10, 14, 12)
        self.body.setSpacing(8)
        self.title = label(title, None, name="panel-title")
        self.body.addWidget(self.title)


def fkey_button(key: str, text: str, parent: QWidget, slot, *, window: QWidget | None = None,
                name: str | None = None) -> QPushButton:
    """A button labelled "F12 Pay" whose key works anywhere in `window` (default: the button's window)."""
    button = QPushButton(f"{key}  {text}" if key else text, parent)
    button.setObjectName(name or f"button-{text.lower().replace(' ', '-')}")
    button.clicked.connect(slot)
    button.setAutoDefault(False)
    if key:
        shortcut = QShortcut(QKeySequence(key), window or parent)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda: button.isEnabled() and button.isVisible() and button.click())
        button.setToolTip(f"{text} ({key})")
        button.shortcut = shortcut  # type: ignore[attr-defined] - keep it alive with the button
    return button


__all__ = ["Panel", "fkey_button", "label", "set_role"]
