"""The register window: customer, sale, promotions and totals on one keyboard-first screen.

The window owns the current sale draft and the identified customer, and is
the one place that turns the cashier's requests into operations on the task
runner (`RegisterOps`, `SaleOps`); answers come back on the GUI thread and
each names what it changed, so only those panels redraw. Barcode scans from
the `ScanDetector` land here wherever the focus is: a loyalty card (in-store
prefix 29 by default) identifies the customer, other digits are items, anything with
letters is a promo code (or, in manager mode's return tab, an order number).

Every frequent action has an F-key, printed on its button. The status bar
shows the connection, the outbox, the last sync, the data's age, the
register and the cashier; the offline banner above the screen never takes
the focus or blocks a sale.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from pos_app.demo.barcodes import CARD_PREFIX
from pos_app.printing.escpos_output import PrinterConfig
from pos_app.qt.connection_status import LOCAL_ONLY, ConnectionView, status_texts
from pos_app.qt.customer_panel import CustomerPanel
from pos_app.qt.dialogs import EnrollDialog, PinDialog, ReceiptDialog, RewardsDialog, WeightDialog
from pos_app.qt.manager_dialog import ManagerDialog
from pos_app.qt.receipt_preview import print_receipt_in_background
from pos_app.qt.register_ops import Changed, CustomerCard, OpChanges, RegisterOps
from pos_app.qt.returns_panel import ReturnsPanel
from pos_app.qt.sale_ops import Draft, SaleOps, SaleUpdate
from pos_app.qt.sale_panels import CartPanel, PromotionsPanel, TotalsPanel
from pos_app.qt.sale_view import SaleView
from pos_app.qt.scanner import ScanDetector
from pos_app.qt.task_runner import TaskFailure, TaskRunner
from pos_app.qt.widgets import fkey_button, label, set_role
from pos_app.services.accounts import Authenticated
from pos_app.services.checkout import Connectivity
from pos_app.services.connectivity import connectivity_of
from pos_app.services.enrollment import Enrolled
from pos_app.services.identification import Candidates, Identified
from pos_app.services.outcome import Refused

STATUS_REFRESH_MS = 5000


@dataclass
class RegisterContext:
    """What the composition root hands the window: ops, runner, clock and the register's facts."""

    ops: RegisterOps
    sale_ops: SaleOps
    runner: TaskRunner
    clock: Callable[[], datetime]
    register_id: str
    store_id: str
    store_name: str
    store_address: tuple[str, ...] = ()
    currency: str = "USD"
    printer: PrinterConfig | None = None
    hint: str | None = None
    cashier_id: str | None = None
    cashier_name: str | None = None
    manager_id: str = "manager"
    sync_loop: Any = None
    cache_loaded_at: datetime | None = None
    scanner: ScanDetector | None = None
    card_prefix: str = CARD_PREFIX
    demo_network: Any = None  # the demo's embedded central service (cut() / restore() / running)


class _DraftChain:
    """The newest sale draft as the worker sees it, and the sale's generation (bumped by a new sale)."""

    def __init__(self, draft: Draft) -> None:
        self.lock = threading.Lock()
        self.draft = draft
        self.generation = 0


class _SyncBridge(QObject):
    """Carries the sync loop's status (reported on its thread) to the GUI thread."""

    status_changed = Signal(object)


