"""The sale's panels: the cart, the promotions, the codes and points, the totals.

Each panel shows a `SaleView` (the priced sale as plain values) and emits
what the cashier asked for (an item typed, a quantity, a code, points to
redeem, pay); the window runs the operation and hands back the new view.
`show_view(view, changes)` redraws only what the operation changed. The
codes and points fields have a panel of their own, so they stay on screen
when a narrow window folds the promotions into a tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.qt import formats
from pos_app.qt.cart_model import CartTableModel, weight_words
from pos_app.qt.language import tr
from pos_app.qt.sale_view import SaleView
from pos_app.qt.widgets import ElidedLabel, Panel, label, set_role
from pos_app.qt.wording import NOT_PROVEN_WORDS, earns_words, money, points

# The widest value of each fixed column, in minor units: prices and discounts up to 999.99, a net up to 9,999.99.
PRICE_SAMPLES = {2: 99999, 3: -99999, 4: 999999}
CELL_PADDING = 24  # the cell's left and right padding in the style sheet, and a little air


class CartPanel(Panel):
    item_entered = Signal(str)  # barcode or SKU typed and Enter
    quantity_changed = Signal(str, object)  # line id, new quantity (int, or kg as a decimal string)
    weight_requested = Signal(str)  # line id of a weighed line whose weight should be entered
    line_removed = Signal(str)  # line id

    def __init__(self, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("Sale"), parent)
        entry = QHBoxLayout()
        self.item = QLineEdit()
        self.item.setObjectName("item-entry")
        self.item.setPlaceholderText(tr("F3  Scan or type a barcode or SKU (3* = three)"))
        self.item.setAccessibleName(tr("Item entry"))
        self.item.returnPressed.connect(self._enter)
        entry.addWidget(self.item, 1)
        self.body.addLayout(entry)

        self.model = CartTableModel(currency, self)
        self.table = QTableView()
        self.table.setObjectName("cart-table")
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        # Two lines per row, fixed: long names wrap instead of being cut, and no row is measured per scan.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(50)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the next field, not the next cell
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        samples = {1: weight_words("99.999"), **{col: money(minor, currency) for col, minor in PRICE_SAMPLES.items()}}
        for col, sample in samples.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, self._column_width(sample))
        self.table.installEventFilter(self)
        self.body.addWidget(self.table, 1)
        self.message = ElidedLabel("", "muted", name="cart-message")
        self.body.addWidget(self.message)
        self.buttons = QHBoxLayout()  # the window puts its line keys here (quantity, remove)
        self.body.addLayout(self.buttons)

    def _column_width(self, sample: str) -> int:
        """Room for the widest value a column shows ("0.532 kg", "-$123.45") in the table's font, and padding."""
        self.table.ensurePolished()
        return self.table.fontMetrics().horizontalAdvance(sample) + CELL_PADDING

    def _enter(self) -> None:
        text = self.item.text().strip()
        if text:
            self.item.clear()
            self.item_entered.emit(text)

    def focus_item(self) -> None:
        self.item.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def selected_line(self) -> str | None:
        index = self.table.currentIndex()
        if index.isValid():
            return self.model.rows[index.row()].line_id
        rows = self.model.rows
        return rows[-1].line_id if rows else None

    def change_selected_quantity(self, delta: int) -> None:
        line_id = self.selected_line()
        if line_id is None:
            return
        row = self.model.rows[self.model.row_of(line_id) or 0]
        if row.weighted:
            self.weight_requested.emit(line_id)  # a weight is typed, not stepped
            return
        qty = int(row.qty) + delta
        if qty <= 0:
            self.line_removed.emit(line_id)
        else:
            self.quantity_changed.emit(line_id, qty)

    def remove_selected(self) -> None:
        line_id = self.selected_line()
        if line_id is not None:
            self.line_removed.emit(line_id)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        from PySide6.QtCore import QEvent

        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
                self.change_selected_quantity(+1)
                return True
            if key == Qt.Key.Key_Minus:
                self.change_selected_quantity(-1)
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    def show_view(self, view: SaleView) -> None:
        selected = self.selected_line() if self.table.currentIndex().isValid() else None
        grew = len(view.rows) > len(self.model.rows)
        self.model.set_rows(view.rows)
        row = None if grew else self.model.row_of(selected) if selected else None  # a new line: select it
        if row is None and view.rows:
            row = len(view.rows) - 1
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        if view.rows:
            self.title.setText(tr("Sale  ·  %n item(s)", "", view.item_count))
        else:
            self.title.setText(tr("Sale"))

    def say(self, text: str, role: str = "muted") -> None:
        self.message.setText(text)
        set_role(self.message, role)


