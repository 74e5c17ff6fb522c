"""A loyalty customer as the register knows them: identification keys and profile.

The register caches customers from the central service (and enrolls new
ones); this is the value the storage hands to use cases and the GUI. Its
`to_scenario()` is the customer object of scenarios/FORMAT.md section 1.2,
which the promotion engine reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Consents:
    """What the customer agreed to be contacted by."""

    email: bool = False
    sms: bool = False


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """One customer. `confirmed_points` is the central service's balance; see `PointsBalance`."""

    id: str
    name: str
    card_number: str | None = None
    phone: str | None = None  # E.164, e.g. "+14155550123"
    email: str | None = None
    birthday: date | None = None
    tier: str | None = None
    segments: tuple[str, ...] = ()
    consents: Consents = field(default_factory=Consents)
    confirmed_points: int = 0
    pending_points: int = 0
    first_order: bool = False
    promo_uses: Mapping[str, int] = field(default_factory=dict)
    merged_into: str | None = None  # merged at the central service into this member: found as them

    @property
    def points(self) -> int:
        """Points available at the register: confirmed + pending local entries."""
        return self.confirmed_points + self.pending_points

    def to_scenario(self) -> dict[str, Any]:
        """The FORMAT.md 1.2 customer object for the engine."""
        return {
            "id": self.id,
            "tier": self.tier,
            "segments": list(self.segments),
            "points": self.points,
            "first_order": self.first_order,
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "promo_uses": dict(self.promo_uses),
        }


@dataclass(frozen=True, slots=True)
class ExpiringLot:
    """Points of the member that expire at the end of `on`."""

    on: date
    points: int


@dataclass(frozen=True, slots=True)
class ChainFigures:
    """What the central service computed for the member over every store, as registers receive it.

    `spend_minor` is the rolling spend of the orders placed before
    `spend_until` (the tier was decided on it); `tier_kept_until` the last day
    a tier above that spend is kept; `expiring` the first lots to expire as
    the central service's ledger holds them at `lots_at`. A field is None (or
    empty) until the central service first computes it.
    """

    spend_minor: int | None = None
    spend_until: datetime | None = None
    tier_kept_until: date | None = None
    expiring: tuple[ExpiringLot, ...] = ()
    lots_at: datetime | None = None


__all__ = ["ChainFigures", "Consents", "CustomerProfile", "ExpiringLot"]
