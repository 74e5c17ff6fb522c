"""The sale's operations for the window: scan, change, price; each returns the new draft and its view.

A `SaleUpdate` carries the sale draft (a plain value the window keeps
between operations) and the `SaleView` the panels show. The draft's pricing
runs on a worker thread: it reads the cached settings, the promotions in
force and the customer, and asks the promotion engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from pos_app.printing.receipt import Receipt
from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.register_ops import Changed, OpChanges
from pos_app.qt.sale_view import SaleView, sale_view
from pos_app.qt.wording import money
from pos_app.services import sale
from pos_app.services.chain import ChainCalls
from pos_app.services.checkout import ONLINE, CompletedSale, Connectivity, pay
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricedSale, PricingEngineCache, price_sale
from pos_app.services.products import find_products
from pos_app.services.receipts import ReceiptHeader, StoreFacts
from pos_app.services.rewards import cancel_reward, claim_reward, list_rewards
from pos_app.services.sale import SaleDraft
from pos_app.storage.rewards import Reward
from pos_app.storage.unit_of_work import UnitOfWorkFactory

Draft = SaleDraft


@dataclass(frozen=True, slots=True)
class SaleUpdate:
    draft: Draft
    view: SaleView
    changes: OpChanges = field(default_factory=OpChanges)
    message: str = ""
    refused: Refused | None = None
    weigh_line: str | None = None  # a weighed item was just added: ask for its weight
    about: str = "item"  # which entry the refusal belongs to: item | customer | code | points


@dataclass(frozen=True, slots=True)
class CheckedOut:
    completed: CompletedSale
    receipt: Receipt
    summary: str


class SaleOps:
    """Operations on the current sale (run on the task runner's "sale" lane, one after the other)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Callable[[], datetime], store: StoreFacts, *,
                 chain: ChainCalls | None = None) -> None:
        self.uow = uow
        self.clock = clock
        self.store = store
        self.chain = chain  # the central service, which holds a member's points for a sale paid online
        self.store_id = store.id
        self.cache = PricingEngineCache()  # one engine per pricing revision and day, shared by all sales

    def price(self, draft: Draft, changes: OpChanges | None = None, message: str = "") -> SaleUpdate:
        priced = price_sale(self.uow(read_only=True), draft, self.clock(), cache=self.cache)
        if isinstance(priced, Refused):  # the customer left the cache: sell without them
            draft = sale.detach_customer(draft)
            priced = price_sale(self.uow(read_only=True), draft, self.clock(), cache=self.cache)
            assert not isinstance(priced, Refused)
        return SaleUpdate(draft, self.view_of(priced),
                          changes or OpChanges(cart=True, promotions=True, totals=True), message)

    @staticmethod
    def view_of(priced: PricedSale) -> SaleView:
        draft = priced.draft
        return sale_view(
            priced.result,
            [(line.line_id, line.name, str(line.qty), line.unit_price_minor, line.weighted, line.sku)
             for line in draft.lines],
            min_redeem=priced.settings.min_redeem,
            customer_points=priced.points_spendable - draft.reward_points if priced.customer is not None else None,
            claims=tuple((r.reward_id, r.name, r.points) for r in draft.rewards),
        )

    def checkout(self, draft: Draft, cashier_id: str | None, *, cashier_name: str | None = None,
                 connectivity: Connectivity = ONLINE, expected_total: int | None = None) -> Changed:
        """Pay: the sale is written in one transaction; the answer carries the receipt to print.

        `expected_total` is the amount on the screen: if the sale re-prices to another amount (a
        promotion ended, points were spent elsewhere), nothing is written and the refusal says so.
        """
        now = self.clock()
        header = ReceiptHeader(self.store.name, self.uow.register_id, cashier_name or cashier_id or "-",
                               self.store.address)
        done = pay(self.uow, draft, now=now, cashier_id=cashier_id, connectivity=connectivity,
                   expected_total=expected_total, cache=self.cache, chain=self.chain, receipt=header)
        if isinstance(done, Refused):
            return Changed(done)
        customer = done.priced.customer
        receipt = done.receipt
        assert receipt is not None
        total = money(done.order.total_minor, done.order.currency)
        summary = tr("Order %1 paid: %2.").replace("%1", done.order_number).replace("%2", total)
        if customer is not None:
            earned, spent = done.order.points_earned, done.order.points_redeemed
            summary += " " + (tr("%1 earned %Ln point(s), spent %2 — balance %3.", "", earned) if spent
                              else tr("%1 earned %Ln point(s) — balance %3.", "", earned)).replace(
                "%1", customer.name).replace("%2", formats.number(spent)).replace(
                "%3", formats.number(done.points_after))
        if done.next_visit is not None:
            summary += " " + tr("Next-visit code %1 is on the receipt.").replace("%1", done.next_visit.code_text)
        for name, code in done.partner_codes:
            summary += " " + tr("%1: code %2 is on the receipt.").replace("%1", name).replace("%2", code)
        return Changed(CheckedOut(done, receipt, summary), OpChanges(cart=True, promotions=True, totals=True,
                                                                     customer=True, outbox=True))

    def _changed(self, before: Draft, after: Draft | Refused, message: str = "", about: str = "item") -> SaleUpdate:
        if isinstance(after, Refused):
            return replace(self.price(before, OpChanges()), refused=after, about=about)
        return self.price(after, message=message)

    def add_item(self, draft: Draft, scanned: str) -> SaleUpdate:
        """A barcode or SKU; "3*4006381333931" (typed, or "3*" typed before a scan) adds three."""
        qty: int | str = 1
        times, star, code = scanned.partition("*")
        if star and times.strip().isdigit():
            qty, scanned = int(times.strip()), code
        after = sale.add_item(self.uow(read_only=True), draft, scanned, qty)
        added = "" if isinstance(after, Refused) else tr("Added %1").replace("%1", after.lines[-1].name) \
            if after.lines else ""
        if not isinstance(after, Refused) and len(after.lines) == len(draft.lines):
            changed = next((a for a, b in zip(after.lines, draft.lines, strict=True) if a != b), None)
            added = f"{changed.name} × {changed.qty}" if changed else added
        update = self._changed(draft, after, added)
        if not isinstance(after, Refused) and len(after.lines) > len(draft.lines) and after.lines[-1].weighted \
                and qty == 1:
            update = replace(update, weigh_line=after.lines[-1].line_id)
        return update

    def set_quantity(self, draft: Draft, line_id: str, qty: int | str) -> SaleUpdate:
        return self._changed(draft, sale.change_quantity(draft, line_id, qty))

    def remove_line(self, draft: Draft, line_id: str) -> SaleUpdate:
        return self._changed(draft, sale.remove_line(draft, line_id))

    def set_customer(self, draft: Draft, customer_id: str | None) -> SaleUpdate:
        after = sale.attach_customer(draft, customer_id) if customer_id else sale.detach_customer(draft)
        return self._changed(draft, after)

    def add_code(self, draft: Draft, code: str) -> SaleUpdate:
        return self._changed(draft, sale.apply_code(self.uow(read_only=True), draft, code), about="code")

    def add_scanned(self, draft: Draft, scanned: str) -> SaleUpdate:
        """A scan that is neither a card, a barcode's digits nor a receipt: a product's SKU label when the
        catalogue knows it, else a promo code (a coupon's barcode)."""
        if find_products(self.uow(read_only=True), {scanned}):
            return self.add_item(draft, scanned)
        return self.add_code(draft, scanned)

    def redeem(self, draft: Draft, request: int | str) -> SaleUpdate:
        return self._changed(draft, sale.request_redemption(draft, request), about="points")

    def claim_reward(self, draft: Draft, reward_id: str) -> SaleUpdate:
        after = claim_reward(self.uow(read_only=True), draft, reward_id, now=self.clock())
        name = "" if isinstance(after, Refused) else tr("Reward claimed: %1").replace("%1", after.rewards[-1].name)
        return self._changed(draft, after, name, about="reward")

    def cancel_reward(self, draft: Draft, reward_id: str) -> SaleUpdate:
        return self._changed(draft, cancel_reward(draft, reward_id), about="reward")

    def rewards(self) -> list[Reward]:
        return list_rewards(self.uow(read_only=True))

    def new_draft(self) -> Draft:
        return sale.new_sale(self.store_id)


__all__ = ["CheckedOut", "Draft", "SaleOps", "SaleUpdate", "StoreFacts"]
