"""Scenarios as JSON (FORMAT.md): strict parsing into domain values, and results back out.

Parsing refuses anything the format does not allow, with the offending
field's path: `cart[2].qty: must be > 0`, `promotions[1].conditions.x: unknown
field`. Money is a JSON string with at most the currency's minor digits; a
float anywhere in money is an error. The same parser validates promotions
imported at the central service, so both ends read the format one way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from pos_app.domain.cart import CartLine
from pos_app.domain.customer import Customer
from pos_app.domain.engine.result import EvaluationResult
from pos_app.domain.engine.sale import RedeemRequest, Sale
from pos_app.domain.money import Currency, MoneyError, Rounding
from pos_app.domain.promotion import (
    AmountOff,
    Audience,
    Bundle,
    BuyGet,
    Conditions,
    FixedPrice,
    ItemFilter,
    PercentOff,
    PointsBonus,
    PointsMultiplier,
    PromoCode,
    Promotion,
    Reward,
    Validity,
    date_bound,
    normalize_code,
)
from pos_app.domain.settings import PointsRules, ProgramSettings


class FormatError(ValueError):
    """A scenario that breaks the format; `str()` starts with the field's path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario: settings, promotions and the sale to evaluate."""

    settings: ProgramSettings
    promotions: tuple[Promotion, ...]
    sale: Sale
    name: str = ""


