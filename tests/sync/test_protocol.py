"""Wire models: the payload hash, cursors, and the mapping from the register's own ledger payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from pos_app.domain.ledger import EntryKind as DomainKind
from pos_app.domain.ledger import LedgerEntry as DomainEntry
from pos_app.domain.ledger import canonical_json
from sync.protocol import EntryKind, LedgerEntry, format_cursor, new_entry_id, parse_cursor
from sync.protocol.adapters import entry_from_register_payload

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def test_payload_hash_covers_every_field_and_survives_the_wire():
    entry = LedgerEntry.build(register_id="S1.R1", seq=1, kind=EntryKind.ACCRUAL, customer_id="C1", points=10,
                              created_at_register=NOW)
    again = LedgerEntry.model_validate_json(entry.model_dump_json())
    assert again == entry and again.hash_is_valid()
    tampered = LedgerEntry.model_validate({**entry.model_dump(mode="json"), "points": 11})
    assert not tampered.hash_is_valid()


def test_wire_model_refuses_floats_unknown_fields_and_naive_times():
    base = {"register_id": "S1.R1", "seq": 1, "kind": "accrual", "customer_id": "C1", "points": 10,
            "created_at_register": NOW}
    with pytest.raises(ValidationError):
        LedgerEntry.build(**{**base, "points": 10.0})
    with pytest.raises(ValidationError):
        LedgerEntry.build(**{**base, "colour": "red"})
    with pytest.raises(ValidationError):
        LedgerEntry.build(**{**base, "created_at_register": datetime(2026, 11, 23, 14, 30)})
    with pytest.raises(ValidationError):
        LedgerEntry.build(**{**base, "id": "not-a-uuid"})


def test_cursor_round_trip():
    assert parse_cursor(format_cursor(42)) == (1, 42)
    with pytest.raises(ValueError):
        parse_cursor("latest")


def test_register_payload_maps_to_the_same_entry_every_time():
    domain = DomainEntry(id=new_entry_id(), register_id="S1.R1", seq=7, kind=DomainKind.ADJUSTMENT,
                         customer_id="C1", points=-25, created_at=NOW, reason="damaged card", actor_id="M1")
    payload = json.loads(canonical_json(domain.to_wire()))
    first = entry_from_register_payload(payload)
    second = entry_from_register_payload(json.loads(canonical_json(domain.to_wire())))
    assert first == second and first.model_dump_json() == second.model_dump_json()
    assert (first.register_id, first.seq, first.kind, first.points, first.reason, first.actor_id) == (
        "S1.R1", 7, EntryKind.ADJUSTMENT, -25, "damaged card", "M1")
    assert first.hash_is_valid()
