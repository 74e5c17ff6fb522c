"""The register fits a 15-inch 1024x768 terminal and a 1920x1080 screen, and nothing moves when it goes offline.

Geometry is read from the real widgets, laid out by Qt at each size.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from pos_app.qt.connection_status import ConnectionView
from pos_app.qt.sale_panels import PromotionsPanel
from pos_app.qt.sale_view import SaleView
from tests.gui.register_helpers import DEMO_NOW, ZOE_CARD, press

SIZES = [(1024, 768), (1920, 1080)]


def on_window(widget, window) -> QRect:
    """The widget's rectangle in the window's coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def fills_in(qtbot, window, wedge, demo_store) -> None:
    wedge.scan(window, ZOE_CARD)
    qtbot.waitUntil(lambda: window.customer_panel.current is not None, timeout=5000)
    for product in [p for p in demo_store.products if not p.weighted][:6]:
        wedge.scan(window, product.barcode)
    qtbot.waitUntil(lambda: window.view.item_count == 6, timeout=5000)
    window.add_code("SAVE5")
    qtbot.waitUntil(lambda: bool(window.view.codes), timeout=5000)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_everything_a_cashier_needs_is_on_screen(qtbot, open_register, wedge, demo_store, size):
    window = open_register(size=size)
    fills_in(qtbot, window, wedge, demo_store)
    qtbot.wait(50)
    assert (window.width(), window.height()) == size  # not held wider or taller by the layout

    inside = window.rect()
    needed = [window.customer_panel.search, window.customer_panel.name, window.cart_panel.item,
              window.cart_panel.table, window.codes_panel.code, window.codes_panel.points, window.totals_panel.total,
              window.pay_button, window.lock_button, window.sign_out_button, window.status_connection,
              window.status_outbox, window.status_last_sync, window.status_cache, *window.bar_buttons]
    for widget in needed:
        assert widget.isVisible(), widget.objectName()
        assert inside.contains(on_window(widget, window)), (widget.objectName(), on_window(widget, window))
    panels = [window.customer_panel, window.cart_panel, window.codes_panel, window.totals_panel]
    for i, a in enumerate(panels):
        for b in panels[i + 1:]:
            assert not on_window(a, window).intersects(on_window(b, window)), (a.title.text(), b.title.text())
    assert window.cart_panel.table.height() >= 150  # room for at least three lines of the sale

    wide = size[0] >= 1240
    assert window.promotions_panel.isVisible() is wide  # narrow: folded into a tab beside the sale
    if not wide:
        press(window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        assert window.promotions_panel.isVisible() and "SAVE5" in window.codes_panel.codes.text()
        assert window.codes_panel.code.isVisible()  # the codes and points fields stay on screen
        press(window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        assert window.cart_panel.isVisible()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_offline_banner_moves_nothing(qtbot, open_register, wedge, demo_store, size):
    window = open_register(size=size)
    fills_in(qtbot, window, wedge, demo_store)
    qtbot.wait(50)
    watched = [window.customer_panel, window.cart_panel, window.codes_panel, window.totals_panel,
               window.cart_panel.item, window.pay_button]
    before = [on_window(w, window) for w in watched]

    window.set_connection_status(ConnectionView("offline", offline_since=DEMO_NOW - timedelta(minutes=12),
                                                last_synced_at=DEMO_NOW - timedelta(minutes=13)))
    qtbot.wait(50)

    assert window.banner.isVisible() and window.banner.text().startswith("OFFLINE SINCE 10:48")
    assert [on_window(w, window) for w in watched] == before
    if window.banner.is_elided():  # a cut banner says the rest in its tooltip
        assert window.banner.toolTip() == window.banner.text()


def test_search_results_keep_the_digits_that_tell_namesakes_apart_on_a_small_screen(qtbot, open_register):
    window = open_register(size=(1024, 768))
    press(window, Qt.Key.Key_F2)
    qtbot.keyClicks(window.customer_panel.search, "zoe")
    qtbot.waitUntil(lambda: window.customer_panel.list.isVisible(), timeout=5000)
    qtbot.wait(50)
    view, model = window.customer_panel.list, window.customer_panel.candidates
    with_phone = [(row, c) for row, c in enumerate(model.customers) if c.phone]
    assert with_phone
    for row, customer in with_phone:
        index = model.index(row, 0)
        room = view.visualRect(index).width() - 8
        shown = view.fontMetrics().elidedText(model.data(index), Qt.TextElideMode.ElideRight, room)
        assert customer.phone[-4:] in shown, shown
        assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.data(index)


def test_the_window_says_when_the_best_deal_is_not_proven(qtbot):
    from tests.gui.test_register_models import MILK

    panel = PromotionsPanel("USD")
    qtbot.addWidget(panel)
    panel.show()
    panel.show_view(SaleView(rows=(MILK,), optimal=True))
    assert not panel.not_proven.isVisible()
    panel.show_view(SaleView(rows=(MILK,), optimal=False))
    assert panel.not_proven.isVisible() and "search limit" in panel.not_proven.text()
