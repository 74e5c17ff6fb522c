"""The rewards catalogue at the central service: what members claim with points, at every register.

`pos-central import-rewards rewards.json` loads it (a list, or `{"rewards": [...]}`), checked like a
promotions file: every error with its path, and the whole file or nothing.

    {"id": "COFFEE", "name": "Free coffee", "kind": "free_product", "points": 150,
     "promotion": {"id": "R-COFFEE", "reward": {"type": "percent", "value": "100", "target": "cheapest"},
                   "conditions": {"items": {"skus": ["COF"]}}}}
    {"id": "TENOFF", "name": "$10 off", "kind": "discount", "points": 1000, "promotion_id": "R-TENOFF"}
    {"id": "CINEMA", "name": "Cinema ticket", "kind": "partner", "points": 800, "partner": "Cinema City",
     "codes_file": "cinema-codes.csv"}

- `discount` and `free_product` are given by a promotion (FORMAT.md 2), imported with the reward
  (`promotion`) or already imported (`promotion_id`). It is code-gated with spent codes only (one is
  added to a promotion imported with its reward), so it applies to no sale by itself: a claim at the
  till issues the member a personal single-use code of it, published like every code a register
  issues, so the code's use is legitimate everywhere and never promotion leakage. A `free_product`
  promotion must make an item free (100% off, a free unit, a price of 0).
- `partner` hands out a code from a pool imported with it (`codes`: a list, and/or `codes_file`: a CSV
  whose first column holds one code per line, relative to the JSON file). Importing again adds the new
  codes; a code already in the pool is left as it is.

Registers receive the catalogue through the change feed (topic `reward`, key the reward id). So that a
register can hand out a partner code while offline, the central service keeps `rewards.partner_reserve`
codes (default 5) of each partner reward reserved for every paired register and publishes them (key
`reserve:<register>:<reward>`); the register takes its codes only. A claim comes back as the member's
redemption entry (reason `reward:<id>`, the code in `code`): `settle_claims`, run after each push, marks
the code issued to the member and reserves another one for that register. The daily `rewards` job does
the same for registers paired since and any claim a push did not settle.

Revoking a register leaves its reserve reserved: it may have handed codes out offline before it was
revoked. `pos-central release-reserve REGISTER [--dry-run]` returns them to the pool once the operator
knows it did not (`release_reserve`); codes its claims reported are the members' and stay issued.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pos_app.domain.money import Currency
from pos_app.domain.promotion import BuyGet, FixedPrice, PercentOff, normalize_code
from pos_app.domain.scenario_json import FormatError, parse_promotion
from sync.central import feed
from sync.central.bulk import insert_rows
from sync.central.db import utcnow
from sync.central.errors import NotFound, RegisterActive
from sync.central.registers import CENTRAL_REGISTER_ID
from sync.central.settings import get_setting
from sync.central.tables import (
    AlertRow,
    ConflictRow,
    LedgerEntryRow,
    PromotionRow,
    RegisterRow,
    RewardPoolCodeRow,
    RewardRow,
)
from sync.protocol import ChangeTopic, EntryKind

KINDS = ("discount", "free_product", "partner")
REWARD_REASON_PREFIX = "reward:"
FREE, RESERVED, ISSUED = "free", "reserved", "issued"
CONFLICT_REWARD_CODE = "reward_code"
_FIELDS = {"id", "name", "kind", "points", "active", "promotion", "promotion_id", "partner", "codes", "codes_file",
           "description"}


@dataclass
class RewardsImport:
    imported: int = 0
    updated: int = 0
    codes_added: int = 0
    errors: list[str] = field(default_factory=list)


def seed_code(promotion_id: str) -> str:
    """The spent code that keeps a reward's promotion code-gated (FORMAT.md: no codes means automatic)."""
    return f"{promotion_id[:58]}-SEED"


def reserve_key(register_id: str, reward_id: str) -> str:
    return f"reserve:{register_id}:{reward_id}"


def reward_record(row: RewardRow) -> dict[str, Any]:
    """A reward as the change feed carries it to registers."""
    data = json.loads(row.data or "{}")
    return {"id": row.id, "name": row.name, "kind": row.kind, "points": row.points, "promotion_id": row.promotion_id,
            "active": bool(row.active), "partner": data.get("partner"), "description": data.get("description")}