class PromotionsPanel(Panel):
    """What applies and why the rest does not: applied (with amounts), rewards claimed, refused, nudges."""

    def __init__(self, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("Promotions"), parent)
        self.currency = currency
        # One small widget per line (not one rich-text label): plain labels wrap and size reliably.
        self.claims = _Lines("promotions-claims")
        self.applied = _Lines("promotions-applied")
        self.refused = _Lines("promotions-refused")
        self.nudges = _Lines("promotions-nudges")
        # The best combination is searched within a budget; when it could not be proven, the cashier is told.
        self.not_proven = label(tr(NOT_PROVEN_WORDS), "warning", wrap=True, name="promotions-not-proven")
        self.not_proven.setVisible(False)
        # The lists scroll inside the panel: a long cart never pushes the panel off the screen.
        lists = QWidget()
        lists.setObjectName("promotion-lists")
        column = QVBoxLayout(lists)
        column.setContentsMargins(0, 0, 6, 0)
        column.setSpacing(8)
        column.addWidget(self.not_proven)
        column.addWidget(self.claims)
        column.addWidget(self.applied)
        column.addWidget(self.refused)
        column.addWidget(self.nudges)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("promotion-scroll")
        self.scroll.setWidget(lists)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setMinimumHeight(120)
        self.body.addWidget(self.scroll, 1)

    def show_view(self, view: SaleView) -> None:
        m = lambda v: money(v, view.currency)  # noqa: E731
        self.not_proven.setVisible(bool(view.rows) and not view.optimal)
        self.applied.set_lines(
            [(f"✔ {p.name}", "−" + m(p.amount) if p.amount else "+" + points(p.points), "success", None)
             for p in view.applied]
            or ([(tr("No promotion applies yet"), "", "muted", None)] if view.rows else []))
        self.claims.set_lines([(f"★ {name}", points(cost), "shortcut", None) for _id, name, cost in view.claims])
        refused = [(f"✘ {p.name}", "", None, p.words) for p in view.refused[:6]] if view.rows else []
        if view.rows and len(view.refused) > 6:
            refused.append((tr("… and %n more", "", len(view.refused) - 6), "", "muted", None))
        self.refused.set_lines(refused)
        self.nudges.set_lines([(f"➜ {n}", "", "muted", None) for n in view.nudges[:3]]
                              or ([(tr("Promotions show here as items are scanned: what applies, what does not "
                                       "and why."), "", "muted", None)] if not view.rows else []))
        applied = len(view.applied)
        self.title.setText(tr("Promotions  ·  %n applied", "", applied) if applied else tr("Promotions"))


class CodesPanel(Panel):
    """The promo codes entered (with what became of each) and the points the customer pays with."""

    code_entered = Signal(str)
    redeem_requested = Signal(object)  # int points, "max", or 0 to stop redeeming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Codes and points"), parent)
        self.title.setVisible(False)  # the F4 / F6 labels say what the fields are for
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.code = QLineEdit()
        self.code.setObjectName("code-entry")
        self.code.setPlaceholderText(tr("Code"))
        self.code.setAccessibleName(tr("Promo code"))
        self.code.returnPressed.connect(self._code)
        self._codes: tuple = ()
        self._code_refusal = ""
        self.codes = label("", None, wrap=True, name="code-statuses")
        self.codes.setTextFormat(Qt.TextFormat.RichText)
        self.points = QLineEdit()
        self.points.setObjectName("points-entry")
        self.points.setPlaceholderText(tr("Points or M"))
        self.points.setAccessibleName(tr("Points to pay with"))
        self.points.returnPressed.connect(self._points)
        self.redemption = label("", "muted", wrap=True, name="redemption")
        grid.addWidget(label(tr("F4 Code"), "shortcut"), 0, 0)
        grid.addWidget(self.code, 0, 1)
        grid.addWidget(self.codes, 1, 0, 1, 2)
        grid.addWidget(label(tr("F6 Points"), "shortcut"), 2, 0)
        grid.addWidget(self.points, 2, 1)
        grid.addWidget(self.redemption, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)

    def _code(self) -> None:
        text = self.code.text().strip()
        if text:
            self.code.clear()
            self.code_entered.emit(text)

    def _points(self) -> None:
        text = self.points.text().strip().lower()
        if text in ("m", "max", "all", tr("m", "the most points allowed").lower()):
            self.redeem_requested.emit("max")
        elif text.replace(",", "").isdigit():
            self.redeem_requested.emit(int(text.replace(",", "")))
        elif text == "":
            self.redeem_requested.emit(0)
        else:
            self.say_points(tr("Type a number of points, or M for the most allowed"), "danger")

    def say_points(self, text: str, role: str = "muted") -> None:
        self.redemption.setText(text)
        set_role(self.redemption, role)

    def refuse_code(self, message: str) -> None:
        """A code the sale would not take (unknown, used, someone else's), shown under the code field."""
        self._code_refusal = message
        self._draw_codes()

    def _draw_codes(self) -> None:
        lines = [f"<span style='color:{'#5cff8a' if c.ok else '#ff8a80'}'><b>{_esc(c.code.upper())}</b>: "
                 f"{_esc(c.words)}</span>" for c in self._codes]
        if self._code_refusal:
            lines.append(f"<span style='color:#ff8a80'>✘ {_esc(self._code_refusal)}</span>")
        self.codes.setText("<br/>".join(lines))
        self.codes.setVisible(bool(lines))

    def focus_code(self) -> None:
        self.code.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_points(self) -> None:
        self.points.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.points.selectAll()

    def clear(self) -> None:
        """A new sale: no code typed, no points asked, nothing said about the last one."""
        self.code.clear()
        self.points.clear()
        self._codes, self._code_refusal = (), ""
        self._draw_codes()
        self.say_points("")

    def show_view(self, view: SaleView) -> None:
        m = lambda v: money(v, view.currency)  # noqa: E731
        self._codes = view.codes
        self._code_refusal = ""
        self._draw_codes()
        r = view.redemption
        if r is None:
            self.say_points("" if view.customer_points is None
                            else tr("%Ln point(s) spendable now", "", view.customer_points))
        else:
            asked = tr("max", "the most points allowed") if r.requested == "max" else formats.number(int(r.requested))
            text = tr("Paying %1 = %2  (asked %3)").replace("%1", points(r.redeemed)).replace(
                "%2", m(r.value)).replace("%3", asked)
            if r.words and r.limited_by != "share":
                text += f"\n{r.words}"
            if r.limited_by in ("share", "step") and r.cap:
                text += "\n" + tr("At most %1 may pay for this order").replace("%1", points(r.cap))
            self.say_points(text, "success" if r.redeemed and not r.limited_by else "muted"
                            if r.redeemed else "danger")


