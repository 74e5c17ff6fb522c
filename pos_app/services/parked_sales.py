"""Parking a sale: put it aside to serve the next customer, recall it later, even after a restart.

A parked sale is kept in the register's store with its draft (lines by SKU
and quantity, customer, codes, points asked, rewards claimed) and what the
list shows (for whom, how many items, what it cost when parked, who parked
it). Several may wait at once. Recalling takes it out of the store and
rebuilds the draft from the catalogue as it is now: the sale is re-priced
when it comes back, a product no longer sold is left out and named, and the
sale keeps its id, so it is still paid at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_app.services.outcome import Refused
from pos_app.services.sale import ClaimedReward, DraftLine, SaleDraft
from pos_app.storage.parked_sales import ParkedSale
from pos_app.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Recalled:
    """A parked sale back at the till; `missing` names what the catalogue no longer has."""

    draft: SaleDraft
    parked: ParkedSale
    missing: tuple[str, ...] = ()


def draft_to_dict(draft: SaleDraft) -> dict[str, Any]:
    return {
        "sale_id": draft.sale_id,
        "store_id": draft.store_id,
        "next_line": draft.next_line,
        "customer_id": draft.customer_id,
        "codes": list(draft.codes),
        "redeem": draft.redeem,
        "rewards": [{"reward_id": r.reward_id, "name": r.name, "points": r.points, "promotion_id": r.promotion_id,
                     "code": r.code} for r in draft.rewards],
        "lines": [{"line_id": line.line_id, "sku": line.sku, "name": line.name, "qty": line.qty}
                  for line in draft.lines],
    }


def park_sale(uow: UnitOfWork, draft: SaleDraft, *, now: datetime, cashier_id: str | None, label: str,
              item_count: int, total_minor: int, currency: str) -> ParkedSale | Refused:
    """Put the sale aside. `label` says whose it is ("Zoë Martin", "Anonymous sale")."""
    if draft.is_empty:
        return Refused("empty_sale", "there is nothing to park: scan an item first")
    parked = ParkedSale(draft.sale_id, now, cashier_id, draft.customer_id, label, item_count, total_minor,
                        currency)
    with uow:
        if draft.sale_id and uow.orders.id_for_sale(draft.sale_id) is not None:
            return Refused("already_paid", "this sale was already paid")
        uow.parked_sales.add(parked, draft_to_dict(draft))
        uow.commit()
    return parked


def parked_sales(uow: UnitOfWork) -> list[ParkedSale]:
    """The sales waiting, oldest first."""
    with uow:
        return uow.parked_sales.all()


def recall_sale(uow: UnitOfWork, parked_id: str) -> Recalled | Refused:
    """Take a parked sale back; it leaves the list at once (one till recalls it, once)."""
    with uow:
        found = uow.parked_sales.take(parked_id)
        if found is None:
            return Refused("not_parked", "that sale is no longer parked (already recalled)")
        parked, data = found
        lines, missing = [], []
        for line in data["lines"]:
            item = uow.catalog.by_sku(line["sku"])
            if item is None:
                missing.append(line.get("name") or line["sku"])
                continue
            lines.append(DraftLine(line["line_id"], item, line["qty"]))
        draft = SaleDraft(
            lines=tuple(lines),
            customer_id=data.get("customer_id"),
            codes=tuple(data.get("codes", ())),
            redeem=data.get("redeem", 0),
            rewards=tuple(ClaimedReward(**r) for r in data.get("rewards", ())),
            store_id=data.get("store_id"),
            next_line=int(data.get("next_line", len(lines) + 1)),
            sale_id=data.get("sale_id") or parked.id,
        )
        uow.commit()
    return Recalled(draft, parked, tuple(missing))


__all__ = ["ParkedSale", "Recalled", "draft_to_dict", "park_sale", "parked_sales", "recall_sale"]
