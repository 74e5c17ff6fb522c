"""What one order, one ledger entry and one member contribute to the loyalty report.

These are the report's definitions, used by the central service (over its
daily aggregates) and by the register (over its own orders) alike:

- **An order counts** when it was paid and is not wholly returned; a voided
  order counts for nothing. Its **revenue** is what the customer paid and
  kept (total less refunds); its **money discount** and **points value** are
  the promotions' and the points' share of the items kept (a returned unit
  takes its share of the line's discount with it, the cumulative-floor share
  the return itself used).
- **Participants** are the members of the participant segment of the
  order's brand (`ParticipantRules`) on the order's local day: from the day
  they enrolled until the day they left (not included). A member merged into
  another is that other member. Everyone else who buys is a non-participant:
  members outside the segment and anonymous buyers.
- **Points**: accrued are the points earned (accruals, less accruals undone
  by a void or taken back by a return); redeemed are the points spent (less
  spends given back); expired are expiry entries; manual adjustments and
  transfers move balances but are neither accrued nor redeemed.
- **Points liability** of a member: their balance; *pending* is what they
  earned within the return window (not spendable yet); *expiring within N
  days* is what is left of their lots expiring by then, lots being spent
  first-to-expire (what remains of lots expiring by a day is the points
  earned in them less everything spent, never below zero).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from pos_app.domain.ledger import EntryKind, add_months
from pos_app.domain.money import floor_minor
from pos_app.domain.report.periods import RangeError, local_day

PAID = "paid"
RETURN_POINTS_EARNED = "return_points_earned"  # an adjustment taking back points a returned item earned
RETURN_POINTS_SPENT = "return_points_spent"  # an adjustment giving back points a returned item was paid with
REWARD_PREFIX = "reward:"  # the reason of a redemption claiming a catalogue reward
DEFAULT_BRAND = ""  # the brand of every store no `report.brands` entry names
HQ_STORE = "HQ"  # the central service's own bookings (welcome, birthday, merges) and members it imported


class Audience(StrEnum):
    PARTICIPANT = "participant"
    MEMBER = "member"  # a member outside the participant segment (or not a member on that day)
    ANONYMOUS = "anonymous"


class Sums:
    """Integer sums that add field by field."""

    def __add__(self, other: Any) -> Any:
        return type(self)(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))  # type: ignore[arg-type]

    def as_tuple(self) -> tuple[int, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]

    @property
    def is_zero(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]


# -- orders ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderFigures(Sums):
    orders: int = 0
    revenue_minor: int = 0
    discount_minor: int = 0
    points_value_minor: int = 0


@functools.lru_cache(maxsize=4096)
def _quantity(text: str | None) -> Fraction:
    """A quantity as the records write it (`"2"`, `"0.350"`), exactly; a rebuild parses the same few often."""
    return Fraction(Decimal(text or "0"))


def returned_share(amount: int, qty: str, qty_returned: str) -> int:
    """The part of a line's frozen `amount` its returned units carried (cumulative floor, as returns refund)."""
    sold = _quantity(qty)
    back = min(_quantity(qty_returned), sold)
    if sold <= 0 or back <= 0 or not amount:
        return 0
    if back == sold:
        return amount  # every unit back: the whole amount (floor of an integer)
    return floor_minor(Fraction(amount) * back / sold)


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    qty: str
    qty_returned: str
    discount_minor: int
    points_value_minor: int
    allocations: Mapping[str, int] = field(default_factory=dict)


def order_figures(status: str, total_minor: int, refunded_minor: int, discount_minor: int,
                  points_value_minor: int, *, orders: int = 1,
                  returned_lines: Iterable[ReturnedLine] | None = None) -> OrderFigures:
    """What `orders` orders of one status add up to (their amounts summed).

    `returned_lines` is given for one order with returns (its lines, each with
    what was returned of it); orders without returns may be summed many at a
    time, since then every amount counts as it is.
    """
    if status != PAID:
        return OrderFigures()
    if returned_lines is None:
        return OrderFigures(orders, total_minor - refunded_minor, discount_minor, points_value_minor)
    lines = list(returned_lines)
    discount_back = sum(returned_share(line.discount_minor, line.qty, line.qty_returned) for line in lines)
    points_back = sum(returned_share(line.points_value_minor, line.qty, line.qty_returned) for line in lines)
    if lines and all(_quantity(line.qty_returned) >= _quantity(line.qty) for line in lines):
        return OrderFigures()  # wholly returned
    return OrderFigures(1, total_minor - refunded_minor, discount_minor - discount_back,
                        points_value_minor - points_back)


