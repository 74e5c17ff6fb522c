"""Turning the register's own ledger payload into a wire `LedgerEntry`.

The register's storage keeps each outbox entry as the canonical JSON of
`pos_app.domain.ledger.LedgerEntry.to_wire()` (keys `register`, `customer`,
`order`, `created_at`, `actor`, ...). `entry_from_register_payload` maps that
dict, plus what the storage keeps beside it (a code use's discount, whether
the balance was checked online, the order total), to the wire model. The
mapping is deterministic, so the same outbox row always yields the same
entry, hash and bytes: a retried push stays byte-for-byte identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sync.protocol.models import EntryKind, LedgerEntry


def entry_from_register_payload(
    payload: Mapping[str, Any],
    *,
    discount_minor: int | None = None,
    online: bool = False,
    order_total_minor: int | None = None,
) -> LedgerEntry:
    created = payload["created_at"]
    created_at = datetime.fromisoformat(created) if isinstance(created, str) else created
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)  # the register writes UTC
    return LedgerEntry.build(
        id=payload["id"],
        register_id=payload["register"],
        seq=payload["seq"],
        kind=EntryKind(payload["kind"]),
        customer_id=payload.get("customer"),
        points=payload["points"],
        reverses=payload.get("reverses"),
        code=payload.get("code"),
        discount_minor=discount_minor,
        order_id=payload.get("order"),
        order_total_minor=order_total_minor,
        online=online,
        created_at_register=created_at,
        reason=payload.get("reason"),
        actor_id=payload.get("actor"),
        counterpart_id=payload.get("counterpart"),
        group_id=payload.get("group"),
        note=payload.get("note"),
    )
