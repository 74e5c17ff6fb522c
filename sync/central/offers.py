"""Personal offers the program makes by itself: welcome, birthday and win-back.

Each offer is a setting (null or absent: the program does not make it):

    "offers.welcome":  {"reward": {"type": "percent", "value": "10", "target": "order"},
                        "valid_days": 30, "within_days": 14, "control_share": 0.1}
    "offers.birthday": {"points": 500, "reward": null, "valid_days": 30, "control_share": 0}
    "offers.winback":  {"days": 60, "reward": {"type": "percent", "value": "20", "target": "order"},
                        "valid_days": 30, "control_share": 0.2}

Optional for every offer: `name`, `priority` (50), `conditions` (FORMAT.md 2), `promotion` (the
campaign id's start: WELCOME, BIRTHDAY, WINBACK), `require_consent` (true).

- welcome: members enrolled at any register in the last `within_days` days (`"imported": true` also
  takes members imported at the central service), once;
- birthday: members whose birthday is the run's day (29 February: 28 February in other years), once a
  year: `points` booked by the `central` pseudo-register and/or a code;
- win-back: members with no order for `days` days, once per lapse (until they buy again).

A member is in an offer's audience only when they agreed to be told (an email or SMS consent;
`"require_consent": false` drops the condition). Each offer holds out `control_share` of its audience as
a control group, chosen by a stable hash of the offer and the member id, so a member stays in the same
group run after run. Every member of the audience, target or control, is written to `offer_audiences`
under the offer's campaign of the month (`WINBACK-2026-03`), which the loyalty report compares.

A campaign is one code-gated promotion per offer and month (valid from the month's first day to
`valid_days` after its last); each target member gets a personal single-use code of it, published to
every register like any code, so it works at every store and shows on the member's card.
`offer_members` lists a campaign's targets with their codes and contacts, for messaging.
"""

from __future__ import annotations

import calendar
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pos_app.domain.money import Currency
from pos_app.domain.scenario_json import FormatError, parse_promotion
from sync.central import codes, feed
from sync.central.bulk import insert_rows
from sync.central.days import chain_zone, start_of
from sync.central.db import utcnow
from sync.central.grants import CentralGrant, book_central_entries
from sync.central.imports import upsert_promotion
from sync.central.member_updates import chunks
from sync.central.registers import CENTRAL_REGISTER_ID
from sync.central.settings import get_setting
from sync.central.tables import CodeRow, CustomerRow, LedgerEntryRow, OfferAudienceRow, PromotionRow
from sync.protocol import ChangeTopic, EntryKind

OFFERS = ("welcome", "birthday", "winback")
TARGET, CONTROL = "target", "control"
CHUNK = 2000
_FIELDS = {
    "welcome": {"within_days", "imported"},
    "birthday": {"points"},
    "winback": {"days"},
}
_COMMON = {"reward", "valid_days", "control_share", "name", "priority", "conditions", "promotion", "require_consent"}
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Offer:
    kind: str
    prefix: str
    reward: dict[str, Any] | None
    valid_days: int
    control_share: float
    require_consent: bool
    name: str
    priority: int
    conditions: dict[str, Any] | None
    days: int = 0  # win-back: lapsed this many days; welcome: enrolled within this many days
    points: int = 0  # birthday bonus
    imported: bool = False

    def campaign(self, day: date) -> str:
        return f"{self.prefix}-{day:%Y-%m}"

    def promotion(self, day: date) -> dict[str, Any] | None:
        """The campaign's promotion (FORMAT.md 2), code-gated by a spent seed code; None without a reward."""
        if self.reward is None:
            return None
        campaign = self.campaign(day)
        month_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        kind = "points" if self.reward.get("type") in ("points_bonus", "points_multiplier") else "discount"
        promotion: dict[str, Any] = {
            "id": campaign, "name": self.name, "kind": kind, "priority": self.priority,
            "codes": [{"code": f"{campaign}-SEED", "customer": None, "uses_left": 0}],
            "valid": {"from": day.replace(day=1).isoformat(),
                      "to": (month_end + timedelta(days=self.valid_days)).isoformat()},
            "reward": self.reward,
        }
        if self.conditions:
            promotion["conditions"] = self.conditions
        return promotion


