"""Where the register's panels go, at 1024x768 and at 1920x1080, and the lines above and below them.

- `HeaderLine`: one line of fixed height above the sale: where and who, or
  the offline banner in its place (so going offline moves nothing), and the
  keys that pause or end the cashier's session on its right.
- `SaleArrangement`: three columns (customer | sale and totals | promotions,
  codes and points) from `WIDE_FROM_PX`; two below it, where the promotions
  fold into a tab beside the sale (Ctrl+Tab) and the codes and points fields
  move under the customer, so nothing leaves a 1024x768 screen. It also sets
  the Tab order: item, cart, code, points, pay, customer search (buttons work
  by their keys and are left out).
- `KeyBar`: the window's buttons, in as many rows as the width needs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.qt.customer_panel import CustomerPanel
from pos_app.qt.language import tr
from pos_app.qt.sale_panels import CartPanel, CodesPanel, PromotionsPanel, TotalsPanel
from pos_app.qt.sale_view import SaleView
from pos_app.qt.widgets import ElidedLabel

WIDE_FROM_PX = 1240  # three columns from this window width; two (promotions in a tab) below it


class HeaderLine(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.stack = QStackedWidget()
        self.stack.setObjectName("header")
        self.identity = ElidedLabel("", "identity", name="header-identity")
        self.banner = ElidedLabel("", "banner", name="offline-banner")
        self.banner.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stack.addWidget(self.identity)
        self.stack.addWidget(self.banner)
        self.stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        row.addWidget(self.stack, 1)
        self.keys = QFrame()
        self.keys.setObjectName("session-keys")
        self._keys = QHBoxLayout(self.keys)
        self._keys.setContentsMargins(0, 0, 0, 0)
        self._keys.setSpacing(6)
        row.addWidget(self.keys)

    def add_key(self, button: QPushButton) -> None:
        self._keys.addWidget(button)
        height = max(button.sizeHint().height(), self.banner.sizeHint().height())
        self.stack.setFixedHeight(height)
        self.keys.setFixedHeight(height)

    def show_line(self, identity: str, banner: str | None) -> None:
        """Where and who; the banner instead when there is one (same place, same height)."""
        self.identity.setText(identity)
        self.banner.setText(banner or "")
        self.stack.setCurrentWidget(self.banner if banner else self.identity)


class KeyBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fkeys")
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(6)
        self.buttons: list[QPushButton] = []
        self._placed: list[list[QPushButton]] = []

    def add(self, button: QPushButton) -> None:
        button.setParent(self)
        self.buttons.append(button)

    def reflow(self, room: int) -> None:
        """Lay the buttons out in rows no wider than `room`."""
        spacing = self._rows.spacing()
        rows: list[list[QPushButton]] = [[]]
        used = 0
        for button in self.buttons:
            width = button.sizeHint().width()
            if rows[-1] and used + spacing + width > room:
                rows.append([])
                used = 0
            rows[-1].append(button)
            used += width + spacing
        if rows == self._placed:
            return
        self._placed = rows
        while self._rows.count():
            item = self._rows.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    item.layout().takeAt(0)
                item.layout().deleteLater()
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(spacing)
            for button in row:
                line.addWidget(button)
            line.addStretch(1)
            self._rows.addLayout(line)


class SaleArrangement:
    """Puts the panels in `grid`, wide or narrow; `tabs` holds the sale and the promotions when narrow."""

    def __init__(self, page: QWidget, grid: QGridLayout, *, customer: CustomerPanel, cart: CartPanel,
                 promotions: PromotionsPanel, codes: CodesPanel, totals: TotalsPanel, pay: QPushButton) -> None:
        self.page, self.grid = page, grid
        self.customer, self.cart, self.promotions, self.codes, self.totals = customer, cart, promotions, codes, totals
        self.pay = pay
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sale-tabs")
        self.tabs.setDocumentMode(True)
        self.wide: bool | None = None

    def arrange(self, wide: bool) -> None:
        """Three columns when wide; two when narrow, the promotions in a tab beside the sale."""
        if wide == self.wide:
            return
        self.wide = wide
        grid, tabs = self.grid, self.tabs
        focused = QApplication.focusWidget()
        panels = (self.customer, self.cart, self.promotions, self.codes, self.totals)
        for widget in (*panels, tabs):
            grid.removeWidget(widget)
        while tabs.count():
            tabs.removeTab(0)
        for col in range(3):
            grid.setColumnStretch(col, 0)
            grid.setColumnMinimumWidth(col, 0)
        if wide:
            tabs.setParent(None)
            grid.addWidget(self.customer, 0, 0, 2, 1)
            grid.addWidget(self.cart, 0, 1)
            grid.addWidget(self.totals, 1, 1)
            grid.addWidget(self.promotions, 0, 2)
            grid.addWidget(self.codes, 1, 2)
            for col, (stretch, least) in enumerate(((23, 290), (46, 0), (31, 370))):
                grid.setColumnStretch(col, stretch)
                grid.setColumnMinimumWidth(col, least)
        else:
            tabs.addTab(self.cart, tr("Sale"))  # the tab's title counts the items: the panel's own is hidden
            tabs.addTab(self.promotions, tr("Promotions"))
            grid.addWidget(self.customer, 0, 0)
            grid.addWidget(self.codes, 1, 0)
            grid.addWidget(tabs, 0, 1)
            grid.addWidget(self.totals, 1, 1)
            grid.setColumnStretch(0, 31)
            grid.setColumnStretch(1, 69)
            grid.setColumnMinimumWidth(0, 270)
        shown = (self.customer, self.codes, self.totals) + ((self.cart, self.promotions) if wide else ())
        for widget in shown:
            widget.show()  # the tabs show their own pages
        self.cart.title.setVisible(wide)
        self.promotions.title.setVisible(wide)
        tabs.setVisible(not wide)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 0)
        self._set_tab_order()
        if focused is not None and focused.isVisible():
            focused.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_tab_order(self) -> None:
        for button in self.page.findChildren(QPushButton):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for area in (self.promotions.scroll, self.customer.card_scroll, self.tabs, self.tabs.tabBar()):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pay.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        chain = [self.cart.item, self.cart.table, self.codes.code, self.codes.points, self.pay, self.customer.search]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def title_tabs(self, view: SaleView) -> None:
        if self.tabs.count() == 2:
            self.tabs.setTabText(0, tr("Sale · %n item(s)", "", view.item_count) if view.rows else tr("Sale"))
            applied = len(view.applied)
            self.tabs.setTabText(1, tr("Promotions · %n applied (Ctrl+Tab)", "", applied) if applied
                                 else tr("Promotions (Ctrl+Tab)"))

    def show_sale(self) -> None:
        """The sale's tab, when the promotions are folded."""
        if self.tabs.count():
            self.tabs.setCurrentIndex(0)

    def toggle_promotions(self) -> None:
        """Narrow screens: Ctrl+Tab shows the promotions, again the sale."""
        if self.tabs.count():
            self.tabs.setCurrentIndex(1 - self.tabs.currentIndex())


__all__ = ["WIDE_FROM_PX", "HeaderLine", "KeyBar", "SaleArrangement"]
