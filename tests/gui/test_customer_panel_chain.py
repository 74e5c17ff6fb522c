"""The customer panel shows the chain's figures: a tier kept after the spend fell below it, and until when."""

from __future__ import annotations

from datetime import date

from pos_app.domain.customer_profile import CustomerProfile
from pos_app.qt.customer_panel import CustomerPanel
from pos_app.services.customer_card import CustomerCard


def shown(qtbot, **card: object) -> str:
    panel = CustomerPanel()
    qtbot.addWidget(panel)
    profile = CustomerProfile("C1", "Ana Pérez", tier=str(card.pop("tier")))
    panel.show_card(CustomerCard(customer=profile, confirmed=1200, pending=0, held=0, offers=(),
                                 birthday_week=False, **card), date(2026, 12, 10))  # type: ignore[arg-type]
    return panel.tier_progress.text()


def test_a_kept_tier_says_until_when(qtbot):
    assert shown(qtbot, tier="gold", tier_kept_until=date(2027, 3, 9)) == "Gold kept until Mar 9, 2027"
    assert shown(qtbot, tier="silver", tier_kept_until=date(2027, 3, 9), next_tier="gold", to_next_tier=12600,
                 currency="USD") == "Silver kept until Mar 9, 2027; $126.00 more spend this year for Gold"
    assert shown(qtbot, tier="gold") == "Top tier"