class _Row(QWidget):
    """One line of a `_Lines` column: the text, its amount on the right, and a reason under it."""

    def __init__(self) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(0)
        self.name = label("", None, wrap=True)
        self.value = label("", None)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.why = label("", "danger-detail", wrap=True)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.value, 0, 1)
        grid.addWidget(self.why, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.shown: tuple[str, str, str | None, str | None] | None = None

    def show_line(self, line: tuple[str, str, str | None, str | None]) -> None:
        if line == self.shown:
            return
        text, amount, role, detail = line
        before = self.shown or ("", "", "\0", None)
        if role != before[2]:
            set_role(self.name, role)
            set_role(self.value, role)
        self.name.setText(text)
        self.value.setText(amount)
        self.value.setVisible(bool(amount))
        self.why.setText(detail or "")
        self.why.setVisible(bool(detail))
        self.shown = line


class _Lines(QWidget):
    """A column of (text, amount, role, detail) lines, redrawn when the sale changes.

    Row widgets are kept and reused, never deleted: a scan that brings a new promotion shows a row
    already built and styled instead of building one (building and styling widgets is what costs).
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._texts: list[str] = []
        self._lines: list = []
        self._rows: list[_Row] = []

    def text(self) -> str:
        """Everything shown, one line per entry (for tests and accessibility)."""
        return "\n".join(self._texts)

    def set_lines(self, lines: list[tuple[str, str, str | None, str | None]]) -> None:
        if lines == self._lines:
            return  # nothing to redraw (most scans change amounts of a few lines, not the list)
        while len(self._rows) < len(lines):
            row = _Row()
            self._rows.append(row)
            self._layout.addWidget(row)
        for row, line in zip(self._rows, lines, strict=False):
            row.show_line(line)
            row.setVisible(True)
        for row in self._rows[len(lines):]:
            row.setVisible(False)
        self._lines = lines
        self._texts = [" ".join(part for part in (t, a, d or "") if part) for t, a, _r, d in lines]
        self.setVisible(bool(lines))


class TotalsPanel(Panel):
    pay_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Total"), parent)
        self.title.setVisible(False)  # the amount due speaks for itself
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        self.subtotal = label("", "amount", name="subtotal")
        self.discounts = label("", "amount", name="discounts")
        self.points_paid = label("", "amount", name="points-paid")
        self.earned = label("", "muted", name="points-earned")
        for row, (text, value) in enumerate(((tr("Subtotal"), self.subtotal), (tr("Discounts"), self.discounts),
                                             (tr("Paid with points"), self.points_paid))):
            grid.addWidget(label(text, "muted"), row, 0)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(value, row, 1)
        grid.setColumnMinimumWidth(1, 110)
        row = QHBoxLayout()
        row.setSpacing(28)
        row.addLayout(grid)
        row.setAlignment(grid, Qt.AlignmentFlag.AlignTop)
        due = self.due = QVBoxLayout()  # the amount due, what it earns, and the window's pay key under them
        due.setSpacing(4)
        self.total = label(money(0), "total", name="total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        due.addWidget(self.total)
        self.earned.setAlignment(Qt.AlignmentFlag.AlignRight)
        due.addWidget(self.earned)
        row.addLayout(due, 1)
        self.body.addLayout(row)

    def show_view(self, view: SaleView) -> None:
        m = lambda v: money(v, view.currency)  # noqa: E731
        self.subtotal.setText(m(view.subtotal))
        self.discounts.setText(m(-view.discount_total) if view.discount_total else m(0))
        self.points_paid.setText(m(-view.points_value) if view.points_value else m(0))
        self.total.setText(m(view.total))
        self.earned.setText(earns_words(view.points_earned) if view.customer_points is not None and view.rows
                            else "")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["CartPanel", "CodesPanel", "PromotionsPanel", "TotalsPanel"]
