"""How old the register's cached balances are: the clock behind the offline caps.

SYNC.md bounds what a register may spend offline: points per customer and
per register during an outage, counted from the register's own ledger (its
redemptions the central service has not acknowledged yet: one source, in
`pos_app.services.checkout`), and a maximum age of the cached balances,
beyond which nothing may be spent until the register reconnects. The age is
measured here, with a monotonic clock plus a persisted counter of the age
already consumed, so neither changing the wall clock nor restarting the
register can make old balances look fresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExposureLimits:
    max_cache_age_seconds: float = 24 * 3600.0


@dataclass
class ExposureState:
    """What survives a restart (persisted by the register's store)."""

    age_consumed_seconds: float = 0.0


class OfflineExposure:
    """The cached balances' age since the last successful sync, across restarts and wall-clock changes."""

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

    def too_old(self) -> bool:
        return self.cache_age() > self.limits.max_cache_age_seconds

    def state(self) -> ExposureState:
        with self._lock:
            return ExposureState(self.cache_age())

    def mark_synced(self) -> None:
        """A successful sync: the outage is over, the balances are fresh."""
        with self._lock:
            self._state = ExposureState()
            self._base = self._monotonic()


__all__ = ["ExposureLimits", "ExposureState", "OfflineExposure"]
