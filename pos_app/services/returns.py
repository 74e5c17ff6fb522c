"""Returns and voids of paid orders: money back at the frozen prices, points put right.

A return refunds each unit at the net price fixed at checkout: nothing is
re-spread onto the lines the customer keeps, so a promotion that needed the
returned item is not clawed back from the rest. The points follow the same
shares: the points earned on the returned part are taken back and the points
spent on it are given back.

One rounding rule, cumulative floor: for a line sold `Q` units with a frozen
amount `A` (its net price in minor units, its points earned, its points
spent), the first `k` units returned are worth `floor(A * k / Q)`, and a
return of `q` more units after `r` is worth `floor(A * (r + q) / Q) -
floor(A * r / Q)`. Partial returns therefore never add up to more than `A`,
and returning everything gives back exactly `A`, whatever the order of the
partial returns. Points taken back never exceed what the customer holds
(they may have spent them already): the difference is reported as
`points_not_recovered` and the balance never goes negative.

The points move through `adjustment` entries (reason `return_points_spent`
for the points given back, `return_points_earned` for those taken back),
because a partial return undoes part of an entry and a `reversal` undoes a
whole one, once. Points taken back come first from the order's own accrual
lots (which may still be held for the return window), then first to expire.

A return after the program's return window needs a manager's PIN; a
manager's PIN given with any return approves it, and the return is then the
manager's on record. Every return is written to the audit log
(`items_returned`, with who did it and who approved it) and its ledger
entries carry the same actor. A manager may also void the register's last order outright (`void_last_order`):
every ledger entry of the order is reversed, its codes' uses are given back
(a claimed reward's code stays spent: its points come back instead), the
next-visit code the order earned is retired (uses left 0), the customer's
uses of its promotions are taken back and the order is marked voided.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from pos_app.domain.account import Role
from pos_app.domain.ledger import EntryKind, LedgerEntry, LotConsumption, consume_first_to_expire
from pos_app.domain.money import floor_minor
from pos_app.domain.sale_record import SaleRecord, SoldLine
from pos_app.services.accounts import authenticate
from pos_app.services.chain import ChainCalls, ChainUnreachable
from pos_app.services.checkout import REWARD_REASON_PREFIX
from pos_app.services.outcome import Refused
from pos_app.services.publishing import ReturnedLineData, publish_code, publish_return, publish_void
from pos_app.storage.ledger import new_entry_id
from pos_app.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

RETURN_SPENT_REASON = "return_points_spent"
RETURN_EARNED_REASON = "return_points_earned"
_ORDER_NUMBER = re.compile(r"[0-9A-Za-z._\-]{1,80}")
_RETURN_ID = re.compile(r"[0-9A-Za-z._\-]{1,64}")
_OLD_ORDER_NUMBER = re.compile(r"[^-]+-[0-9]+")  # before order ids carried their store: `R1-000042`


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    line_id: str
    sku: str
    name: str
    qty: str
    refund_minor: int
    points_given_back: int  # share of the points spent on the line
    points_taken_back: int  # share of the points earned on the line (before any cut to the balance)


@dataclass(frozen=True, slots=True)
class ReturnResult:
    order_id: str
    currency: str
    lines: tuple[ReturnedLine, ...]
    refund_minor: int  # money to pay back
    points_given_back: int
    points_taken_back: int  # what was actually taken from the customer
    points_not_recovered: int  # earned points the customer had already spent
    entries: tuple[LedgerEntry, ...] = ()
    return_id: str = ""
    replayed: bool = False  # this return id was recorded before: the first answer, nothing written again


@dataclass(frozen=True, slots=True)
class VoidedOrder:
    order_id: str
    refund_minor: int
    reversals: tuple[LedgerEntry, ...]


def new_return_id() -> str:
    """A fresh id for a return the cashier is about to confirm (time-ordered, unique in the chain)."""
    return new_entry_id()


def share(amount: int, sold: Fraction, before: Fraction, after: Fraction) -> int:
    """The part of a line's frozen `amount` that units `before`..`after` of `sold` carry (cumulative floor)."""
    return floor_minor(Fraction(amount) * after / sold) - floor_minor(Fraction(amount) * before / sold)


