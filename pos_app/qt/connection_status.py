"""What the status bar and the offline banner say about the connection to the central service.

`ConnectionView` is a plain value read from the sync loop's status (any
object with `state`, `offline_since`, `last_synced_at`, `pending`, `message`,
as `sync.client.SyncStatus` has) or, when the register runs without a central
service, from the local store alone: the outbox count is real either way.
`status_texts` turns it into the words shown; the banner text is None when
there is nothing to warn about. Nothing here blocks the cashier: offline, the
register keeps selling from its local ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.wording import age, since

LOCAL_ONLY = "local"  # no central service configured: the ledger waits in the outbox
CONNECTING = "connecting"  # a sync loop that has not finished its first cycle


@dataclass(frozen=True, slots=True)
class ConnectionView:
    state: str  # online | offline | syncing | error | local | connecting
    offline_since: datetime | None = None
    last_synced_at: datetime | None = None
    pending: int = 0  # ledger entries waiting in the outbox
    message: str | None = None

    @classmethod
    def from_sync_status(cls, status: object) -> ConnectionView:
        state = str(getattr(status, "state", "offline"))
        if state == "offline" and getattr(status, "message", None) is None \
                and getattr(status, "last_synced_at", None) is None:
            state = CONNECTING  # the loop has not tried yet: not an outage
        return cls(
            state=state,
            offline_since=getattr(status, "offline_since", None),
            last_synced_at=getattr(status, "last_synced_at", None),
            pending=int(getattr(status, "pending", 0) or 0),
            message=getattr(status, "message", None),
        )

    def with_pending(self, pending: int) -> ConnectionView:
        return replace(self, pending=pending)


@dataclass(frozen=True, slots=True)
class StatusTexts:
    connection: str
    outbox: str
    last_sync: str
    cache: str
    who: str
    banner: str | None
    tone: str  # success | danger | muted: the connection label's role


def status_texts(
    view: ConnectionView,
    now: datetime,
    *,
    register: str,
    cashier: str | None,
    cache_loaded_at: datetime | None = None,
) -> StatusTexts:
    state = view.state
    if state == "online":
        connection, tone, banner = "● " + tr("Online"), "success", None
    elif state == "syncing":
        connection, tone, banner = "● " + tr("Syncing…"), "success", None
    elif state == LOCAL_ONLY:
        connection, tone, banner = "● " + tr("Local only (no central service)"), "muted", None
    elif state == CONNECTING:
        connection, tone, banner = "● " + tr("Connecting…"), "muted", None
    else:
        when = since(view.offline_since, now)
        connection = ("● " + (tr("Offline %1") if state == "offline" else tr("Sync error %1")).replace("%1", when)).rstrip()
        tone = "danger"
        banner = (
            tr("OFFLINE %1 — keep selling: sales and points are kept here and sync when the connection is back")
            .replace("%1", when.upper()).replace("  ", " ")
            if state == "offline"
            else tr("SYNC ERROR — %1. Keep selling; call your manager.").replace(
                "%1", view.message or tr("the central service refused the register"))
        )
    reference = view.last_synced_at or cache_loaded_at
    return StatusTexts(
        connection=connection,
        outbox=tr("%Ln waiting to sync", "", view.pending) if view.pending else tr("Nothing waiting to sync"),
        last_sync=tr("Last sync %1").replace("%1", formats.time_of_day(view.last_synced_at.astimezone(now.tzinfo)))
        if view.last_synced_at else tr("Never synced"),
        cache=tr("Data age %1").replace("%1", age((now - reference).total_seconds())) if reference
        else tr("Data age unknown"),
        who=tr("Register %1").replace("%1", register) + "  ·  " + (
            tr("Cashier %1").replace("%1", cashier) if cashier else tr("No cashier")),
        banner=banner,
        tone=tone,
    )


__all__ = ["CONNECTING", "LOCAL_ONLY", "ConnectionView", "StatusTexts", "status_texts"]
