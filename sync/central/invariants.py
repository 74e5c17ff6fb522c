"""What a register may put on the ledger: the server's checks of each entry kind, so no register mints points.

A paired register is trusted to say what happened at its till, not to invent
points. Beyond the ledger's own rules (a reversal undoes exactly its entry,
once), the central service refuses, entry by entry with a reason:

- a `code_use` that moves points (`code_use_carries_points`): using a code
  never changes a balance;
- a `transfer` whose other side is missing from the push and the ledger
  (`one_sided_transfer`), or whose two sides do not cancel out
  (`unbalanced_transfer`): a transfer moves points, never makes them; both
  sides are booked together or refused together;
- an `accrual` for an order above what the order could earn
  (`accrual_above_order`): its total (or subtotal, for programs earning on
  gross) at the program's earn rate, times the highest multiplier a tier and
  a promotion may give, plus every points bonus in force; an accrual with
  neither an order nor a total is a welcome gift of at most the program's
  welcome points (`accrual_without_order`);
- a manager's `adjustment` beyond the register's daily limit of points
  adjusted (`adjustment_limit`, setting `program.register_daily_adjust_limit`);
  the points a return gives back beyond what the order spent
  (`return_above_order`);
- a balance leaving the range any real balance stays in (`balance_out_of_range`).

Entries the central service books itself (the `central` pseudo-register:
welcome and birthday points, merges, expiry) are its own decisions and are
not checked here.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central.registers import CENTRAL_REGISTER_ID
from sync.central.settings import get_setting
from sync.central.tables import LedgerEntryRow, OrderRow, PromotionRow, RegisterRow
from sync.protocol import EntryKind, LedgerEntry

BALANCE_LIMIT = 2**62
DEFAULT_REGISTER_DAILY_ADJUST_LIMIT = 50_000
RETURN_SPENT_REASON = "return_points_spent"
RETURN_EARNED_REASON = "return_points_earned"
WELCOME_REASON = "welcome"


def _decimal(value: object, default: str = "1") -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(default)
    return number if number.is_finite() and number >= 0 else Decimal(default)


@dataclass
class ProgramLimits:
    """The program's figures the checks need, read once per push."""

    earn_rate: Decimal
    max_multiplier: Decimal
    bonus_total: int
    welcome_points: int
    daily_adjust_limit: int
    earn_on_gross: bool
    adjusted_today: dict[str, int] = field(default_factory=dict)  # register id -> |points| adjusted today

    @classmethod
    def load(cls, session: Session) -> ProgramLimits:
        tiers = get_setting(session, "tiers") or []
        tier_max = max([_decimal(t.get("multiplier", "1")) for t in tiers if isinstance(t, dict)] or [Decimal(1)])
        promo_max, bonuses = Decimal(1), 0
        for (data,) in session.execute(sa.select(PromotionRow.data)):
            reward = (json.loads(data) or {}).get("reward") or {}
            if reward.get("type") == "points_multiplier":
                promo_max = max(promo_max, _decimal(reward.get("value")))
            elif reward.get("type") == "points_bonus":
                bonuses += int(_decimal(reward.get("value"), "0"))
        return cls(
            earn_rate=_decimal(get_setting(session, "points.earn_rate") or "1"),
            max_multiplier=max(Decimal(1), tier_max) * max(Decimal(1), promo_max),
            bonus_total=bonuses,
            welcome_points=int(_decimal(get_setting(session, "program.welcome_points") or 0, "0")),
            daily_adjust_limit=int(get_setting(session, "program.register_daily_adjust_limit")
                                   or DEFAULT_REGISTER_DAILY_ADJUST_LIMIT),
            earn_on_gross=str(get_setting(session, "points.earn_on") or "net") == "gross",
        )

    def accrual_cap(self, base_minor: int) -> int:
        """The most points an order of `base_minor` can earn under the program (rounded up, generously)."""
        return math.ceil(Decimal(base_minor) / 100 * self.earn_rate * self.max_multiplier) + self.bonus_total + 1