def parse_offer(kind: str, value: Any, currency: Currency) -> Offer | None:
    """The `offers.<kind>` setting as an offer (None: off); ValueError naming what is wrong."""
    where = f"offers.{kind}"
    if value is None or value is False:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{where}: an object (or null: no {kind} offer)")
    unknown = set(value) - _COMMON - _FIELDS[kind]
    if unknown:
        raise ValueError(f"{where}: unknown field {sorted(unknown)[0]!r}")

    def whole(name: str, default: int, low: int) -> int:
        number = value.get(name, default)
        if isinstance(number, bool) or not isinstance(number, int) or number < low:
            raise ValueError(f"{where}.{name}: a whole number, at least {low}")
        return number

    share = value.get("control_share", 0)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share < 1:
        raise ValueError(f"{where}.control_share: a share from 0 to below 1 (0.1: one member in ten held out)")
    reward = value.get("reward")
    if reward is not None and not isinstance(reward, dict):
        raise ValueError(f"{where}.reward: a reward object (FORMAT.md 2.2), e.g. "
                         '{"type": "percent", "value": "10", "target": "order"}')
    if value.get("conditions") is not None and not isinstance(value["conditions"], dict):
        raise ValueError(f"{where}.conditions: an object (FORMAT.md 2)")
    for flag in ("require_consent", "imported"):
        if not isinstance(value.get(flag, False), bool):
            raise ValueError(f"{where}.{flag}: true or false")
    points = whole("points", 0, 0) if kind == "birthday" else 0
    if reward is None and points == 0:
        raise ValueError(f"{where}: needs a reward" + (" or points" if kind == "birthday" else ""))
    prefix = value.get("promotion", kind.upper())
    if not isinstance(prefix, str) or not prefix.replace("_", "").isalnum() or len(prefix) > 40:
        raise ValueError(f"{where}.promotion: letters, digits and '_', at most 40")
    offer = Offer(
        kind=kind, prefix=prefix, reward=reward, valid_days=whole("valid_days", 30, 1), control_share=float(share),
        require_consent=bool(value.get("require_consent", True)),
        name=str(value.get("name") or _default_name(kind, reward, points)), priority=whole("priority", 50, 0),
        conditions=value.get("conditions"),
        days=whole("days", 60, 1) if kind == "winback" else whole("within_days", 30, 1) if kind == "welcome" else 0,
        points=points, imported=bool(value.get("imported", False)))
    promotion = offer.promotion(date(2000, 1, 1))
    if promotion is not None:
        try:
            parse_promotion(promotion, where, currency)
        except FormatError as exc:
            raise ValueError(str(exc)) from None
    return offer


def _default_name(kind: str, reward: dict[str, Any] | None, points: int) -> str:
    title = {"welcome": "Welcome", "birthday": "Happy birthday", "winback": "We miss you"}[kind]
    if reward and reward.get("type") == "percent":
        return f"{title}: {reward.get('value')}% off"
    if reward and reward.get("type") == "amount":
        return f"{title}: {reward.get('value')} off"
    return f"{title}: {points} points" if points else title


def program_offers(session: Session) -> list[Offer]:
    currency = Currency.of(get_setting(session, "currency") or "USD")
    return [offer for kind in OFFERS if (offer := parse_offer(kind, get_setting(session, f"offers.{kind}"),
                                                              currency)) is not None]


def group_of(kind: str, customer_id: str, control_share: float) -> str:
    """`control` for a stable `control_share` of members (by a hash of the offer and the member), else `target`."""
    if control_share <= 0:
        return TARGET
    digest = hashlib.sha256(f"{kind}:{customer_id}".encode()).digest()
    return CONTROL if int.from_bytes(digest[:8], "big") / 2**64 < control_share else TARGET


