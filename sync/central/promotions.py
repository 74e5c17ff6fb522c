"""Checking promotion JSON (scenarios/FORMAT.md section 2) before the service distributes it.

Promotions are validated with the register engine's own parser
(`DOMAIN_PROMOTION_VALIDATOR`, i.e. `pos_app.domain.scenario_json.parse_promotion`),
so the central service never distributes a promotion a register would refuse.
Every promotion of a file is checked and every error reported with its path;
the file is imported all or nothing.
"""

from __future__ import annotations

from typing import Any

from pos_app.domain.money import Currency
from pos_app.domain.promotion import normalize_code
from pos_app.domain.scenario_json import FormatError, parse_promotion

DOMAIN_PROMOTION_VALIDATOR = "pos_app.domain.scenario_json:parse_promotion"


def validate_promotions(data: Any, currency: Currency) -> tuple[list[dict[str, Any]], list[str]]:
    """(promotions, errors) from a JSON document: a list of promotions or {"promotions": [...]}."""
    if isinstance(data, dict) and set(data) == {"promotions"}:
        data = data["promotions"]
    if not isinstance(data, list):
        return [], ['promotions: must be a list of promotions (or {"promotions": [...]})']
    errors: list[str] = []
    ids: dict[str, int] = {}
    code_owner: dict[str, str] = {}
    for i, item in enumerate(data):
        path = f"promotions[{i}]"
        try:
            promotion = parse_promotion(item, path, currency)
        except FormatError as exc:
            errors.append(str(exc))
            continue
        if promotion.id in ids:
            errors.append(f"{path}.id: duplicate promotion id {promotion.id!r} (also promotions[{ids[promotion.id]}])")
        ids.setdefault(promotion.id, i)
        for j, code in enumerate(item.get("codes") or []):
            key = normalize_code(code["code"])
            if code_owner.setdefault(key, promotion.id) != promotion.id:
                errors.append(f"{path}.codes[{j}].code: code {code['code']!r} already belongs to {code_owner[key]}")
    return (data if not errors else []), errors
