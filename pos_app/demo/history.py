"""A generated year of a chain's trading: members, orders with lines, returns, voids, points, a control group.

`generate_history(HistorySpec(...))` is deterministic (a seed) and streams
its output day by day, so a year of five million orders never sits in
memory. What it makes, and why it looks like a real chain:

- **Seasonality**: a month curve (a December peak, a January dip), a week
  curve (Saturdays busiest), a slow growth over the year.
- **Members and everyone else**: members enroll before and during the year
  (growing), each with a home register; heavy, regular and occasional
  buyers; members spend more per order than anonymous buyers, and their
  share of the orders grows; a few leave the program.
- **Orders** with lines from the catalogue, public promotions, a members'
  offer, points earned (tier multipliers), points paid with and rewards
  claimed; **returns** (partial and whole, at the frozen net prices, with
  their points taken back and given back) at a register of the same store
  days later; **voids** the same day (every entry reversed).
- **Tiers** that move (upgrades and downgrades, `tier_changes`), birthday
  bonuses and expiries booked by the central service, a few offline
  conflicts with their leakage.
- **A personal promotion with a control group**: a win-back offer to
  members who have not bought for 60 days; a stable share is held out
  (`pos_app.domain.report.control.held_out`); the others get 15% off and buy
  a little more often for 60 days.

Nothing here touches a database: `sync.central.bulk_history` writes it to
a central service's database (and a register's, for the demo).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from pos_app.demo.store import DemoStore
from pos_app.domain.ledger import EntryKind, LedgerEntry
from pos_app.domain.money import Rounding, round_ratio
from pos_app.domain.report.control import held_out
from pos_app.domain.report.facts import (
    RETURN_POINTS_EARNED,
    RETURN_POINTS_SPENT,
    REWARD_PREFIX,
    returned_share,
)
from pos_app.domain.sale_record import SaleRecord, SoldLine

MONTH_CURVE = (0.82, 0.80, 0.92, 0.96, 1.00, 0.98, 0.95, 0.97, 1.00, 1.04, 1.16, 1.55)
WEEK_CURVE = (0.86, 0.88, 0.92, 0.98, 1.12, 1.32, 0.92)  # Monday first
TIER_MULTIPLIER = {"bronze": Decimal(1), "silver": Decimal("1.25"), "gold": Decimal("1.5")}
TIERS = ("bronze", "silver", "gold")
WINBACK_ID = "WINBACK-LAPSED"
MEMBER_OFFER_ID = "MEMBER-DAYS"
CENTRAL = "central"


@dataclass(frozen=True)
class HistorySpec:
    last_day: date
    seed: int = 2026
    days: int = 365
    orders: int = 40_000
    members: int = 5_000
    stores: tuple[tuple[str, tuple[str, ...]], ...] = (("S1", ("R1", "R2")), ("S2", ("R1",)), ("S3", ("R1",)))
    member_ids: tuple[str, ...] | None = None  # the demo's members (else M0000001, ...)
    member_tiers: tuple[str, ...] | None = None
    quiet_members: frozenset[str] = frozenset()  # no history at all: their figures stay as the docs quote them
    products: tuple[tuple[str, str, int], ...] = ()  # (sku, name, unit price in minor units)
    rewards: tuple[tuple[str, str, int, str], ...] = (
        ("FREE-PASTRY", "A free pastry", 250, "RW1"), ("HALF-MUG", "Half-price mug", 400, "RW3"),
        ("VOUCHER-5", "$5 voucher (orders of $10+)", 600, "RW4"), ("FREE-COFFEE", "Free coffee beans", 1200, "RW2"))
    holdout_share: str = "0.2"
    winback_audience: int = 2_000

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=self.days - 1)

    @property
    def registers(self) -> tuple[tuple[str, str], ...]:
        return tuple((store, f"{store}.{r}") for store, regs in self.stores for r in regs)


@dataclass(slots=True)
class Member:
    id: str
    enrolled_at: datetime
    register_id: str | None  # None: imported at the central service
    tier: str
    weight: int  # 0 occasional, 1 regular, 2 heavy
    birthday: date | None
    left_at: datetime | None = None
    balance: int = 0
    spent_minor: int = 0
    last_order_at: datetime | None = None
    last_active: date | None = None


@dataclass(frozen=True, slots=True)
class Line:
    line_id: str
    position: int
    sku: str
    name: str
    qty: int
    qty_returned: int
    unit_price_minor: int
    subtotal_minor: int
    discount_minor: int
    points_value_minor: int
    net_minor: int
    points_earned: int
    points_redeemed: int
    allocations: dict[str, int]


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    register_id: str
    store_id: str
    customer_id: str | None
    created_at: datetime
    status: str
    subtotal_minor: int
    discount_minor: int
    points_value_minor: int
    total_minor: int
    refunded_minor: int
    points_earned: int
    points_redeemed: int
    applied: tuple[tuple[str, int], ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Return:
    id: str
    order_id: str
    register_id: str
    at: datetime
    refund_minor: int
    lines: tuple[tuple[str, int, int, int, int], ...]  # line id, qty, refund, points given back, taken back


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    register_id: str
    seq: int
    kind: str
    customer_id: str
    points: int
    created_at: datetime
    order_id: str | None = None
    reverses: str | None = None
    reason: str | None = None
    order_total_minor: int | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: str
    register_id: str
    customer_id: str | None
    points: int
    leakage_minor: int
    detail: str
    created_at: datetime


@dataclass
class Day:
    day: date
    orders: list[Order] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TierChange:
    customer_id: str
    from_tier: str
    to_tier: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Audience:
    promotion_id: str
    customer_id: str
    group: str
    assigned_at: datetime


DEFAULT_PRODUCTS: tuple[tuple[str, str, int], ...] = tuple(
    (f"SKU{n:03d}", name, price) for n, (name, price) in enumerate([
        ("Espresso beans 250 g", 899), ("Croissant", 240), ("Sourdough loaf", 450), ("Oat milk 1 l", 229),
        ("Dark chocolate", 319), ("Olive oil 500 ml", 1099), ("Ceramic mug", 1200), ("Granola", 549),
        ("Orange juice", 399), ("Cheddar 200 g", 479), ("Apples 1 kg", 299), ("Pasta 500 g", 189),
        ("Tomato sauce", 259), ("Green tea", 649), ("Honey jar", 799), ("Tote bag", 1500),
        ("Sparkling water", 99), ("Muffin", 275), ("Yogurt", 149), ("Bouquet", 1999),
    ]))
PUBLIC_PROMOTIONS = (("SPRING-10", "Spring: 10% off one item"), ("WEEKEND-BAKERY", "Weekend bakery 15% off"),
                     ("WINTER-TREATS", "Winter treats 20% off"), ("BUNDLE-3", "Three for two on snacks"))


def _id(*parts: object) -> str:
    """A stable UUID-shaped id from the parts (a ledger entry's or a return's idempotency key)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-7{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


class History:
    """A generated year; iterate `days()` once, then read the end-of-year state."""

    def __init__(self, spec: HistorySpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.products = spec.products or DEFAULT_PRODUCTS
        self.registers = spec.registers
        self.store_registers: dict[str, list[str]] = {}
        for store, register in self.registers:
            self.store_registers.setdefault(store, []).append(register)
        self.seq: dict[str, int] = {CENTRAL: 0}
        self.order_numbers: dict[str, int] = {}
        self.members = self._members()
        self.by_enrollment = sorted(self.members, key=lambda m: m.enrolled_at)
        self.enrolled_times = [m.enrolled_at for m in self.by_enrollment]
        self.classes: list[list[Member]] = [[], [], []]
        for member in self.by_enrollment:
            self.classes[member.weight].append(member)
        self.class_times = [[m.enrolled_at for m in c] for c in self.classes]
        self.tier_changes: list[TierChange] = []
        self.audiences: list[Audience] = []
        self.targeted: dict[str, date] = {}  # member -> end of the win-back offer
        self.targeted_members: list[Member] = []
        self.winback_day = spec.last_day - timedelta(days=min(150, spec.days // 2))
        self._recorded: list[Day] | None = None
        self._plan_tier_moves()

    # -- members -------------------------------------------------------------------------------------

    def _members(self) -> list[Member]:
        spec, rng = self.spec, self.rng
        ids = spec.member_ids or tuple(f"M{n:07d}" for n in range(1, spec.members + 1))
        start = datetime.combine(spec.first_day, time(9), tzinfo=UTC)
        end = datetime.combine(spec.last_day, time(18), tzinfo=UTC)
        span = (end - start).total_seconds()
        registers = [r for _s, r in self.registers]
        out = []
        for i, cid in enumerate(ids):
            if cid in spec.quiet_members:
                continue
            if rng.random() < 0.55:  # enrolled before the year, over the three years before it
                at = start - timedelta(seconds=rng.random() * 3 * 365 * 86400)
            else:  # during the year, more of them later (the program grows)
                at = start + timedelta(seconds=span * math.sqrt(rng.random()))
            tier = (spec.member_tiers[i] if spec.member_tiers and i < len(spec.member_tiers) else
                    rng.choices(TIERS, (70, 22, 8))[0])
            weight = rng.choices((0, 1, 2), {"bronze": (65, 30, 5), "silver": (35, 45, 20),
                                             "gold": (15, 40, 45)}.get(tier, (65, 30, 5)))[0]
            member = Member(cid, at.replace(microsecond=0), rng.choice(registers) if rng.random() < 0.9 else None,
                            tier, weight, date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28))
                            if rng.random() < 0.6 else None)
            if rng.random() < 0.04:
                leave = at + timedelta(days=30 + rng.random() * 400)
                if start < leave < end:
                    member.left_at = leave.replace(microsecond=0)
            out.append(member)
        return out

    def _plan_tier_moves(self) -> None:
        spec, rng = self.spec, self.rng
        start = datetime.combine(spec.first_day, time(2), tzinfo=UTC)
        for member in self.members:
            roll = rng.random()
            if roll < 0.10 and member.tier != "gold":
                to = TIERS[TIERS.index(member.tier) + 1]
            elif roll < 0.15 and member.tier != "bronze":
                to = TIERS[TIERS.index(member.tier) - 1]
            else:
                continue
            at = max(start, member.enrolled_at) + timedelta(days=rng.randrange(20, 360))
            if at.date() <= spec.last_day:
                self.tier_changes.append(TierChange(member.id, member.tier, to, at))
                member.tier = to
        self.tier_changes.sort(key=lambda t: t.changed_at)

    def _pick_member(self, at: datetime) -> Member | None:
        rng = self.rng
        weight = rng.choices((0, 1, 2), (20, 35, 45))[0]
        group, times = self.classes[weight], self.class_times[weight]
        active = bisect.bisect_right(times, at)
        if not active:
            return None
        member = group[int(active * rng.random() ** 0.9)]
        if member.left_at is not None and member.left_at <= at:
            return None
        return member

    def _targeted_member(self, at: datetime) -> Member | None:
        """A member the win-back offer reached, while it runs (it brings some of them back)."""
        if not self.targeted_members or at.date() > self.winback_day + timedelta(days=60):
            return None
        member = self.targeted_members[int(self.rng.random() * len(self.targeted_members))]
        return None if member.left_at is not None and member.left_at <= at else member

    # -- the year, day by day ------------------------------------------------------------------------

    def days(self) -> Iterator[Day]:
        """The year, one day at a time (generated once; a recorded history replays it)."""
        if self._recorded is not None:
            yield from self._recorded
            return
        yield from self._generate()

    def record(self) -> History:
        """Generate the whole year now and keep it, so it can be read more than once (small years only)."""
        if self._recorded is None:
            self._recorded = list(self._generate())
        return self

    def _generate(self) -> Iterator[Day]:
        spec, rng = self.spec, self.rng
        mean = spec.orders / spec.days
        weights = []
        for n in range(spec.days):
            d = spec.first_day + timedelta(days=n)
            weights.append(MONTH_CURVE[d.month - 1] * WEEK_CURVE[d.weekday()] * (0.94 + 0.12 * n / spec.days))
        scale = mean * spec.days / sum(weights)
        start = datetime.combine(spec.first_day, time(0), tzinfo=UTC)
        enrolled_i = bisect.bisect_left(self.enrolled_times, start)
        for n in range(spec.days):
            day = spec.first_day + timedelta(days=n)
            batch = Day(day)
            if n == 0:  # what members enrolled before the year held when it began
                for member in self.by_enrollment[:enrolled_i]:
                    opening = rng.choice((0, 0, 150, 300, 450, 700, 1200))
                    if opening:
                        batch.entries.append(self._entry(CENTRAL, "adjustment", member, opening, start,
                                                         reason="opening_balance"))
            end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
            while enrolled_i < len(self.by_enrollment) and self.by_enrollment[enrolled_i].enrolled_at < end_of_day:
                member = self.by_enrollment[enrolled_i]
                enrolled_i += 1
                if member.register_id is not None:
                    batch.entries.append(self._entry(member.register_id, "accrual", member, 100, member.enrolled_at,
                                                     reason="welcome"))
            if day == self.winback_day:
                self._winback(day)
            count = int(weights[n] * scale + rng.random())
            share = 0.42 + 0.13 * n / spec.days  # members' share of the orders grows
            moments = sorted(rng.random() for _ in range(count))
            for fraction in moments:
                at = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(seconds=int(fraction * 13 * 3600))
                member = self._pick_member(at) if rng.random() < share else None
                if member is not None and day >= self.winback_day and rng.random() < 0.03:
                    member = self._targeted_member(at) or member
                self._order(batch, at, member)
            self._central_bookings(batch, day)
            if rng.random() < 0.08:
                self._conflict(batch, day)
            yield batch

    def _entry(self, register: str, kind: str, member: Member, points: int, at: datetime, *,
               order_id: str | None = None, reverses: str | None = None, reason: str | None = None,
               order_total_minor: int | None = None) -> Entry:
        self.seq[register] = self.seq.get(register, 0) + 1
        member.balance += points
        return Entry(_id("entry", register, self.seq[register]), register, self.seq[register], kind, member.id,
                     points, at, order_id, reverses, reason, order_total_minor)

    def _order(self, batch: Day, at: datetime, member: Member | None) -> None:
        rng = self.rng
        store, register = self.registers[min(int(len(self.registers) * rng.random() ** 1.3),
                                              len(self.registers) - 1)]
        number = self.order_numbers[register] = self.order_numbers.get(register, 0) + 1
        order_id = f"{register.replace('.', '-')}-{number:06d}"
        n_lines = rng.choices((1, 2, 3, 4, 5, 6), (26, 28, 20, 13, 8, 5) if member else (38, 30, 17, 9, 4, 2))[0]
        picked = rng.sample(self.products, min(n_lines, len(self.products)))
        sub = [(sku, name, price, rng.choices((1, 2, 3), (78, 17, 5))[0]) for sku, name, price in picked]
        discounts = [0] * len(sub)
        allocations: list[dict[str, int]] = [{} for _ in sub]
        applied: dict[str, int] = {}

        def give(promotion: str, i: int, amount: int) -> None:
            amount = min(amount, sub[i][2] * sub[i][3] - discounts[i])
            if amount > 0:
                discounts[i] += amount
                allocations[i][promotion] = allocations[i].get(promotion, 0) + amount
                applied[promotion] = applied.get(promotion, 0) + amount

        if rng.random() < 0.22:
            promo = PUBLIC_PROMOTIONS[(at.month + rng.randrange(2)) % len(PUBLIC_PROMOTIONS)][0]
            i = rng.randrange(len(sub))
            give(promo, i, round_ratio(sub[i][2] * sub[i][3] * rng.choice((10, 15, 20)), 100, Rounding.HALF_UP))
        if member is not None:
            if rng.random() < 0.10:
                for i in range(len(sub)):
                    give(MEMBER_OFFER_ID, i, round_ratio(sub[i][2] * sub[i][3] * 5, 100, Rounding.HALF_UP))
            end = self.targeted.get(member.id)
            if end is not None and at.date() <= end and rng.random() < 0.6:
                for i in range(len(sub)):
                    give(WINBACK_ID, i, round_ratio(sub[i][2] * sub[i][3] * 15, 100, Rounding.HALF_UP))
        claim = None
        if member is not None and rng.random() < 0.035:
            affordable = [r for r in self.spec.rewards if r[2] <= member.balance]
            if affordable:
                claim = rng.choice(affordable)
                cheapest = min(range(len(sub)), key=lambda i: sub[i][2])
                give(claim[3], cheapest, sub[cheapest][2] if claim[0] != "VOUCHER-5" else 500)
        redeem = 0
        if member is not None and claim is None and member.balance >= 500 and rng.random() < 0.12:
            redeem = min(member.balance // 100 * 100, rng.choice((200, 300, 500, 800)))
        subtotals = [price * qty for _sku, _name, price, qty in sub]
        payable = sum(subtotals) - sum(discounts)
        redeem = min(redeem, payable // 100 * 100)
        points_value = redeem  # one point is worth one cent
        points_lines = _spread(points_value, [s - d for s, d in zip(subtotals, discounts, strict=True)])
        nets = [s - d - p for s, d, p in zip(subtotals, discounts, points_lines, strict=True)]
        total = sum(nets)
        earned = 0
        if member is not None:
            earned = int(Decimal(total // 100) * TIER_MULTIPLIER.get(member.tier, Decimal(1)))
        earned_lines = _spread(earned, nets)
        redeemed_lines = points_lines  # a point pays one cent
        voided = rng.random() < 0.006
        returned_qty = [0] * len(sub)
        return_at = None
        if not voided and rng.random() < 0.035:
            return_at = at + timedelta(days=rng.randrange(1, 21), hours=rng.randrange(0, 5))
            if return_at.date() <= self.spec.last_day:
                if rng.random() < 0.4:
                    returned_qty = [qty for *_x, qty in sub]
                else:
                    i = rng.randrange(len(sub))
                    returned_qty[i] = 1
            else:
                return_at = None
        lines = tuple(
            Line(f"L{i + 1}", i, sku, name, qty, returned_qty[i], price, subtotals[i], discounts[i], points_lines[i],
                 nets[i], earned_lines[i], redeemed_lines[i], allocations[i])
            for i, (sku, name, price, qty) in enumerate(sub))
        refunds = [returned_share(line.net_minor, str(line.qty), str(line.qty_returned)) for line in lines]
        order = Order(order_id, register, store, member.id if member else None, at, "voided" if voided else "paid",
                      sum(subtotals), sum(discounts), points_value, total, sum(refunds), earned, redeem,
                      tuple(applied.items()), lines)
        batch.orders.append(order)
        if member is not None:
            self._member_entries(batch, order, member, claim, voided)
        if return_at is not None:
            self._return(batch, order, member, return_at, refunds)

    def _member_entries(self, batch: Day, order: Order, member: Member, claim: tuple[str, str, int, str] | None,
                        voided: bool) -> None:
        at, register = order.created_at, order.register_id
        made = []
        if claim is not None:
            made.append(self._entry(register, "redemption", member, -claim[2], at, order_id=order.id,
                                    reason=REWARD_PREFIX + claim[0]))
        if order.points_redeemed:
            made.append(self._entry(register, "redemption", member, -order.points_redeemed, at, order_id=order.id,
                                    reason="payment"))
        if order.points_earned:
            made.append(self._entry(register, "accrual", member, order.points_earned, at, order_id=order.id,
                                    order_total_minor=order.total_minor))
        batch.entries += made
        if voided:
            for entry in sorted(made, key=lambda e: e.points < 0, reverse=True):
                batch.entries.append(self._entry(register, "reversal", member, -entry.points, at,
                                                 order_id=order.id, reverses=entry.id))
            return
        member.spent_minor += order.total_minor
        member.last_order_at = at
        member.last_active = at.date()

    def _return(self, batch: Day, order: Order, member: Member | None, at: datetime, refunds: list[int]) -> None:
        register = self.rng.choice(self.store_registers[order.store_id])
        parts = []
        given = taken = 0
        for line, refund in zip(order.lines, refunds, strict=True):
            if line.qty_returned:
                back = returned_share(line.points_redeemed, str(line.qty), str(line.qty_returned))
                earned = returned_share(line.points_earned, str(line.qty), str(line.qty_returned))
                parts.append((line.line_id, line.qty_returned, refund, back, earned))
                given, taken = given + back, taken + earned
        batch.returns.append(Return(_id("return", order.id), order.id, register, at, sum(refunds), tuple(parts)))
        if member is not None:
            if given:
                batch.entries.append(self._entry(register, "adjustment", member, given, at, order_id=order.id,
                                                 reason=RETURN_POINTS_SPENT))
            taken = min(taken, max(member.balance, 0))
            if taken:
                batch.entries.append(self._entry(register, "adjustment", member, -taken, at, order_id=order.id,
                                                 reason=RETURN_POINTS_EARNED))
            member.spent_minor -= sum(refunds)

    def _central_bookings(self, batch: Day, day: date) -> None:
        at = datetime.combine(day, time(3), tzinfo=UTC)
        if day.day == 1:  # expiry: what members who stayed away a year still hold
            cutoff = day - timedelta(days=365)
            for member in self.members:
                active = member.last_active or member.enrolled_at.date()
                if member.balance > 0 and active < cutoff and member.enrolled_at < at:
                    batch.entries.append(self._entry(CENTRAL, "expiry", member, -member.balance, at,
                                                     reason="lots_expired"))
        for member in self._birthdays(day):
            batch.entries.append(self._entry(CENTRAL, "accrual", member, 200, at,
                                             order_id=f"birthday:{member.id}:{day.year}"))

    def _birthdays(self, day: date) -> list[Member]:
        if not hasattr(self, "_by_birthday"):
            self._by_birthday: dict[tuple[int, int], list[Member]] = {}
            for member in self.members:
                if member.birthday is not None:
                    self._by_birthday.setdefault((member.birthday.month, member.birthday.day), []).append(member)
        at = datetime.combine(day, time(3), tzinfo=UTC)
        return [m for m in self._by_birthday.get((day.month, day.day), ())
                if m.enrolled_at < at and (m.left_at is None or m.left_at > at)]

    def _winback(self, day: date) -> None:
        """The personal offer: members with no order for 60 days; a stable share held out as control."""
        at = datetime.combine(day, time(6), tzinfo=UTC)
        lapsed = [m for m in self.members if m.enrolled_at < at - timedelta(days=60) and m.left_at is None
                  and (m.last_active is None or m.last_active < day - timedelta(days=60))]
        self.rng.shuffle(lapsed)
        for member in sorted(lapsed[: self.spec.winback_audience], key=lambda m: m.id):
            group = "control" if held_out(WINBACK_ID, member.id, self.spec.holdout_share) else "target"
            self.audiences.append(Audience(WINBACK_ID, member.id, group, at))
            if group == "target":
                self.targeted[member.id] = day + timedelta(days=60)
                self.targeted_members.append(member)

    def _conflict(self, batch: Day, day: date) -> None:
        rng = self.rng
        store, register = rng.choice(self.registers)
        at = datetime.combine(day, time(20), tzinfo=UTC)
        if rng.random() < 0.5:
            batch.conflicts.append(Conflict("code_already_used", register, None, 0, rng.choice((250, 500, 1000)),
                                            f"code SPRING{rng.randrange(100)} already used (offline at {store})", at))
        else:
            member = rng.choice(self.members)
            batch.conflicts.append(Conflict("offline_overdraft", register, member.id, rng.choice((50, 120, 300)), 0,
                                            "spent offline beyond the balance", at))

    # -- after the year ------------------------------------------------------------------------------

    @property
    def promotions(self) -> tuple[tuple[str, str], ...]:
        return (*PUBLIC_PROMOTIONS, (MEMBER_OFFER_ID, "Member days: 5% off"),
                (WINBACK_ID, "We miss you: 15% off (win-back)"),
                *((r[3], f"Reward: {r[1]}") for r in self.spec.rewards))


def _spread(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` over lines in proportion to `weights`, floors first, the rest to the largest lines."""
    total = sum(weights)
    if not amount or not total:
        return [0] * len(weights)
    parts = [amount * w // total for w in weights]
    rest = amount - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: -weights[i])[:rest]:
        parts[i] += 1
    return parts


def generate_history(spec: HistorySpec) -> History:
    return History(spec)


# -- the demo's year -----------------------------------------------------------------------------------


def demo_history_spec(store: DemoStore) -> HistorySpec:
    """The year behind the demo store: its members and products, its two registers and two other stores."""
    return HistorySpec(
        last_day=store.today - timedelta(days=1), seed=store.seed, orders=max(1_500, 5 * len(store.customers)),
        stores=((store.store.id, tuple(store.store.registers)), ("S2", ("R1",)), ("S3", ("R1",))),
        member_ids=tuple(c.id for c in store.customers), member_tiers=tuple(c.tier for c in store.customers),
        quiet_members=frozenset(customer.id for customer, _shows in store.featured_customers),
        products=tuple((p.sku, p.name, p.unit_price_minor) for p in store.products if not p.weighted),
        winback_audience=max(200, len(store.customers) // 4))


_DEMO_YEARS: dict[HistorySpec, History] = {}


def demo_history(store: DemoStore) -> History:
    """The demo's year, generated once per process (the register and the central service both load it)."""
    spec = demo_history_spec(store)
    if spec not in _DEMO_YEARS:
        _DEMO_YEARS.clear()
        _DEMO_YEARS[spec] = generate_history(spec).record()
    return _DEMO_YEARS[spec]


@dataclass(frozen=True)
class RegisterPart:
    """What one register holds of the year: its orders (and those it took returns of), its entries."""

    orders: tuple[SaleRecord, ...]
    entries: tuple[tuple[LedgerEntry, int | None], ...]
    last_number: int
    enrolled_here: tuple[tuple[str, datetime], ...] = ()  # members this register enrolled, and when


def register_part(history: History, store_id: str, register: str) -> RegisterPart:
    wire = f"{store_id}.{register}"
    orders: dict[str, Order] = {}
    mine: dict[str, SaleRecord] = {}
    entries: list[tuple[LedgerEntry, int | None]] = []
    wanted: set[str] = set()
    for day in history.days():
        for order in day.orders:
            orders[order.id] = order
            if order.register_id == wire:
                mine[order.id] = _sale_record(order, register)
        for entry in day.entries:
            if entry.register_id == wire:
                entries.append((LedgerEntry(entry.id, register, entry.seq, EntryKind(entry.kind), entry.customer_id,
                                            entry.points, entry.created_at, entry.reverses, entry.order_id,
                                            reason=entry.reason), entry.order_total_minor))
                if entry.order_id and entry.order_id not in mine:
                    wanted.add(entry.order_id)
    held = {oid: _sale_record(orders[oid], orders[oid].register_id) for oid in wanted if oid in orders}
    return RegisterPart(tuple(mine.values()) + tuple(held.values()), tuple(sorted(entries, key=lambda e: e[0].seq)),
                        history.order_numbers.get(wire, 0),
                        tuple((m.id, m.enrolled_at) for m in history.members if m.register_id == wire))


def _sale_record(order: Order, register_id: str) -> SaleRecord:
    return SaleRecord(
        id=order.id, register_id=register_id, created_at=order.created_at, currency="USD",
        subtotal_minor=order.subtotal_minor, discount_minor=order.discount_minor,
        points_value_minor=order.points_value_minor, total_minor=order.total_minor,
        lines=tuple(SoldLine(line.line_id, line.position, line.sku, line.name, str(line.qty), line.unit_price_minor,
                             line.subtotal_minor, line.discount_minor, line.points_value_minor, line.net_minor,
                             line.points_earned, line.points_redeemed, dict(line.allocations), str(line.qty_returned))
                    for line in order.lines),
        customer_id=order.customer_id, store_id=order.store_id, cashier_id="cashier", status=order.status,
        refunded_minor=order.refunded_minor, points_earned=order.points_earned, points_redeemed=order.points_redeemed,
        result_json=json.dumps({"applied": [{"id": pid, "amount": amount} for pid, amount in order.applied]}))


__all__ = ["WINBACK_ID", "Audience", "Conflict", "Day", "Entry", "History", "HistorySpec", "Line", "Member", "Order",
           "RegisterPart", "Return", "TierChange", "demo_history", "demo_history_spec", "generate_history",
           "register_part"]
