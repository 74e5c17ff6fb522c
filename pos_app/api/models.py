"""The shapes of the POS API's requests and answers, as `/openapi.json` describes them.

Requests are read in two steps: these models check the JSON's shape (which
fields, of which JSON type; unknown fields refused), then the format's own
parser (`domain.scenario_json.parse_line`) reads each cart line exactly as
FORMAT.md 1.3 says, with the currency's minor digits, so money, quantities and
their error messages are the engine's everywhere. Fields whose rules are the
parser's are typed `Any` here and documented by their JSON schema.

Answers are built as plain JSON by `pos_app.api.answers`; the answer models
below document them.
"""

# No `from __future__ import annotations`: pydantic and FastAPI must see the Annotated aliases as objects.

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

TRANSACTION_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
MONEY_PATTERN = r"^\d{1,12}(\.\d{1,3})?$"

Money = Annotated[
    Any,
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["12.50"],
                    "description": "money: a string with at most the currency's minor digits, never a number"}),
]
Quantity = Annotated[
    Any,
    WithJsonSchema({"anyOf": [
        {"type": "integer", "minimum": 1, "maximum": 9999},
        {"type": "string", "pattern": r"^\d{1,4}(\.\d{1,3})?$", "description": "a weight, with weighted: true"},
    ]}),
]
RedeemPoints = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 1_000_000_000},
                              {"type": "string", "enum": ["max"]}],
                    "description": '0, a number of points, or "max"', "default": 0}),
]
TransactionId = Annotated[str, Field(pattern=TRANSACTION_ID_PATTERN, description="chosen by the till; "
                                     "the same id with the same body answers the first answer again")]
Text64 = Annotated[str, Field(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CartLineIn(_Strict):
    """A FORMAT.md 1.3 cart line. Only `id`, `sku`, `qty` and `unit_price` are needed: the register fills
    categories, brand, tags, no_discount, no_points and min_unit_price from its catalogue by SKU."""

    id: Text64
    sku: Text64
    qty: Quantity
    unit_price: Money
    categories: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=50)
    brand: Annotated[str, Field(max_length=100)] | None = None
    tags: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=50)
    weighted: bool = False
    no_discount: bool | None = None
    no_points: bool | None = None
    min_unit_price: Money = None


_PENS = {"id": "1", "sku": "WRI-0099", "qty": 2, "unit_price": "4.59"}
_YOGURT = {"id": "2", "sku": "DAI-0005", "qty": 1, "unit_price": "2.49"}
_CHECK = {"check_id": "T1-0042", "member": "2900000000018", "lines": [_PENS, _YOGURT], "codes": ["SAVE5"],
          "redeem_points": 0}


class CheckIn(_Strict):
    """A till's check as it stands: everything, every time."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CHECK]})

    check_id: Text64
    member: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        None, description="a member id or a card number (check digit verified); null for an anonymous check")
    lines: list[CartLineIn] = Field(max_length=500)
    codes: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=50)
    redeem_points: RedeemPoints = 0


class CommitIn(CheckIn):
    """The till took payment: the check as inquired, the total it charged, and the transaction's id."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {**_CHECK, "transaction_id": "T1-0042-pay", "expected_total": "10.68"}]})

    transaction_id: TransactionId
    expected_total: Money


class ReverseLineIn(_Strict):
    id: Text64
    qty: Quantity


class ManagerIn(_Strict):
    """A manager's id and PIN: needed for a return after the program's return window."""

    id: Text64
    pin: Annotated[str, Field(min_length=1, max_length=32)]


class ReverseIn(_Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"transaction_id": "T1-0050-ret", "order_id": "R1-000001", "lines": [{"id": "1", "qty": 1}]},
        {"transaction_id": "T1-0051-void", "order_id": "R1-000001"}]})

    transaction_id: TransactionId
    order_id: Annotated[str, Field(pattern=r"^[0-9A-Za-z._-]{1,80}$", description="as on the receipt's barcode")]
    lines: list[ReverseLineIn] | None = Field(None, max_length=500, description="absent: the whole order")
    manager: ManagerIn | None = None


