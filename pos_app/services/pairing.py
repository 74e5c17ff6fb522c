"""Pairing a register with a central service: a one-time code traded for the register's credential.

A manager reads out the code from `pos-central pair-register STORE REGISTER`;
the register trades it for its own token. Pairing is refused while the
register's outbox holds entries the central service has not acknowledged
(they would be stranded under the old credential), and a register whose
ledger already belongs to one register id cannot take another's credential:
its entry numbers would collide with that register's history. Where the
credential is kept is the caller's business (`save`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pos_app.services.outcome import Refused
from pos_app.storage.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Paired:
    """The register's new identity at the central service."""

    register_id: str  # e.g. "S1.R1"
    store_id: str
    url: str


SaveCredential = Callable[[str, str, str], None]  # (url, token, register_id)


def pair_register(
    uow: UnitOfWorkFactory | None,
    *,
    url: str,
    code: str,
    previous_register_id: str | None,
    save: SaveCredential,
    verify: str | bool = True,
) -> Paired | Refused:
    """Trade `code` for a credential at `url` and `save` it; `uow` is the register's store, if any."""
    from sync.client import SyncClient
    from sync.client.errors import SyncError

    unsynced = written = 0
    if uow is not None:
        with uow(read_only=True) as unit:
            unsynced, written = unit.ledger.outbox_size(), unit.ledger.last_seq()
    if unsynced:
        return Refused(
            "outbox_not_empty",
            f"{unsynced} ledger entries are not synced yet; let the register sync before pairing it again",
        )
    url = url.strip().rstrip("/")
    try:
        answer = SyncClient(url, verify=verify).pair(code.strip())
    except SyncError as exc:
        return Refused("pairing_failed", str(exc))
    if previous_register_id and written and answer.register_id != previous_register_id:
        return Refused(
            "wrong_register",
            f"this register's ledger belongs to register {previous_register_id}, the code was for "
            f"{answer.register_id}; ask for a code for {previous_register_id} (the used code is spent)",
        )
    save(url, answer.token, answer.register_id)
    if uow is not None:
        from pos_app.services.sync_ports import forget_sync_failures

        forget_sync_failures(uow)  # they were the old credential's
    return Paired(answer.register_id, answer.store_id, url)