def _order_ref(scanned: str) -> str | Refused:
    ref = (scanned or "").strip() if isinstance(scanned, str) else ""
    if not _ORDER_NUMBER.fullmatch(ref):
        return Refused("malformed_order_number", f"{ref[:40]!r} is not an order number (scan the receipt)")
    return ref


def _held(uow: UnitOfWork, ref: str) -> SaleRecord | None:
    """An order this register holds; a receipt printed before ids carried the store (`R1-000042`) too."""
    order = uow.orders.get(ref)
    if order is None and _OLD_ORDER_NUMBER.fullmatch(ref):
        order = uow.orders.get(f"{uow.store_id}-{ref}")
    return order


def find_order(uow: UnitOfWork, scanned: str) -> SaleRecord | Refused:
    """The order whose receipt barcode (its order number, `S1-R1-000042`) was scanned or typed, if held here."""
    ref = _order_ref(scanned)
    if isinstance(ref, Refused):
        return ref
    with uow:
        order = _held(uow, ref)
    return order or Refused("unknown_order", f"no order {ref} at this register")


def locate_order(uow: UnitOfWorkFactory, scanned: str, *, chain: ChainCalls | None = None
                 ) -> SaleRecord | Refused:
    """The order to return or void, wherever in the chain it was sold.

    An order this register holds is answered from its store (online, what was
    returned of it at other stores is brought up to date first). An order of
    another register is fetched from the central service with its frozen
    lines and kept here, so the return runs exactly as for a local order.
    Refused: `malformed_order_number`, `unknown_order` (nowhere in the chain),
    `needs_central` (sold elsewhere and the central service cannot be reached),
    `unknown_customer` (its member has not reached this register yet).
    """
    ref = _order_ref(scanned)
    if isinstance(ref, Refused):
        return ref
    with uow(read_only=True) as unit:
        order = _held(unit, ref)
    if chain is None:
        return order or Refused("unknown_order", f"no order {ref} at this register")
    try:
        fetched = chain.fetch_order(order.id if order is not None else ref)
    except ChainUnreachable:
        if order is not None:
            return order
        return Refused("needs_central", f"order {ref} was not sold at this register: its details come from the "
                                        "central service, which cannot be reached now. Try again once online, "
                                        "or return it at the store that sold it")
    if fetched is None:
        return order or Refused("unknown_order", f"no order {ref} here or at the other stores")
    with uow() as unit:
        if order is None and (order := unit.orders.get(str(fetched["id"]))) is None:
            record = _record_from_chain(fetched)
            if record.customer_id is not None and unit.customers.get(record.customer_id) is None:
                return Refused("unknown_customer", f"order {ref} is a member's this register has not received "
                                                   "yet: wait for the next sync")
            unit.orders.add(record)
        unit.orders.catch_up_returns(order.id if order is not None else str(fetched["id"]),
                                     {line["line_id"]: str(line["qty_returned"]) for line in fetched["lines"]},
                                     voided=fetched.get("status") == "voided")
        unit.commit()
        return _held(unit, str(fetched["id"])) or Refused("unknown_order", f"no order {ref} here or at the other stores")


