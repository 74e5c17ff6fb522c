"""The checks a store's till builds through the POS API, and the one on the register's screen.

A till sends its whole check on every call: lines (FORMAT.md 1.3, often only
`id`, `sku`, `qty` and `unit_price`), the member, the codes and the points
to spend. `TillChecks.build` turns it into the same `SaleDraft` the window
builds by scanning: each line keeps the till's id, quantity and price and gets
what the catalogue knows of its SKU (categories, brand, tags, no_discount,
no_points, min_unit_price) unless the till sent it; a SKU the catalogue does
not know is priced as sent and named in the messages. The quantity, code and
points rules are the window's (`services.sale`).

While the register's window runs, the check a till last inquired is the sale
on its screen, and the cashier may add to it there: a code, points, a reward,
another customer. `TillChecks` keeps, for each open check, what the till sent
last and what the check holds now, so the till's next call keeps the
cashier's additions: a field the till sends unchanged keeps the value it has
on the screen, a field the till changes takes the till's new value, and codes
are the till's plus the cashier's. Lines are always the till's: it owns the
items and takes payment. Observers (the window) hear of each check shown and
paid; they are called on the API's thread.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from pos_app.domain.cart import CartLine
from pos_app.domain.catalog_item import CatalogItem
from pos_app.domain.money import Currency
from pos_app.domain.promotion_code import normalise_code
from pos_app.services.catalog_cache import CatalogCache
from pos_app.services.customer_card import customer_by_id
from pos_app.services.identification import Identified, identify_by_card
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricedSale
from pos_app.services.sale import (
    MAX_LINES,
    ClaimedReward,
    DraftLine,
    RedeemRequest,
    SaleDraft,
    apply_code,
    check_code_text,
    check_quantity,
    request_redemption,
)
from pos_app.storage.unit_of_work import UnitOfWorkFactory

_CHECK_NAMESPACE = uuid.UUID("6f1c2b1e-3d5a-4d8e-9a43-5b0f1f7c9e21")  # the till checks' sale ids (uuid5)
MAX_OPEN_CHECKS = 64  # checks remembered for the cashier's additions; the oldest is forgotten first
MAX_UNIT_PRICE_MINOR = 10**10 - 1  # a till's price above this is a mistake, not a product
MAX_CODES = 50
FILLED_FIELDS = ("categories", "brand", "tags", "no_discount", "no_points", "min_unit_price")


@dataclass(frozen=True, slots=True)
class TillLine:
    """One line of a till's check: the cart line as parsed, and which optional fields the till sent."""

    line: CartLine
    sent: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """A till's check as it sent it. `till` names the till (its key); check ids are the till's own."""

    till: str
    check_id: str
    lines: tuple[TillLine, ...]
    member: str | None = None  # a member id or a card number
    codes: tuple[str, ...] = ()
    redeem: RedeemRequest = 0


@dataclass(frozen=True, slots=True)
class BuiltCheck:
    """The draft of a till's check, and what the cashier should know of it (unknown SKUs, refused codes)."""

    draft: SaleDraft
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckShown:
    """A till inquired: this check, priced, is the sale on the register's screen now."""

    till: str
    check_id: str
    priced: PricedSale
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckPaid:
    """The till committed the check on screen: the sale is written as `order_id`."""

    till: str
    check_id: str
    sale_id: str
    order_id: str


@dataclass(slots=True)
class _Open:
    """One open check: what the till sent last, and what the check holds now."""

    sale_id: str
    sent_member: str | None
    sent_redeem: RedeemRequest
    sent_codes: tuple[str, ...]
    customer_id: str | None
    redeem: RedeemRequest
    cashier_codes: tuple[str, ...] = ()
    rewards: tuple[ClaimedReward, ...] = field(default_factory=tuple)


def check_sale_id(register_id: str, till: str, check_id: str, day: date) -> str:
    """The sale id of a till's check: the same for the same check of the same till on the same day, so
    the check is paid once whatever `transaction_id` the till sends (a till that lost its own id after a
    crash and commits again is answered `already_paid` with the order, never charged twice)."""
    return str(uuid.uuid5(_CHECK_NAMESPACE, "\x1f".join((register_id, till, check_id, day.isoformat()))))


def _far_apart(till_minor: int, catalogue_minor: int) -> bool:
    """A till's price ten times the catalogue's or more, or a tenth or less: a typing slip, not a promotion."""
    return catalogue_minor > 0 and (till_minor >= 10 * catalogue_minor or 10 * till_minor <= catalogue_minor)


