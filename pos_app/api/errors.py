"""How the POS API says no: `{"error": {"code", "message"}}` with a 4xx status, never a traceback.

A use case's refusal (`Refused`) keeps its message, which is written for the
cashier; its reason becomes the stable `code` of the contract and picks the
status: 409 when the request was fine but the state of things refuses it
(the total changed, an offline cap, more returned than sold, a duplicate), 422
when the request itself is wrong, 404 when what it names does not exist.
Request shapes refused by the models are described by the field's path, the
way the format's parser names them (`lines[3].qty: must be an integer`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pos_app.services.outcome import Refused

# reason -> (status, contract code); a reason not listed is 422 with its own name
_REASONS: dict[str, tuple[int, str]] = {
    "wrong_check_digit": (422, "bad_check_digit"),
    "price_changed": (409, "repriced"),
    "offline_customer_cap": (409, "offline_cap"),
    "offline_register_cap": (409, "offline_cap"),
    "cache_too_old": (409, "offline_cap"),
    "card_taken": (409, "duplicate"),
    "phone_taken": (409, "duplicate"),
    "email_taken": (409, "duplicate"),
    "transaction_reused": (409, "transaction_reused"),
    "more_than_sold": (409, "more_than_sold"),
    "already_paid": (409, "already_paid"),
    "insufficient_points": (409, "insufficient_points"),
    "code_used": (409, "code_used"),
    "order_voided": (409, "order_voided"),
    "nothing_to_return": (409, "nothing_to_return"),
    "return_window_closed": (409, "return_window_closed"),
    "reward_unavailable": (409, "reward_unavailable"),
    "reward_not_in_sale": (409, "reward_not_in_sale"),
    "wrong_pin": (403, "wrong_pin"),
    "locked": (403, "locked"),
    "not_allowed": (403, "not_allowed"),
    "inactive_user": (403, "not_allowed"),
    "unknown_user": (403, "unknown_user"),
    "unknown_order": (404, "unknown_order"),
    "unknown_customer": (422, "unknown_member"),  # the member left the register's cache meanwhile
}
_DUPLICATE_FIELDS = {"card_taken": "card", "phone_taken": "phone", "email_taken": "email"}
_OFFLINE_REASONS = {"offline_customer_cap", "offline_register_cap", "cache_too_old"}

ERROR_CODES: dict[str, str] = {
    # the request itself
    "bad_json": "400: the body is not JSON",
    "unauthorized": "401: no key, a wrong key or a removed one",
    "not_found": "404: no such call",
    "method_not_allowed": "405: the call exists with another method (`Allow` says which)",
    "too_large": "413: the body is larger than 1 MiB",
    "unsupported_media_type": "415: send Content-Type: application/json",
    "invalid_request": "422: a field is missing, unknown, of the wrong type or out of range; the message names it "
                       "(`lines[3].qty: must be > 0`); money sent as a number, malformed or with too many decimals",
    "bad_transaction_id": "422: transaction_id is 1-64 characters of letters, digits and . _ : -",
    # members
    "bad_check_digit": "422: a card number whose check digit is wrong (search, sign-up, a check's member)",
    "malformed_phone": "422: not a phone number",
    "malformed_email": "422: not an email address",
    "empty_search": "422: a search with no letter or digit",
    "name_required": "422: sign-up without a name",
    "name_too_long": "422: a name over 200 characters",
    "bad_birthday": "422: a birthday that is not a date, or in the future",
    "unknown_member": "404 (GET /v1/members/{id}) or 422 (a check's member): no such member or card",
    "duplicate": "409: the phone, email or card belongs to someone else (`field` names it)",
    # checks
    "too_many_lines": "422: more than 500 lines",
    "duplicate_line": "422: two lines with the same id",
    "bad_quantity": "422: a quantity below 1 or above 9,999, or a weight badly written",
    "bad_price": "422: a unit price too high to be true",
    "malformed_code": "422: a code with other characters than letters, digits, '-' and '_', or over 64",
    "too_many_codes": "422: more than 50 codes",
    "bad_points": '422: redeem_points is not 0, a number of points or "max"',
    "customer_required": "422: points asked for a check without a member",
    "empty_sale": "422: a commit with no lines",
    "sale_too_large": "422: a total or points earned beyond what one sale can be (a price or quantity typed wrong)",
    "repriced": "409: the check's total is no longer expected_total (`result` holds the new one); nothing written",
    "offline_cap": "409: offline, the points this sale spends pass a cap (`reason`: offline_customer_cap, "
                   "offline_register_cap or cache_too_old); nothing written",
    "already_paid": "409: this check was already paid (in the window, or under another transaction_id; a check id is paid once per till and day)",
    "insufficient_points": "409: the member no longer has the points this sale spends",
    "code_used": "409: a single-use code was used meanwhile: inquire again",
    "reward_unavailable": "409: a reward the cashier claimed in the window is no longer offered",
    "reward_not_in_sale": "409: a reward the cashier claimed needs its item in the check",
    "transaction_reused": "409: this transaction_id answered another request",
    # returns
    "unknown_order": "404: no such order at this register",
    "unknown_line": "422: the order has no such line",
    "more_than_sold": "409: more returned than was sold (earlier returns counted)",
    "nothing_to_return": "409: the whole order was returned already",
    "order_voided": "409: the order was voided",
    "return_window_closed": "409: after the return window a manager's id and PIN are needed (`manager`)",
    "wrong_pin": "403: the manager's PIN is wrong",
    "locked": "403: too many wrong PINs: the manager's account is locked for a while",
    "unknown_user": "403: no such manager",
    "not_allowed": "403: the account is not a manager's, or is deactivated",
    # the register
    "busy": "503: the register's store stayed busy for 10 s; retry (Retry-After)",
    "internal": "500: a bug in the register (logged); never an answer to bad input",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": code, "message": message}
    detail.update({k: v for k, v in extra.items() if v is not None})
    return {"error": detail}


def refusal(refused: Refused, **extra: Any) -> tuple[int, dict[str, Any]]:
    """The status and body that answer a use case's refusal."""
    status, code = _REASONS.get(refused.reason, (422, refused.reason))
    if refused.reason in _DUPLICATE_FIELDS:
        extra["field"] = _DUPLICATE_FIELDS[refused.reason]
    if refused.reason in _OFFLINE_REASONS:
        extra["reason"] = refused.reason
    return status, error_body(code, refused.message, **extra)