def _record_from_chain(data: Mapping[str, object]) -> SaleRecord:
    lines = tuple(
        SoldLine(line_id=str(line["line_id"]), position=int(line["position"]), sku=str(line["sku"]),
                 name=str(line["name"]), qty=str(line["qty"]), unit_price_minor=int(line["unit_price_minor"]),
                 subtotal_minor=int(line["subtotal_minor"]), discount_minor=int(line["discount_minor"]),
                 points_value_minor=int(line["points_value_minor"]), net_minor=int(line["net_minor"]),
                 points_earned=int(line["points_earned"]), points_redeemed=int(line["points_redeemed"]),
                 allocations={str(k): int(v) for k, v in dict(line["allocations"]).items()},
                 weighted=bool(line["weighted"]))
        for line in data["lines"]  # type: ignore[union-attr]
    )
    return SaleRecord(
        id=str(data["id"]), register_id=str(data["register_id"]),
        created_at=datetime.fromisoformat(str(data["created_at"])), currency=str(data["currency"]),
        subtotal_minor=int(data["subtotal_minor"]), discount_minor=int(data["discount_minor"]),  # type: ignore[arg-type]
        points_value_minor=int(data["points_value_minor"]), total_minor=int(data["total_minor"]),  # type: ignore[arg-type]
        lines=lines, customer_id=str(data["customer_id"]) if data.get("customer_id") else None,
        store_id=str(data["store_id"]) if data.get("store_id") else None,
        cashier_id=str(data["cashier_id"]) if data.get("cashier_id") else None,
        points_earned=int(data["points_earned"]), points_redeemed=int(data["points_redeemed"]),  # type: ignore[arg-type]
        codes=tuple(str(c) for c in data.get("codes") or ()),  # type: ignore[union-attr]
        result_json="{}",
    )


def last_order(uow: UnitOfWork) -> SaleRecord | Refused:
    """This register's last order (the one "void" would undo)."""
    with uow:
        order_id = uow.orders.last_order_id(uow.register_id, uow.order_prefix)
        order = uow.orders.get(order_id) if order_id else None
    return order or Refused("no_order", "this register has no order yet")


def quote_return(order: SaleRecord, quantities: Mapping[str, int | str]) -> tuple[ReturnedLine, ...] | Refused:
    """What returning `quantities` of `order` gives back, line by line, before anything is written.

    The same computation `return_items` records; the screen shows it in the confirmation.
    """
    if not quantities:
        return Refused("nothing_to_return", "choose the items to return")
    if order.status != "paid":
        return Refused("order_voided", f"order {order.id} was voided")
    lines = {line.line_id: line for line in order.lines}
    returned: list[ReturnedLine] = []
    for line_id, qty in quantities.items():
        line = lines.get(line_id)
        if line is None:
            return Refused("unknown_line", f"order {order.id} has no line {line_id!r}")
        amount = _return_qty(line, qty)
        if isinstance(amount, Refused):
            return amount
        left = Fraction(line.qty_left)
        if amount > left:
            return Refused(
                "more_than_sold",
                f"{line.name}: {_qty_text(left)} left to return (sold {line.qty}), {_qty_text(amount)} asked",
            )
        sold = Fraction(Decimal(line.qty))
        before = Fraction(Decimal(line.qty_returned))
        after = before + amount
        returned.append(
            ReturnedLine(
                line_id=line.line_id,
                sku=line.sku,
                name=line.name,
                qty=_qty_text(amount),
                refund_minor=share(line.net_minor, sold, before, after),
                points_given_back=share(line.points_redeemed, sold, before, after),
                points_taken_back=share(line.points_earned, sold, before, after),
            )
        )
    return tuple(returned)


def _return_qty(line: SoldLine, qty: object) -> Fraction | Refused:
    text = str(qty).strip() if isinstance(qty, int | str) and not isinstance(qty, bool) else ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return Refused("bad_quantity", f"{line.name}: quantity {qty!r} is not a number")
    if not amount.is_finite() or amount <= 0:
        return Refused("bad_quantity", f"{line.name}: return a quantity above zero")
    if not line.weighted and amount != amount.to_integral_value():
        return Refused("bad_quantity", f"{line.name}: return whole items")
    return Fraction(amount)


def _approve(uow: UnitOfWork, manager_id: str | None, pin: str | None, now: datetime) -> Refused | None:
    if manager_id is None or pin is None:
        return Refused("manager_required", "a manager's PIN is needed")
    approval = authenticate(uow, manager_id, pin, now, Role.MANAGER)
    if isinstance(approval, Refused):
        uow.commit()  # keep the wrong PIN's count; the action itself is not done
        return approval
    return None


