"""Bounding offline risk at the register: what may be spent while the central service is unreachable.

Three limits (SYNC.md): points one customer may redeem offline per outage,
points the whole register may redeem offline per outage, and the age of the
cached balances beyond which no offline redemption is allowed at all. Age is
measured with a monotonic clock plus a persisted counter of the age already
consumed, so neither changing the wall clock nor restarting the register can
make old balances look fresh. Refusals are values with a reason code; the
caller (the redeem use case) shows them and asks for a smaller amount or a
connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExposureLimits:
    per_customer_points: int = 2_000
    per_register_points: int = 20_000
    max_cache_age_seconds: float = 24 * 3600.0
    # Single-use codes whose discount reaches this many minor units need the server (None: never).
    online_only_code_minor: int | None = None


@dataclass(frozen=True)
class ExposureRefusal:
    reason: str  # offline_customer_cap | offline_register_cap | cache_too_old | online_required
    limit: float
    used: float

    def __str__(self) -> str:
        return f"{self.reason} (limit {self.limit:g}, used {self.used:g})"


@dataclass
class ExposureState:
    """What survives a restart (persist it with the register's settings)."""

    age_consumed_seconds: float = 0.0
    customer_points: dict[str, int] = field(default_factory=dict)
    register_points: int = 0


class OfflineExposure:
    def __init__(self, limits: ExposureLimits, state: ExposureState | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._state = state or ExposureState()
        self._monotonic = monotonic
        self._base = monotonic()
        self._lock = threading.Lock()

    def cache_age(self) -> float:
        """Seconds since the last successful sync, across restarts, immune to wall-clock changes."""
        return self._state.age_consumed_seconds + (self._monotonic() - self._base)

    def state(self) -> ExposureState:
        with self._lock:
            return ExposureState(self.cache_age(), dict(self._state.customer_points), self._state.register_points)

    def mark_synced(self) -> None:
        """A successful sync: the outage is over, the balances are fresh."""
        with self._lock:
            self._state = ExposureState()
            self._base = self._monotonic()

    def check_redemption(self, customer_id: str, points: int, *, online: bool) -> ExposureRefusal | None:
        """May `points` be redeemed now? Online (balance checked at the server) always may."""
        if online or points <= 0:
            return None
        with self._lock:
            age = self.cache_age()
            if age > self.limits.max_cache_age_seconds:
                return ExposureRefusal("cache_too_old", self.limits.max_cache_age_seconds, age)
            used = self._state.customer_points.get(customer_id, 0)
            if used + points > self.limits.per_customer_points:
                return ExposureRefusal("offline_customer_cap", self.limits.per_customer_points, used)
            if self._state.register_points + points > self.limits.per_register_points:
                return ExposureRefusal("offline_register_cap", self.limits.per_register_points,
                                       self._state.register_points)
        return None

    def check_code(self, discount_minor: int, *, single_use: bool, online: bool) -> ExposureRefusal | None:
        threshold = self.limits.online_only_code_minor
        if online or not single_use or threshold is None or discount_minor < threshold:
            return None
        return ExposureRefusal("online_required", threshold, discount_minor)

    def record_redemption(self, customer_id: str, points: int, *, online: bool) -> None:
        """Count an offline redemption (call in the same step that commits the sale)."""
        if online or points <= 0:
            return
        with self._lock:
            self._state.customer_points[customer_id] = self._state.customer_points.get(customer_id, 0) + points
            self._state.register_points += points