def request_error(errors: Sequence[Mapping[str, Any]]) -> tuple[int, dict[str, Any]]:
    """The first of pydantic's errors as the contract's error: a path and what is wrong there."""
    if not errors:
        return 422, error_body("invalid_request", "the request is not valid")
    first = errors[0]
    kind = first.get("type", "")
    if kind == "json_invalid":
        return 400, error_body("bad_json", "the body is not valid JSON")
    loc = [part for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    where = _path(loc)
    if kind == "too_long" and loc == ["lines"]:
        return 422, error_body("too_many_lines", f"a check has at most 500 lines ({_count(first)} sent)")
    words = _WORDS.get(kind) or str(first.get("msg", "is not valid"))
    if kind == "string_pattern_mismatch" and loc and str(loc[-1]) in _PATTERN_WORDS:
        words = _PATTERN_WORDS[str(loc[-1])]
    if kind in ("string_type", "int_type", "bool_type") and isinstance(first.get("input"), float):
        words += f", not the number {json.dumps(first['input'])}"
    if kind == "missing" and not where:
        return 422, error_body("invalid_request", "the body is missing: send the request as JSON")
    return 422, error_body(_field_code(loc, kind), f"{where or 'body'}: {words}")


def _field_code(loc: Sequence[Any], kind: str) -> str:
    """The contract's code for a refused field (docs/POS-INTEGRATION.md's table), else `invalid_request`."""
    if not loc:
        return "invalid_request"
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if loc[0] == "codes":
        return "too_many_codes" if len(loc) == 1 and kind == "too_long" else "malformed_code"
    if field == "name" and len(loc) == 1:
        if kind in ("missing", "string_too_short"):
            return "name_required"
        return "name_too_long" if kind == "string_too_long" else "invalid_request"
    if field == "q" and kind == "string_too_short":
        return "empty_search"
    return _FIELD_CODES.get(field, "invalid_request")


def _count(error: Mapping[str, Any]) -> str:
    value = error.get("input")
    return f"{len(value):,}" if isinstance(value, list) else "more"


def _path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_WORDS = {
    "missing": "is required",
    "extra_forbidden": "unknown field",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long",
    "string_pattern_mismatch": "is not in the expected form (see /openapi.json)",
    "too_long": "has too many items",
    "none_required": "must be null",
}


# a field whose every refusal has a code of its own; other fields answer `invalid_request`
_FIELD_CODES = {
    "transaction_id": "bad_transaction_id",
    "qty": "bad_quantity",
    "phone": "malformed_phone",
    "email": "malformed_email",
    "birthday": "bad_birthday",
    "redeem_points": "bad_points",
}


_PATTERN_WORDS = {
    "phone": "not a phone number",
    "email": "not an email address",
    "card": "a card number has 13 digits",
    "order_id": "not an order number (letters, digits, '.', '_', '-', as on the receipt)",
    "transaction_id": "1-64 characters of letters, digits and . _ : -",
    "birthday": "a date like 1990-11-25",
}


__all__ = ["ERROR_CODES", "error_body", "refusal", "request_error"]