# -- checking a rewards file -------------------------------------------------------------------------


def _gives_an_item_free(promotion: Any) -> bool:
    reward = promotion.reward
    if isinstance(reward, PercentOff):
        return reward.value == Fraction(100) and reward.target in ("items", "cheapest")
    if isinstance(reward, BuyGet):
        return reward.value == Fraction(100)
    return isinstance(reward, FixedPrice) and reward.value == 0


def validate_rewards(session: Session, document: Any, base: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """(rewards, errors): each reward with its promotion checked and its partner codes read."""
    if isinstance(document, dict) and set(document) == {"rewards"}:
        document = document["rewards"]
    if not isinstance(document, list):
        return [], ['rewards: must be a list of rewards (or {"rewards": [...]})']
    currency = Currency.of(get_setting(session, "currency") or "USD")
    errors: list[str] = []
    rewards: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    pooled: dict[str, str] = {}
    for i, item in enumerate(document):
        at = f"rewards[{i}]"
        if not isinstance(item, dict):
            errors.append(f"{at}: must be an object")
            continue
        problems: list[str] = [f"{at}.{name}: unknown field" for name in sorted(set(item) - _FIELDS)]
        reward_id, name, kind, points = item.get("id"), item.get("name"), item.get("kind"), item.get("points")
        if not isinstance(reward_id, str) or not 1 <= len(reward_id) <= 64:
            problems.append(f"{at}.id: required, 1 to 64 characters")
        elif reward_id in seen:
            problems.append(f"{at}.id: duplicate reward id {reward_id!r} (also rewards[{seen[reward_id]}])")
        else:
            seen[reward_id] = i
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 200:
            problems.append(f"{at}.name: required, 1 to 200 characters")
        if kind not in KINDS:
            problems.append(f"{at}.kind: one of {', '.join(KINDS)}")
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            problems.append(f"{at}.points: a whole number of points, more than 0")
        if not isinstance(item.get("active", True), bool):
            problems.append(f"{at}.active: true or false")
        clean = {k: v for k, v in item.items() if k not in ("codes", "codes_file")}
        if kind in ("discount", "free_product"):
            problems += _check_promotion(session, item, at, kind, currency, clean)
        elif kind == "partner":
            codes, code_problems = _partner_codes(item, at, base)
            problems += code_problems
            for code in codes:
                owner = pooled.setdefault(code, str(reward_id))
                if owner != reward_id:
                    problems.append(f"{at}.codes: code {code!r} is also in the pool of {owner}")
            clean["_codes"] = codes
            if "promotion" in item or "promotion_id" in item:
                problems.append(f"{at}: a partner reward hands out a code from its pool, not a promotion")
        errors += problems
        if not problems:
            rewards.append(clean)
    errors += _pool_codes_owned_elsewhere(session, rewards)
    return (rewards if not errors else []), errors


def _check_promotion(session: Session, item: dict[str, Any], at: str, kind: str, currency: Currency,
                     clean: dict[str, Any]) -> list[str]:
    body, promotion_id = item.get("promotion"), item.get("promotion_id")
    if (body is None) == (promotion_id is None):
        return [f"{at}: give its promotion (`promotion`) or the id of one already imported (`promotion_id`)"]
    if body is not None:
        if not isinstance(body, dict):
            return [f"{at}.promotion: must be an object"]
        body = {"id": f"REWARD-{item.get('id')}", "name": item.get("name"), **body}
        if not body.get("codes"):  # code-gated everywhere, before any claim issues a code of it
            body["codes"] = [{"code": seed_code(str(body["id"])), "customer": None, "uses_left": 0}]
        try:
            parsed = parse_promotion(body, f"{at}.promotion", currency)
        except FormatError as exc:
            return [str(exc)]
        clean["promotion"] = body
        clean["promotion_id"] = parsed.id
    else:
        row = session.get(PromotionRow, promotion_id) if isinstance(promotion_id, str) else None
        if row is None:
            return [f"{at}.promotion_id: no promotion {promotion_id!r} at the central service"]
        body = json.loads(row.data)
        parsed = parse_promotion(body, f"{at}.promotion_id", currency)
    problems = []
    if not body.get("codes"):
        problems.append(f"{at}.promotion_id: promotion {promotion_id} has no codes, so it applies to every sale; "
                        "a reward's promotion is code-gated (give it a spent code, uses_left 0)")
    elif any(code.get("uses_left") != 0 for code in body["codes"]):
        problems.append(f"{at}.promotion.codes: a reward's promotion is given by claims only: its own codes must "
                        "be spent (uses_left 0), or anyone could have the reward without points")
    if body.get("kind", "discount") != "discount":
        problems.append(f"{at}.promotion.kind: a reward gives money off (kind discount)")
    if kind == "free_product" and not _gives_an_item_free(parsed):
        problems.append(f"{at}.promotion.reward: a free product is 100% off an item (percent 100 on items or "
                        "cheapest, buy_get 100) or a price of 0")
    return problems


def _partner_codes(item: dict[str, Any], at: str, base: Path) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    problems: list[str] = []
    listed = item.get("codes", [])
    if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
        problems.append(f"{at}.codes: a list of code texts")
        listed = []
    codes += [c.strip() for c in listed]
    if "codes_file" in item:
        path = base / str(item["codes_file"])
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                for line, row in enumerate(csv.reader(handle), start=1):
                    if not row or not row[0].strip() or (line == 1 and row[0].strip().lower() == "code"):
                        continue
                    codes.append(row[0].strip())
        except FileNotFoundError:
            problems.append(f"{at}.codes_file: no file {path}")
        except UnicodeDecodeError:
            problems.append(f"{at}.codes_file: {path} is not UTF-8 text")
    seen: set[str] = set()
    for code in codes:
        if not code or len(code) > 64:
            problems.append(f"{at}.codes: {code[:20]!r}: a code is 1 to 64 characters")
        elif normalize_code(code) in seen:
            problems.append(f"{at}.codes: {code!r} twice (codes match whatever their letter case)")
        seen.add(normalize_code(code))
    return codes, problems


def _pool_codes_owned_elsewhere(session: Session, rewards: list[dict[str, Any]]) -> list[str]:
    errors = []
    for reward in rewards:
        codes = reward.get("_codes") or []
        for start in range(0, len(codes), 5000):
            for code, owner in session.execute(sa.select(RewardPoolCodeRow.code, RewardPoolCodeRow.reward_id).where(
                    RewardPoolCodeRow.code.in_(codes[start:start + 5000]), RewardPoolCodeRow.reward_id != reward["id"])):
                errors.append(f"reward {reward['id']}: code {code!r} is already in the pool of {owner}")
    return errors


# -- importing ---------------------------------------------------------------------------------------


def import_rewards(session: Session, path: Path) -> RewardsImport:
    """Load a rewards file (see the module docstring): all of it, or nothing with every error."""
    from sync.central.imports import upsert_promotion

    report = RewardsImport()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        report.errors.append(f"byte {exc.start}: not UTF-8 text (save the file as UTF-8)")
        return report
    except json.JSONDecodeError as exc:
        report.errors.append(f"line {exc.lineno}: {exc.msg}")
        return report
    rewards, report.errors = validate_rewards(session, document, path.parent)
    if report.errors:
        return report
    now = utcnow()
    changed = []
    for reward in rewards:
        data = {k: v for k, v in reward.items() if k in ("partner", "description")}
        row = session.get(RewardRow, reward["id"])
        if row is None:
            row = RewardRow(id=reward["id"])
            session.add(row)
            report.imported += 1
        else:
            report.updated += 1
        row.name, row.kind, row.points = reward["name"].strip(), reward["kind"], reward["points"]
        row.promotion_id = reward.get("promotion_id")
        row.active, row.data, row.updated_at = reward.get("active", True), json.dumps(data, sort_keys=True), now
        codes = reward.get("_codes") or []
        if codes:
            known = set()
            for start in range(0, len(codes), 5000):
                known |= set(session.scalars(sa.select(RewardPoolCodeRow.code).where(
                    RewardPoolCodeRow.code.in_(codes[start:start + 5000]))))
            fresh = [{"code": c, "reward_id": reward["id"], "state": FREE} for c in codes if c not in known]
            insert_rows(session, RewardPoolCodeRow.__table__, fresh)
            report.codes_added += len(fresh)
        changed.append(row)
    session.flush()
    # The rewards first, then their promotions: a register that has a promotion knows the reward giving it.
    feed.emit(session, [(ChangeTopic.REWARD, row.id, reward_record(row)) for row in changed])
    for reward in rewards:
        if "promotion" in reward:
            upsert_promotion(session, reward["promotion"])
    reserve_codes(session)
    return report


# -- partner codes held by registers -------------------------------------------------------------------


def _registers(session: Session, register_ids: Iterable[str] | None = None) -> list[str]:
    query = sa.select(RegisterRow.id).where(RegisterRow.revoked_at.is_(None), RegisterRow.token_hash.is_not(None),
                                            RegisterRow.id != CENTRAL_REGISTER_ID)
    if register_ids is not None:
        query = query.where(RegisterRow.id.in_(list(register_ids)))
    return list(session.scalars(query.order_by(RegisterRow.id)))


def reserve_codes(session: Session, register_ids: Iterable[str] | None = None,
                  reward_ids: Iterable[str] | None = None, *, publish_all: bool = False) -> int:
    """Top each register's reserve of each active partner reward up to `rewards.partner_reserve`.

    Publishes each (register, reward) reserve that changed (every one with `publish_all`: a code left it);
    returns how many codes were reserved.
    """
    size = int(get_setting(session, "rewards.partner_reserve") or 0)
    query = sa.select(RewardRow.id).where(RewardRow.kind == "partner", RewardRow.active.is_(True))
    if reward_ids is not None:
        query = query.where(RewardRow.id.in_(list(reward_ids)))
    partner = list(session.scalars(query.order_by(RewardRow.id)))
    registers = _registers(session, register_ids)
    reserved = 0
    changes: list[feed.Record] = []
    for reward_id in partner:
        for register_id in registers:
            held = _held(session, reward_id, register_id)
            wanted = size - len(held)
            if wanted > 0:
                free = list(session.scalars(
                    sa.select(RewardPoolCodeRow.code)
                    .where(RewardPoolCodeRow.reward_id == reward_id, RewardPoolCodeRow.state == FREE)
                    .order_by(RewardPoolCodeRow.code).limit(wanted).with_for_update(skip_locked=True)))
                if free:
                    session.execute(sa.update(RewardPoolCodeRow).where(RewardPoolCodeRow.code.in_(free))
                                    .values(state=RESERVED, register_id=register_id))
                    held += free
                    reserved += len(free)
                    changes.append(_reserve_change(register_id, reward_id, held))
                    continue
            if publish_all:
                changes.append(_reserve_change(register_id, reward_id, held))
    feed.emit(session, changes)
    return reserved


def _held(session: Session, reward_id: str, register_id: str) -> list[str]:
    return list(session.scalars(sa.select(RewardPoolCodeRow.code).where(
        RewardPoolCodeRow.reward_id == reward_id, RewardPoolCodeRow.register_id == register_id,
        RewardPoolCodeRow.state == RESERVED).order_by(RewardPoolCodeRow.code)))


def _reserve_change(register_id: str, reward_id: str, codes: Sequence[str]) -> feed.Record:
    return (ChangeTopic.REWARD, reserve_key(register_id, reward_id),
            {"register_id": register_id, "reward_id": reward_id, "codes": sorted(codes)})


@dataclass(frozen=True)
class _Claim:
    entry_id: str
    register_id: str
    customer_id: str
    reward_id: str
    code: str


def _claims(session: Session, condition: Any) -> list[_Claim]:
    rows = session.execute(sa.select(LedgerEntryRow.id, LedgerEntryRow.register_id, LedgerEntryRow.customer_id,
                                     LedgerEntryRow.code, LedgerEntryRow.details)
                           .where(LedgerEntryRow.kind == EntryKind.REDEMPTION.value, LedgerEntryRow.code.is_not(None),
                                  condition).order_by(LedgerEntryRow.server_seq))
    claims = []
    for row in rows:
        reason = json.loads(row.details or "{}").get("reason") or ""
        if reason.startswith(REWARD_REASON_PREFIX):
            claims.append(_Claim(row.id, row.register_id, row.customer_id, reason[len(REWARD_REASON_PREFIX):], row.code))
    return claims


def settle_claims(session: Session, entry_ids: Sequence[str]) -> int:
    """Partner codes handed out by these (booked) claims become the members' and are replaced in reserve.

    Run after a push commits (and by the daily job); a claim settled before is left alone. A code that is
    not in the reward's pool, or was given to another member already, is listed as a conflict.
    Returns how many codes were settled.
    """
    claims = _claims(session, LedgerEntryRow.id.in_(list(entry_ids))) if entry_ids else []
    return _settle(session, claims)


def _settle(session: Session, claims: list[_Claim]) -> int:
    partner = {r.id for r in session.scalars(sa.select(RewardRow).where(
        RewardRow.id.in_({c.reward_id for c in claims}), RewardRow.kind == "partner"))}
    claims = [c for c in claims if c.reward_id in partner]
    if not claims:
        return 0
    now = utcnow()
    pool = {normalize_code(row.code): row for row in session.scalars(
        sa.select(RewardPoolCodeRow).where(sa.func.upper(RewardPoolCodeRow.code).in_({c.code for c in claims}))
        .order_by(RewardPoolCodeRow.code).with_for_update())}
    settled = 0
    refill: dict[str, set[str]] = {}
    for claim in claims:
        code = pool.get(claim.code)
        if code is not None and code.state == ISSUED and code.customer_id == claim.customer_id:
            continue  # settled before (the push was answered again)
        problem = None
        if code is None or code.reward_id != claim.reward_id:
            problem = f"partner code {claim.code} claimed for {claim.reward_id} is not in that reward's pool"
        elif code.state == ISSUED:
            problem = f"partner code {claim.code} was already given to {code.customer_id}"
        if problem:
            session.add(ConflictRow(kind=CONFLICT_REWARD_CODE, register_id=claim.register_id, entry_id=claim.entry_id,
                                    customer_id=claim.customer_id, code=claim.code[:64], points=0, leakage_minor=0,
                                    detail=problem, created_at=now))
            continue
        code.state, code.customer_id, code.issued_at = ISSUED, claim.customer_id, now
        code.register_id = claim.register_id
        refill.setdefault(claim.register_id, set()).add(claim.reward_id)
        settled += 1
    session.flush()
    for register_id, reward_ids in refill.items():
        reserve_codes(session, [register_id], reward_ids, publish_all=True)
    return settled


# -- the reserve of a revoked register -----------------------------------------------------------------


@dataclass(frozen=True)
class ReserveRelease:
    """What `release_reserve` found for a revoked register (and, unless a dry run, did with it).

    `codes`: each partner reward's codes still reserved to the register, returned to the pool (or that
    would be); `handed_out`: codes among them its pushed claims had already reported as handed out,
    which are the members' and never go back to the pool.
    """

    register_id: str
    revoked_at: datetime
    dry_run: bool
    codes: dict[str, list[str]]
    handed_out: list[str]
    topped_up: int = 0  # codes reserved at once for active registers short of them

    @property
    def released(self) -> int:
        return sum(len(codes) for codes in self.codes.values())


ALERT_RESERVE_RELEASED = "reserve_released"


def release_reserve(session: Session, register_id: str, *, dry_run: bool = False) -> ReserveRelease:
    """Return to the pool the partner codes still reserved to a revoked register, on an operator's word.

    Revoking a register leaves its reserve alone: it may have handed some codes out while offline, and
    the central service cannot know until it pushes, which a revoked register no longer can. Only the
    operator knows (its last sync pushed everything, the partner confirms the codes unused), so this is
    their decision and never automatic. A code a claim already reported is settled to its member first
    and never released. The register's reserve is published empty (were it paired again, it would not
    hand out a released code), active registers short of codes are topped up at once, and an alert
    records what was released (`pos-central conflicts`). Running it again releases nothing.
    """
    register = session.get(RegisterRow, register_id, with_for_update=True)
    if register is None or register_id == CENTRAL_REGISTER_ID:
        raise NotFound(f"no register {register_id} (registers are named STORE.REGISTER, e.g. S1.R1)")
    if register.revoked_at is None:
        raise RegisterActive(
            f"register {register_id} is active: its partner codes are its reserve for claims offline. "
            f"If it is lost or retired, revoke it first (pos-central revoke-register {register_id})")
    rows = list(session.scalars(sa.select(RewardPoolCodeRow).where(
        RewardPoolCodeRow.register_id == register_id, RewardPoolCodeRow.state == RESERVED)
        .order_by(RewardPoolCodeRow.reward_id, RewardPoolCodeRow.code).with_for_update()))
    claims = _claims(session, LedgerEntryRow.code.in_({normalize_code(row.code) for row in rows})) if rows else []
    claimed = {claim.code for claim in claims}
    handed_out = sorted(row.code for row in rows if normalize_code(row.code) in claimed)
    free: dict[str, list[str]] = {}
    for row in rows:
        if normalize_code(row.code) not in claimed:
            free.setdefault(row.reward_id, []).append(row.code)
    release = ReserveRelease(register_id, register.revoked_at, dry_run, free, handed_out)
    if dry_run:
        return release
    _settle(session, claims)
    if not free:
        return release
    released = [code for codes in free.values() for code in codes]
    session.execute(sa.update(RewardPoolCodeRow).where(RewardPoolCodeRow.code.in_(released),
                                                       RewardPoolCodeRow.state == RESERVED)
                    .values(state=FREE, register_id=None))
    feed.emit(session, [_reserve_change(register_id, reward_id, []) for reward_id in free])
    summary = "; ".join(f"{reward_id} {len(codes)}: {', '.join(codes)}" for reward_id, codes in free.items())
    session.add(AlertRow(kind=ALERT_RESERVE_RELEASED, register_id=register_id, entry_id=None, created_at=utcnow(),
                         detail=f"an operator returned {release.released} partner codes reserved to revoked register "
                                f"{register_id} to the pool ({summary})"))
    session.flush()
    return ReserveRelease(register_id, register.revoked_at, dry_run, free, handed_out,
                          topped_up=reserve_codes(session))


def run_job(engine: Engine, as_of: date) -> dict[str, Any]:
    """Settle partner claims a push left unsettled, then top up every register's reserve."""
    from sync.central.app import run_in_transaction

    def work(session: Session) -> dict[str, Any]:
        reserved_codes = sa.select(sa.func.upper(RewardPoolCodeRow.code)).where(RewardPoolCodeRow.state == RESERVED)
        settled = _settle(session, _claims(session, LedgerEntryRow.code.in_(reserved_codes)))
        reserved = reserve_codes(session)
        free = dict(session.execute(sa.select(RewardPoolCodeRow.reward_id, sa.func.count())
                                    .where(RewardPoolCodeRow.state == FREE).group_by(RewardPoolCodeRow.reward_id))
                    .all())
        return {"as_of": as_of.isoformat(), "claims_settled": settled, "codes_reserved": reserved,
                "free_codes": {k: int(v) for k, v in free.items()}}

    return run_in_transaction(engine, work)


def catalogue(session: Session) -> list[dict[str, Any]]:
    """Every reward with its pool's counts (for `pos-central rewards`)."""
    counts: dict[tuple[str, str], int] = {
        (reward_id, state): int(n) for reward_id, state, n in session.execute(
            sa.select(RewardPoolCodeRow.reward_id, RewardPoolCodeRow.state, sa.func.count())
            .group_by(RewardPoolCodeRow.reward_id, RewardPoolCodeRow.state))}
    return [{**reward_record(row), "free": counts.get((row.id, FREE), 0), "reserved": counts.get((row.id, RESERVED), 0),
             "issued": counts.get((row.id, ISSUED), 0)}
            for row in session.scalars(sa.select(RewardRow).order_by(RewardRow.points, RewardRow.id))]


__all__ = ["KINDS", "ReserveRelease", "RewardsImport", "catalogue", "import_rewards", "release_reserve", "reserve_codes",
           "reserve_key", "reward_record", "run_job", "settle_claims", "validate_rewards"]
