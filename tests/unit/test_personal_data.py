"""Personal data never reaches a log line in clear; the facts support needs do."""

from __future__ import annotations

import pytest

from pos_app.domain.personal_data import mask_personal_data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("identified Ana.Perez@Example.com", "identified A***@***"),
        ("card 2900000000018 scanned", "card *********0018 scanned"),
        ("card 4111 1111 1111 1111", "card ************1111"),
        ("phone +14155550101", "phone +*********01"),
        ("phone (415) 555-0101", "phone ********01"),
        ('{"name": "Ana Pérez", "id": "C1"}', '{"name": "A***", "id": "C1"}'),
        ("customer_name=Zoë tier=gold", "customer_name=Z*** tier=gold"),
        ("cashier_name: 'Sam Cashier'", "cashier_name: 'S***'"),
    ],
)
def test_names_emails_phones_and_cards_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23 14:30:00,123 INFO sale R1-000042 total 45.50 USD, 31 points, seq 12",
        "pushed entry 0192f6a4-1b2c-7d3e-8f90-123456789012 to http://127.0.0.1:8765/v1/push",
        "printer 192.168.1.50:9100 unreachable",
        "name=None",
    ],
)
def test_dates_amounts_ids_and_addresses_pass_unchanged(text: str) -> None:
    assert mask_personal_data(text) == text