class RegisterWindow(QMainWindow):
    customer_changed = Signal(object)  # CustomerCard | None
    sale_changed = Signal(object)  # SaleView
    sale_completed = Signal(object)  # the checkout result
    receipt_printed = Signal(str)  # order number
    message_shown = Signal(str)

    def __init__(self, context: RegisterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        self.runner = context.runner
        self.ops = context.ops
        self.sale_ops = context.sale_ops
        self.draft = self.sale_ops.new_draft()
        self._chain = _DraftChain(self.draft)
        self._shown_generation = 0
        self.view = SaleView(currency=context.currency)
        self.card: CustomerCard | None = None
        self.connection = ConnectionView(LOCAL_ONLY if context.sync_loop is None else "offline")
        self.manager_dialog: ManagerDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.setObjectName("register-window")
        title = f"pos-companion — {context.store_name} · Register {context.register_id}"
        self.setWindowTitle(title + (f"   [{context.hint}]" if context.hint else ""))

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(10)
        self.banner = QLabel("")
        self.banner.setObjectName("offline-banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.banner.setVisible(False)
        outer.addWidget(self.banner)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        self.customer_panel = CustomerPanel(hint=context.hint)
        self.cart_panel = CartPanel(context.currency)
        self.promotions_panel = PromotionsPanel(context.currency)
        self.totals_panel = TotalsPanel()
        # Customer | the sale and what it costs | promotions, codes and points
        grid.addWidget(self.customer_panel, 0, 0, 2, 1)
        grid.addWidget(self.cart_panel, 0, 1)
        grid.addWidget(self.totals_panel, 1, 1)
        grid.addWidget(self.promotions_panel, 0, 2, 2, 1)
        grid.setColumnStretch(0, 23)
        grid.setColumnStretch(1, 46)
        grid.setColumnStretch(2, 31)
        grid.setColumnMinimumWidth(0, 290)  # the same columns whatever the panels hold
        grid.setColumnMinimumWidth(2, 370)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 0)
        outer.addLayout(grid, 1)

        customer_buttons = QHBoxLayout()
        self.enroll_button = fkey_button("F9", "Enroll", central, self.open_enroll, window=self)
        self.clear_customer_button = fkey_button("F11", "Clear", central, self.clear_customer, window=self,
                                                 name="button-clear-customer")
        customer_buttons.addWidget(self.enroll_button)
        customer_buttons.addWidget(self.clear_customer_button)
        self.customer_panel.body.addLayout(customer_buttons)

        cart_buttons = QHBoxLayout()
        self.more_button = fkey_button("F5", "Qty +1", central, lambda: self.cart_panel.change_selected_quantity(1),
                                       window=self, name="button-qty-plus")
        self.less_button = fkey_button("F7", "Qty −1", central,
                                       lambda: self.cart_panel.change_selected_quantity(-1), window=self,
                                       name="button-qty-minus")
        self.remove_button = fkey_button("F8", "Remove line", central, self.cart_panel.remove_selected,
                                         window=self, name="button-remove")
        for b in (self.more_button, self.less_button, self.remove_button):
            cart_buttons.addWidget(b)
        cart_buttons.addStretch(1)
        self.cart_panel.body.addLayout(cart_buttons)

        self.pay_button = fkey_button("F12", "Pay", central, self.checkout, window=self, name="button-pay")
        self.pay_button.setEnabled(False)
        self.totals_panel.body.addWidget(self.pay_button)

        self.fkeys = QFrame()
        self.fkeys.setObjectName("fkeys")
        keys = QHBoxLayout(self.fkeys)
        keys.setContentsMargins(0, 0, 0, 0)
        keys.setSpacing(6)
        self.customer_button = fkey_button("F2", "Customer", self.fkeys, self.customer_panel.focus_search,
                                           window=self)
        self.item_button = fkey_button("F3", "Item", self.fkeys, self.cart_panel.focus_item, window=self)
        self.code_button = fkey_button("F4", "Code", self.fkeys, self.promotions_panel.focus_code, window=self)
        self.points_button = fkey_button("F6", "Points", self.fkeys, self.promotions_panel.focus_points,
                                         window=self)
        self.rewards_button = fkey_button("F1", "Rewards", self.fkeys, self.open_rewards, window=self)
        self.manager_button = fkey_button("F10", "Manager", self.fkeys, self.open_manager, window=self)
        self.new_sale_button = fkey_button("", "Ctrl+N  New sale", self.fkeys, self.new_sale,
                                           name="button-new-sale")
        new_sale = QShortcut(QKeySequence("Ctrl+N"), self)
        new_sale.activated.connect(self.new_sale)
        for b in (self.customer_button, self.item_button, self.code_button, self.points_button,
                  self.rewards_button, self.manager_button, self.new_sale_button):
            keys.addWidget(b)
        keys.addStretch(1)
        self.network_button = None
        if context.demo_network is not None:
            self.network_button = fkey_button("", "Ctrl+K  Demo: cut the connection", self.fkeys,
                                              self.toggle_demo_network, name="button-demo-network")
            cut = QShortcut(QKeySequence("Ctrl+K"), self)
            cut.activated.connect(self.toggle_demo_network)
            keys.addWidget(self.network_button)
        outer.addWidget(self.fkeys)
        self.setCentralWidget(central)

        self._build_status_bar()
        self._connect()
        self.customer_panel.clear_customer()
        self._show_sale(self.view, OpChanges(cart=True, promotions=True, totals=True))
        self.cart_panel.focus_item()

        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        self._bridge = _SyncBridge(self)
        self._bridge.status_changed.connect(self.set_connection_status)
        if context.sync_loop is not None:
            context.sync_loop.on_status = self._bridge.status_changed.emit
            self.set_connection_status(context.sync_loop.status)
        self._draw_status()
        self.refresh_status()
        self.runner.run_read(self.ops.catalogue_size, on_success=self._first_run_hint, label="catalogue size")

    def _first_run_hint(self, products: int) -> None:
        if products == 0 and not self.ctx.hint:
            self.customer_panel.set_hint("This register's store is empty: try `pos-companion --demo`, or set the "
                                         "central service in the config file and sync.")

    # -- wiring -------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = QStatusBar()
        bar.setSizeGripEnabled(False)
        self.status_connection = label("", "success", name="status-connection")
        self.status_outbox = label("", "muted", name="status-outbox")
        self.status_last_sync = label("", "muted", name="status-last-sync")
        self.status_cache = label("", "muted", name="status-cache")
        self.status_who = label("", "muted", name="status-who")
        self.status_message = label("", "muted", name="status-message")
        bar.addWidget(self.status_connection)
        for w in (self.status_outbox, self.status_last_sync, self.status_cache):
            bar.addWidget(_separator())
            bar.addWidget(w)
        bar.addWidget(_separator())
        bar.addWidget(self.status_message, 1)
        self.status_message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addPermanentWidget(self.status_who)
        self.setStatusBar(bar)

    def _connect(self) -> None:
        cp = self.customer_panel
        cp.search_requested.connect(self.search_customer)
        cp.customer_chosen.connect(self.choose_customer)
        self.cart_panel.item_entered.connect(self._typed_in_item_field)
        self.cart_panel.quantity_changed.connect(self.set_quantity)
        self.cart_panel.line_removed.connect(self.remove_line)
        self.cart_panel.weight_requested.connect(lambda line_id: self.ask_weight(line_id, new=False))
        self.promotions_panel.code_entered.connect(self.add_code)
        self.promotions_panel.redeem_requested.connect(self.redeem)
        self.runner.task_failed.connect(self._task_failed)
        if self.ctx.scanner is not None:
            self.ctx.scanner.barcode_scanned.connect(self.handle_scan)

    # -- scans --------------------------------------------------------------------------------

    def handle_scan(self, code: str) -> None:
        """A wedge scan, wherever the focus was: card, item, code, or an order in the return tab."""
        code = code.strip()
        modal = QApplication.activeModalWidget()
        if modal is not None and not self._owns(modal):
            modal = None  # another window's dialog (a second register in the same process): not ours
        handler = getattr(modal, "handle_scan", None) if modal is not None else None
        if handler is not None and handler(code):
            return
        if modal is not None and modal is not self:
            return  # a dialog is open: a scan must not change the sale behind it
        if self._is_card(code):
            self.search_customer(code, pick=True)
        elif code.isdigit():
            # "3*" typed in the item field before the scan: three of them
            times = self.cart_panel.item.text().strip()
            if re.fullmatch(r"\d{1,4}\*", times):
                self.cart_panel.item.clear()
                code = times + code
            self.add_item(code)
        else:
            self.add_code(code)

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def _typed_in_item_field(self, text: str) -> None:
        """A card number typed where items go is still a card: identify, do not refuse it as a product."""
        if self._is_card(text):
            self.search_customer(text, pick=True)
        else:
            self.add_item(text)

    def _is_card(self, code: str) -> bool:
        return code.isdigit() and len(code) == 13 and code.startswith(self.ctx.card_prefix)

    # -- customer -----------------------------------------------------------------------------

    def search_customer(self, text: str, pick: bool = False) -> None:
        def answered(found) -> None:
            if isinstance(found, Identified):
                if pick or found.by != "name":
                    self.choose_customer(found.customer.id)
                else:
                    self.customer_panel.show_answer((found.customer,), found.by, False, None)
            elif isinstance(found, Candidates):
                self.customer_panel.show_answer(found.customers, found.by, found.more, None)
            else:
                self.customer_panel.show_answer((), "", False, found.message)

        self.runner.run_read(lambda: self.ops.identify(text), on_success=answered, label="find customer",
                             latest_only="customer-search")

    def choose_customer(self, customer_id: str) -> None:
        self.runner.run_read(lambda: self.ops.customer_card(customer_id), on_success=self._show_card,
                             label="load customer", latest_only="customer-card")
        self._run_sale(lambda d: self.sale_ops.set_customer(d, customer_id), "price for customer")

    def _show_card(self, card: CustomerCard | Refused) -> None:
        if isinstance(card, Refused):
            self.customer_panel.show_answer((), "", False, card.message)
            return
        self.card = card
        self.customer_panel.show_card(card, self.ctx.clock().date())
        self.customer_changed.emit(card)
        self.cart_panel.focus_item()

    def refresh_customer(self) -> None:
        if self.card is not None:
            customer_id = self.card.customer.id
            self.runner.run_read(lambda: self.ops.customer_card(customer_id), on_success=self._show_card,
                                 label="load customer", latest_only="customer-card")

    def clear_customer(self) -> None:
        self.card = None
        self.customer_panel.clear_customer()
        self.customer_changed.emit(None)
        self._run_sale(lambda d: self.sale_ops.set_customer(d, None), "price without customer")

    # -- sale ---------------------------------------------------------------------------------

    def _run_sale(self, change: Callable[[Draft], SaleUpdate], what: str) -> None:
        """Run a change of the sale on the worker's "sale" lane, after the changes submitted before it.

        Each change starts from the draft the previous one produced (not from what the screen shows
        yet), so two fast scans both land. A new sale starts a new generation; changes queued for an
        older one are dropped.
        """
        chain, generation = self._chain, self._chain.generation

        def work() -> SaleUpdate | None:
            with chain.lock:
                if chain.generation != generation:
                    return None
                update = change(chain.draft)
                chain.draft = update.draft
                return update

        self.runner.run_write(work, on_success=lambda update: self._sale_updated(update, generation), label=what,
                              lane="sale")

    def adopt_sale(self, draft: Draft, view: SaleView) -> None:
        """Show a sale built elsewhere (a till's check, through the POS API) as the sale on screen.

        The same sale again (the till inquired after a change) keeps the cashier's changes still
        queued for it; another sale drops them, as a new sale does.
        """
        with self._chain.lock:
            another = draft.sale_id != self._chain.draft.sale_id
            if another:
                self._chain.generation += 1
            self._chain.draft = draft
            generation = self._shown_generation = self._chain.generation
        if another:
            self.cart_panel.say("")  # what was said about the sale before is not about this one
        if draft.customer_id is None and self.card is not None:
            self.card = None
            self.customer_panel.clear_customer()
            self.customer_changed.emit(None)
        elif draft.customer_id is not None and (self.card is None or self.card.customer.id != draft.customer_id):
            customer_id = draft.customer_id
            self.runner.run_read(lambda: self.ops.customer_card(customer_id), on_success=self._show_card,
                                 label="load customer", latest_only="customer-card")
        self._sale_updated(SaleUpdate(draft, view, OpChanges(cart=True, promotions=True, totals=True)), generation)

    def _sale_updated(self, update: SaleUpdate | None, generation: int) -> None:
        if update is None or generation != self._shown_generation:
            return  # an answer for a sale that was already finished or abandoned
        self.draft = update.draft
        if update.refused is not None and update.about == "code":
            self.promotions_panel.refuse_code(update.refused.message)
        elif update.refused is not None and update.about == "points":
            self.promotions_panel.redemption.setText(update.refused.message)
            set_role(self.promotions_panel.redemption, "danger")
        elif update.refused is not None and update.about == "reward":
            self.show_message(update.refused.message)
            set_role(self.status_message, "danger")
        elif update.refused is not None:
            self.cart_panel.say(update.refused.message, "danger")
        elif update.message:
            self.cart_panel.say(update.message, "muted")
        self._show_sale(update.view, update.changes)
        if update.weigh_line is not None:
            self.ask_weight(update.weigh_line, new=True)

    def ask_weight(self, line_id: str, *, new: bool) -> None:
        """A loose item's weight in kg; cancelling a just-scanned one takes it off the sale."""
        line = self.draft.line(line_id)
        if line is None:
            return
        dialog = self.weight_dialog = WeightDialog(line.name, "" if new else str(line.qty), self)
        dialog.setObjectName("weight-dialog")
        dialog.weighed.connect(lambda kg: self.set_quantity(line_id, kg))
        if new:
            dialog.rejected.connect(lambda: self.remove_line(line_id))
        dialog.finished.connect(lambda _r: self._back_to_the_sale())
        dialog.open()

    def _show_sale(self, view: SaleView, changes: OpChanges) -> None:
        self.view = view
        if changes.cart:
            self.cart_panel.show_view(view)
        if changes.promotions:
            self.promotions_panel.show_view(view)
        if changes.totals:
            self.totals_panel.show_view(view)
        self.pay_button.setEnabled(bool(view.rows))
        self.sale_changed.emit(view)

    def add_item(self, scanned: str) -> None:
        self._run_sale(lambda d: self.sale_ops.add_item(d, scanned), f"add item {scanned}")

    def set_quantity(self, line_id: str, qty: int | str) -> None:
        self._run_sale(lambda d: self.sale_ops.set_quantity(d, line_id, qty), "change quantity")

    def remove_line(self, line_id: str) -> None:
        self._run_sale(lambda d: self.sale_ops.remove_line(d, line_id), "remove line")

    def add_code(self, code: str) -> None:
        self._run_sale(lambda d: self.sale_ops.add_code(d, code), f"apply code {code}")

    def redeem(self, request: int | str) -> None:
        if self.card is None and request:
            self.promotions_panel.redemption.setText("Identify the customer first (F2) to pay with points")
            set_role(self.promotions_panel.redemption, "danger")
            return
        self._run_sale(lambda d: self.sale_ops.redeem(d, request), "redeem points")

    def new_sale(self) -> None:
        with self._chain.lock:
            self._chain.generation += 1
            self._chain.draft = self.sale_ops.new_draft()
        self._shown_generation = self._chain.generation
        self.draft = self.sale_ops.new_draft()
        self.card = None
        self.customer_panel.clear_customer()
        self.cart_panel.say("")
        self.promotions_panel.code.clear()
        self.promotions_panel.points.clear()
        self._show_sale(SaleView(currency=self.ctx.currency), OpChanges(cart=True, promotions=True, totals=True))
        self.cart_panel.focus_item()

    def checkout(self) -> None:
        if not self.view.rows:
            return
        chain, generation, cashier = self._chain, self._chain.generation, self.ctx.cashier_id
        connectivity, shown = self._connectivity(), self.view.total

        def work() -> Changed | None:
            with chain.lock:  # after every change queued before it: the sale as the cashier last saw it
                if chain.generation != generation or not chain.draft.lines:
                    return None
                return self.sale_ops.checkout(chain.draft, cashier, cashier_name=self.ctx.cashier_name,
                                              connectivity=connectivity, expected_total=shown)

        self.pay_button.setEnabled(False)
        self.cart_panel.say("Recording the sale…")
        self.runner.run_write(work, on_success=self._checked_out, label="checkout", lane="sale")

    def _connectivity(self) -> Connectivity:
        """What checkout needs to know of the connection: offline, points spent are capped.

        The cache age comes from the sync loop's monotonic counter when there is one, so
        neither a wall-clock change nor a restart can make an old cache look fresh.
        """
        view = self.connection
        return connectivity_of(view.state, offline_since=view.offline_since, last_synced_at=view.last_synced_at,
                               exposure=getattr(self.ctx.sync_loop, "exposure", None), now=self.ctx.clock(),
                               loaded_at=self.ctx.cache_loaded_at)

    def _checked_out(self, changed: Changed | None) -> None:
        if changed is None:
            return
        result = changed.result
        if isinstance(result, Refused):
            self.cart_panel.say(result.message, "danger")
            self.pay_button.setEnabled(True)
            if result.reason == "price_changed":  # show the amount the sale costs now, then pay again
                self._run_sale(lambda d: self.sale_ops.price(d, message=result.message), "re-price")
            return
        self.sale_completed.emit(result)
        receipt = result.receipt
        self.new_sale()
        self.refresh_status()
        dialog = self.receipt_dialog = ReceiptDialog(self.runner, receipt, lambda: self.print_receipt(receipt),
                                                     self, summary=result.summary)
        dialog.finished.connect(lambda _r: self._back_to_the_sale())
        dialog.open()

    def _back_to_the_sale(self) -> None:
        self.activateWindow()
        self.cart_panel.focus_item()

    def print_receipt(self, receipt) -> None:
        if self.ctx.printer is None:
            return
        dialog = self.receipt_dialog

        def printed(_none) -> None:
            if dialog is not None:
                dialog.say("Printed.", "success")
            self.receipt_printed.emit(receipt.order_number)

        def failed(failure: TaskFailure) -> None:
            if dialog is not None:
                dialog.say(f"Printer problem: {failure.error}. The sale is saved; print again later.", "danger")

        if dialog is not None:
            dialog.say("Printing…")
        print_receipt_in_background(self.runner, self.ctx.printer, receipt, on_printed=printed, on_failure=failed)

    # -- rewards ------------------------------------------------------------------------------

    def open_rewards(self) -> None:
        """F1: the rewards catalogue for the identified customer; a claim joins the sale."""
        if self.card is None:
            self.show_message("Identify the customer first (F2) to claim a reward")
            return
        name = self.card.customer.name
        spendable = self.view.customer_points if self.view.customer_points is not None \
            else self.card.confirmed + self.card.pending

        def show(rewards) -> None:
            dialog = self.rewards_dialog = RewardsDialog(rewards, spendable, name, self)
            dialog.setObjectName("rewards-dialog")
            dialog.chosen.connect(lambda reward_id: self._run_sale(
                lambda d: self.sale_ops.claim_reward(d, reward_id), "claim reward"))
            dialog.finished.connect(lambda _r: self._back_to_the_sale())
            dialog.open()

        self.runner.run_read(self.sale_ops.rewards, on_success=show, label="rewards catalogue")

    # -- enrolment ----------------------------------------------------------------------------

    def open_enroll(self) -> None:
        dialog = EnrollDialog(self, today=self.ctx.clock().date())
        dialog.setObjectName("enroll-dialog")
        self.enroll_dialog = dialog

        def submitted(values: dict) -> None:
            self.runner.run_write(lambda: self.ops.enroll(cashier_id=self.ctx.cashier_id, **values),
                                  on_success=lambda changed: enrolled(changed), label="enroll customer")

        def enrolled(changed: Changed) -> None:
            result = changed.result
            if isinstance(result, Refused):
                dialog.refuse(result.message)
                return
            assert isinstance(result, Enrolled)
            dialog.accept()
            self.choose_customer(result.customer.id)
            note = f"Enrolled {result.customer.name}"
            if result.welcome_code is not None:
                note += f" — welcome code {result.welcome_code.display or result.welcome_code.code}"
            self.show_message(note)
            self.refresh_status()

        dialog.submitted.connect(submitted)
        dialog.open()

    # -- manager ------------------------------------------------------------------------------

    def open_manager(self) -> None:
        dialog = PinDialog(self, user_id=self.ctx.manager_id)
        dialog.setObjectName("pin-dialog")
        self.pin_dialog = dialog
        if self.ctx.scanner is not None:
            self.ctx.scanner.set_enabled(False)  # PIN digits typed fast are not a scan
            dialog.finished.connect(lambda _r: self.ctx.scanner.set_enabled(True))

        def submitted(user_id: str, pin: str) -> None:
            self.runner.run_write(lambda: self.ops.verify_manager(user_id, pin),
                                  on_success=lambda result: answered(result, pin), label="manager PIN")

        def answered(result, pin: str) -> None:
            if isinstance(result, Refused):
                dialog.refuse(result.message)
                return
            assert isinstance(result, Authenticated)
            dialog.accept()
            self._open_manager_mode(result.account.id, result.account.name, pin)

        dialog.submitted.connect(submitted)
        dialog.open()

    def _open_manager_mode(self, manager_id: str, name: str, pin: str) -> None:
        customer = self.card.customer if self.card else None
        returns = self._returns_widget(manager_id, pin)
        dialog = ManagerDialog(self.runner, self.ops, manager_id=manager_id, manager_name=name, pin=pin,
                               customer_id=customer.id if customer else None,
                               customer_name=f"{customer.name} ({self.card.confirmed + self.card.pending:,} points)"
                               if customer and self.card else None, parent=self, returns=returns,
                               connection=self._connection_words())
        dialog.setObjectName("manager-dialog")
        dialog.changed.connect(self._manager_changed)
        dialog.finished.connect(lambda _r: self._manager_closed())
        self.manager_dialog = dialog
        self.status_who.setText(self.status_who.text() + f"  ·  MANAGER {name}")
        dialog.open()

    def _returns_widget(self, manager_id: str, pin: str) -> QWidget:
        return ReturnsPanel(self.runner, self.ops, manager_id=manager_id, pin=pin, cashier_id=self.ctx.cashier_id,
                            on_changed=self._manager_changed)

    def _connection_words(self) -> str:
        loop = self.ctx.sync_loop
        if loop is None:
            return "Not configured: this register keeps its ledger locally (entries wait in the outbox)."
        client = getattr(loop, "client", None)
        where = getattr(client, "base_url", "?")
        paired = getattr(client, "register_id", None)
        return f"{where} — paired as {paired}" if paired else f"{where} — not paired"

    def _manager_changed(self, changes: OpChanges) -> None:
        if changes.customer:
            self.refresh_customer()
        if changes.totals or changes.promotions:
            if self.draft.lines:
                self._run_sale(lambda d: self.sale_ops.price(d), "reprice")
        if changes.outbox:
            self.refresh_status()

    def _manager_closed(self) -> None:
        self.manager_dialog = None
        self.refresh_status()
        self._back_to_the_sale()

    # -- status -------------------------------------------------------------------------------

    def set_connection_status(self, status: object) -> None:
        """From the sync loop (through the bridge) or a test: redraw the status bar and banner."""
        view = status if isinstance(status, ConnectionView) else ConnectionView.from_sync_status(status)
        self.connection = view
        self._draw_status()

    def refresh_status(self) -> None:
        if self.runner.is_closed:
            return
        self.runner.run_read(self.ops.outbox_size, on_success=self._outbox_counted, label="outbox size",
                             latest_only="outbox-size")
        exposure = getattr(self.ctx.sync_loop, "exposure", None)
        if exposure is not None:
            state = exposure.state()
            self.runner.run_write(lambda: self.ops.save_exposure(state), label="offline exposure", lane="sync")

    def _outbox_counted(self, size: int) -> None:
        self.connection = self.connection.with_pending(size)
        self._draw_status()

    def _draw_status(self) -> None:
        texts = status_texts(self.connection, self.ctx.clock(), register=self.ctx.register_id,
                             cashier=self.ctx.cashier_name or self.ctx.cashier_id,
                             cache_loaded_at=self.ctx.cache_loaded_at)
        self.status_connection.setText(texts.connection)
        set_role(self.status_connection, texts.tone)
        self.status_outbox.setText(texts.outbox)
        self.status_last_sync.setText(texts.last_sync)
        self.status_cache.setText(texts.cache)
        self.status_who.setText(texts.who)
        self.banner.setText(texts.banner or "")
        self.banner.setVisible(texts.banner is not None)

    def toggle_demo_network(self) -> None:
        """The demo's outage: stop (or restart) the embedded central service, then let the loop notice."""
        network, loop = self.ctx.demo_network, self.ctx.sync_loop
        if network is None:
            return
        cutting = network.running
        assert self.network_button is not None
        self.network_button.setEnabled(False)

        def work() -> bool:
            network.cut() if cutting else network.restore()
            if loop is not None:
                loop.sync_now()
            return network.running

        def done(running: bool) -> None:
            self.network_button.setEnabled(True)
            self.network_button.setText("Ctrl+K  Demo: cut the connection" if running
                                        else "Ctrl+K  Demo: restore the connection")
            self.show_message("Demo: central service stopped" if not running else "Demo: central service back")

        self.runner.run_write(work, on_success=done, label="demo network", lane="demo-network")

    def show_message(self, text: str) -> None:
        self.status_message.setText(text)
        self.message_shown.emit(text)

    def _task_failed(self, failure: TaskFailure) -> None:
        self.show_message(failure.message)
        set_role(self.status_message, "danger")

    # -- closing ------------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._status_timer.stop()
        if self.ctx.sync_loop is not None:
            self.ctx.sync_loop.stop(5)
        self.runner.shutdown(10_000)
        super().closeEvent(event)


def _separator() -> QLabel:
    sep = label("│", "muted")
    return sep


__all__ = ["RegisterContext", "RegisterWindow"]
