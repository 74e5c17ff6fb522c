"""Checking promotion JSON (scenarios/FORMAT.md section 2) before the service distributes it.

The structural check here covers field names, types and the code list. The
engine's own validator, once `pos_app.domain` provides it, is plugged in
through `DOMAIN_PROMOTION_VALIDATOR` (a `module:function` taking the promotion
dict and its path and returning a list of "path: message" strings); until then
`find_domain_validator` returns None and only the structural check runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

DOMAIN_PROMOTION_VALIDATOR = "pos_app.domain.promotions:validate_promotion"

Validator = Callable[[dict[str, Any], str], list[str]]

_FIELDS = {
    "id", "name", "kind", "priority", "audience", "codes", "valid", "stores", "limit_per_customer",
    "conditions", "reward", "exclusive", "stop", "group",
}
_REWARDS = {
    "discount": {"percent", "amount", "fixed_price", "bundle", "buy_get"},
    "points": {"points_bonus", "points_multiplier"},
}
_CODE_FIELDS = {"code", "customer", "uses_left"}


def find_domain_validator() -> Validator | None:
    module_name, _, func = DOMAIN_PROMOTION_VALIDATOR.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    found = getattr(module, func, None)
    return found if callable(found) else None


def validate_promotions(data: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """(promotions, errors) from a JSON document: a list of promotions or {"promotions": [...]}."""
    if isinstance(data, dict) and set(data) == {"promotions"}:
        data = data["promotions"]
    if not isinstance(data, list):
        return [], ["$: expected a list of promotions (or {\"promotions\": [...]})"]
    errors: list[str] = []
    seen: set[str] = set()
    domain = find_domain_validator()
    for i, promo in enumerate(data):
        path = f"promotions[{i}]"
        errors += _structural(promo, path)
        if isinstance(promo, dict) and isinstance(promo.get("id"), str):
            if promo["id"] in seen:
                errors.append(f"{path}.id: duplicate promotion id {promo['id']!r}")
            seen.add(promo["id"])
        if domain is not None and isinstance(promo, dict):
            errors += domain(promo, path)
    return (data if not errors else []), errors


def _structural(promo: Any, path: str) -> list[str]:
    if not isinstance(promo, dict):
        return [f"{path}: must be an object"]
    errors = [f"{path}.{key}: unknown field" for key in promo if key not in _FIELDS]
    if not isinstance(promo.get("id"), str) or not promo.get("id"):
        errors.append(f"{path}.id: required, a non-empty string")
    kind = promo.get("kind", "discount")
    if kind not in _REWARDS:
        errors.append(f"{path}.kind: must be discount or points")
    if "priority" in promo and (not isinstance(promo["priority"], int) or isinstance(promo["priority"], bool)):
        errors.append(f"{path}.priority: must be an integer")
    reward = promo.get("reward")
    if not isinstance(reward, dict):
        errors.append(f"{path}.reward: required, an object")
    elif kind in _REWARDS and reward.get("type") not in _REWARDS[kind]:
        errors.append(f"{path}.reward.type: must be one of {sorted(_REWARDS[kind])} for kind {kind}")
    elif isinstance(reward.get("value"), float):
        errors.append(f"{path}.reward.value: a float is not allowed (use a string)")
    codes = promo.get("codes", [])
    if not isinstance(codes, list):
        errors.append(f"{path}.codes: must be a list")
    else:
        for j, code in enumerate(codes):
            cpath = f"{path}.codes[{j}]"
            if not isinstance(code, dict):
                errors.append(f"{cpath}: must be an object")
                continue
            errors += [f"{cpath}.{k}: unknown field" for k in code if k not in _CODE_FIELDS]
            if not isinstance(code.get("code"), str) or not code["code"].strip():
                errors.append(f"{cpath}.code: required, a non-empty string")
            if code.get("customer") is not None and not isinstance(code["customer"], str):
                errors.append(f"{cpath}.customer: must be a string or null")
            uses = code.get("uses_left")
            if uses is not None and (not isinstance(uses, int) or isinstance(uses, bool) or uses < 0):
                errors.append(f"{cpath}.uses_left: must be null or an integer >= 0")
    for key in ("exclusive", "stop"):
        if key in promo and not isinstance(promo[key], bool):
            errors.append(f"{path}.{key}: must be true or false")
    return errors
