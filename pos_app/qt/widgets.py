"""Small building blocks shared by the panels: labels with a theme role, elided labels, panels, F-key buttons.

`ElidedLabel` shows one line cut with "…" to the room it has and the whole
text in its tooltip; it never asks for more width than it is given, so a
long customer name or message cannot widen a column for the rest of the day.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


def label(text: str = "", role: str | None = None, *, wrap: bool = False, name: str | None = None) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    if name:
        widget.setObjectName(name)
    return widget


class ElidedLabel(QLabel):
    """One line of text, cut with "…" to fit; the whole text is the tooltip when it is cut."""

    def __init__(self, text: str = "", role: str | None = None, *, name: str | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__()
        self._full = ""
        self._mode = mode
        if role:
            self.setProperty("role", role)
        if name:
            self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text or ""
        self._refresh()

    def text(self) -> str:
        """The whole text, whatever is shown."""
        return self._full

    def shown_text(self) -> str:
        """What fits on screen right now."""
        return super().text()

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(min(self.fontMetrics().horizontalAdvance(self._full) + 8, 400), super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._refresh()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name: a new font (a theme role) measures anew
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refresh()

    def _refresh(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin() - max(0, self.indent())
        shown = self.fontMetrics().elidedText(self._full, self._mode, max(0, room)) if room > 0 else self._full
        if shown != super().text():
            super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


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
    """A button labelled "F12 Pay" whose key works anywhere in `window` (default: the button's window).

    The key does nothing while the button cannot be seen or used (a locked register, a folded panel).
    """
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


class _EnterKey(QObject):
    """Calls `slot` on Enter in the widget and consumes the key: it never reaches the dialog around it."""

    def __init__(self, widget: QWidget, slot: Callable[[], object]) -> None:
        super().__init__(widget)
        self._slot = slot
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.isAutoRepeat():
            self._slot()
            return True
        return False


def on_enter(widget: QWidget, slot: Callable[[], object]) -> None:
    """Enter in `widget` (a field, a spin box) does `slot`, once, and nothing else.

    A spin box reports Enter twice (its editor and itself), and a key a field leaves unused travels on to
    the dialog around it, which presses any default button it finds, even one of a question just opened.
    """
    widget._enter_key = _EnterKey(widget, slot)  # type: ignore[attr-defined] - lives with the widget


def key_shortcut(key: str, window: QWidget, slot: Callable[[], object],
                 when: Callable[[], bool] = lambda: True) -> QShortcut:
    """A window-wide key with no button of its own, active only `when` it should be."""
    shortcut = QShortcut(QKeySequence(key), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(lambda: when() and slot())
    return shortcut


__all__ = ["ElidedLabel", "Panel", "fkey_button", "key_shortcut", "label", "on_enter", "set_role"]
