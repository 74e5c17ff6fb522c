"""What a register asks the central service while a cashier waits, and what it does when it cannot.

Two questions need the chain at the moment of a sale:

- points: before a sale that spends a member's points is written online, the
  central service holds them (`hold_points`), so two registers cannot spend
  the same points twice; when it cannot be asked (offline, too slow), the
  sale goes on under the offline caps of SYNC.md, exactly as offline;
- orders: a return or a void of an order this register does not hold (sold
  at another store) fetches the order, with its frozen lines and what was
  returned of it, from the central service (`fetch_order`); offline, the
  register says plainly that it needs the central service for that order.

`ChainCalls` is the port; `sync.client.chain.CentralCalls` implements it over
the paired client. A register without a central service passes None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sync.client.errors import SyncError
from sync.protocol.records import HoldAnswer


class ChainCalls(Protocol):
    def hold_points(self, customer_id: str, points: int, hold_id: str) -> HoldAnswer:
        """Hold `points` of the member for a sale about to be written; raises `SyncError` when unreachable."""
        ...

    def release_hold(self, hold_id: str) -> None:
        """Give held points back at once (the sale was refused); the hold expires by itself otherwise."""
        ...

    def fetch_order(self, order_id: str) -> Mapping[str, Any] | None:
        """An order of any register of the chain, or None; raises `SyncError` when unreachable."""
        ...

    def fetch_report(self, first: str, last: str, by: str | None = None) -> Mapping[str, Any]:
        """The loyalty report of this register's store as the central service computes it (JSON)."""
        ...


ChainUnreachable = SyncError

__all__ = ["ChainCalls", "ChainUnreachable"]
