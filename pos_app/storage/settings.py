"""The program settings record: one typed row plus the tier table."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pos_app.domain.loyalty_settings import LoyaltySettings, TierRule
from pos_app.storage.tables import ProgramSettingsRow, TierRow

_SCALAR_FIELDS = [name for name in LoyaltySettings.__dataclass_fields__ if name != "tiers"]


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self) -> LoyaltySettings:
        """The cached settings, or the defaults while none were ever pulled."""
        row = self._session.get(ProgramSettingsRow, 1)
        if row is None:
            return LoyaltySettings()
        tiers = tuple(
            TierRule(t.name, t.threshold_minor, t.multiplier)
            for t in self._session.scalars(select(TierRow).order_by(TierRow.threshold_minor, TierRow.name))
        )
        return LoyaltySettings(**{name: getattr(row, name) for name in _SCALAR_FIELDS}, tiers=tiers)

    def default_phone_region(self) -> str:
        """The region numbers typed without "+" are read in (one cheap query, for identification)."""
        region = self._session.scalar(select(ProgramSettingsRow.default_phone_region).where(ProgramSettingsRow.id == 1))
        return region or LoyaltySettings().default_phone_region

    def save(self, settings: LoyaltySettings) -> None:
        row = self._session.get(ProgramSettingsRow, 1)
        if row is None:
            row = ProgramSettingsRow(id=1)
            self._session.add(row)
        for name in _SCALAR_FIELDS:
            setattr(row, name, getattr(settings, name))
        self._session.execute(delete(TierRow))
        self._session.add_all(
            TierRow(name=t.name, threshold_minor=t.threshold_minor, multiplier=t.multiplier)
            for t in settings.tiers
        )
        self._session.flush()


__all__ = ["SettingsRepository"]
