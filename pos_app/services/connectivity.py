"""Whether the register is online, as checkout needs to know it: the one reading of the sync status.

The window and the till's API both ask the same question before a sale that
spends points: is the central service reachable, since when is it not, and
how old are the cached balances? Online means the sync loop's last cycle
succeeded (`online`) or one is running after a success (`syncing`); anything
else, including a register with no central service configured, is offline and
bounded by the caps of `checkout`. The cache age comes from the sync loop's
monotonic counter when there is one (`sync.client.exposure`), so neither a
wall-clock change nor a restart can make an old cache look fresh; without one
it is the time since the last sync, or since the register started.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pos_app.services.checkout import Connectivity

ONLINE_STATES = frozenset({"online", "syncing"})


def connectivity_of(
    state: str,
    *,
    offline_since: datetime | None,
    last_synced_at: datetime | None,
    exposure: Any,
    now: datetime,
    loaded_at: datetime | None,
) -> Connectivity:
    """`state` as the sync loop reports it (`online`, `syncing`, `offline`, `error`; `local`: no loop)."""
    if exposure is not None:
        age: float | None = exposure.cache_age()
    else:
        reference = last_synced_at or loaded_at
        age = (now - reference).total_seconds() if reference else None
    return Connectivity(online=str(state) in ONLINE_STATES, offline_since=offline_since, cache_age_s=age)


def sync_loop_connectivity(
    sync_loop: Any, clock: Callable[[], datetime], loaded_at: datetime | None
) -> Callable[[], Connectivity]:
    """A function answering the register's connectivity now, read from `sync_loop` (None: local only)."""

    def current() -> Connectivity:
        status = getattr(sync_loop, "status", None)
        return connectivity_of(
            str(getattr(status, "state", "local")),
            offline_since=getattr(status, "offline_since", None),
            last_synced_at=getattr(status, "last_synced_at", None),
            exposure=getattr(sync_loop, "exposure", None),
            now=clock(),
            loaded_at=loaded_at,
        )

    return current


__all__ = ["ONLINE_STATES", "connectivity_of", "sync_loop_connectivity"]