class _Obj:
    """A JSON object being read: typed getters with paths, and a check for unknown fields."""

    def __init__(self, value: Any, path: str, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            raise FormatError(path or "$", "must be an object")
        self.value = value
        self.path = path
        for key in value:
            if key not in allowed:
                raise FormatError(self.at(key), "unknown field")

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.value and self.value[key] is not None

    def raw(self, key: str, required: bool = False) -> Any:
        if key not in self.value or self.value[key] is None:
            if required:
                raise FormatError(self.at(key), "is required")
            return None
        return self.value[key]

    def string(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        v = self.raw(key, required)
        if v is None:
            return default
        if not isinstance(v, str):
            raise FormatError(self.at(key), "must be a string")
        return v

    def nonempty(self, key: str) -> str:
        v = self.string(key, required=True)
        assert v is not None
        if not v.strip():
            raise FormatError(self.at(key), "must not be empty")
        return v

    def boolean(self, key: str, default: bool = False) -> bool:
        v = self.raw(key)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise FormatError(self.at(key), "must be true or false")
        return v

    def integer(self, key: str, minimum: int | None = None, required: bool = False) -> int | None:
        v = self.raw(key, required)
        if v is None:
            return None
        return _int(v, self.at(key), minimum)

    def strings(self, key: str) -> list[str]:
        v = self.raw(key)
        if v is None:
            return []
        if not isinstance(v, list):
            raise FormatError(self.at(key), "must be a list of strings")
        for k, s in enumerate(v):
            if not isinstance(s, str):
                raise FormatError(f"{self.at(key)}[{k}]", "must be a string")
        return v

    def money(self, key: str, currency: Currency, required: bool = False) -> int | None:
        v = self.raw(key, required)
        if v is None:
            return None
        try:
            return currency.parse_minor(v)
        except MoneyError as exc:
            raise FormatError(self.at(key), str(exc)) from None

    def decimal(self, key: str, required: bool = False) -> Fraction | None:
        """A decimal string such as "10" or "1.5", exact."""
        v = self.raw(key, required)
        if v is None:
            return None
        return _decimal(v, self.at(key))


def _int(v: Any, path: str, minimum: int | None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise FormatError(path, "must be an integer")
    if minimum is not None and v < minimum:
        raise FormatError(path, f"must be >= {minimum}")
    return v


_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


def _decimal(v: Any, path: str) -> Fraction:
    if not isinstance(v, str):
        raise FormatError(path, 'must be a decimal string like "1.5"')
    if not _DECIMAL.fullmatch(v):
        raise FormatError(path, f"{v!r} is not a decimal number")
    try:
        return Fraction(Decimal(v))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise FormatError(path, f"{v!r} is not a decimal number") from None


def _in_range(
    value: Fraction, path: str, low: Fraction, high: Fraction | None, low_open: bool = False
) -> Fraction:
    if (value <= low if low_open else value < low) or (high is not None and value > high):
        bracket = "(" if low_open else "["
        upper = f"{high}]" if high is not None else "inf)"
        raise FormatError(path, f"must be in {bracket}{low}, {upper}")
    return value


# --- scenario ------------------------------------------------------------------

_SCENARIO_FIELDS = {
    "name",
    "now",
    "store",
    "settings",
    "customer",
    "cart",
    "codes",
    "redeem_points",
    "promotions",
    "expect",
    "expect_error",
}


def parse_scenario(data: Any) -> Scenario:
    """A scenario (the JSON value, already decoded) as domain values; FormatError when invalid."""
    top = _Obj(data, "", _SCENARIO_FIELDS)
    name = top.string("name", default="") or ""
    now = parse_datetime(top.raw("now", required=True), "now")
    store = top.string("store")
    settings = parse_settings(top.raw("settings", required=True), "settings")
    currency = settings.currency
    customer = parse_customer(top.raw("customer"), "customer")
    cart_raw = top.raw("cart", required=True)
    if not isinstance(cart_raw, list):
        raise FormatError("cart", "must be a list")
    cart = []
    seen: set[str] = set()
    for k, item in enumerate(cart_raw):
        line = parse_line(item, f"cart[{k}]", currency)
        if line.id in seen:
            raise FormatError(f"cart[{k}].id", f"duplicate line id {line.id!r}")
        seen.add(line.id)
        cart.append(line)
    codes = top.strings("codes")
    redeem = _redeem_request(top.raw("redeem_points"), "redeem_points")
    promos_raw = top.raw("promotions")
    promotions = parse_promotions(promos_raw if promos_raw is not None else [], "promotions", currency)
    sale = Sale(
        now=now, cart=tuple(cart), customer=customer, codes=tuple(codes), redeem_points=redeem, store=store
    )
    return Scenario(settings=settings, promotions=tuple(promotions), sale=sale, name=name)


def _redeem_request(v: Any, path: str) -> RedeemRequest:
    if v is None:
        return 0
    if v == "max" and isinstance(v, str):
        return "max"
    if isinstance(v, bool) or not isinstance(v, int):
        raise FormatError(path, 'must be a non-negative integer or "max"')
    if v < 0:
        raise FormatError(path, "must be >= 0")
    return v


def parse_datetime(v: Any, path: str) -> datetime:
    """Local time, ISO 8601 without a zone."""
    if not isinstance(v, str):
        raise FormatError(path, "must be an ISO 8601 date-time string")
    try:
        value = datetime.fromisoformat(v)
    except ValueError:
        raise FormatError(path, f"{v!r} is not an ISO 8601 date-time") from None
    if value.tzinfo is not None:
        raise FormatError(path, "must be local time without a zone")
    return value


def _date_or_datetime(v: Any, path: str) -> date | datetime:
    if not isinstance(v, str):
        raise FormatError(path, "must be a date or date-time string")
    try:
        if len(v.strip()) == 10:
            return date.fromisoformat(v)
        value = datetime.fromisoformat(v)
    except ValueError:
        raise FormatError(path, f"{v!r} is not an ISO 8601 date or date-time") from None
    if value.tzinfo is not None:
        raise FormatError(path, "must be local time without a zone")
    return value


# --- settings ------------------------------------------------------------------


def parse_settings(data: Any, path: str) -> ProgramSettings:
    o = _Obj(data, path, {"currency", "rounding", "arbitration", "max_discount_share", "points"})
    code = o.string("currency", required=True)
    try:
        currency = Currency.of(code or "")
    except MoneyError as exc:
        raise FormatError(o.at("currency"), str(exc)) from None
    rounding_text = o.string("rounding", default="half_up")
    if rounding_text not in ("half_up", "half_even"):
        raise FormatError(o.at("rounding"), 'must be "half_up" or "half_even"')
    arbitration = o.string("arbitration", default="best")
    if arbitration not in ("best", "priority"):
        raise FormatError(o.at("arbitration"), 'must be "best" or "priority"')
    share = o.decimal("max_discount_share")
    share = (
        Fraction(1)
        if share is None
        else _in_range(share, o.at("max_discount_share"), Fraction(0), Fraction(1))
    )
    points = parse_points_rules(o.raw("points"), o.at("points"))
    return ProgramSettings(currency, Rounding(rounding_text), arbitration, share, points)


def parse_points_rules(data: Any, path: str) -> PointsRules:
    if data is None:
        return PointsRules()
    o = _Obj(
        data,
        path,
        {
            "earn_rate",
            "earn_on",
            "redeem_value",
            "min_redeem",
            "redeem_step",
            "max_redeem_share",
            "tiers",
        },
    )
    earn_rate = o.decimal("earn_rate")
    earn_rate = (
        Fraction(1) if earn_rate is None else _in_range(earn_rate, o.at("earn_rate"), Fraction(0), None)
    )
    earn_on = o.string("earn_on", default="net")
    if earn_on not in ("net", "gross"):
        raise FormatError(o.at("earn_on"), 'must be "net" or "gross"')
    redeem_value = o.decimal("redeem_value")
    if redeem_value is None:
        redeem_value = Fraction(1, 100)
    elif redeem_value <= 0:
        raise FormatError(o.at("redeem_value"), "must be > 0")
    share = o.decimal("max_redeem_share")
    share = (
        Fraction(1) if share is None else _in_range(share, o.at("max_redeem_share"), Fraction(0), Fraction(1))
    )
    tiers_raw = o.raw("tiers")
    tiers: dict[str, Fraction] = {}
    if tiers_raw is not None:
        if not isinstance(tiers_raw, list):
            raise FormatError(o.at("tiers"), "must be a list")
        for k, t in enumerate(tiers_raw):
            to = _Obj(t, f"{o.at('tiers')}[{k}]", {"name", "multiplier"})
            tier_name = to.nonempty("name")
            if tier_name in tiers:
                raise FormatError(to.at("name"), f"duplicate tier {tier_name!r}")
            mult = to.decimal("multiplier", required=True)
            assert mult is not None
            tiers[tier_name] = _in_range(mult, to.at("multiplier"), Fraction(0), None)
    return PointsRules(
        earn_rate=earn_rate,
        earn_on=earn_on or "net",
        redeem_value=redeem_value,
        min_redeem=o.integer("min_redeem", minimum=0) or 0,
        redeem_step=o.integer("redeem_step", minimum=1) or 1,
        max_redeem_share=share,
        tiers=tiers,
    )


# --- customer and cart -----------------------------------------------------------


def parse_customer(data: Any, path: str) -> Customer | None:
    if data is None:
        return None
    o = _Obj(data, path, {"id", "tier", "segments", "points", "first_order", "birthday", "promo_uses"})
    birthday_text = o.string("birthday")
    birthday = None
    if birthday_text is not None:
        try:
            birthday = date.fromisoformat(birthday_text)
        except ValueError:
            raise FormatError(o.at("birthday"), f"{birthday_text!r} is not a date (YYYY-MM-DD)") from None
    uses_raw = o.raw("promo_uses")
    uses: dict[str, int] = {}
    if uses_raw is not None:
        if not isinstance(uses_raw, dict):
            raise FormatError(o.at("promo_uses"), "must be an object of promotion id to count")
        for pid, n in uses_raw.items():
            uses[pid] = _int(n, f"{o.at('promo_uses')}.{pid}", 0)
    return Customer(
        id=o.nonempty("id"),
        tier=o.string("tier"),
        segments=frozenset(o.strings("segments")),
        points=o.integer("points", minimum=0) or 0,
        first_order=o.boolean("first_order"),
        birthday=birthday,
        promo_uses=uses,
    )


_LINE_FIELDS = {
    "id",
    "sku",
    "qty",
    "unit_price",
    "categories",
    "brand",
    "tags",
    "weighted",
    "no_discount",
    "no_points",
    "min_unit_price",
}


def parse_line(data: Any, path: str, currency: Currency) -> CartLine:
    o = _Obj(data, path, _LINE_FIELDS)
    line_id = o.nonempty("id")
    sku = o.nonempty("sku")
    weighted = o.boolean("weighted")
    qty_raw = o.raw("qty", required=True)
    qty: int | Fraction
    if weighted:
        if not isinstance(qty_raw, str):
            raise FormatError(o.at("qty"), 'a weighted line\'s qty is a decimal string such as "0.532"')
        qty = _decimal(qty_raw, o.at("qty"))
        if qty <= 0:
            raise FormatError(o.at("qty"), "must be > 0")
    else:
        if isinstance(qty_raw, str):
            raise FormatError(o.at("qty"), "must be an integer (a decimal string only for a weighted line)")
        qty = _int(qty_raw, o.at("qty"), None)
        if qty <= 0:
            raise FormatError(o.at("qty"), "must be > 0")
    unit_price = o.money("unit_price", currency, required=True)
    assert unit_price is not None
    return CartLine(
        id=line_id,
        sku=sku,
        qty=qty,
        unit_price=unit_price,
        categories=frozenset(o.strings("categories")),
        brand=o.string("brand"),
        tags=frozenset(o.strings("tags")),
        weighted=weighted,
        no_discount=o.boolean("no_discount"),
        no_points=o.boolean("no_points"),
        min_unit_price=o.money("min_unit_price", currency),
    )


# --- promotions ------------------------------------------------------------------

_PROMO_FIELDS = {
    "id",
    "name",
    "kind",
    "priority",
    "audience",
    "codes",
    "valid",
    "stores",
    "limit_per_customer",
    "conditions",
    "reward",
    "exclusive",
    "stop",
    "group",
}


def parse_promotions(data: Any, path: str, currency: Currency) -> list[Promotion]:
    """A list of FORMAT.md promotions: ids unique, each code in one promotion only."""
    if not isinstance(data, list):
        raise FormatError(path, "must be a list")
    promos: list[Promotion] = []
    ids: set[str] = set()
    code_owner: dict[str, str] = {}
    for k, item in enumerate(data):
        p = parse_promotion(item, f"{path}[{k}]", currency)
        if p.id in ids:
            raise FormatError(f"{path}[{k}].id", f"duplicate promotion id {p.id!r}")
        ids.add(p.id)
        for j, c in enumerate(p.codes):
            if c.key in code_owner:
                raise FormatError(
                    f"{path}[{k}].codes[{j}].code", f"code {c.code!r} already belongs to {code_owner[c.key]}"
                )
            code_owner[c.key] = p.id
        promos.append(p)
    return promos


def parse_promotion(data: Any, path: str, currency: Currency) -> Promotion:
    o = _Obj(data, path, _PROMO_FIELDS)
    pid = o.nonempty("id")
    reward = parse_reward(o.raw("reward", required=True), o.at("reward"), currency)
    is_points = isinstance(reward, PointsBonus | PointsMultiplier)
    kind = o.string("kind")
    if kind is not None:
        if kind not in ("discount", "points"):
            raise FormatError(o.at("kind"), 'must be "discount" or "points"')
        if (kind == "points") != is_points:
            raise FormatError(o.at("kind"), f'"{kind}" does not match the reward type')
    stores = o.raw("stores")
    if stores is not None:
        stores = frozenset(o.strings("stores"))
    group = o.string("group")
    return Promotion(
        id=pid,
        reward=reward,
        name=o.string("name", default="") or "",
        priority=o.integer("priority") or 0,
        audience=_audience(o.raw("audience"), o.at("audience")),
        codes=_codes(o.raw("codes"), o.at("codes")),
        valid=_validity(o.raw("valid"), o.at("valid")),
        stores=stores,
        limit_per_customer=o.integer("limit_per_customer", minimum=1),
        conditions=_conditions(o.raw("conditions"), o.at("conditions"), currency),
        exclusive=o.boolean("exclusive"),
        stop=o.boolean("stop"),
        group=group,
    )


def _audience(v: Any, path: str) -> Audience | None:
    if v is None or v == "public":
        return None
    if isinstance(v, str):
        raise FormatError(path, '"public" or an object of segments, tiers and customers')
    o = _Obj(v, path, {"segments", "tiers", "customers"})
    return Audience(
        frozenset(o.strings("segments")), frozenset(o.strings("tiers")), frozenset(o.strings("customers"))
    )


def _codes(v: Any, path: str) -> tuple[PromoCode, ...]:
    if v is None:
        return ()
    if not isinstance(v, list):
        raise FormatError(path, "must be a list")
    out: list[PromoCode] = []
    seen: set[str] = set()
    for k, item in enumerate(v):
        o = _Obj(item, f"{path}[{k}]", {"code", "customer", "uses_left"})
        code = o.nonempty("code")
        if normalize_code(code) in seen:
            raise FormatError(o.at("code"), f"duplicate code {code!r}")
        seen.add(normalize_code(code))
        out.append(PromoCode(code.strip(), o.string("customer"), o.integer("uses_left", minimum=0)))
    return tuple(out)


_HOUR = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")


def _validity(v: Any, path: str) -> Validity:
    if v is None:
        return Validity()
    o = _Obj(v, path, {"from", "to", "days", "hours"})
    starts = ends = None
    if o.has("from"):
        starts = date_bound(_date_or_datetime(o.raw("from"), o.at("from")), end=False)
    if o.has("to"):
        ends = date_bound(_date_or_datetime(o.raw("to"), o.at("to")), end=True)
    days_raw = o.raw("days")
    days: set[int] = set()
    if days_raw is not None:
        if not isinstance(days_raw, list):
            raise FormatError(o.at("days"), "must be a list of ISO weekdays (1 Monday ... 7 Sunday)")
        for k, d in enumerate(days_raw):
            day = _int(d, f"{o.at('days')}[{k}]", 1)
            if day > 7:
                raise FormatError(f"{o.at('days')}[{k}]", "must be an ISO weekday 1..7")
            days.add(day)
    hours = None
    hours_raw = o.raw("hours")
    if hours_raw is not None:
        if not isinstance(hours_raw, list) or len(hours_raw) != 2:
            raise FormatError(o.at("hours"), 'must be ["HH:MM", "HH:MM"]')
        parsed: list[time | None] = []
        for k, h in enumerate(hours_raw):
            if not isinstance(h, str) or not _HOUR.fullmatch(h):
                raise FormatError(f"{o.at('hours')}[{k}]", "must be HH:MM")
            if h == "24:00":
                if k == 0:
                    raise FormatError(f"{o.at('hours')}[0]", "24:00 is only allowed as an end")
                parsed.append(None)
            else:
                parsed.append(time.fromisoformat(h))
        start, end = parsed
        assert start is not None
        if end is not None and start >= end:
            raise FormatError(o.at("hours"), "start must be before end")
        hours = (start, end)
    return Validity(starts, ends, frozenset(days), hours)


def _item_filter(v: Any, path: str) -> ItemFilter:
    fields = {"skus", "categories", "brands", "tags"}
    o = _Obj(v, path, fields | {"exclude"})
    ex = _Obj(o.raw("exclude") or {}, o.at("exclude"), fields)
    return ItemFilter(
        frozenset(o.strings("skus")),
        frozenset(o.strings("categories")),
        frozenset(o.strings("brands")),
        frozenset(o.strings("tags")),
        frozenset(ex.strings("skus")),
        frozenset(ex.strings("categories")),
        frozenset(ex.strings("brands")),
        frozenset(ex.strings("tags")),
    )


def _conditions(v: Any, path: str, currency: Currency) -> Conditions:
    if v is None:
        return Conditions()
    o = _Obj(v, path, {"items", "min_subtotal", "min_qty", "first_order", "birthday_days"})
    items = _item_filter(o.raw("items"), o.at("items")) if o.has("items") else ItemFilter()
    return Conditions(
        items=items,
        min_subtotal=o.money("min_subtotal", currency),
        min_qty=o.integer("min_qty", minimum=0),
        first_order=o.boolean("first_order"),
        birthday_days=o.integer("birthday_days", minimum=0),
    )


_REWARD_FIELDS = {
    "percent": {"value", "target", "max_amount"},
    "amount": {"value", "target"},
    "fixed_price": {"value"},
    "bundle": {"qty", "value"},
    "buy_get": {"buy", "get", "value", "get_items", "max_times"},
    "points_bonus": {"value"},
    "points_multiplier": {"value"},
}


def parse_reward(data: Any, path: str, currency: Currency) -> Reward:
    if not isinstance(data, dict):
        raise FormatError(path, "must be an object")
    kind = data.get("type")
    if kind is None:
        raise FormatError(f"{path}.type", "is required")
    if kind not in _REWARD_FIELDS:
        raise FormatError(f"{path}.type", f"unknown reward type {kind!r}")
    o = _Obj(data, path, _REWARD_FIELDS[kind] | {"type"})

    def percent(key: str) -> Fraction:
        value = o.decimal(key, required=True)
        assert value is not None
        return _in_range(value, o.at(key), Fraction(0), Fraction(100), low_open=True)

    def money(key: str) -> int:
        value = o.money(key, currency, required=True)
        assert value is not None
        return value

    def target(choices: tuple[str, ...]) -> str:
        t = o.string("target", required=True)
        if t not in choices:
            raise FormatError(o.at("target"), "must be one of " + ", ".join(choices))
        return t

    if kind == "percent":
        return PercentOff(
            percent("value"), target(("items", "cheapest", "order")), o.money("max_amount", currency)
        )
    if kind == "amount":
        return AmountOff(money("value"), target(("order", "per_unit")))
    if kind == "fixed_price":
        return FixedPrice(money("value"))
    if kind == "bundle":
        return Bundle(o.integer("qty", minimum=2, required=True) or 0, money("value"))
    if kind == "buy_get":
        return BuyGet(
            buy=o.integer("buy", minimum=1, required=True) or 0,
            get=o.integer("get", minimum=1, required=True) or 0,
            value=percent("value"),
            get_items=_item_filter(o.raw("get_items"), o.at("get_items")) if o.has("get_items") else None,
            max_times=o.integer("max_times", minimum=1),
        )
    if kind == "points_bonus":
        return PointsBonus(o.integer("value", minimum=0, required=True) or 0)
    mult = o.decimal("value", required=True)
    assert mult is not None
    return PointsMultiplier(_in_range(mult, o.at("value"), Fraction(1), None))


# --- results -----------------------------------------------------------------------


def result_to_json(result: EvaluationResult) -> dict[str, Any]:
    """The result JSON of FORMAT.md section 7."""
    money = result.currency.format_minor
    return {
        "currency": result.currency.code,
        "subtotal": money(result.subtotal),
        "discount_total": money(result.discount_total),
        "points_value": money(result.points_value),
        "total": money(result.total),
        "points_earned": result.points_earned,
        "lines": [
            {
                "id": line.id,
                "subtotal": money(line.subtotal),
                "discount": money(line.discount),
                "points_value": money(line.points_value),
                "total": money(line.total),
                "allocations": {pid: money(a) for pid, a in line.allocations.items()},
            }
            for line in result.lines
        ],
        "applied": [{"id": a.id, "amount": money(a.amount), "points": a.points} for a in result.applied],
        "rejected": [{"id": r.id, "reason": r.reason.value, "detail": r.detail} for r in result.rejected],
        "codes": [{"code": c.code, "status": c.status, "promotion": c.promotion} for c in result.codes],
        "redemption": {
            "requested": result.redemption.requested,
            "redeemed": result.redemption.redeemed,
            "value": money(result.redemption.value),
            "limited_by": result.redemption.limited_by,
        },
        "nudges": [{"promotion": n.promotion, "message": n.message} for n in result.nudges],
        "optimal": result.optimal,
    }


def load_scenario_text(text: str) -> Scenario:
    """Decode and parse; invalid JSON is a FormatError at the root."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError("$", f"not valid JSON: {exc}") from None
    return parse_scenario(data)
