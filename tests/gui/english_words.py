"""Finding English left in a translated window: every text a visible widget shows, checked word by word.

`shown_texts(window)` collects what a person can read in a window and its
open dialogs: labels, buttons, tab titles, table headers and cells, list
items, combo box items, placeholders, tooltips, window titles and the
report's chart titles and series. `english_words(texts, data)` answers the
words of the program's English source texts (`pos_companion_ru.ts`) found in
them, once the demo's own data (names of customers, products, promotions,
rewards, the store) and anything with a digit or an @ (codes, SKUs, order
numbers, e-mails, money) are taken out. Latin words the Russian translation
keeps on purpose (PIN, e-mail, CSV, Enter, Esc) are allowed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_TS = ROOT / "resources" / "translations" / "pos_companion_ru.ts"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_TAGS = re.compile(r"<[^>]+>")
_CODE_LIKE = re.compile(r"\S*[\d@]\S*")  # codes, SKUs, order numbers, e-mails, amounts
_QUOTED = re.compile(r"`[^`]*`")  # a command to type, quoted: it stays as typed


def _words(text: str) -> set[str]:
    text = _CODE_LIKE.sub(" ", _QUOTED.sub(" ", _TAGS.sub(" ", text.replace("&", ""))))
    return {w.lower().strip("'’-") for w in _WORD.findall(text) if len(w) > 1}


@cache
def _catalogue() -> tuple[frozenset[str], frozenset[str]]:
    """(English words of the source texts, Latin words the Russian translations keep)."""
    english: set[str] = set()
    kept: set[str] = set()
    for message in ET.parse(SHIPPED_TS).iter("message"):
        english |= _words(re.sub(r"%L?n|%\d", " ", message.findtext("source") or ""))
        translation = message.find("translation")
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for form in forms:
            kept |= _words(form)
    return frozenset(english), frozenset(kept)


def english_words(texts: Iterable[str], data: Iterable[str]) -> dict[str, set[str]]:
    """For each text that still has English in it: the English words (demo data names taken out first)."""
    english, kept = _catalogue()
    names = sorted({d for d in data if d}, key=len, reverse=True)
    found: dict[str, set[str]] = {}
    for text in texts:
        rest = text
        for name in names:
            if name in rest:
                rest = rest.replace(name, " ")
        words = {w for w in _words(rest) if w in english and w not in kept}
        if words:
            found[text] = words
    return found


def shown_texts(window: QWidget) -> list[str]:
    """Every text a person can read in `window` and the dialogs open over it, as shown."""
    tops = [window, *(w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window
                      and _opened_over(w, window))]
    texts: list[str] = []
    for top in tops:
        texts.append(top.windowTitle())
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            texts.append(widget.toolTip())
            texts.append(widget.accessibleName())
            if isinstance(widget, QLabel):
                texts.append(widget.text())
            elif isinstance(widget, QAbstractButton):
                texts.append(widget.text())
            elif isinstance(widget, QLineEdit):
                texts.append(widget.placeholderText())  # what is typed in it is the cashier's, not ours
            elif isinstance(widget, QComboBox):
                texts.extend(widget.itemText(i) for i in range(widget.count()))
            elif isinstance(widget, QTabWidget):
                texts.extend(widget.tabText(i) for i in range(widget.count()))
                texts.extend(widget.tabToolTip(i) for i in range(widget.count()))
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                texts.extend(_model_texts(widget.model()))
            elif isinstance(widget, QChartView):
                chart = widget.chart()
                texts.append(chart.title())
                for series in chart.series():
                    texts.append(series.name())
                    texts.extend(bar.label() for bar in getattr(series, "barSets", list)())
                for axis in chart.axes():
                    texts.append(axis.titleText())
    return [t for t in texts if t and t.strip()]


def _opened_over(dialog: QWidget, window: QWidget) -> bool:
    """`dialog` is a window of its own opened by `window` (or by one of its dialogs), not another test's."""
    parent = dialog.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


def _model_texts(model) -> list[str]:
    display, root = Qt.ItemDataRole.DisplayRole, QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
    texts = [str(model.headerData(c, Qt.Orientation.Horizontal, display) or "") for c in range(columns)]
    for r in range(min(model.rowCount(root), 50)):
        for c in range(columns):
            index = model.index(r, c)
            texts.append(str(model.data(index, display) or ""))
            texts.append(str(model.data(index, Qt.ItemDataRole.ToolTipRole) or ""))
    return texts


def demo_data_names(register, demo_store) -> set[str]:
    """The demo's own names, shown as they are in every language."""
    store = demo_store.store
    names = {store.name, *store.address, *(p.name for p in demo_store.products),
             *(p.brand for p in demo_store.products if getattr(p, "brand", None)),
             *(c.name for c in demo_store.customers), *(str(p["name"]) for p in demo_store.promotions)}
    accounts = register.ops.accounts()
    names |= {a.name for a in accounts} | {f"({a.id})" for a in accounts} | {f"«{a.id}»" for a in accounts}
    names |= {r.name for r in register.sale_ops.rewards()}
    return names


__all__ = ["demo_data_names", "english_words", "shown_texts"]
