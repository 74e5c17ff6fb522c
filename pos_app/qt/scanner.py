"""Keyboard-wedge barcode scanners, told apart from people typing.

A wedge scanner types the barcode as keystrokes, far faster than any person,
and ends with Enter. The `ScanDetector` is an application-wide event filter
that watches key presses as they reach a window, before any widget sees them.
It holds printable keystrokes back for a moment: if they keep arriving within
`max_gap_ms` of each other and the burst ends in Enter with at least
`min_length` characters, it is a scan, emitted as `barcode_scanned(code)`
wherever the focus is, and none of those keystrokes reaches the focused text
field. Otherwise the held keystrokes are replayed, in order, to the window's
focused widget, so slow human typing arrives as typed (a few ms late).

The gap between two keys is measured with the platform's timestamps of the
key events (when the keys were typed), not when the program got round to
them: a register busy for 40 ms (a slow query, a repaint) then reads a
scanner's backlog of keys all at once, and they must still read as one scan.
Tests inject a `clock` (seconds) instead, so timing is deterministic; a real
timer only decides *when* to look again for held keys once typing stops, and
the time since the last key arrived decides whether they are released.

Shift (and the other modifier keys) pressed around a capital or a symbol is
part of the burst: a scanner types `WB-V9THZA` with Shift down for each
capital, exactly as a person would, and the codes the product prints
(`NV-...`, `WB-...`, `R1-...`) must still read as one scan.

Key presses are taken where the platform delivers them: the focused
`QWindow` (`WindowWatch` puts the filter on each window as it takes the
focus; an application-wide filter would cost a Python call on every event of
the program, hundreds per scan). Events sent straight to a widget (as
`qtbot.keyClicks(line_edit, ...)` does) never count as a scan, so tests that
type into fields behave as before; to simulate a scanner, send keys to the
window (`qtbot.keyClick(widget.windowHandle(), ...)`). While a burst is held,
and only then, a small filter on the focused widget claims the
`ShortcutOverride` for its keys and its final Enter, so scanning an item never
triggers an Enter shortcut such as "checkout".
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QWindow

from pos_app.qt.window_events import WindowWatch

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# Pressed and released around the characters they shape (Shift for `W`, AltGr for `@` on some layouts):
# never a character of their own, and never the end of a burst.
_MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta,
    Qt.Key.Key_Mode_switch, Qt.Key.Key_CapsLock,
})
# Shift makes capitals and Keypad marks digits from the number pad; both are ordinary scanner output.
_TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


@dataclass(frozen=True, slots=True)
class ScanRules:
    """What counts as a scan: fast enough between keys, long enough, ended by Enter."""

    max_gap_ms: float = 30.0
    min_length: int = 6
    # How often to look at held keys once typing stops (real time); the clock decides release.
    recheck_ms: int = 15

    def __post_init__(self) -> None:
        if self.max_gap_ms <= 0 or self.min_length < 1 or self.recheck_ms < 1:
            raise ValueError("max_gap_ms must be > 0, min_length and recheck_ms >= 1")


@dataclass(frozen=True, slots=True)
class _HeldKey:
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    """Application-wide event filter turning fast keystroke bursts into `barcode_scanned`.

    Install with `detector.install(app)`; remove with `detector.uninstall()`.
    """

    barcode_scanned = Signal(str)

    def __init__(
        self,
        rules: ScanRules | None = None,
        *,
        clock: Callable[[], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.rules = rules or ScanRules()
        self._stamped = clock is None  # the keys' own timestamps, unless a test gives its clock
        self._clock = clock or time.monotonic
        self._last_seen: float | None = None  # when the last key arrived (the clock's time)
        self._held: list[_HeldKey] = []
        self._held_window: QWindow | None = None
        self._last_key_at: float | None = None
        self._replaying = False
        self._swallow_enter_release = False
        # Keys whose press was held back: their release is held back too (a field that sees the release of
        # a key it never saw pressed redraws itself, once per character of every scan).
        self._held_releases: Counter[int] = Counter()
        self._enabled = True
        self._app: QGuiApplication | None = None
        self._windows: WindowWatch | None = None
        self._guard = _ShortcutGuard(self)
        self._guarding: QObject | None = None  # where the burst's ShortcutOverride guard is installed
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(self.rules.recheck_ms)
        self._recheck.timeout.connect(self._release_if_typing_stopped)

    # -- installing -------------------------------------------------------------------------

    def install(self, app: QGuiApplication | None = None) -> None:
        """Watch every window of the application (default: the running one) that takes the focus."""
        target = app or QGuiApplication.instance()
        if target is None:
            raise RuntimeError("no QApplication to watch")
        self.uninstall()
        self._app = target
        self._windows = WindowWatch(self, target)

    def uninstall(self) -> None:
        if self._windows is not None:
            self._windows.stop()
            self._windows = None
        self.release_held_keys()
        self._app = None

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Turn detection off (e.g. in a PIN dialog); held keys are released first."""
        if not enabled:
            self.release_held_keys()
        self._enabled = enabled

    @property
    def held_text(self) -> str:
        """Characters held back right now, waiting to be judged scan or typing."""
        return "".join(k.text for k in self._held)

    # -- the filter -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self._enabled or self._replaying or not isinstance(watched, QWindow):
            return False
        etype = event.type()
        if etype == QEvent.Type.KeyPress:
            return self._on_key_press(watched, event)  # type: ignore[arg-type]
        if etype == QEvent.Type.KeyRelease:
            return self._on_key_release(event)  # type: ignore[arg-type]
        return False

    def _typed_at(self, event: QKeyEvent) -> float:
        """When the key was typed, in seconds: the platform's timestamp, or the clock (tests, or none given)."""
        stamp = event.timestamp() if self._stamped else 0
        return stamp / 1000 if stamp else self._clock()

    def _on_key_press(self, window: QWindow, event: QKeyEvent) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False  # a scanner's Shift before a capital: the burst goes on
        now = self._typed_at(event)
        self._last_seen = self._clock()
        fast = self._last_key_at is not None and (now - self._last_key_at) * 1000 < self.rules.max_gap_ms
        if self._held and (not fast or window is not self._held_window):
            self.release_held_keys()
        self._last_key_at = now

        if event.key() in _ENTER_KEYS and not _has_command_modifier(event):
            if self._held and fast and len(self._held) >= self.rules.min_length:
                code = self.held_text
                self._forget_held()
                self._swallow_enter_release = True
                self.barcode_scanned.emit(code)
                return True
            self.release_held_keys()
            return False

        if _is_printable(event) and not event.isAutoRepeat():
            self._held.append(_HeldKey(event.key(), event.modifiers(), event.text()))
            self._held_releases[event.key()] += 1
            self._held_window = window
            self._recheck.start()
            self._guard_shortcuts(True)
            return True

        # Backspace, arrows, F-keys, Ctrl+...: not scanner output; whatever was held was typed.
        self.release_held_keys()
        return False

    def _on_key_release(self, event: QKeyEvent) -> bool:
        if event.key() in _ENTER_KEYS and self._swallow_enter_release:
            self._swallow_enter_release = False
            return True
        if self._held_releases[event.key()] > 0:
            self._held_releases[event.key()] -= 1  # released by the replay already, or part of a scan
            return True
        return False

    def _guard_shortcuts(self, on: bool) -> None:
        """While keys are held, and only then, the ShortcutOverride of the next keys is looked at.

        Qt asks the object with the keyboard focus, so that is where the guard goes (the whole
        application only when nothing has the focus).
        """
        if on == (self._guarding is not None) or self._app is None:
            return
        if on:
            target = QGuiApplication.focusObject() or self._app
            target.installEventFilter(self._guard)
            self._guarding = target
        else:
            try:
                self._guarding.removeEventFilter(self._guard)
            except RuntimeError:  # the focused widget is gone
                pass
            self._guarding = None

    def _claim_shortcut(self, event: QKeyEvent) -> bool:
        """Keep shortcuts from firing on keys that may be part of a scan.

        Qt asks before a key press whether a shortcut may take it; if one does,
        the press never arrives. So a key that cannot continue the burst
        releases the held keys here, before the shortcut's action reads the field.
        """
        if not self._held or self._last_key_at is None or event.key() in _MODIFIER_KEYS:
            return False
        fast = (self._typed_at(event) - self._last_key_at) * 1000 < self.rules.max_gap_ms
        ends_a_scan = event.key() in _ENTER_KEYS and len(self._held) >= self.rules.min_length
        if fast and (ends_a_scan or _is_printable(event)):
            event.accept()  # "a widget wants this key": Qt then delivers it as a key press
            return True
        self.release_held_keys()
        return False

    # -- releasing held keys ----------------------------------------------------------------

    def _release_if_typing_stopped(self) -> None:
        if not self._held:
            return
        assert self._last_seen is not None
        if (self._clock() - self._last_seen) * 1000 < self.rules.max_gap_ms:
            self._recheck.start()  # the burst may still be going: look again shortly
            return
        self.release_held_keys()

    def release_held_keys(self) -> None:
        """Deliver held keystrokes to the focused widget, in order, as the person typed them."""
        held, window = self._held, self._held_window
        self._forget_held()
        if not held or window is None:
            return
        self._replaying = True
        try:
            for k in held:
                for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QGuiApplication.sendEvent(window, QKeyEvent(etype, k.key, k.modifiers, k.text))
        finally:
            self._replaying = False

    def _forget_held(self) -> None:
        self._held = []
        self._held_window = None
        self._recheck.stop()
        self._guard_shortcuts(False)


class _ShortcutGuard(QObject):
    """The application filter of a burst in progress: it looks at ShortcutOverride events only."""

    def __init__(self, detector: ScanDetector) -> None:
        super().__init__(detector)
        self._detector = detector

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride and not self._detector._replaying:
            return self._detector._claim_shortcut(event)  # type: ignore[arg-type]
        return False


def _has_command_modifier(event: QKeyEvent) -> bool:
    return bool(event.modifiers() & ~_TYPING_MODIFIERS)


def _is_printable(event: QKeyEvent) -> bool:
    text = event.text()
    return len(text) == 1 and text.isprintable() and not _has_command_modifier(event)


__all__ = ["ScanDetector", "ScanRules"]
