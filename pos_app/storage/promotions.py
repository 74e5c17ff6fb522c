"""Cached promotions (FORMAT.md JSON) and their codes.

A promotion's JSON is stored as received in `body`, except its `codes`: those
live in `promotion_codes`, one row per code with `uses_left`, because a use
at this register changes them and they are looked up by code. `in_force(now)`
pre-filters on the validity window (inclusive bounds as local ISO text, a
date alone widened to its whole day); the engine still checks everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from pos_app.domain.promotion_code import PromotionCode, normalise_code
from pos_app.storage.tables import PERSONAL_AUDIENCE, PromotionCodeRow, PromotionRow, StoreRevisionRow


def _bound(value: str | None, *, end: bool) -> str | None:
    if not value:
        return None
    if "T" in value:
        return value
    return value + ("T23:59:59.999999" if end else "T00:00:00")


def _to_code(row: PromotionCodeRow) -> PromotionCode:
    return PromotionCode(row.code, row.promotion_id, row.customer_id, row.uses_left, row.display)


# The statements a till's every call runs, built once (building one costs more than SQLite's answer).
_PRICING_REVISION = select(StoreRevisionRow.value).where(StoreRevisionRow.name == "pricing")
_CODES_AMONG = select(PromotionCodeRow).where(PromotionCodeRow.code.in_(bindparam("keys", expanding=True)))
_CODES_OF_CUSTOMER = select(PromotionCodeRow).where(PromotionCodeRow.customer_id == bindparam("customer_id"))
_PERSONAL_IN_FORCE = (
    select(PromotionRow.id, func.json_extract(PromotionRow.body, "$.name"),
           func.json_extract(PromotionRow.body, "$.audience"))
    .where(
        PromotionRow.active,
        or_(PromotionRow.valid_from.is_(None), PromotionRow.valid_from <= bindparam("moment")),
        or_(PromotionRow.valid_to.is_(None), PromotionRow.valid_to >= bindparam("moment")),
        PERSONAL_AUDIENCE == "object",
        ~exists().where(PromotionCodeRow.promotion_id == PromotionRow.id),
    )
    .order_by(PromotionRow.priority, PromotionRow.id)
)
_PERSONAL_CANDIDATES = (
    select(PromotionRow.id, func.json_extract(PromotionRow.body, "$.name"),
           func.json_extract(PromotionRow.body, "$.audience"), PromotionRow.valid_from, PromotionRow.valid_to)
    .where(PromotionRow.active, PERSONAL_AUDIENCE == "object",
           ~exists().where(PromotionCodeRow.promotion_id == PromotionRow.id))
    .order_by(PromotionRow.priority, PromotionRow.id)
)


_Offer = TypeVar("_Offer")  # a stored promotion, or what the caller made of it


def in_force_at(moment: datetime, candidates: list[tuple[str | None, str | None, _Offer]]) -> list[_Offer]:
    """The candidates (`PromotionRepository.personal_candidates`) in force at `moment` (local time): the same
    list `personal_in_force(moment)` reads."""
    at = moment.replace(tzinfo=None).isoformat()
    return [offer for starts, ends, offer in candidates
            if (starts is None or starts <= at) and (ends is None or ends >= at)]


class PromotionRepository:
    def __init__(self, session: Session, snapshot: dict[object, Any] | None = None) -> None:
        self._session = session
        self._snapshot = snapshot  # a read-only transaction's lookups (see `CustomerRepository`)

    def upsert(self, promotion: dict[str, Any]) -> None:
        """Store one FORMAT.md promotion, replacing any earlier version and its codes."""
        promotion_id = promotion["id"]
        body = {k: v for k, v in promotion.items() if k != "codes"}
        valid = promotion.get("valid") or {}
        row = self._session.get(PromotionRow, promotion_id) or PromotionRow(id=promotion_id)
        row.kind = promotion.get("kind", "discount")
        row.priority = int(promotion.get("priority", 0))
        row.valid_from = _bound(valid.get("from"), end=False)
        row.valid_to = _bound(valid.get("to"), end=True)
        row.active = True
        row.body = json.dumps(body, sort_keys=True, ensure_ascii=False)
        self._session.add(row)
        self._session.flush()
        self._session.execute(delete(PromotionCodeRow).where(PromotionCodeRow.promotion_id == promotion_id))
        for entry in promotion.get("codes") or ():
            self._session.add(
                PromotionCodeRow(
                    code=normalise_code(entry["code"]),
                    promotion_id=promotion_id,
                    customer_id=entry.get("customer"),
                    uses_left=entry.get("uses_left"),
                    display=entry["code"].strip(),
                )
            )
        self._session.flush()

    def upsert_many(self, promotions: Iterable[dict[str, Any]]) -> int:
        count = 0
        for promotion in promotions:
            self.upsert(promotion)
            count += 1
        return count

    def deactivate(self, promotion_id: str) -> None:
        self._session.execute(
            update(PromotionRow).where(PromotionRow.id == promotion_id).values(active=False)
        )

    def get(self, promotion_id: str) -> dict[str, Any] | None:
        row = self._session.get(PromotionRow, promotion_id)
        return None if row is None else self._assemble([row])[0]

    def in_force(self, now: datetime) -> list[dict[str, Any]]:
        """Active promotions whose validity window contains `now` (local store time), priority order."""
        moment = now.replace(tzinfo=None).isoformat()
        rows = self._session.scalars(
            select(PromotionRow)
            .where(
                PromotionRow.active,
                or_(PromotionRow.valid_from.is_(None), PromotionRow.valid_from <= moment),
                or_(PromotionRow.valid_to.is_(None), PromotionRow.valid_to >= moment),
            )
            .order_by(PromotionRow.priority, PromotionRow.id)
        ).all()
        return self._assemble(rows)

    def personal_in_force(self, now: datetime) -> list[dict[str, Any]]:
        """`{"id", "name", "audience"}` of the promotions in force at `now` that have an audience and no code.

        What a customer's card lists as their offers; read from the stored JSON by
        SQLite itself through an index on the audience's JSON type (revision 0021),
        without loading every promotion in force.
        """
        moment = now.replace(tzinfo=None).isoformat()
        rows = self._session.execute(_PERSONAL_IN_FORCE, {"moment": moment}).all()
        return [{"id": row[0], "name": row[1] or row[0], "audience": json.loads(row[2])} for row in rows]

    def personal_candidates(self) -> list[tuple[str | None, str | None, dict[str, Any]]]:
        """`(valid_from, valid_to, {"id", "name", "audience"})` of every active promotion with an audience and no
        code, in `personal_in_force`'s order: what it answers at any moment, before the window is checked.

        The windows are the stored local ISO texts, compared as SQLite compares them (as strings) by
        `in_force_at`. Kept by the pricing cache per pricing revision, which every change to these rows bumps.
        """
        rows = self._session.execute(_PERSONAL_CANDIDATES).all()
        return [(row[3], row[4], {"id": row[0], "name": row[1] or row[0], "audience": json.loads(row[2])})
                for row in rows]

    def all_active(self) -> list[dict[str, Any]]:
        rows = self._session.scalars(
            select(PromotionRow).where(PromotionRow.active).order_by(PromotionRow.priority, PromotionRow.id)
        ).all()
        return self._assemble(rows)

    def _assemble(self, rows: list[PromotionRow]) -> list[dict[str, Any]]:
        if not rows:
            return []
        codes: dict[str, list[dict[str, object]]] = {}
        for code in self._session.scalars(
            select(PromotionCodeRow)
            .where(PromotionCodeRow.promotion_id.in_([r.id for r in rows]))
            .order_by(PromotionCodeRow.code)
        ):
            codes.setdefault(code.promotion_id, []).append(_to_code(code).to_scenario())
        return [{**json.loads(row.body), "codes": codes.get(row.id, [])} for row in rows]

    def pricing_revision(self) -> int:
        """A counter that changes whenever what the promotion engine is built from changes.

        Bumped by triggers (revision 0002) on promotions, settings and tiers, and
        when a promotion gains its first code or loses its last one.
        """
        if self._snapshot is not None and "pricing_revision" in self._snapshot:
            return self._snapshot["pricing_revision"]
        revision = self._session.connection().scalar(_PRICING_REVISION) or 0
        if self._snapshot is not None:
            self._snapshot["pricing_revision"] = revision
        return revision

    def pricing_rows(self, start: datetime, end: datetime) -> list[tuple[str, str, bool]]:
        """(id, body JSON without codes, has codes) of active promotions whose window meets [start, end].

        `start` and `end` are local store time. Codes are not loaded: the
        pricing cache asks for the entered ones only (`find_codes`).
        """
        low = start.replace(tzinfo=None).isoformat()
        high = end.replace(tzinfo=None).isoformat()
        has_codes = exists().where(PromotionCodeRow.promotion_id == PromotionRow.id)
        rows = self._session.execute(
            select(PromotionRow.id, PromotionRow.body, has_codes)
            .where(
                PromotionRow.active,
                or_(PromotionRow.valid_from.is_(None), PromotionRow.valid_from <= high),
                or_(PromotionRow.valid_to.is_(None), PromotionRow.valid_to >= low),
            )
            .order_by(PromotionRow.priority, PromotionRow.id)
        ).all()
        return [(row[0], row[1], bool(row[2])) for row in rows]

    def find_codes(self, texts: Iterable[str]) -> list[PromotionCode]:
        """The stored codes among `texts` (any spelling), in one query."""
        keys = sorted({normalise_code(t) for t in texts if t and t.strip()})
        if not keys:
            return []
        rows = self._session.scalars(_CODES_AMONG, {"keys": keys})
        return [_to_code(row) for row in rows]

    def release_code(self, text: str) -> bool:
        """Give one use back to a limited code (its sale was voided); False when unknown or unlimited."""
        result = self._session.execute(
            update(PromotionCodeRow)
            .where(PromotionCodeRow.code == normalise_code(text), PromotionCodeRow.uses_left.is_not(None))
            .values(uses_left=PromotionCodeRow.uses_left + 1)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def retire_codes_of_order(self, order_id: str) -> list[PromotionCode]:
        """Make the codes an order earned unusable (uses_left 0): the order was voided. Returns those retired."""
        rows = self._session.scalars(
            select(PromotionCodeRow).where(
                PromotionCodeRow.order_id == order_id,
                or_(PromotionCodeRow.uses_left.is_(None), PromotionCodeRow.uses_left > 0),
            )
        ).all()
        for row in rows:
            row.uses_left = 0
        self._session.flush()
        return [_to_code(row) for row in rows]

    def active_body(self, promotion_id: str) -> dict[str, Any] | None:
        """An active promotion's JSON without its codes (cheap: a personal-code promotion has many), or None."""
        body = self._session.scalar(
            select(PromotionRow.body).where(PromotionRow.id == promotion_id, PromotionRow.active)
        )
        return None if body is None else json.loads(body)

    def active_ids(self) -> list[str]:
        return list(self._session.scalars(select(PromotionRow.id).where(PromotionRow.active).order_by(PromotionRow.id)))

    def exists(self, promotion_id: str) -> bool:
        return self._session.get(PromotionRow, promotion_id) is not None

    def put_code(self, code: PromotionCode) -> None:
        """Create or replace one code of an existing promotion (as the central service publishes it)."""
        row = self._session.get(PromotionCodeRow, normalise_code(code.code))
        if row is None:
            row = PromotionCodeRow(code=normalise_code(code.code))
            self._session.add(row)
        row.promotion_id = code.promotion_id
        row.customer_id = code.customer_id
        row.uses_left = code.uses_left
        row.display = (code.display or row.display or code.code).strip()
        self._session.flush()

    def remove_code(self, text: str) -> None:
        self._session.execute(delete(PromotionCodeRow).where(PromotionCodeRow.code == normalise_code(text)))

    def find_code(self, text: str) -> PromotionCode | None:
        row = self._session.get(PromotionCodeRow, normalise_code(text))
        return None if row is None else _to_code(row)

    def codes_of_customer(self, customer_id: str) -> list[PromotionCode]:
        rows = self._session.scalars(_CODES_OF_CUSTOMER, {"customer_id": customer_id})
        return [_to_code(row) for row in rows]

    def use_code(self, text: str) -> bool:
        """Spend one use of a code; False (nothing changed) when unknown or used up."""
        result = self._session.execute(
            update(PromotionCodeRow)
            .where(
                PromotionCodeRow.code == normalise_code(text),
                or_(PromotionCodeRow.uses_left.is_(None), PromotionCodeRow.uses_left > 0),
            )
            .values(uses_left=PromotionCodeRow.uses_left - 1)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def issue_code(
        self,
        promotion_id: str,
        code: str,
        *,
        customer_id: str | None,
        uses_left: int | None,
        at: datetime,
        order_id: str | None = None,
    ) -> PromotionCode:
        """Create a code locally (a welcome code, a claimed reward, a next-visit code) for an existing promotion.

        `order_id`: the sale that earned the code (a next-visit code), so voiding it retires the code.
        """
        row = PromotionCodeRow(
            code=normalise_code(code),
            promotion_id=promotion_id,
            customer_id=customer_id,
            uses_left=uses_left,
            display=code.strip(),
            issued_at=at,
            order_id=order_id,
        )
        self._session.add(row)
        self._session.flush()
        return _to_code(row)


__all__ = ["PromotionRepository", "in_force_at"]