# -- who each offer is for ---------------------------------------------------------------------------


def _audience(session: Session, offer: Offer, as_of: date, start: datetime) -> list[str]:
    live = [CustomerRow.merged_into.is_(None)]
    if offer.require_consent:
        live.append(sa.or_(sa.and_(CustomerRow.consent_email.is_(True), CustomerRow.email.is_not(None)),
                           sa.and_(CustomerRow.consent_sms.is_(True), CustomerRow.phone.is_not(None))))
    prefix = f"{offer.prefix}-%"
    had = sa.select(OfferAudienceRow.customer_id).where(OfferAudienceRow.customer_id == CustomerRow.id,
                                                        OfferAudienceRow.promotion_id.like(prefix))
    if offer.kind == "welcome":
        query = sa.select(CustomerRow.id).where(*live, CustomerRow.enrolled_at >= start - timedelta(days=offer.days),
                                                CustomerRow.enrolled_at < start, ~sa.exists(had))
        if not offer.imported:
            query = query.where(CustomerRow.enrolled_register_id.is_not(None))
    elif offer.kind == "winback":
        last = sa.func.coalesce(CustomerRow.last_order_at, CustomerRow.enrolled_at)
        told = had.where(OfferAudienceRow.assigned_at > last)  # once per lapse: not again before a new order
        query = sa.select(CustomerRow.id).where(*live, last < start - timedelta(days=offer.days), ~sa.exists(told))
    else:
        month, day = sa.extract("month", CustomerRow.birthday), sa.extract("day", CustomerRow.birthday)
        today = sa.and_(month == as_of.month, day == as_of.day)
        if (as_of.month, as_of.day) == (2, 28) and not calendar.isleap(as_of.year):
            today = sa.or_(today, sa.and_(month == 2, day == 29))
        this_year = had.where(OfferAudienceRow.promotion_id.like(f"{offer.prefix}-{as_of.year}-%"))
        query = sa.select(CustomerRow.id).where(*live, CustomerRow.birthday.is_not(None), today,
                                                ~sa.exists(this_year))
    return sorted(session.scalars(query))


def run_job(engine: Engine, as_of: date) -> dict[str, Any]:
    """Make each configured offer to its audience as of `as_of` (see the module docstring)."""
    from sync.central.app import run_in_transaction

    def plan(session: Session) -> list[tuple[Offer, list[str], datetime]]:
        start = start_of(as_of, chain_zone(session))
        return [(offer, _audience(session, offer, as_of, start), start) for offer in program_offers(session)]

    result: dict[str, Any] = {"as_of": as_of.isoformat()}
    for offer, audience, _start in run_in_transaction(engine, plan):
        campaign = offer.campaign(as_of)
        promotion = offer.promotion(as_of)
        if promotion is not None and audience:
            run_in_transaction(engine, lambda s, p=promotion: _ensure_campaign(s, p))
        made = {"campaign": campaign, TARGET: 0, CONTROL: 0, "points": 0}
        for group in chunks(audience, CHUNK):
            counts = run_in_transaction(engine, lambda s, g=group, o=offer, c=campaign, p=promotion is not None:
                                        _make(s, o, c, as_of, g, p))
            for key, value in counts.items():
                made[key] += value
        result[offer.kind] = made
    return result


def _ensure_campaign(session: Session, promotion: dict[str, Any]) -> None:
    import json

    row = session.get(PromotionRow, promotion["id"])
    if row is None or json.loads(row.data) != promotion:
        upsert_promotion(session, promotion)