def _take_back_parts(
    uow: UnitOfWork, order_id: str, customer_id: str, points: int, now: datetime
) -> list[LotConsumption]:
    """Where taken-back points come from: the order's accrual lots first, then first to expire."""
    accruals = {
        e.id for e in uow.ledger.entries_of_order(order_id) if e.kind is EntryKind.ACCRUAL and e.points > 0
    }
    parts: list[LotConsumption] = []
    left = points
    lots = uow.ledger.lots(customer_id)
    for lot in lots:
        if lot.entry_id in accruals and lot.remaining > 0 and left:
            take = min(lot.remaining, left)
            parts.append(LotConsumption(lot.lot_id, take))
            left -= take
    if left:
        others = [
            lot for lot in uow.ledger.open_lots(customer_id, now.date()) if lot.entry_id not in accruals
        ]
        parts.extend(consume_first_to_expire(others, left, now.date()))
    return parts


def return_items(
    uow: UnitOfWork,
    order_id: str,
    quantities: Mapping[str, int | str],
    *,
    now: datetime,
    cashier_id: str | None = None,
    manager_id: str | None = None,
    pin: str | None = None,
    return_id: str | None = None,
) -> ReturnResult | Refused:
    """Return `quantities` (line id -> units, or kg for a weighted line) of an order, in one transaction.

    `order_id` is the order number as printed on the receipt's barcode.
    `return_id` names this return (the caller chooses it once and sends it
    again on a retry): a return id already recorded for the same order and
    quantities answers the first return again, `replayed`, writing nothing.
    Refused, with nothing written: `malformed_order_number`, `unknown_order`,
    `order_voided`, `nothing_to_return`, `unknown_line`, `bad_quantity`,
    `more_than_sold` (counting earlier partial returns), `return_id_reused`
    (the id names another return), and after the return window
    `manager_required` / the PIN check's refusals.
    """
    ref = _order_ref(order_id)
    if isinstance(ref, Refused):
        return ref
    if not quantities:
        return Refused("nothing_to_return", "choose the items to return")
    if return_id is not None and not _RETURN_ID.fullmatch(return_id):
        return Refused("bad_return_id", "a return id is 1 to 64 letters, digits, '.', '_' or '-'")
    with uow:
        order = _held(uow, ref)
        if order is None:
            return Refused("unknown_order", f"no order {ref} at this register")
        on_file = uow.orders.return_on_file(return_id) if return_id is not None else None
        if on_file is not None:
            return _replayed(uow, return_id or "", order, quantities, *on_file)
        if order.status != "paid":
            return Refused("order_voided", f"order {ref} was voided")
        returned_lines = quote_return(order, quantities)
        if isinstance(returned_lines, Refused):
            return returned_lines
        settings = uow.settings.get()
        window = settings.return_window_days
        late = window > 0 and now - order.created_at > timedelta(days=window)
        if late or manager_id is not None:
            # A manager's return is approved by their PIN whenever one is given, so it is theirs on record.
            refused = _approve(uow, manager_id, pin, now)
            if refused is not None:
                if refused.reason == "manager_required":
                    refused = Refused(
                        "return_window_closed",
                        f"the {window}-day return window has closed: a manager's PIN is needed",
                    )
                return refused
        actor = manager_id or cashier_id
        returned = list(returned_lines)
        for item in returned:
            uow.orders.record_return(order.id, item.line_id, item.qty, item.refund_minor)
        given = sum(item.points_given_back for item in returned)
        earned_back = sum(item.points_taken_back for item in returned)
        taken = 0
        entries: list[LedgerEntry] = []
        customer_id = order.customer_id
        who = f"return of {order.id}"
        if customer_id is not None:
            if given:
                entries.append(
                    uow.ledger.append(
                        EntryKind.ADJUSTMENT,
                        customer_id,
                        given,
                        at=now,
                        order_id=order.id,
                        reason=RETURN_SPENT_REASON,
                        actor_id=actor,
                        note=who,
                    )
                )
            customer = uow.customers.get(customer_id)
            holds = max(0, customer.points) if customer is not None else 0
            taken = min(earned_back, holds)
            if taken:
                entries.append(
                    uow.ledger.append(
                        EntryKind.ADJUSTMENT,
                        customer_id,
                        -taken,
                        at=now,
                        order_id=order.id,
                        reason=RETURN_EARNED_REASON,
                        actor_id=actor,
                        note=who,
                        consume=_take_back_parts(uow, order.id, customer_id, taken, now),
                    )
                )
        result = ReturnResult(
            order_id=order.id,
            currency=order.currency,
            lines=tuple(returned),
            refund_minor=sum(item.refund_minor for item in returned),
            points_given_back=given if customer_id is not None else 0,
            points_taken_back=taken,
            points_not_recovered=earned_back - taken if customer_id is not None else 0,
            entries=tuple(entries),
            return_id=return_id or new_entry_id(),
        )
        uow.orders.keep_return(result.return_id, order.id, now, _summary(result))
        publish_return(
            uow,
            new_entry_id(),  # the chain's id of this return: unique whatever id the caller chose
            order.id,
            (ReturnedLineData(line_id=i.line_id, qty=i.qty, refund_minor=i.refund_minor,
                              points_given_back=i.points_given_back, points_taken_back=i.points_taken_back)
             for i in returned),
            result.refund_minor,
            now,
            actor,
        )
        uow.audit.append(
            actor,
            "items_returned",
            {
                "order": order.id,
                "customer": customer_id,
                "lines": {i.line_id: i.qty for i in returned},
                "refund_minor": result.refund_minor,
                "points_given_back": result.points_given_back,
                "points_taken_back": result.points_taken_back,
                "approved_by": manager_id,
                "cashier": cashier_id,
                "late": late,
            },
            now,
        )
        uow.commit()
        return result