class ConsentsIn(_Strict):
    email: bool
    sms: bool


class SignUpIn(_Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"transaction_id": "T1-0043-signup", "name": "Kim Park", "phone": "(415) 555-0199",
         "email": "kim.park@example.org", "consents": {"email": True, "sms": False}}]})

    transaction_id: TransactionId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ().-]{3,30}$")] | None = Field(
        None, description="any local form (read in the program's phone region) or E.164")
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,189}$")] | None = None
    card: Annotated[str, Field(pattern=r"^[0-9]{13}$")] | None = Field(
        None, description="an EAN-13 card number; assigned when absent")
    birthday: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    consents: ConsentsIn


# -- answers ---------------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="stable, for programs: see docs/POS-INTEGRATION.md")
    message: str = Field(description="for the cashier")
    field: str | None = Field(None, description="duplicate: which field belongs to someone else")
    reason: str | None = Field(None, description="offline_cap: which cap refused")
    result: dict[str, Any] | None = Field(None, description="repriced: the check's new result")


class ErrorBody(BaseModel):
    error: ErrorDetail


class MemberSummary(BaseModel):
    id: str
    name: str
    card: str | None
    phone_masked: str | None
    tier: str | None
    points: int


class MemberList(BaseModel):
    members: list[MemberSummary]
    online: bool


class NextTier(BaseModel):
    name: str
    spend_needed: str


class Expiring(BaseModel):
    points: int
    on: str


class MemberPoints(BaseModel):
    confirmed: int
    pending: int
    available: int
    expiring: list[Expiring]


class Offer(BaseModel):
    code: str | None
    promotion: str
    name: str
    uses_left: int | None


class Member(BaseModel):
    id: str
    name: str
    card: str | None
    tier: str | None
    next_tier: NextTier | None
    points: MemberPoints
    offers: list[Offer]
    birthday_week: bool
    online: bool


class LineResult(BaseModel):
    id: str
    subtotal: str
    discount: str
    points_value: str
    total: str
    allocations: dict[str, str]


class Applied(BaseModel):
    id: str
    amount: str
    points: int


class Rejected(BaseModel):
    id: str
    reason: str
    detail: str


class CodeStatus(BaseModel):
    code: str
    status: Literal["applied", "unknown", "used", "not_owner", "not_applicable"]
    promotion: str | None


class Redemption(BaseModel):
    requested: int | Literal["max"]
    redeemed: int
    value: str
    limited_by: str | None


class Nudge(BaseModel):
    promotion: str
    message: str


class CheckResult(BaseModel):
    """FORMAT.md section 7: what every line costs, the promotions applied and refused, the points."""

    currency: str
    subtotal: str
    discount_total: str
    points_value: str
    total: str
    points_earned: int
    lines: list[LineResult]
    applied: list[Applied]
    rejected: list[Rejected]
    codes: list[CodeStatus]
    redemption: Redemption
    nudges: list[Nudge]
    optimal: bool


class InquireAnswer(BaseModel):
    check_id: str
    online: bool
    result: CheckResult
    member: Member | None
    messages: list[str]


class CommitPoints(BaseModel):
    spent: int
    earned: int
    balance_after: int | None
    pending_until: str | None


class NextVisit(BaseModel):
    code: str
    text: str


class Barcode(BaseModel):
    kind: str = Field(description="the symbology to print: code128")
    data: str
    caption: str = Field(description="printed above it")


class CommitAnswer(BaseModel):
    order_id: str
    online: bool
    result: CheckResult
    points: CommitPoints
    next_visit: NextVisit | None
    receipt_lines: list[str]
    barcodes: list[Barcode]


class ReversedLine(BaseModel):
    id: str
    qty: str
    refund: str


class ReversePoints(BaseModel):
    returned: int = Field(description="points spent on the order given back")
    reversed: int = Field(description="points earned on the order taken back")


class ReverseAnswer(BaseModel):
    order_id: str
    online: bool
    refund: str
    lines: list[ReversedLine]
    points: ReversePoints
