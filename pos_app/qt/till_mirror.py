"""The register window as the mirror of the store's till: the check the till last inquired is on screen.

The POS API tells `TillChecks` (a plain service object) of each check it
priced and each it committed, on the API's thread; `TillMirror` carries those
to the GUI thread with queued signals and shows the check as the window's
sale (`RegisterWindow.adopt_sale`): its lines, customer, promotions and
nudges. What the cashier then changes there (a code, points, a reward, the
customer) goes back to `TillChecks`, so the till's next inquire answers with
it. The till takes payment: while a till's check is on screen the window's
Pay key is off, and when the till commits, the window starts a new sale and
says which order was written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QObject, Qt, Signal

from pos_app.qt.language import tr
from pos_app.qt.sale_ops import SaleOps
from pos_app.services.till_checks import CheckPaid, CheckShown, TillChecks

PAY_AT_THE_TILL = QT_TR_NOOP("The till takes payment for this check")


class TillMirror(QObject):
    """Keeps `window` showing the till's check and tells `checks` what the cashier changes there."""

    check_shown = Signal(object)  # CheckShown, emitted on the API's thread
    check_paid = Signal(object)  # CheckPaid

    def __init__(self, window: Any, checks: TillChecks) -> None:
        super().__init__(window)
        self.window = window
        self.checks = checks
        self.check_shown.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.check_paid.connect(self._paid, Qt.ConnectionType.QueuedConnection)
        window.sale_changed.connect(self._sale_changed)
        self._unsubscribe = checks.subscribe(self._heard)
        self.destroyed.connect(lambda _obj=None, stop=self._unsubscribe: stop())

    def _heard(self, event: object) -> None:
        if isinstance(event, CheckShown):
            self.check_shown.emit(event)
        elif isinstance(event, CheckPaid):
            self.check_paid.emit(event)

    def _show(self, event: CheckShown) -> None:
        self.window.adopt_sale(event.priced.draft, SaleOps.view_of(event.priced))
        note = tr("Till %1: check %2").replace("%1", str(event.till)).replace("%2", str(event.check_id))
        self.window.show_message("  ·  ".join([note, *event.messages]))

    def _paid(self, event: CheckPaid) -> None:
        if self.window.draft.sale_id == event.sale_id:
            self.window.new_sale()
        self.window.show_message(tr("Till %1 paid check %2: order %3").replace("%1", str(event.till)).replace(
            "%2", str(event.check_id)).replace("%3", str(event.order_id)))
        self.window.refresh_status()  # the sale's entries wait to sync

    def _sale_changed(self, _view: object) -> None:
        if self.checks.changed_by_cashier(self.window.draft):
            self.window.pay_button.setEnabled(False)
            self.window.pay_button.setToolTip(tr(PAY_AT_THE_TILL))
        else:
            self.window.pay_button.setToolTip(tr("Pay") + " (F12)")


__all__ = ["PAY_AT_THE_TILL", "TillMirror"]
