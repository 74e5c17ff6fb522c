"""The customer panel: find the loyalty customer, then show who they are and what they have.

The search box takes a card number, a phone, an email or a name; results
come as the cashier types, from a latest-only read (an older, slower answer
never overwrites a newer one). One match by card, phone or email is taken at
once on Enter; names and shared phones list candidates to choose from with
the arrow keys and Enter. The panel asks the window (signals) to load a
customer; it never touches the database itself.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QListView, QScrollArea, QWidget

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.list_models import CustomerListModel, tier_words
from pos_app.qt.register_ops import CustomerCard
from pos_app.qt.widgets import ElidedLabel, Panel, label, set_role
from pos_app.qt.wording import money

SEARCH_DELAY_MS = 120  # wait for a pause in typing before searching


class CustomerPanel(Panel):
    search_requested = Signal(str)  # text typed; the window runs the read
    customer_chosen = Signal(str)  # customer id picked from the list or matched on Enter
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None, *, hint: str | None = None) -> None:
        super().__init__(tr("Customer"), parent)
        self.search = QLineEdit()
        self.search.setObjectName("customer-search")
        self.search.setPlaceholderText(tr("F2  Card, phone, e-mail or name"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(tr("Customer search"))
        self.body.addWidget(self.search)

        self.message = label("", "muted", wrap=True, name="customer-message")
        self.body.addWidget(self.message)

        self.candidates = CustomerListModel(self)
        self.list = QListView()
        self.list.setObjectName("customer-candidates")
        self.list.setModel(self.candidates)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)  # the phone digits come second: never the cut part
        self.list.setVisible(False)
        self.list.activated.connect(self._pick_index)
        self.body.addWidget(self.list, 1)

        self.card = QWidget()
        self.card.setObjectName("customer-card")
        card = self.card_layout = _column(self.card)
        self.name = ElidedLabel("", "heading", name="customer-name")  # a long name is cut, whole in the tooltip
        badges = QHBoxLayout()
        badges.setSpacing(8)
        self.tier = label("", "badge", name="customer-tier")
        self.birthday = label(tr("★ BIRTHDAY"), "badge-birthday", name="customer-birthday")
        self.birthday.setToolTip(tr("Birthday week"))
        badges.addWidget(self.tier)
        badges.addWidget(self.birthday)
        badges.addStretch(1)
        self.tier_progress = label("", "muted", wrap=True, name="customer-tier-progress")
        self.points = label("", "amount", name="customer-points")
        self.points_detail = label("", "muted", wrap=True, name="customer-points-detail")
        self.offers_title = label(tr("Personal offers"), "subheading")
        self.offers = label("", None, wrap=True, name="customer-offers")
        card.addWidget(self.name)
        card.addLayout(badges)
        card.addWidget(self.tier_progress)
        card.addWidget(self.points)
        card.addWidget(self.points_detail)
        card.addSpacing(6)
        card.addWidget(self.offers_title)
        card.addWidget(self.offers)
        card.addStretch(1)
        # On a short screen the card scrolls rather than squeezing its lines on top of each other.
        self.card_scroll = QScrollArea()
        self.card_scroll.setObjectName("customer-card-scroll")
        self.card_scroll.setWidget(self.card)
        self.card_scroll.setWidgetResizable(True)
        self.card_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.card_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card_scroll.setVisible(False)
        self.body.addWidget(self.card_scroll, 3)
        self.body.addStretch(0)
        # A first-run hint (the demo's PINs, a card to try), shown while no customer is identified.
        self.hint = label(hint.replace(" · ", "\n") if hint else "", "shortcut", wrap=True, name="customer-hint")
        self.hint.setVisible(bool(hint))
        self.body.addWidget(self.hint)
        self.buttons = QHBoxLayout()  # the window puts its customer keys here (enrol, clear)
        self.body.addLayout(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search_now)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._enter)
        self.search.installEventFilter(self)
        self._pick_on_answer = False
        self.current: CustomerCard | None = None

    # -- searching -------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_now(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.show_candidates(())
            self.message.setText("")
            return
        self.search_requested.emit(text)

    def _enter(self) -> None:
        if self._timer.isActive() or not self.candidates.customers:
            self._timer.stop()
            self._pick_on_answer = True
            self._search_now()
            return
        self._pick_current()

    def _pick_current(self) -> None:
        customers = self.candidates.customers
        row = self.list.currentIndex().row() if self.list.currentIndex().isValid() else 0
        if len(customers) == 1 or self.list.hasFocus() or self.list.currentIndex().isValid():
            chosen = self.candidates.customer_at(row)
            if chosen is not None:
                self.customer_chosen.emit(chosen.id)

    def _pick_index(self, index) -> None:
        chosen = self.candidates.customer_at(index.row())
        if chosen is not None:
            self.customer_chosen.emit(chosen.id)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            if self.candidates.customers:
                self.list.setFocus()
                self.list.setCurrentIndex(self.candidates.index(0))
                return True
        return super().eventFilter(watched, event)

    # -- answers from the window -------------------------------------------------------------

    def show_answer(self, customers: tuple[CustomerProfile, ...], by: str, more: bool, refusal: str | None) -> None:
        """An identification answer: candidates to list, one match, or why none."""
        pick = self._pick_on_answer
        self._pick_on_answer = False
        if refusal:
            self.show_candidates(())
            self.message.setText(refusal)
            set_role(self.message, "danger")
            return
        self.show_candidates(customers)
        if len(customers) == 1 and (by != "name" or pick):
            self.customer_chosen.emit(customers[0].id)
            return
        n = len(customers)
        self.message.setText(tr("%n+ match(es) — type more of the name", "", n) if more
                             else tr("%n match(es) — ↓ to choose, Enter to pick", "", n))
        set_role(self.message, "muted")

    def show_candidates(self, customers) -> None:
        self.candidates.set_customers(customers)
        self.list.setVisible(bool(customers))
        if customers:
            self.card_scroll.setVisible(False)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(self.current is None and bool(text))

    def show_card(self, card: CustomerCard, today: date) -> None:
        self.current = card
        self.hint.setVisible(False)
        c = card.customer
        self.show_candidates(())
        self.message.setText("")
        self.search.clear()
        self.name.setText(c.name)
        self.tier.setText((tier_words(c.tier) if c.tier else tr("member")).upper())
        set_role(self.tier, f"badge-{c.tier}" if c.tier in ("gold", "silver", "bronze") else "badge")
        self.birthday.setVisible(card.birthday_week)
        if card.next_tier:
            self.tier_progress.setText(tr("%1 more spend this year for %2").replace(
                "%1", money(card.to_next_tier, card.currency)).replace("%2", tier_words(card.next_tier)))
        else:
            self.tier_progress.setText(tr("Top tier") if c.tier else "")
        if card.tier_kept_until and c.tier:  # the spend fell below the tier: the central service keeps it a while
            kept = tr("%1 kept until %2").replace("%1", tier_words(c.tier)).replace(
                "%2", formats.day(card.tier_kept_until))
            self.tier_progress.setText(f"{kept}; {self.tier_progress.text()}" if card.next_tier else kept)
        self.tier_progress.setVisible(bool(self.tier_progress.text()))
        available = card.confirmed + card.pending
        self.points.setText(tr("%Ln point(s)", "", available))
        detail = [tr("%1 confirmed").replace("%1", formats.number(card.confirmed)),
                  tr("%1 pending sync").replace("%1", formats.signed(card.pending)) if card.pending
                  else tr("0 pending")]
        if card.held:
            detail.append(tr("%1 held until the return window closes").replace("%1", formats.number(card.held)))
        if card.expiring_soon and card.expiring_on:
            detail.append(tr("%1 expire on %2").replace("%1", formats.number(card.expiring_soon)).replace(
                "%2", formats.short_day(card.expiring_on)))
        self.points_detail.setText("  ·  ".join(detail))
        if card.offers:
            self.offers.setText("\n".join(
                (f"{o.code}  —  {o.name}" if o.code else f"• {o.name}")
                + (tr(" (%n left)", "", o.uses_left) if o.uses_left and o.uses_left > 1 else "")
                for o in card.offers))
        else:
            self.offers.setText(tr("None right now"))
        self.card_scroll.setVisible(True)

    def clear_customer(self) -> None:
        self.current = None
        self.card_scroll.setVisible(False)
        self.search.clear()
        self.show_candidates(())
        self.message.setText(tr("No customer yet: scan a loyalty card or search (F2)."))
        self.hint.setVisible(bool(self.hint.text()))
        set_role(self.message, "muted")


def _column(widget: QWidget):
    from PySide6.QtWidgets import QVBoxLayout

    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.setSpacing(6)
    return layout


__all__ = ["SEARCH_DELAY_MS", "CustomerPanel"]
