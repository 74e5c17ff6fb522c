"""Promotions: who they are for, when they run, what they need and what they give.

A promotion is a rule the merchant configures (FORMAT.md section 2): an
audience, optional codes, a validity window, conditions on the cart, a reward
and arbitration flags. These are plain frozen values; `pos_app.domain.engine`
decides which promotions apply to a sale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from fractions import Fraction

from pos_app.domain.cart import CartLine


class Reason(StrEnum):
    """Why a promotion did not apply (FORMAT.md 4.3), in the order checks run."""

    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    OUTSIDE_DAYS = "outside_days"
    OUTSIDE_HOURS = "outside_hours"
    WRONG_STORE = "wrong_store"
    CUSTOMER_REQUIRED = "customer_required"
    NOT_IN_AUDIENCE = "not_in_audience"
    CODE_REQUIRED = "code_required"
    CODE_USED = "code_used"
    CODE_NOT_OWNER = "code_not_owner"
    USAGE_LIMIT = "usage_limit"
    FIRST_ORDER_ONLY = "first_order_only"
    BIRTHDAY_ONLY = "birthday_only"
    NO_ELIGIBLE_ITEMS = "no_eligible_items"
    MIN_SUBTOTAL = "min_subtotal"
    MIN_QTY = "min_qty"
    EXCLUDED = "excluded"
    STOPPED = "stopped"
    GROUP_TAKEN = "group_taken"
    LOST_TO_BETTER = "lost_to_better"
    NO_EFFECT = "no_effect"


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """Which cart lines a promotion looks at (FORMAT.md 2.1).

    A line matches when every include list is empty or it matches one of their
    values, and it matches no exclude value. `no_discount` lines never match.
    """

    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    exclude_skus: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()
    exclude_brands: frozenset[str] = frozenset()
    exclude_tags: frozenset[str] = frozenset()

    @property
    def includes_everything(self) -> bool:
        return not (self.skus or self.categories or self.brands or self.tags)

    def matches(self, line: CartLine) -> bool:
        if line.no_discount:
            return False
        if not self.includes_everything and not (
            line.sku in self.skus
            or (self.brands and line.brand in self.brands)
            or not self.categories.isdisjoint(line.categories)
            or not self.tags.isdisjoint(line.tags)
        ):
            return False
        return not (
            line.sku in self.exclude_skus
            or (self.exclude_brands and line.brand in self.exclude_brands)
            or not self.exclude_categories.isdisjoint(line.categories)
            or not self.exclude_tags.isdisjoint(line.tags)
        )

    def describe(self, product_names: Mapping[str, str] | None = None) -> str:
        """Words for a cashier: "office supplies", "acme items", "any item"; a SKU by its product's name."""
        named = product_names or {}
        skus = sorted(named.get(sku) or sku for sku in self.skus)
        names = sorted(self.categories) + sorted(self.brands) + sorted(self.tags) + skus
        return " or ".join(names) if names else "any item"


EVERYTHING = ItemFilter()


@dataclass(frozen=True, slots=True)
class Audience:
    """A personal audience: the customer is in it when any segment, tier or id matches."""

    segments: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()

    @classmethod
    def from_stored(cls, value: object) -> Audience | None:
        """A stored promotion's `audience` (FORMAT.md 2: "public" or lists, already checked): None when public."""
        if not isinstance(value, dict):
            return None
        return cls(
            segments=frozenset(value.get("segments") or ()),
            tiers=frozenset(value.get("tiers") or ()),
            customers=frozenset(value.get("customers") or ()),
        )

    def includes(self, customer_id: str, tier: str | None, segments: Iterable[str]) -> bool:
        """Whether the customer with this id, tier and segments is in the audience (any one match will do)."""
        return (
            customer_id in self.customers
            or (tier is not None and tier in self.tiers)
            or not self.segments.isdisjoint(segments)
        )


