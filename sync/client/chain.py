"""Calls a register makes to the central service in the middle of a sale: hold points, fetch an order.

Unlike the sync loop, these run while a cashier waits: one attempt, a short
timeout (1 s to connect, 2 s to answer), and none at all while the sync loop
knows the central service is unreachable. Any failure is a `SyncError`
(`TransientError` for the network), on which the register goes on as it
would offline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync.client.errors import TransientError
from sync.client.http import SyncClient
from sync.protocol.records import HoldAnswer

SALE_TIMEOUT = (1.0, 2.0)
REPORT_READ_TIMEOUT = 10.0


class CentralCalls:
    """`pos_app.services.chain.ChainCalls` over a paired `SyncClient`."""

    def __init__(self, client: SyncClient, *, online: Callable[[], bool] = lambda: True,
                 timeout: tuple[float, float] = SALE_TIMEOUT) -> None:
        self.client = client
        self._online = online
        self.timeout = timeout

    def _check_online(self) -> None:
        if not self._online():
            raise TransientError("the central service is unreachable (the register is offline)")

    def hold_points(self, customer_id: str, points: int, hold_id: str) -> HoldAnswer:
        self._check_online()
        return self.client.hold_points(customer_id, hold_id, points, timeout=self.timeout)

    def release_hold(self, hold_id: str) -> None:
        self._check_online()
        self.client.release_hold(hold_id, timeout=self.timeout)

    def fetch_order(self, order_id: str) -> dict[str, Any] | None:
        self._check_online()
        return self.client.fetch_order(order_id, timeout=self.timeout)

    def fetch_report(self, first: str, last: str, by: str | None = None) -> dict[str, Any]:
        """The central service's loyalty report of this register's store (a manager waits: 10 s to answer)."""
        self._check_online()
        return self.client.report(first, last, by=by, timeout=(self.timeout[0], REPORT_READ_TIMEOUT))


__all__ = ["SALE_TIMEOUT", "CentralCalls"]
