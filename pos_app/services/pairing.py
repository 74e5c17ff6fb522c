"""Pairing a register with a central service: a one-time code traded for the register's credential.

A manager reads out the code from `pos-central pair-register STORE REGISTER`;
the register trades it for its own token, which replaces the one it had.
What the register has written belongs to the register id it was paired as:
its entries and records go to the central service under the credential's id
and its entry numbers continue that register's history. So a register whose
ledger holds entries, or whose outbox holds entries or records not yet
acknowledged, pairs again only as the same register id (same store and
register): the code is traded with that id and the central service refuses a
code for another one without spending it. Pairing again as the same id is the
way back from a revoked credential (a leaked key): what waits in the outbox
goes with the next cycle under the new credential, and an entry the old
credential had already delivered is answered `exists` (the central service
keeps each entry once, by its id). Entries waiting in a register whose paired
id is unknown (`central_register_id` lost) are refused: nothing says whose
they are. Where the credential is kept is the caller's business (`save`).
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
    from sync.client import SyncClient, WrongRegister
    from sync.client.errors import SyncError

    entries = records = written = 0
    if uow is not None:
        with uow(read_only=True) as unit:
            entries, records, written = unit.ledger.outbox_size(), unit.records.pending_count(), unit.ledger.last_seq()
    if entries and not previous_register_id:
        return Refused(
            "outbox_not_empty",
            f"{entries} ledger entries are not synced yet and this register's paired id is unknown "
            "(central_register_id): let the register sync before pairing it again",
        )
    # Whatever the register has written is its paired id's: only a code for that id may replace the credential.
    bound_to = previous_register_id if previous_register_id and (entries or records or written) else None
    url = url.strip().rstrip("/")
    try:
        answer = SyncClient(url, verify=verify).pair(code.strip(), register_id=bound_to)
    except WrongRegister as exc:
        return _wrong_register(bound_to, entries, str(exc).removeprefix(f"HTTP {exc.status}: "))
    except SyncError as exc:
        return Refused("pairing_failed", str(exc))
    if bound_to and answer.register_id != bound_to:  # a central service that does not check the id itself
        return _wrong_register(bound_to, entries, f"the code was for {answer.register_id} (the used code is spent)")
    save(url, answer.token, answer.register_id)
    if uow is not None:
        from pos_app.services.sync_ports import forget_sync_failures

        forget_sync_failures(uow)  # they were the old credential's
    return Paired(answer.register_id, answer.store_id, url)


def _wrong_register(register_id: str, waiting: int, what_happened: str) -> Refused:
    """The refusal of a code for another register than the one this register's ledger belongs to."""
    store, _, name = register_id.partition(".")
    waits = f" ({waiting} ledger entries wait to sync as {register_id})" if waiting else ""
    return Refused(
        "wrong_register",
        f"this register's ledger belongs to register {register_id}{waits}; {what_happened}: ask for a code for "
        f"{register_id} (`pos-central pair-register {store} {name}`)",
    )