def _summary(result: ReturnResult) -> dict[str, Any]:
    """What a return gave, kept under its id so a retry answers the same."""
    return {
        "lines": [asdict(line) for line in result.lines],
        "refund_minor": result.refund_minor,
        "points_given_back": result.points_given_back,
        "points_taken_back": result.points_taken_back,
        "points_not_recovered": result.points_not_recovered,
        "entries": [e.id for e in result.entries],
    }


def _same_quantities(asked: Mapping[str, int | str], lines: list[dict[str, Any]]) -> bool:
    try:
        wanted = {k: Decimal(str(v)) for k, v in asked.items()}
    except InvalidOperation:
        return False
    return wanted == {line["line_id"]: Decimal(line["qty"]) for line in lines}


def _replayed(uow: UnitOfWork, return_id: str, order: SaleRecord, asked: Mapping[str, int | str],
              recorded_order: str, summary: dict[str, Any]) -> ReturnResult | Refused:
    """The first answer of a return recorded under `return_id`, or why this request is not that return."""
    if recorded_order != order.id or not _same_quantities(asked, summary["lines"]):
        return Refused("return_id_reused", f"return {return_id} was another return (of order {recorded_order})")
    entries = (uow.ledger.get(entry_id) for entry_id in summary["entries"])
    return ReturnResult(
        order_id=order.id,
        currency=order.currency,
        lines=tuple(ReturnedLine(**line) for line in summary["lines"]),
        refund_minor=summary["refund_minor"],
        points_given_back=summary["points_given_back"],
        points_taken_back=summary["points_taken_back"],
        points_not_recovered=summary["points_not_recovered"],
        entries=tuple(entry for entry in entries if entry is not None),
        return_id=return_id,
        replayed=True,
    )


