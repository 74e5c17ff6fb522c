"""The register window: who is at the till, the customer, the sale, promotions and totals, keyboard first.

The window owns the current sale draft, the identified customer and the
signed-in cashier, and is the one place that turns the cashier's requests
into operations on the task runner (`RegisterOps`, `SaleOps`); answers come
back on the GUI thread and each names what it changed, so only those panels
redraw. `load_draft(draft)` replaces the sale on screen from outside (a
recalled parked sale, or any other source of a sale), priced as it comes.

Nobody sells without signing in: the window opens on the sign-in page (unless
the composition root names a cashier already), F11 or the idle timeout locks
it, Shift+F11 signs out, and another cashier signing in on a locked register
is a switch (the sale the first one left open is parked in their name).
Every sale, enrolment and manager action carries the signed-in account.

Barcode scans from the `ScanDetector` land here wherever the focus is: a
loyalty card (in-store prefix 29 by default) identifies the customer, other
digits are items, a receipt's order number opens it for printing again, and
anything else with letters is a promo code; an open dialog with a
`handle_scan` takes the scan first (manager mode's return tab, the reprint).

Where the panels go (three columns from 1,240 px, two below it with the
promotions in a tab) and the header line that turns into the offline banner
without moving anything are `register_layout`'s. Every frequent action has a
key, printed on its button or beside the field it goes to.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from pos_app.demo.barcodes import CARD_PREFIX
from pos_app.domain.account import Role
from pos_app.printing.escpos_output import PrinterConfig
from pos_app.printing.receipt import Receipt, as_copy
from pos_app.qt.connection_status import LOCAL_ONLY, ConnectionView, status_texts
from pos_app.qt.customer_panel import CustomerPanel
from pos_app.qt.dialogs import (
    ConfirmDialog,
    EnrollDialog,
    PinDialog,
    ReceiptDialog,
    RewardsDialog,
    WeightDialog,
)
from pos_app.qt.language import tr
from pos_app.qt.manager_dialog import ManagerDialog
from pos_app.qt.parked_dialog import RecallDialog
from pos_app.qt.receipt_preview import print_receipt_in_background
from pos_app.qt.refusals import refusal_words
from pos_app.qt.register_layout import WIDE_FROM_PX, HeaderLine, KeyBar, SaleArrangement
from pos_app.qt.register_ops import Changed, CustomerCard, OpChanges, RegisterOps
from pos_app.qt.reprint_dialog import ReprintDialog
from pos_app.qt.sale_ops import Draft, SaleOps, SaleUpdate
from pos_app.qt.sale_panels import CartPanel, CodesPanel, PromotionsPanel, TotalsPanel
from pos_app.qt.sale_view import SaleView
from pos_app.qt.scanner import ScanDetector
from pos_app.qt.sign_in import IdleWatch, SignInPage
from pos_app.qt.task_runner import TaskFailure, TaskRunner
from pos_app.qt.widgets import ElidedLabel, fkey_button, key_shortcut, label, set_role
from pos_app.qt.wording import money
from pos_app.services.accounts import Authenticated
from pos_app.services.checkout import Connectivity
from pos_app.services.connectivity import connectivity_of
from pos_app.services.enrollment import Enrolled
from pos_app.services.identification import Candidates, Identified
from pos_app.services.outcome import Refused
from pos_app.services.parked_sales import ParkedSale, Recalled
from pos_app.services.receipts import KeptReceipts

STATUS_REFRESH_MS = 5000
# The smallest window the narrow arrangement fits (a 1024x768 terminal, its taskbar and title bar aside).
# Set explicitly: the wide arrangement's own minimum must not stop the window from becoming narrow.
MINIMUM_SIZE = (1000, 660)
IDLE_LOCK_S = 300.0  # the register locks itself after five minutes without a key or a click
# A receipt's barcode: the register's order number ("R1-000042", "S1-R1-000042").
ORDER_NUMBER = re.compile(r"[A-Z0-9]+(-[A-Z0-9]+)*-\d{6}")


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
    cashier_id: str | None = None  # a cashier already signed in (a test, a benchmark); None: the sign-in page
    cashier_name: str | None = None
    sync_loop: Any = None
    cache_loaded_at: datetime | None = None
    scanner: ScanDetector | None = None
    card_prefix: str = CARD_PREFIX
    demo_network: Any = None  # the demo's embedded central service (cut() / restore() / running)
    idle_lock_s: float = IDLE_LOCK_S
    pairing: Any = None  # pair(url, code) -> Paired | Refused, sync_loop() -> the loop of the new credential
    export_dir: Path | None = None  # where the audit log's CSV export is proposed
    save_language: Callable[[str], object] | None = None  # keeps the register's language in its config file


@dataclass(frozen=True, slots=True)
class Cashier:
    """Who is signed in at the till."""

    id: str
    name: str
    role: Role = Role.CASHIER


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
    signed_in = Signal(object)  # Cashier
    locked = Signal()

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
        self.cashier: Cashier | None = None
        self._locked_by: Cashier | None = None
        self.connection = ConnectionView(LOCAL_ONLY if context.sync_loop is None else "offline")
        self.manager_dialog: ManagerDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.reprint_dialog: ReprintDialog | None = None
        self.recall_dialog: RecallDialog | None = None
        self.close_dialog: ConfirmDialog | None = None
        self._close_confirmed = False
        self.parked_count = 0
        self.setObjectName("register-window")
        self.setMinimumSize(*MINIMUM_SIZE)
        self.setWindowTitle(tr("pos-companion — %1 · Register %2").replace("%1", context.store_name).replace(
            "%2", context.register_id))

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(12, 6, 12, 8)
        outer.setSpacing(8)
        self._build_header(outer)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.sale_page = QWidget()
        self.sale_page.setObjectName("sale-page")
        self.pages.addWidget(self.sale_page)
        self.sign_in = SignInPage(tr("%1  ·  Register %2").replace("%1", context.store_name).replace(
            "%2", context.register_id), hint=context.hint)
        self.pages.addWidget(self.sign_in)
        self.setCentralWidget(central)

        self.customer_panel = CustomerPanel(hint=context.hint)
        self.cart_panel = CartPanel(context.currency)
        self.promotions_panel = PromotionsPanel(context.currency)
        self.codes_panel = CodesPanel()
        self.totals_panel = TotalsPanel()
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(10)
        page = QVBoxLayout(self.sale_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(8)
        page.addLayout(self.grid, 1)
        self._build_buttons()
        page.addWidget(self.fkeys)

        self.arrangement = SaleArrangement(self.sale_page, self.grid, customer=self.customer_panel,
                                           cart=self.cart_panel, promotions=self.promotions_panel,
                                           codes=self.codes_panel, totals=self.totals_panel, pay=self.pay_button)
        self.sale_tabs = self.arrangement.tabs
        self._build_status_bar()
        self._connect()
        self.customer_panel.clear_customer()
        self.arrangement.arrange(wide=True)
        self._show_sale(self.view, OpChanges(cart=True, promotions=True, totals=True))

        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        self.idle = IdleWatch(int(context.idle_lock_s * 1000), self)
        self.idle.idle.connect(lambda: self.lock(reason="idle"))
        self._bridge = _SyncBridge(self)
        self._bridge.status_changed.connect(self.set_connection_status)
        if context.sync_loop is not None:
            context.sync_loop.on_status = self._bridge.status_changed.emit
            self.set_connection_status(context.sync_loop.status)
        if context.cashier_id:
            self._start_session(Cashier(context.cashier_id, context.cashier_name or context.cashier_id))
        else:
            self._show_sign_in(None)
        self._draw_status()
        self.refresh_status()
        self.refresh_parked()
        self.runner.run_read(self.ops.catalogue_size, on_success=self._first_run_hint, label="catalogue size")

    def _first_run_hint(self, products: int) -> None:
        if products == 0 and not self.ctx.hint:
            self.customer_panel.set_hint(tr("This register's store is empty: try `pos-companion --demo`, or pair it "
                                            "with the central service (F10, Central service) and let it sync."))

    # -- building -----------------------------------------------------------------------------

    def _build_header(self, outer: QVBoxLayout) -> None:
        """Where and who (the offline banner in its place), and the keys of the cashier's session."""
        self.header_line = HeaderLine()
        self.header, self.identity, self.banner = self.header_line.stack, self.header_line.identity, \
            self.header_line.banner
        self.session_keys = self.header_line.keys
        self.network_button = None
        if self.ctx.demo_network is not None:
            self.network_button = fkey_button("Ctrl+K", tr("Demo: go offline"), self.session_keys,
                                              self.toggle_demo_network, window=self, name="button-demo-network")
            self.header_line.add_key(self.network_button)
        self.lock_button = fkey_button("F11", tr("Lock"), self.session_keys, self.lock, window=self, name="button-lock")
        self.sign_out_button = fkey_button("Shift+F11", tr("Sign out"), self.session_keys, self.sign_out, window=self,
                                           name="button-sign-out")
        self.header_line.add_key(self.lock_button)
        self.header_line.add_key(self.sign_out_button)
        outer.addWidget(self.header_line)

    def _build_buttons(self) -> None:
        self.fkeys = KeyBar()
        f, w = self.fkeys, self
        self.rewards_button = fkey_button("F1", tr("Rewards"), f, self.open_rewards, window=w, name="button-rewards")
        self.manager_button = fkey_button("F10", tr("Manager"), f, self.open_manager, window=w,
                                          name="button-manager")
        self.park_button = fkey_button("Ctrl+H", tr("Park"), f, self.park, window=w, name="button-park")
        self.recall_button = fkey_button("Ctrl+R", tr("Recall"), f, self.open_recall, window=w, name="button-recall")
        self.reprint_button = fkey_button("Ctrl+P", tr("Reprint"), f, self.open_reprint, window=w,
                                          name="button-reprint")
        self.new_sale_button = fkey_button("Ctrl+N", tr("New sale"), f, self.new_sale, window=w,
                                           name="button-new-sale")
        self.bar_buttons = [self.rewards_button, self.manager_button, self.park_button, self.recall_button,
                            self.reprint_button, self.new_sale_button]
        for button in self.bar_buttons:
            self.fkeys.add(button)

        customer_buttons = self.customer_panel.buttons
        self.enroll_button = fkey_button("F9", tr("Enroll", "F9 key: a new member"), self.customer_panel, self.open_enroll, window=w,
                                         name="button-enroll")
        self.clear_customer_button = fkey_button("Shift+F2", tr("Clear"), self.customer_panel, self.clear_customer,
                                                 window=w, name="button-clear-customer")
        customer_buttons.addWidget(self.enroll_button)
        customer_buttons.addWidget(self.clear_customer_button)

        cart_buttons = self.cart_panel.buttons
        self.more_button = fkey_button("F5", tr("Qty +1"), self.cart_panel,
                                       lambda: self.cart_panel.change_selected_quantity(1), window=w,
                                       name="button-qty-plus")
        self.less_button = fkey_button("F7", tr("Qty −1"), self.cart_panel,
                                       lambda: self.cart_panel.change_selected_quantity(-1), window=w,
                                       name="button-qty-minus")
        self.remove_button = fkey_button("F8", tr("Remove"), self.cart_panel, self.cart_panel.remove_selected,
                                         window=w, name="button-remove")
        for b in (self.more_button, self.less_button, self.remove_button):
            cart_buttons.addWidget(b)
        cart_buttons.addStretch(1)

        self.pay_button = fkey_button("F12", tr("Pay"), self.totals_panel, self.checkout, window=w, name="button-pay")
        self.pay_button.setEnabled(False)
        self.totals_panel.due.addWidget(self.pay_button)

        # The keys that go to a field are printed next to it ("F2" in the search, "F4 Code"), not on the bar.
        selling = self._selling
        self._shortcuts = [
            key_shortcut("F2", self, self.customer_panel.focus_search, selling),
            key_shortcut("F3", self, self.cart_panel.focus_item, selling),
            key_shortcut("F4", self, self.focus_code, selling),
            key_shortcut("F6", self, self.focus_points, selling),
            key_shortcut("Escape", self, self.escape, selling),
            key_shortcut("Ctrl+Tab", self, self.toggle_promotions, lambda: selling() and not self._wide),
        ]

    def _build_status_bar(self) -> None:
        bar = QStatusBar()
        bar.setSizeGripEnabled(False)
        self.status_connection = label("", "success", name="status-connection")
        self.status_outbox = label("", "muted", name="status-outbox")
        self.status_last_sync = label("", "muted", name="status-last-sync")
        self.status_cache = label("", "muted", name="status-cache")
        self.status_message = ElidedLabel("", "muted", name="status-message")
        bar.addWidget(self.status_connection)
        for w in (self.status_outbox, self.status_last_sync, self.status_cache):
            bar.addWidget(_separator())
            bar.addWidget(w)
        bar.addWidget(_separator())
        bar.addWidget(self.status_message, 1)
        bar.setFixedHeight(bar.sizeHint().height())  # a bold "Offline" never makes it taller
        self.setStatusBar(bar)

    def _connect(self) -> None:
        cp = self.customer_panel
        cp.search_requested.connect(self.search_customer)
        cp.customer_chosen.connect(self.choose_customer)
        self.cart_panel.item_entered.connect(self._typed_in_item_field)
        self.cart_panel.quantity_changed.connect(self.set_quantity)
        self.cart_panel.line_removed.connect(self.remove_line)
        self.cart_panel.weight_requested.connect(lambda line_id: self.ask_weight(line_id, new=False))
        self.codes_panel.code_entered.connect(self.add_code)
        self.codes_panel.redeem_requested.connect(self.redeem)
        self.sign_in.sign_in_requested.connect(self._sign_in)
        self.runner.task_failed.connect(self._task_failed)
        if self.ctx.scanner is not None:
            self.ctx.scanner.barcode_scanned.connect(self.handle_scan)

    # -- layout -------------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.arrangement.arrange(event.size().width() >= WIDE_FROM_PX)
        self.arrangement.title_tabs(self.view)
        self.fkeys.reflow(max(1, self.width() - 24))

    @property
    def _wide(self) -> bool:
        return bool(self.arrangement.wide)

    def toggle_promotions(self) -> None:
        self.arrangement.toggle_promotions()

    # -- who is at the till ---------------------------------------------------------------------

    def _selling(self) -> bool:
        return self.cashier is not None and self.pages.currentWidget() is self.sale_page

    def _show_sign_in(self, locked_by: Cashier | None) -> None:
        self._locked_by = locked_by
        self.idle.stop()
        self.pages.setCurrentWidget(self.sign_in)
        self.sign_in.locked_by(locked_by.name if locked_by else None)
        self.sign_in.say("")
        self.sign_in.start()
        self.runner.run_read(self.ops.accounts, label="accounts", latest_only="accounts",
                             on_success=lambda accounts: self.sign_in.show_accounts(
                                 accounts, locked_by.id if locked_by else None))
        self._draw_status()

    def _sign_in(self, user_id: str, pin: str) -> None:
        self.runner.run_write(lambda: self.ops.sign_in(user_id, pin), on_success=self._signed_in_answer,
                              label="sign in")

    def _signed_in_answer(self, result: Authenticated | Refused) -> None:
        if isinstance(result, Refused):
            message = refusal_words(result)
            self.sign_in.refuse(message[:1].upper() + message[1:])
            return
        account = result.account
        cashier = Cashier(account.id, account.name, account.role)
        before = self._locked_by
        if before is not None and before.id != cashier.id and self.draft.lines:
            # A switch: the sale the first cashier left open waits in their name.
            self.park(cashier_id=before.id, then=lambda: self._start_session(cashier))
            return
        self._start_session(cashier)

    def _start_session(self, cashier: Cashier) -> None:
        self.cashier = cashier
        self._locked_by = None
        self.pages.setCurrentWidget(self.sale_page)
        self._draw_status()
        if self.ctx.idle_lock_s > 0:
            self.idle.start()
        self.signed_in.emit(cashier)
        self._back_to_the_sale()

    def lock(self, reason: str = "key") -> None:
        """F11 (or the idle timeout): the sale stays; only this cashier's PIN, or a switch, opens it again."""
        cashier = self.cashier
        if cashier is None:
            return
        self._close_dialogs()
        self.runner.run_write(lambda: self.ops.sign_out(cashier.id, locked=True), label="lock the register")
        self.cashier = None
        self._show_sign_in(cashier)
        if reason == "idle":
            self.sign_in.say(tr("Locked after %n min without a key.", "", int(self.ctx.idle_lock_s // 60) or 1))
        self.locked.emit()

    def sign_out(self) -> None:
        """Shift+F11: the session ends; a sale left open is parked in this cashier's name first."""
        cashier = self.cashier
        if cashier is None:
            return

        def out() -> None:
            self.runner.run_write(lambda: self.ops.sign_out(cashier.id, locked=False), label="sign out")
            self.cashier = None
            self._show_sign_in(None)

        if self.draft.lines:
            self.park(then=out)
        else:
            out()

    def _close_dialogs(self) -> None:
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    # -- scans --------------------------------------------------------------------------------

    def handle_scan(self, code: str) -> None:
        """A wedge scan, wherever the focus was: card, item, receipt, code, or what an open dialog takes."""
        code = code.strip()
        modal = QApplication.activeModalWidget()
        if modal is not None and not self._owns(modal):
            modal = None  # another window's dialog (a second register in the same process): not ours
        handler = getattr(modal, "handle_scan", None) if modal is not None else None
        if handler is not None and handler(code):
            return
        if modal is not None and modal is not self:
            return  # a dialog is open: a scan must not change the sale behind it
        if self.pages.currentWidget() is self.sign_in:
            self.sign_in.handle_scan(code)
            return
        if self._is_card(code):
            self.scan_card(code)
        elif code.isdigit():
            # "3*" typed in the item field before the scan: three of them
            times = self.cart_panel.item.text().strip()
            if re.fullmatch(r"\d{1,4}\*", times):
                self.cart_panel.item.clear()
                code = times + code
            self.add_item(code)
        elif ORDER_NUMBER.fullmatch(code.upper()):
            self._scanned_receipt(code.upper())
        else:
            self._run_sale(lambda d: self.sale_ops.add_scanned(d, code), f"scanned {code}")

    def _scanned_receipt(self, code: str) -> None:
        """A receipt's barcode on the sale screen: that receipt, to print again (else a SKU label or a code)."""
        def answered(kept: KeptReceipts | Refused) -> None:
            if isinstance(kept, Refused):
                self._run_sale(lambda d: self.sale_ops.add_scanned(d, code), f"scanned {code}")
            else:
                self.open_reprint(order=kept.order_id)

        self.runner.run_read(lambda: self.ops.receipts_of(code), on_success=answered, label="find receipt")

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
            self.scan_card(text)
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
                self.customer_panel.show_answer((), "", False, refusal_words(found))

        self.runner.run_read(lambda: self.ops.identify(text), on_success=answered, label="find customer",
                             latest_only="customer-search")

    def scan_card(self, code: str) -> None:
        """A loyalty card: found, its card read and the sale priced for its holder in one trip to the worker,
        so the name and the new total reach the screen together."""
        chain, generation = self._chain, self._chain.generation
        ops, sale_ops = self.ops, self.sale_ops

        def work():
            found = ops.identify(code)
            if not isinstance(found, Identified):
                return found, None, None
            card = ops.customer_card(found.customer.id)
            with chain.lock:
                if chain.generation != generation:
                    return found, card, None
                update = sale_ops.set_customer(chain.draft, found.customer.id)
                chain.draft = update.draft
            return found, card, update

        def done(answer) -> None:
            found, card, update = answer
            if card is None:
                self.customer_panel.show_answer((), "", False, refusal_words(found) if isinstance(found, Refused)
                                                else tr("unknown card"))
                return
            self._show_card(card)
            self._sale_updated(update, generation)

        self.runner.run_write(work, on_success=done, label="identify the card", lane="sale")

    def choose_customer(self, customer_id: str) -> None:
        self.runner.run_read(lambda: self.ops.customer_card(customer_id), on_success=self._show_card,
                             label="load customer", latest_only="customer-card")
        self._run_sale(lambda d: self.sale_ops.set_customer(d, customer_id), "price for customer")

    def _show_card(self, card: CustomerCard | Refused) -> None:
        if isinstance(card, Refused):
            self.customer_panel.show_answer((), "", False, refusal_words(card))
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
            self.codes_panel.refuse_code(refusal_words(update.refused))
        elif update.refused is not None and update.about == "points":
            self.codes_panel.say_points(refusal_words(update.refused), "danger")
        elif update.refused is not None and update.about == "reward":
            self.show_message(refusal_words(update.refused), "danger")
        elif update.refused is not None:
            self.cart_panel.say(refusal_words(update.refused), "danger")
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
            self.codes_panel.show_view(view)
        if changes.totals:
            self.totals_panel.show_view(view)
        self.pay_button.setEnabled(bool(view.rows))
        self.arrangement.title_tabs(view)
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
            self.codes_panel.say_points(tr("Identify the customer first (F2) to pay with points"), "danger")
            return
        self._run_sale(lambda d: self.sale_ops.redeem(d, request), "redeem points")

    def focus_code(self) -> None:
        self.codes_panel.focus_code()

    def focus_points(self) -> None:
        self.codes_panel.focus_points()

    def new_sale(self) -> None:
        """An empty sale: nothing said about the last one stays on screen."""
        self.load_draft(self.sale_ops.new_draft(), price=False)

    def load_draft(self, draft: Draft, *, price: bool = True, message: str = "") -> None:
        """Replace the sale on screen with `draft` (a new sale, a recalled one, a sale from elsewhere).

        Changes still queued for the sale it replaces are dropped; the draft is priced as it comes
        and its customer's card is shown.
        """
        with self._chain.lock:
            self._chain.generation += 1
            self._chain.draft = draft
        self._shown_generation = self._chain.generation
        self.draft = draft
        self.card = None
        self.customer_panel.clear_customer()
        self.customer_changed.emit(None)
        self.cart_panel.say(message)
        self.codes_panel.clear()
        self.show_message("")
        self._show_sale(SaleView(currency=self.ctx.currency), OpChanges(cart=True, promotions=True, totals=True))
        if price:
            self._run_sale(lambda d: self.sale_ops.price(d, message=message), "price the sale")
            if draft.customer_id:
                customer_id = draft.customer_id
                self.runner.run_read(lambda: self.ops.customer_card(customer_id), on_success=self._show_card,
                                     label="load customer", latest_only="customer-card")
        self.arrangement.show_sale()
        self.cart_panel.focus_item()

    def escape(self) -> None:
        """Esc: drop what is half-typed (a search, an item, a code) and go back to the item field."""
        panel = self.customer_panel
        if panel.search.text() or panel.list.isVisible():
            panel.search.clear()
            panel.show_candidates(())
            if panel.current is None:
                panel.clear_customer()
        self.cart_panel.item.clear()
        self.codes_panel.code.clear()
        self.arrangement.show_sale()
        self.cart_panel.focus_item()

    def checkout(self) -> None:
        if not self.view.rows or self.cashier is None:
            return
        chain, generation = self._chain, self._chain.generation
        cashier = self.cashier
        connectivity, shown = self._connectivity(), self.view.total

        def work() -> Changed | None:
            with chain.lock:  # after every change queued before it: the sale as the cashier last saw it
                if chain.generation != generation or not chain.draft.lines:
                    return None
                return self.sale_ops.checkout(chain.draft, cashier.id, cashier_name=cashier.name,
                                              connectivity=connectivity, expected_total=shown)

        self.pay_button.setEnabled(False)
        self.cart_panel.say(tr("Recording the sale…"))
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
            self.cart_panel.say(refusal_words(result), "danger")
            self.pay_button.setEnabled(True)
            if result.reason == "price_changed":  # show the amount the sale costs now, then pay again
                self._run_sale(lambda d: self.sale_ops.price(d, message=refusal_words(result)), "re-price")
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
        if self.pages.currentWidget() is self.sign_in:
            self.sign_in.start()
        else:
            self.cart_panel.focus_item()

    def print_receipt(self, receipt: Receipt, dialog: Any = None) -> None:
        """Print on the configured printer (off the GUI thread); the dialog showing it hears how it went."""
        if self.ctx.printer is None:
            return
        dialog = dialog or self.receipt_dialog

        def printed(_none) -> None:
            if dialog is not None:
                dialog.say(tr("Printed."), "success")
            self.receipt_printed.emit(receipt.order_number)

        def failed(failure: TaskFailure) -> None:
            if dialog is not None:
                dialog.say(tr("Printer problem: %1. The sale is saved; print again later (Ctrl+P).").replace(
                    "%1", str(failure.error)), "danger")

        if dialog is not None:
            dialog.say(tr("Printing…"))
        print_receipt_in_background(self.runner, self.ctx.printer, receipt, on_printed=printed, on_failure=failed)

    # -- parking, recalling, printing again --------------------------------------------------------

    def park(self, *, cashier_id: str | None = None, then: Callable[[], None] | None = None) -> None:
        """Ctrl+H: put the sale aside (kept in the store) and start the next one."""
        if not self.draft.lines:
            self.show_message(tr("Nothing to park: the sale is empty"))
            if then is not None:
                then()
            return
        signed = self.cashier or self._locked_by
        who = cashier_id or (signed.id if signed else None)
        draft, view = self.draft, self.view
        label_text = self.card.customer.name if self.card is not None else tr("Anonymous sale")
        generation = self._chain.generation

        def work() -> ParkedSale | Refused:
            with self._chain.lock:  # after the changes queued before it: the sale as it stands
                current = self._chain.draft if self._chain.generation == generation else draft
            return self.ops.park(current, cashier_id=who, label=label_text, item_count=view.item_count,
                                 total_minor=view.total, currency=view.currency)

        def parked(result: ParkedSale | Refused) -> None:
            if isinstance(result, Refused):
                self.show_message(refusal_words(result), "danger")
            else:
                self.new_sale()
                self.show_message(tr("Parked: %1, %n item(s) (Ctrl+R brings it back)", "", result.item_count).replace(
                    "%1", result.label), "success")
            self.refresh_parked()
            if then is not None:
                then()

        self.runner.run_write(work, on_success=parked, label="park the sale")

    def refresh_parked(self) -> None:
        self.runner.run_read(self.ops.parked, on_success=self._parked_counted, label="parked sales",
                             latest_only="parked")

    def _parked_counted(self, parked: list[ParkedSale]) -> None:
        self.parked_count = len(parked)
        self.recall_button.setText("Ctrl+R  " + (tr("Recall (%1)").replace("%1", str(len(parked))) if parked
                                                  else tr("Recall")))

    def open_recall(self) -> None:
        """Ctrl+R: the parked sales; the one chosen comes back (the sale on screen is parked in its place)."""
        def show(data: tuple[list[ParkedSale], dict[str, str]]) -> None:
            parked, names = data
            dialog = self.recall_dialog = RecallDialog(parked, names, self, swapping=bool(self.draft.lines))
            dialog.setObjectName("recall-dialog")
            dialog.chosen.connect(self.recall)
            dialog.finished.connect(lambda _r: self._back_to_the_sale())
            dialog.open()

        ops = self.ops
        self.runner.run_read(lambda: (ops.parked(), {a.id: a.name for a in ops.accounts()}), on_success=show,
                             label="parked sales")

    def recall(self, parked_id: str) -> None:
        def take() -> None:
            self.runner.run_write(lambda: self.ops.recall(parked_id), on_success=self._recalled,
                                  label="recall a parked sale")

        if self.draft.lines:
            self.park(then=take)
        else:
            take()

    def _recalled(self, result: Recalled | Refused) -> None:
        self.refresh_parked()
        if isinstance(result, Refused):
            self.show_message(refusal_words(result), "danger")
            return
        note = tr("Recalled: %1").replace("%1", result.parked.label)
        if result.missing:
            note += tr(" — no longer sold, left out: %1").replace("%1", ", ".join(result.missing))
        self.load_draft(result.draft, message=note)
        self.show_message(note, "danger" if result.missing else "success")

    def open_reprint(self, order: str | None = None) -> None:
        """Ctrl+P: the last receipt, or any other by its barcode, printed again as a copy."""
        dialog = self.reprint_dialog = ReprintDialog(self.runner, self.ops, self._print_copy, self, order=order)
        dialog.setObjectName("reprint-dialog")
        dialog.finished.connect(lambda _r: self._back_to_the_sale())
        dialog.open()

    def _print_copy(self, receipt: Receipt) -> None:
        self.print_receipt(as_copy(receipt, self.ctx.clock()), self.reprint_dialog)

    # -- rewards ------------------------------------------------------------------------------

    def open_rewards(self) -> None:
        """F1: the rewards catalogue for the identified customer; a claim joins the sale.

        The sale is priced again first, so the points the dialog says the customer can spend are now's.
        """
        if self.card is None:
            self.show_message(tr("Identify the customer first (F2) to claim a reward"))
            return
        name = self.card.customer.name
        chain, generation = self._chain, self._chain.generation

        def work():
            with chain.lock:
                if chain.generation != generation:
                    return None
                update = self.sale_ops.price(chain.draft)
                chain.draft = update.draft
            return update, self.sale_ops.rewards()

        def show(answer) -> None:
            if answer is None:
                return
            update, rewards = answer
            self._sale_updated(update, generation)
            spendable = self.view.customer_points or 0
            dialog = self.rewards_dialog = RewardsDialog(rewards, spendable, name, self)
            dialog.setObjectName("rewards-dialog")
            dialog.chosen.connect(lambda reward_id: self._run_sale(
                lambda d: self.sale_ops.claim_reward(d, reward_id), "claim reward"))
            dialog.finished.connect(lambda _r: self._back_to_the_sale())
            dialog.open()

        self.runner.run_write(work, on_success=show, label="rewards catalogue", lane="sale")

    # -- enrolment ----------------------------------------------------------------------------

    def open_enroll(self) -> None:
        dialog = EnrollDialog(self, today=self.ctx.clock().date())
        dialog.setObjectName("enroll-dialog")
        self.enroll_dialog = dialog
        cashier_id = self.cashier.id if self.cashier else None

        def submitted(values: dict) -> None:
            self.runner.run_write(lambda: self.ops.enroll(cashier_id=cashier_id, **values),
                                  on_success=lambda changed: enrolled(changed), label="enroll customer")

        def enrolled(changed: Changed) -> None:
            result = changed.result
            if isinstance(result, Refused):
                dialog.refuse(refusal_words(result))
                return
            assert isinstance(result, Enrolled)
            dialog.accept()
            self.choose_customer(result.customer.id)
            note = tr("Enrolled %1").replace("%1", result.customer.name)
            if result.welcome_code is not None:
                note += tr(" — welcome code %1").replace("%1", result.welcome_code.display or result.welcome_code.code)
            self.show_message(note)
            self.refresh_status()

        dialog.submitted.connect(submitted)
        dialog.open()

    # -- manager ------------------------------------------------------------------------------

    def open_manager(self) -> None:
        me = self.cashier
        dialog = PinDialog(self, user_id=me.id if me is not None and me.role is Role.MANAGER else "")
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
                message = refusal_words(result)
                dialog.refuse(message[:1].upper() + message[1:])
                return
            assert isinstance(result, Authenticated)
            dialog.accept()
            self._open_manager_mode(result.account.id, result.account.name, pin)

        dialog.submitted.connect(submitted)
        dialog.open()

    def _open_manager_mode(self, manager_id: str, name: str, pin: str) -> None:
        pairing = self.ctx.pairing
        dialog = ManagerDialog(self.runner, self.ops, manager_id=manager_id, manager_name=name, pin=pin,
                               card=self.card, parent=self, cashier_id=self.cashier.id if self.cashier else None,
                               cashier_name=self.cashier.name if self.cashier else None,
                               connection=self._connection_words(), currency=self.ctx.currency,
                               pair=pairing.pair if pairing is not None else None, export_dir=self.ctx.export_dir,
                               on_print=lambda receipt: self.print_receipt(receipt, self._return_receipt_dialog()),
                               save_language=self.ctx.save_language)
        dialog.setObjectName("manager-dialog")
        dialog.changed.connect(self._manager_changed)
        dialog.pairing.paired.connect(lambda _paired: self.start_syncing())
        dialog.finished.connect(lambda _r: self._manager_closed())
        self.manager_dialog = dialog
        self.identity.setText(self.identity.text() + "  ·  " + tr("MANAGER %1").replace("%1", name))
        dialog.open()
        dialog.adjust_customer.refresh()
        dialog.transfer_from.refresh()

    def _return_receipt_dialog(self):
        return self.manager_dialog.returns.receipt_dialog if self.manager_dialog is not None else None

    def _connection_words(self) -> str:
        loop = self.ctx.sync_loop
        if loop is None:
            return tr("Not paired: this register keeps its ledger locally (entries wait in the outbox).")
        client = getattr(loop, "client", None)
        where = getattr(client, "base_url", "?")
        paired = getattr(client, "register_id", None)
        return (tr("%1 — paired as %2").replace("%2", str(paired)) if paired else tr("%1 — not paired")).replace(
            "%1", str(where))

    def _manager_changed(self, changes: OpChanges) -> None:
        if changes.customer:
            self.refresh_customer()
        if changes.customer or changes.totals or changes.promotions:
            if self.draft.lines or self.draft.customer_id:  # the points the sale may spend are now's
                self._run_sale(lambda d: self.sale_ops.price(d), "reprice")
        if changes.outbox:
            self.refresh_status()

    def _manager_closed(self) -> None:
        self.manager_dialog = None
        self._draw_status()
        self.refresh_status()
        self._back_to_the_sale()

    def start_syncing(self) -> None:
        """After pairing from manager mode: the sync loop of the new credential replaces any old one."""
        pairing = self.ctx.pairing
        if pairing is None:
            return
        old = self.ctx.sync_loop
        loop = pairing.sync_loop()
        if loop is None:
            return
        if old is not None:
            old.on_status = None
            self.runner.run_write(lambda: old.stop(5), label="stop the old sync", lane="sync")
        self.ctx.sync_loop = loop
        loop.on_status = self._bridge.status_changed.emit
        self.set_connection_status(loop.status)
        loop.start()

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
        cashier = self.cashier
        texts = status_texts(self.connection, self.ctx.clock(), register=self.ctx.register_id,
                             cashier=cashier.name if cashier else None, cache_loaded_at=self.ctx.cache_loaded_at)
        self.status_connection.setText(texts.connection)
        set_role(self.status_connection, texts.tone)
        self.status_outbox.setText(texts.outbox)
        self.status_last_sync.setText(texts.last_sync)
        self.status_cache.setText(texts.cache)
        who = tr("Cashier %1").replace("%1", cashier.name) if cashier else (
            tr("Locked") if self._locked_by else tr("Signed out", "nobody at the till"))
        where = tr("%1  ·  Register %2").replace("%1", self.ctx.store_name).replace("%2", self.ctx.register_id)
        self.header_line.show_line(f"{where}  ·  {who}", texts.banner)
        self.session_keys.setVisible(cashier is not None)

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
            self.network_button.setText("Ctrl+K  " + (tr("Demo: go offline") if running else tr("Demo: go online")))
            self.show_message(tr("Demo: central service stopped") if not running else tr("Demo: central service back"))

        self.runner.run_write(work, on_success=done, label="demo network", lane="demo-network")

    def show_message(self, text: str, role: str = "muted") -> None:
        self.status_message.setText(text)
        set_role(self.status_message, role)
        if text:
            self.message_shown.emit(text)

    def _task_failed(self, failure: TaskFailure) -> None:
        self.show_message(tr("Something went wrong: %1").replace("%1", str(failure.error)), "danger")

    # -- closing ------------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Alt+F4 with a sale open asks first, and parks the sale rather than dropping it."""
        if self.draft.lines and not self._close_confirmed:
            event.ignore()
            view = self.view
            dialog = self.close_dialog = ConfirmDialog(
                self, title=tr("Close the register?"),
                question=tr("A sale is open (%n item(s), %1%2). It is parked before the register closes, and "
                            "Ctrl+R brings it back.", "", view.item_count).replace(
                    "%1", money(view.total, view.currency)).replace(
                    "%2", ", " + self.card.customer.name if self.card else ""),
                confirm=tr("Park it and close"), cancel=tr("Keep selling (Esc)"))
            dialog.setObjectName("close-confirm")
            dialog.accepted.connect(lambda: self.park(then=self._close_now))
            dialog.open()
            return
        self._status_timer.stop()
        self.idle.remove()
        if self.cashier is not None and not self.runner.is_closed:
            cashier = self.cashier
            self.runner.run_write(lambda: self.ops.sign_out(cashier.id, locked=False), label="sign out")
        if self.ctx.sync_loop is not None:
            self.ctx.sync_loop.stop(5)
        self.runner.shutdown(10_000)
        super().closeEvent(event)

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.close()


def _separator() -> QLabel:
    return label("│", "muted")


__all__ = ["Cashier", "RegisterContext", "RegisterWindow"]