class EntryChecks:
    """The checks of one push's fresh entries (see the module docstring); `refusal` answers one entry."""

    def __init__(self, session: Session, register: RegisterRow, fresh: list[LedgerEntry], now: datetime) -> None:
        self.trusted = register.id == CENTRAL_REGISTER_ID
        self.session = session
        self.register = register
        if self.trusted:
            return
        self.limits = ProgramLimits.load(session)
        self.group_refusals = _transfer_groups(session, [e for e in fresh if e.kind is EntryKind.TRANSFER])
        order_ids = {e.order_id for e in fresh if e.order_id}
        self.orders = {
            r.id: r for r in session.execute(
                sa.select(OrderRow.id, OrderRow.subtotal_minor, OrderRow.total_minor, OrderRow.points_redeemed,
                          OrderRow.register_id).where(OrderRow.id.in_(_order_keys(order_ids, register))))
        } if order_ids else {}
        self.given_back: dict[str, int] = defaultdict(int)
        if any(e.reason == RETURN_SPENT_REASON for e in fresh):
            for order_id, points in session.execute(
                    sa.select(LedgerEntryRow.order_id, sa.func.sum(LedgerEntryRow.points))
                    .where(LedgerEntryRow.reason == RETURN_SPENT_REASON, LedgerEntryRow.order_id.in_(order_ids))
                    .group_by(LedgerEntryRow.order_id)):
                self.given_back[order_id] = int(points or 0)
        start = now - timedelta(days=1)
        self.adjusted = int(session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(sa.func.abs(LedgerEntryRow.points)), 0)).where(
                LedgerEntryRow.register_id == register.id, LedgerEntryRow.kind == EntryKind.ADJUSTMENT.value,
                LedgerEntryRow.received_at >= start,
                sa.or_(LedgerEntryRow.reason.is_(None),
                       LedgerEntryRow.reason.not_in([RETURN_SPENT_REASON, RETURN_EARNED_REASON])))) or 0)

    def refusal(self, entry: LedgerEntry) -> str | None:
        if self.trusted:
            return None
        kind = entry.kind
        if kind is EntryKind.CODE_USE and entry.points != 0:
            return "code_use_carries_points"
        if kind is EntryKind.TRANSFER:
            return self.group_refusals.get(entry.id)
        if kind is EntryKind.ACCRUAL:
            return self._accrual(entry)
        if kind is EntryKind.ADJUSTMENT:
            return self._adjustment(entry)
        return None

    def _order(self, entry: LedgerEntry) -> sa.Row | None:
        if not entry.order_id:
            return None
        from sync.central.orders import chain_order_id

        return self.orders.get(chain_order_id(entry.order_id, self.register.store_id))

    def _accrual(self, entry: LedgerEntry) -> str | None:
        if not entry.order_id and entry.order_total_minor is None:
            if entry.reason == WELCOME_REASON and entry.points <= self.limits.welcome_points:
                return None
            return "accrual_without_order"
        order = self._order(entry)
        base = entry.order_total_minor or 0
        if order is not None:
            base = max(base, order.subtotal_minor if self.limits.earn_on_gross else order.total_minor)
        elif self.limits.earn_on_gross:
            base *= 2  # no order record (a register of an older release): its subtotal is unknown
        return None if entry.points <= self.limits.accrual_cap(base) else "accrual_above_order"

    def _adjustment(self, entry: LedgerEntry) -> str | None:
        if entry.reason == RETURN_EARNED_REASON and entry.points < 0:
            return None  # taking back what a returned item earned never makes points
        if entry.reason == RETURN_SPENT_REASON and entry.points > 0 and entry.order_id:
            order = self._order(entry)
            key = entry.order_id
            if order is not None and self.given_back[key] + entry.points <= order.points_redeemed:
                self.given_back[key] += entry.points
                return None
            return "return_above_order"
        if self.adjusted + abs(entry.points) > self.limits.daily_adjust_limit:
            return "adjustment_limit"
        self.adjusted += abs(entry.points)
        return None


def _order_keys(order_ids: Iterable[str], register: RegisterRow) -> list[str]:
    from sync.central.orders import chain_order_id

    return sorted({chain_order_id(o, register.store_id) for o in order_ids})


def _transfer_groups(session: Session, transfers: list[LedgerEntry]) -> dict[str, str]:
    """Refusals of transfer entries whose group is one-sided or does not cancel out (both sides alike)."""
    if not transfers:
        return {}
    refusals: dict[str, str] = {}
    groups: dict[str, list[LedgerEntry]] = defaultdict(list)
    for entry in transfers:
        if not entry.group_id or not entry.counterpart_id:
            refusals[entry.id] = "one_sided_transfer"
        else:
            groups[entry.group_id].append(entry)
    booked: dict[str, list[int]] = defaultdict(list)
    if groups:
        for group_id, points in session.execute(
                sa.select(LedgerEntryRow.group_id, LedgerEntryRow.points).where(
                    LedgerEntryRow.group_id.in_(list(groups)), LedgerEntryRow.kind == EntryKind.TRANSFER.value)):
            booked[group_id].append(int(points))
    for group_id, entries in groups.items():
        sides = [e.points for e in entries] + booked[group_id]
        if len(sides) < 2:
            reason = "one_sided_transfer"
        elif sum(sides) != 0 or len(sides) != 2:
            reason = "unbalanced_transfer"
        else:
            continue
        for entry in entries:
            refusals[entry.id] = reason
    return refusals


def out_of_range(balance: int) -> bool:
    return not -BALANCE_LIMIT < balance < BALANCE_LIMIT


__all__ = ["BALANCE_LIMIT", "EntryChecks", "ProgramLimits", "out_of_range"]