@dataclass(frozen=True, slots=True)
class PromoCode:
    """A code that unlocks a promotion: universal (customer None) or personal."""

    code: str
    customer: str | None = None
    uses_left: int | None = None

    @property
    def key(self) -> str:
        return normalize_code(self.code)

    @property
    def used_up(self) -> bool:
        return self.uses_left == 0


def normalize_code(text: str) -> str:
    """Codes match case-insensitively after trimming spaces."""
    return text.strip().upper()


@dataclass(frozen=True, slots=True)
class Validity:
    """When a promotion runs: inclusive bounds, ISO weekdays, and [start, end) hours."""

    starts: datetime | None = None
    ends: datetime | None = None  # inclusive
    days: frozenset[int] = frozenset()
    hours: tuple[time, time | None] | None = None  # end None means 24:00


@dataclass(frozen=True, slots=True)
class Conditions:
    """What the cart and customer need for the promotion to apply."""

    items: ItemFilter = EVERYTHING
    min_subtotal: int | None = None
    min_qty: int | None = None
    first_order: bool = False
    birthday_days: int | None = None


# --- rewards (FORMAT.md 2.2) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PercentOff:
    """`value`% off the eligible items, the cheapest unit, or the order as a whole."""

    value: Fraction
    target: str  # items | cheapest | order
    max_amount: int | None = None


@dataclass(frozen=True, slots=True)
class AmountOff:
    """A fixed amount off the order (spread) or off every eligible unit."""

    value: int
    target: str  # order | per_unit


@dataclass(frozen=True, slots=True)
class FixedPrice:
    """Every eligible unit costs at most `value`."""

    value: int


@dataclass(frozen=True, slots=True)
class Bundle:
    """Every full group of `qty` eligible units costs `value`."""

    qty: int
    value: int


@dataclass(frozen=True, slots=True)
class BuyGet:
    """For each `buy` units bought, `get` units lose `value`% (100 = free)."""

    buy: int
    get: int
    value: Fraction
    get_items: ItemFilter | None = None
    max_times: int | None = None


@dataclass(frozen=True, slots=True)
class PointsBonus:
    """A fixed number of points, once."""

    value: int


@dataclass(frozen=True, slots=True)
class PointsMultiplier:
    """Eligible lines earn `value` times their base points."""

    value: Fraction


DiscountReward = PercentOff | AmountOff | FixedPrice | Bundle | BuyGet
PointsReward = PointsBonus | PointsMultiplier
Reward = DiscountReward | PointsReward


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion as configured by the merchant (FORMAT.md section 2)."""

    id: str
    reward: Reward
    name: str = ""
    priority: int = 0
    audience: Audience | None = None  # None: public
    codes: tuple[PromoCode, ...] = ()
    valid: Validity = Validity()
    stores: frozenset[str] | None = None
    limit_per_customer: int | None = None
    conditions: Conditions = Conditions()
    exclusive: bool = False
    stop: bool = False
    group: str | None = None

    @property
    def title(self) -> str:
        """What a cashier calls it: its name, or its id when it has none."""
        return self.name or self.id

    @property
    def is_points(self) -> bool:
        return isinstance(self.reward, PointsBonus | PointsMultiplier)

    @property
    def is_order_phase(self) -> bool:
        """`target: order` rewards run after every item-level reward."""
        return isinstance(self.reward, PercentOff | AmountOff) and self.reward.target == "order"

    @property
    def needs_customer(self) -> bool:
        return (
            self.limit_per_customer is not None
            or self.conditions.first_order
            or self.conditions.birthday_days is not None
        )

    @property
    def sequence_key(self) -> tuple[int, int, str]:
        """Item phase before order phase, then priority, then id."""
        return (1 if self.is_order_phase else 0, self.priority, self.id)


def date_bound(value: date | datetime, *, end: bool) -> datetime:
    """A date alone means the start of that day for `from` and its end for `to`."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.max if end else time.min)
