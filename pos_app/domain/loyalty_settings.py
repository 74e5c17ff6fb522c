"""The loyalty program's settings as the register caches them: one typed record.

The central service distributes them; the register caches them in one row.
`to_scenario()` gives the `settings` object of scenarios/FORMAT.md 1.1 for the
engine (whose own `domain.settings.ProgramSettings` is parsed from it); the other fields (tier thresholds, expiry, offline caps, return
window, welcome gifts, the next-visit offer, phone region) are for the register's use cases.
Decimal quantities stay strings, exactly as FORMAT.md writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_app.domain.tiers import TierRule, reached_tier


@dataclass(frozen=True, slots=True)
class LoyaltySettings:
    currency: str = "USD"
    rounding: str = "half_up"
    arbitration: str = "best"
    max_discount_share: str = "1"
    earn_rate: str = "1"
    earn_on: str = "net"
    redeem_value: str = "0.01"
    min_redeem: int = 0
    redeem_step: int = 1
    max_redeem_share: str = "1"
    tiers: tuple[TierRule, ...] = ()
    expiry_months: int = 12
    offline_customer_cap: int = 5000  # points one customer may redeem per outage
    offline_register_cap: int = 50000  # points one register may redeem per outage
    max_cache_age_s: int = 86400
    return_window_days: int = 30
    welcome_points: int = 0
    welcome_promotion_id: str | None = None
    # The next-visit offer: a sale of an identified customer paying at least the minimum (minor
    # units, the total after discounts and points) earns a personal single-use code of this promotion
    # (services.next_visit). The promotion must be code-gated: FORMAT.md makes one without codes
    # automatic, so give it a spent seed code (uses_left 0) until the first code is issued.
    next_visit_promotion_id: str | None = None
    next_visit_min_total_minor: int = 0
    default_phone_region: str = "US"
    manager_daily_adjust_limit: int = 5000  # absolute points per manager per day

    def to_scenario(self) -> dict[str, Any]:
        """The FORMAT.md 1.1 settings object."""
        return {
            "currency": self.currency,
            "rounding": self.rounding,
            "arbitration": self.arbitration,
            "max_discount_share": self.max_discount_share,
            "points": {
                "earn_rate": self.earn_rate,
                "earn_on": self.earn_on,
                "redeem_value": self.redeem_value,
                "min_redeem": self.min_redeem,
                "redeem_step": self.redeem_step,
                "max_redeem_share": self.max_redeem_share,
                "tiers": [{"name": t.name, "multiplier": t.multiplier} for t in self.tiers],
            },
        }

    def tier_for_spend(self, spend_minor: int) -> str | None:
        """The highest tier whose threshold the spend reaches, or None."""
        return reached_tier(self.tiers, spend_minor)


__all__ = ["LoyaltySettings", "TierRule"]