def promotion_costs(status: str, applied: Iterable[tuple[str, int]],
                    returned_lines: Iterable[ReturnedLine] | None = None) -> dict[str, int]:
    """Each promotion's cost on one order: its discount on the items kept (nothing for a voided order)."""
    if status != PAID:
        return {}
    costs: dict[str, int] = {}
    for promotion_id, amount in applied:
        costs[promotion_id] = costs.get(promotion_id, 0) + amount
    for line in returned_lines or ():
        for promotion_id, amount in line.allocations.items():
            if promotion_id in costs:
                costs[promotion_id] -= returned_share(amount, line.qty, line.qty_returned)
    return costs


# -- points ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointsFigures(Sums):
    accrued: int = 0
    redeemed: int = 0
    expired: int = 0
    adjusted: int = 0
    net: int = 0  # every entry: what balances moved by


def points_figures(kind: str, points: int, reason: str | None) -> PointsFigures:
    """What entries of one kind, sign and reason (their points summed) add to the points figures.

    A reversal undoes what it reverses: a negative one an accrual, a positive
    one a redemption (a void reverses both kinds of its order).
    """
    entry = EntryKind(kind)
    if entry is EntryKind.ACCRUAL:
        return PointsFigures(accrued=points, net=points)
    if entry is EntryKind.REDEMPTION:
        return PointsFigures(redeemed=-points, net=points)
    if entry is EntryKind.EXPIRY:
        return PointsFigures(expired=-points, net=points)
    if entry is EntryKind.REVERSAL:
        return PointsFigures(accrued=min(points, 0), redeemed=-max(points, 0), net=points)
    if entry is EntryKind.ADJUSTMENT and reason == RETURN_POINTS_EARNED:
        return PointsFigures(accrued=points, net=points)
    if entry is EntryKind.ADJUSTMENT and reason == RETURN_POINTS_SPENT:
        return PointsFigures(redeemed=-points, net=points)
    if entry is EntryKind.ADJUSTMENT:
        return PointsFigures(adjusted=points, net=points)
    return PointsFigures(net=points)  # transfers, code uses


def reward_of(kind: str, reason: str | None) -> str | None:
    """The catalogue reward a redemption claimed, if any."""
    if kind == EntryKind.REDEMPTION.value and reason and reason.startswith(REWARD_PREFIX):
        return reason[len(REWARD_PREFIX):]
    return None


# -- participants ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Brand:
    """A brand of the chain: its stores and the segment of its participants (None: every member)."""

    name: str
    stores: frozenset[str] = frozenset()
    segment: str | None = None


@dataclass(frozen=True, slots=True)
class ParticipantRules:
    """Who participates, per brand: settings `report.participants` and `report.brands`.

    `report.participants` is the default brand's segment (null: every
    enrolled member); `report.brands` is `{"Name": {"stores": ["S1", ...],
    "participants": "segment" | null}}`. A store no brand names belongs to the
    default brand. Each brand is a bit of a member's brand mask.
    """

    segment: str | None = None
    named: tuple[Brand, ...] = ()

    @classmethod
    def from_settings(cls, participants: Any, brands: Any) -> ParticipantRules:
        if participants is not None and not isinstance(participants, str):
            raise RangeError("report.participants: a segment name, or null for every enrolled member")
        named: list[Brand] = []
        seen: set[str] = set()
        for name, spec in sorted((brands or {}).items()):
            if not isinstance(spec, dict) or not isinstance(spec.get("stores", []), list):
                raise RangeError(f"report.brands.{name}: {{'stores': [...], 'participants': segment or null}}")
            stores = frozenset(str(s) for s in spec.get("stores", []))
            if stores & seen:
                raise RangeError(f"report.brands.{name}: store {sorted(stores & seen)[0]} is in two brands")
            seen |= stores
            segment = spec.get("participants")
            named.append(Brand(str(name), stores, None if segment is None else str(segment)))
        return cls(participants or None, tuple(named))

    @property
    def brands(self) -> tuple[Brand, ...]:
        """The default brand first (bit 1), then the named ones."""
        return (Brand(DEFAULT_BRAND, frozenset(), self.segment), *self.named)

    def brand_bit(self, name: str) -> int:
        for i, brand in enumerate(self.brands):
            if brand.name == name:
                return 1 << i
        known = ", ".join(b.name for b in self.named) or "none"
        raise RangeError(f"unknown brand {name!r} (brands: {known})")

    def store_bit(self, store_id: str | None) -> int:
        for i, brand in enumerate(self.brands):
            if store_id in brand.stores:
                return 1 << i
        return 1

    def stores_of(self, name: str) -> frozenset[str] | None:
        """The stores of a named brand; None for the default brand (every store no brand names)."""
        bit = self.brand_bit(name)
        return None if bit == 1 else self.brands[bit.bit_length() - 1].stores

    def member_mask(self, segments: Iterable[str]) -> int:
        return _member_mask(self, frozenset(segments))

    def to_settings(self) -> dict[str, Any]:
        return {"report.participants": self.segment,
                "report.brands": {b.name: {"stores": sorted(b.stores), "participants": b.segment}
                                  for b in self.named}}