def _make(session: Session, offer: Offer, campaign: str, as_of: date, members: list[str], with_code: bool
          ) -> dict[str, int]:
    """One chunk of an offer's audience: groups recorded, codes issued and points booked for the targets.

    The audience leaves out whoever the offer already reached (`_audience`), and the table's key refuses a
    member twice in one campaign.
    """
    now = utcnow()
    groups = {cid: group_of(offer.kind, cid, offer.control_share) for cid in members}
    insert_rows(session, OfferAudienceRow.__table__, [
        {"promotion_id": campaign, "customer_id": cid, "group": groups[cid], "assigned_at": now,
         "source": f"offers.{offer.kind}"} for cid in members])
    targets = [cid for cid in members if groups[cid] == TARGET]
    points = 0
    if offer.points and targets:
        tags = {cid: f"birthday:{cid}:{as_of.year}" for cid in targets}
        booked = set(session.scalars(sa.select(LedgerEntryRow.order_id).where(
            LedgerEntryRow.order_id.in_(list(tags.values())))))
        grants = [CentralGrant(cid, EntryKind.ACCRUAL, offer.points, tag, reason=f"offer:{campaign}")
                  for cid, tag in tags.items() if tag not in booked]
        points = offer.points * book_central_entries(session, grants)
    if with_code and targets:
        rows = _issue_codes(session, offer.prefix, campaign, targets, now)
        feed.emit(session, [(ChangeTopic.CODE, row["code"], codes.code_record(SimpleNamespace(**row))) for row in rows])
    return {TARGET: len(targets), CONTROL: len(members) - len(targets), "points": points}


def _issue_codes(session: Session, prefix: str, campaign: str, members: list[str], now: datetime
                 ) -> list[dict[str, Any]]:
    """A personal single-use code of the campaign for each member, none the chain already has.

    Codes are drawn at random (32^8 of them) and inserted unless taken; a member whose code was taken (or
    drawn twice in the batch) draws again.
    """
    head = prefix[:2].upper()
    table = CodeRow.__table__
    dialect = session.get_bind().dialect.name
    statement = ((postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table))
                 .on_conflict_do_nothing().returning(table.c.code))
    issued: list[dict[str, Any]] = []
    waiting = list(members)
    while waiting:
        drawn: dict[str, str] = {}
        for cid in waiting:
            code = head + "".join(_CODE_ALPHABET[b % 32] for b in secrets.token_bytes(8))
            drawn.setdefault(code, cid)
        rows = [{"code": code, "promotion_id": campaign, "customer_id": cid, "uses_allowed": 1, "used": 0,
                 "issued_by": CENTRAL_REGISTER_ID, "issued_at": now} for code, cid in drawn.items()]
        taken = set(session.scalars(statement, rows))
        issued += [row for row in rows if row["code"] in taken]
        given = {row["customer_id"] for row in rows if row["code"] in taken}
        waiting = [cid for cid in waiting if cid not in given]
    return issued


# -- telling the members -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferMember:
    campaign: str
    customer_id: str
    name: str
    code: str | None
    email: str | None
    phone: str | None
    consent_email: bool
    consent_sms: bool


def offer_members(session: Session, campaign: str) -> list[OfferMember]:
    """The target members of a campaign with their codes and the contacts they agreed to."""
    code = (sa.select(CodeRow.code).where(CodeRow.promotion_id == campaign, CodeRow.customer_id == CustomerRow.id)
            .limit(1).scalar_subquery())
    rows = session.execute(
        sa.select(CustomerRow.id, CustomerRow.name, CustomerRow.email, CustomerRow.phone, CustomerRow.consent_email,
                  CustomerRow.consent_sms, code.label("code"))
        .join(OfferAudienceRow, OfferAudienceRow.customer_id == CustomerRow.id)
        .where(OfferAudienceRow.promotion_id == campaign, OfferAudienceRow.group == TARGET)
        .order_by(CustomerRow.id))
    return [OfferMember(campaign, r.id, r.name, r.code, r.email if r.consent_email else None,
                        r.phone if r.consent_sms else None, bool(r.consent_email), bool(r.consent_sms)) for r in rows]


__all__ = ["CONTROL", "OFFERS", "TARGET", "Offer", "OfferMember", "group_of", "offer_members", "parse_offer",
           "program_offers", "run_job"]