class TillChecks:
    """The open checks of every till on this register, and which one the screen shows. Thread-safe."""

    def __init__(self, store_id: str | None = None, max_open: int = MAX_OPEN_CHECKS,
                 clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
                 catalog: CatalogCache | None = None) -> None:
        self.store_id = store_id
        self.catalog = catalog or CatalogCache()  # the checks' products, read once per catalogue revision
        self._max_open = max_open
        self._clock = clock
        self._lock = threading.Lock()
        self._open: OrderedDict[tuple[str, str], _Open] = OrderedDict()
        self._on_screen: tuple[str, str] | None = None
        self._observers: list[Callable[[object], None]] = []

    # -- observers ----------------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[object], None]) -> Callable[[], None]:
        """Call `observer(CheckShown | CheckPaid)` from now on; returns the function that stops it."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def _tell(self, event: object) -> None:
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            observer(event)

    # -- the till's calls ---------------------------------------------------------------------------

    def build(self, factory: UnitOfWorkFactory, request: CheckRequest) -> BuiltCheck | Refused:
        """The draft of the till's check with the cashier's additions; nothing is written.

        Refused: `too_many_lines`, `duplicate_line`, `bad_quantity`, `bad_price`,
        `malformed_code`, `too_many_codes`, `bad_check_digit`, `unknown_member`,
        `customer_required` (points asked for an anonymous check), `bad_points`.
        A code the window would refuse (unknown, used up, another customer's) is
        left out of the draft and named in the messages, as an unknown SKU is.
        """
        lines = _checked_lines(request.lines)
        if isinstance(lines, Refused):
            return lines
        codes = _checked_codes(request.codes)
        if isinstance(codes, Refused):
            return codes
        key = (request.till, request.check_id)
        with self._lock:
            before = self._open.get(key)
        if before is not None and request.member == before.sent_member:
            customer_id = before.customer_id
        else:
            found = find_member(factory, request.member)
            if isinstance(found, Refused):
                return found
            customer_id = found
        redeem = before.redeem if before is not None and request.redeem == before.sent_redeem else request.redeem
        cashier_codes = before.cashier_codes if before is not None else ()
        rewards = before.rewards if before is not None and before.customer_id == customer_id else ()
        catalogue = self.catalog.among(factory(read_only=True), {t.line.sku for t in request.lines})
        draft = SaleDraft(
            lines=tuple(_draft_line(t, catalogue.get(t.line.sku), qty) for t, qty in zip(request.lines, lines,
                                                                                         strict=True)),
            customer_id=customer_id,
            rewards=rewards,
            store_id=self.store_id,
            next_line=len(request.lines) + 1,
            sale_id=before.sale_id if before is not None else check_sale_id(
                factory.register_id, request.till, request.check_id, self._clock().date()),
        )
        asked = request_redemption(draft, redeem)
        if isinstance(asked, Refused):
            return asked
        draft = asked
        messages = [f"SKU {sku}: not in the catalogue, priced as sent"
                    for sku in dict.fromkeys(t.line.sku for t in request.lines if t.line.sku not in catalogue)]
        slips = [(t.line, item) for t in request.lines
                 if (item := catalogue.get(t.line.sku)) is not None and _far_apart(t.line.unit_price,
                                                                                  item.unit_price_minor)]
        if slips:  # rare: only then is the currency read
            with factory(read_only=True) as uow:
                money = Currency.of(uow.settings.get().currency).format_minor
            messages += [f"SKU {line.sku}: the till's price {money(line.unit_price)} is far from the catalogue's "
                         f"{money(item.unit_price_minor)}: check it (cents typed as units?)" for line, item in slips]
        for code in codes + cashier_codes:  # the window's rule for each code: unknown, used, another's
            entered = apply_code(factory(read_only=True), draft, code)
            if isinstance(entered, Refused):
                if entered.reason != "code_already_entered":
                    messages.append(entered.message)
            else:
                draft = entered
        state = _Open(draft.sale_id, request.member, request.redeem, codes, customer_id, draft.redeem,
                      cashier_codes, rewards)
        with self._lock:
            self._open[key] = state
            self._open.move_to_end(key)
            while len(self._open) > self._max_open:
                self._open.popitem(last=False)
        return BuiltCheck(draft, tuple(messages))

    def shown(self, request: CheckRequest, priced: PricedSale, messages: Sequence[str] = ()) -> None:
        """The till inquired and `priced` is its answer: it becomes the sale on the screen."""
        with self._lock:
            self._on_screen = (request.till, request.check_id)
        self._tell(CheckShown(request.till, request.check_id, priced, tuple(messages)))

    def paid(self, request: CheckRequest, sale_id: str, order_id: str) -> None:
        """The till committed the check: it is closed (the same check id, the same day, is `already_paid`)."""
        key = (request.till, request.check_id)
        with self._lock:
            self._open.pop(key, None)
            if self._on_screen == key:
                self._on_screen = None
        self._tell(CheckPaid(request.till, request.check_id, sale_id, order_id))

    # -- the window's side --------------------------------------------------------------------------

    def changed_by_cashier(self, draft: SaleDraft) -> bool:
        """The cashier changed a till's check on the screen (a code, points, a reward, the customer).

        Returns False when `draft` is not an open till check (a sale of the window's own).
        """
        with self._lock:
            for state in self._open.values():
                if state.sale_id == draft.sale_id and draft.sale_id:
                    sent = {normalise_code(c) for c in state.sent_codes}
                    state.cashier_codes = tuple(c for c in draft.codes if normalise_code(c) not in sent)
                    state.customer_id = draft.customer_id
                    state.redeem = draft.redeem
                    state.rewards = draft.rewards
                    return True
        return False

    def is_till_sale(self, sale_id: str) -> bool:
        with self._lock:
            return any(state.sale_id == sale_id for state in self._open.values())


def priced_messages(priced: PricedSale) -> tuple[str, ...]:
    """What the engine's answer tells the cashier beyond the prices: codes that did not apply, points
    cut, and what would unlock a promotion (the nudges)."""
    result = priced.result
    messages = [
        f"code {status.code}: valid, but nothing in the check qualifies"
        for status in result.codes
        if status.status == "not_applicable"
    ]
    redemption = result.redemption
    if redemption.limited_by is not None and priced.customer is not None:
        messages.append(f"{redemption.redeemed} points spent of {redemption.requested} asked: "
                        + _LIMITS.get(redemption.limited_by, redemption.limited_by.replace("_", " ")))
    messages.extend(nudge.message for nudge in result.nudges)
    return tuple(messages)


_LIMITS = {
    "balance": "that is all the points the member may spend",
    "share": "points may pay only part of this check",
    "step": "points are spent in whole steps",
    "minimum": "below the minimum to redeem",
}


def find_member(factory: UnitOfWorkFactory, member: str | None) -> str | None | Refused:
    """The customer id a till named by card number (check digit verified) or by id; None for no member."""
    if member is None:
        return None
    text = member.strip() if isinstance(member, str) else ""
    if re.fullmatch(r"\d{13}", text):
        found = identify_by_card(factory(read_only=True), text)
        if isinstance(found, Identified):
            return found.customer.id
        if isinstance(found, Refused) and found.reason == "wrong_check_digit":
            return Refused("bad_check_digit", found.message)
    profile = customer_by_id(factory(read_only=True), text) if text else Refused("unknown_member", "")
    if isinstance(profile, Refused):
        return Refused("unknown_member", f"member {text[:40]!r}: no such card or member id")
    return profile.id


def _checked_lines(lines: Sequence[TillLine]) -> list[int | str] | Refused:
    if len(lines) > MAX_LINES:
        return Refused("too_many_lines", f"a check has at most {MAX_LINES} lines ({len(lines)} sent)")
    seen: set[str] = set()
    quantities: list[int | str] = []
    for k, till_line in enumerate(lines):
        line = till_line.line
        if line.id in seen:
            return Refused("duplicate_line", f"lines[{k}].id: line id {line.id!r} appears twice")
        seen.add(line.id)
        qty = check_quantity(_qty_text(line.qty) if line.weighted else line.qty, line.weighted)
        if isinstance(qty, Refused):
            return Refused(qty.reason, f"lines[{k}] ({line.sku}): {qty.message}")
        if line.unit_price > MAX_UNIT_PRICE_MINOR or (line.min_unit_price or 0) > MAX_UNIT_PRICE_MINOR:
            return Refused("bad_price", f"lines[{k}] ({line.sku}): a unit price that high is a mistake")
        quantities.append(qty)
    return quantities


def _checked_codes(codes: Sequence[str]) -> tuple[str, ...] | Refused:
    if len(codes) > MAX_CODES:
        return Refused("too_many_codes", f"a check has at most {MAX_CODES} codes")
    checked = []
    for k, text in enumerate(codes):
        code = check_code_text(text)
        if isinstance(code, Refused):
            return Refused("malformed_code", f"codes[{k}]: {code.message}")
        checked.append(code)
    return tuple(checked)


def _qty_text(qty: int | Fraction) -> str:
    if isinstance(qty, int):
        return str(qty)
    return format(Decimal(qty.numerator) / Decimal(qty.denominator), "f")


def _draft_line(till_line: TillLine, known: CatalogItem | None, qty: int | str) -> DraftLine:
    """The till's line as the register sells it: the till's price, the catalogue's facts where not sent."""
    line, sent = till_line.line, till_line.sent
    if known is None:
        known = CatalogItem(sku=line.sku, name=line.sku, unit_price_minor=line.unit_price)
    elif not sent and line.unit_price == known.unit_price_minor and line.weighted == known.weighted:
        return DraftLine(line.id, known, qty)  # the catalogue's product as it is (most lines of most checks)
    item = CatalogItem(
        sku=line.sku,
        name=known.name,
        unit_price_minor=line.unit_price,
        barcode=known.barcode,
        categories=tuple(sorted(line.categories)) if "categories" in sent else known.categories,
        brand=line.brand if "brand" in sent else known.brand,
        tags=tuple(sorted(line.tags)) if "tags" in sent else known.tags,
        no_discount=line.no_discount if "no_discount" in sent else known.no_discount,
        no_points=line.no_points if "no_points" in sent else known.no_points,
        min_unit_price_minor=line.min_unit_price if "min_unit_price" in sent else known.min_unit_price_minor,
        weighted=line.weighted,
    )
    return DraftLine(line.id, item, qty)


__all__ = [
    "FILLED_FIELDS",
    "MAX_LINES",
    "BuiltCheck",
    "CheckPaid",
    "CheckRequest",
    "CheckShown",
    "TillChecks",
    "TillLine",
    "find_member",
    "priced_messages",
]