@functools.lru_cache(maxsize=1024)
def _member_mask(rules: ParticipantRules, held: frozenset[str]) -> int:
    """The brands whose participant segment a member with these segments is in (one bit per brand)."""
    mask = 0
    for i, brand in enumerate(rules.brands):
        if brand.segment is None or brand.segment in held:
            mask |= 1 << i
    return mask


@dataclass(frozen=True, slots=True)
class Membership:
    """A member as the report needs them."""

    customer_id: str
    enrolled_at: datetime | None
    left_at: datetime | None = None
    segments: frozenset[str] = frozenset()
    merged_into: str | None = None
    home_store: str = HQ_STORE
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class Participation:
    """A member participates on local days `since` <= day < `until` in the brands of `brand_mask`."""

    since: date
    until: date | None
    brand_mask: int

    def on(self, day: date, bit: int) -> bool:
        return bool(self.brand_mask & bit) and self.since <= day and (self.until is None or day < self.until)


def participation(member: Membership, rules: ParticipantRules, tz: ZoneInfo) -> Participation | None:
    """When and for which brands a member participates; None when never (merged away, in no segment)."""
    if member.merged_into is not None or member.enrolled_at is None:
        return None
    mask = rules.member_mask(member.segments)
    if not mask:
        return None
    since = local_day(member.enrolled_at, tz)
    until = local_day(member.left_at, tz) if member.left_at is not None else None
    return Participation(since, max(until, since) if until is not None else None, mask)


def audience(customer_id: str | None, member: Participation | None, day: date, store_bit: int) -> Audience:
    if customer_id is None:
        return Audience.ANONYMOUS
    if member is not None and member.on(day, store_bit):
        return Audience.PARTICIPANT
    return Audience.MEMBER


# -- points liability of one member --------------------------------------------------------------------


def creates_lot(kind: str, points: int) -> bool:
    """Points that arrive as a lot and expire with it (anything positive but a reversal)."""
    return points > 0 and kind != EntryKind.REVERSAL.value


def consumption(kind: str, points: int) -> int:
    """What an entry takes from the lots (negative: gives back), spent first-to-expire."""
    if kind == EntryKind.REVERSAL.value or points < 0:
        return -points
    return 0


def last_lot_day(horizon: date, expiry_months: int) -> date:
    """The last local day whose lots expire by `horizon` (lots expire `expiry_months` after their day)."""
    day = horizon - timedelta(days=31 * expiry_months + 3)
    while add_months(day + timedelta(days=1), expiry_months) <= horizon:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class MemberLedgerSums:
    """One member's ledger summed the ways the liability needs (by `creates_lot` and `consumption`)."""

    balance: int = 0
    consumed: int = 0  # everything taken from the lots
    lots_by_30: int = 0  # lot points expiring by today + 30 (lots of days <= `last_lot_day`)
    lots_by_90: int = 0
    recent_accrued: int = 0  # accruals within the return window


@dataclass(frozen=True, slots=True)
class MemberPoints(Sums):
    balance: int = 0
    pending: int = 0
    expiring_30: int = 0
    expiring_90: int = 0


def member_points(sums: MemberLedgerSums) -> MemberPoints:
    balance = max(sums.balance, 0)  # an offline overdraft is leakage, not a liability
    return MemberPoints(
        balance=balance,
        pending=min(max(sums.recent_accrued, 0), balance),
        expiring_30=min(max(sums.lots_by_30 - sums.consumed, 0), balance),
        expiring_90=min(max(sums.lots_by_90 - sums.consumed, 0), balance),
    )


__all__ = [
    "DEFAULT_BRAND",
    "HQ_STORE",
    "PAID",
    "RETURN_POINTS_EARNED",
    "RETURN_POINTS_SPENT",
    "REWARD_PREFIX",
    "Audience",
    "Brand",
    "MemberLedgerSums",
    "MemberPoints",
    "Membership",
    "OrderFigures",
    "ParticipantRules",
    "Participation",
    "PointsFigures",
    "ReturnedLine",
    "Sums",
    "audience",
    "consumption",
    "creates_lot",
    "last_lot_day",
    "member_points",
    "order_figures",
    "participation",
    "points_figures",
    "promotion_costs",
    "returned_share",
    "reward_of",
]