def _qty_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def void_last_order(
    uow: UnitOfWork,
    *,
    manager_id: str,
    pin: str,
    now: datetime,
    note: str | None = None,
    order_id: str | None = None,
) -> VoidedOrder | Refused:
    """Under a manager's PIN, void this register's last order (paid by mistake, payment failed).

    `order_id` is the order the manager was shown and confirmed: when the
    register's last order is another one by now (a sale paid meanwhile),
    nothing is voided (`not_last_order`).

    Reverses every ledger entry of the order (points spent come back, points
    earned go), gives back the uses of the codes it spent (not a claimed
    reward's code), retires the next-visit code it earned, marks the order voided
    and writes the audit log. Refused:
    the PIN check's refusals, `no_order`, `already_voided`, `order_has_returns`
    (use a return instead), `insufficient_points` (the earned points were spent since).
    """
    with uow:
        refused = _approve(uow, manager_id, pin, now)
        if refused is not None:
            return refused
        last_id = uow.orders.last_order_id(uow.register_id, uow.order_prefix)
        order = uow.orders.get(last_id) if last_id else None
        if order is None:
            return Refused("no_order", "this register has no order to void")
        if order_id is not None and order.id != order_id.strip().upper():
            return Refused(
                "not_last_order",
                f"only the last sale can be voided, and it is now {order.id}, not {order_id}: "
                f"return the items of {order_id} instead",
            )
        if order.status != "paid":
            return Refused("already_voided", f"order {order.id} is already voided")
        if order.refunded_minor or any(Decimal(line.qty_returned) for line in order.lines):
            return Refused("order_has_returns", f"order {order.id} has returns: return the rest instead")
        targets = [
            e
            for e in uow.ledger.entries_of_order(order.id)
            if e.kind is not EntryKind.REVERSAL and uow.ledger.reversal_of(e.id) is None
        ]
        if order.customer_id is not None:
            customer = uow.customers.get(order.customer_id)
            change = -sum(e.points for e in targets if e.customer_id == order.customer_id)
            if customer is not None and customer.points + change < 0:
                return Refused(
                    "insufficient_points",
                    f"{customer.name} has already spent the points this order earned: "
                    "a manager adjustment is needed instead",
                )
        reward_codes = {
            e.code
            for e in targets
            if e.kind is EntryKind.REDEMPTION and e.code and (e.reason or "").startswith(REWARD_REASON_PREFIX)
        }
        # Give points back before taking any: the balance never dips below zero on the way.
        targets.sort(key=lambda e: (e.points > 0, e.seq))
        reversals = []
        for target in targets:
            reversals.append(
                uow.ledger.append(
                    EntryKind.REVERSAL,
                    target.customer_id,
                    -target.points,
                    at=now,
                    reverses=target.id,
                    order_id=order.id,
                    code=target.code,
                    actor_id=manager_id,
                    note=note or "order voided",
                )
            )
            if target.kind is EntryKind.CODE_USE and target.code and target.code not in reward_codes:
                uow.promotions.release_code(target.code)
        if order.customer_id is not None:
            applied = [a["id"] for a in json.loads(order.result_json or "{}").get("applied", [])]
            uow.customers.record_promotion_uses(order.customer_id, applied, delta=-1)
        for retired in uow.promotions.retire_codes_of_order(order.id):
            publish_code(uow, retired, now, order_id=order.id, retired=True)
        uow.orders.void(order.id)
        publish_void(uow, order.id, order.total_minor, now, manager_id)
        uow.audit.append(
            manager_id,
            "order_voided",
            {
                "order": order.id,
                "customer": order.customer_id,
                "total_minor": order.total_minor,
                "reversals": [r.id for r in reversals],
                "note": note,
            },
            now,
        )
        uow.commit()
        return VoidedOrder(order.id, order.total_minor, tuple(reversals))


__all__ = [
    "RETURN_EARNED_REASON",
    "RETURN_SPENT_REASON",
    "ReturnResult",
    "ReturnedLine",
    "VoidedOrder",
    "find_order",
    "last_order",
    "locate_order",
    "quote_return",
    "return_items",
    "share",
    "void_last_order",
]
