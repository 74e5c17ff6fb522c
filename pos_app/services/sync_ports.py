"""The register's side of sync over its local store: the outbox it pushes and the changes it pulls.

`StoreOutbox` is the sync client's `OutboxSource` (and `ResendableOutbox`)
over the ledger's outbox. Each row holds the exact bytes of the register's
own entry (`pos_app.domain.ledger`); it becomes the wire `LedgerEntry` under
the paired register's id by one deterministic mapping, so a retried push is
byte-for-byte the same. An answer moves the entry's points out of pending:
into the confirmed balance when the server posted it (`created`, `exists`,
`created_flagged`), nowhere when it was `rejected` (its points are in no
balance). The answer, with its reason or flags, stays on the outbox row.

`StoreChangeSink` is the client's `ChangeSink`. It applies every topic of the
central feed through the storage repositories: customers (identification
keys, tier, segments, confirmed balance, the chain-wide figures), catalogue
items, promotions (the FORMAT.md JSON) and their codes, the rewards catalogue
and this register's reserve of partner codes, settings and revoked registers,
and saves the cursor in `sync_state` in the SAME transaction, so a crash can
neither lose a page nor apply one twice. A snapshot writes its members in
chunks of short transactions (a checkout never waits behind a million
members), then the rest, what it no longer lists (catalogue items and
promotions are deactivated; customers are never removed: the central service
never deletes one, and customers enrolled here must stay) and the cursor in
one last transaction.

Within a transaction the changes are grouped by topic, the latest change of a
record winning (each change carries the record's whole state), and applied in
an order that keeps references valid: settings (the currency prices are read
in), registers, customers, catalogue, promotions, codes, then rewards.

`load_exposure_state` / `save_exposure_state` keep `sync.client.exposure`'s
counters (the cache age consumed, offline redemptions) across restarts.

`StoreSyncJournal` is the loop's `SyncJournal`: one `sync_state` row holding
the current run of failed cycles (since when, how many, the last one's reason
and message, masked as the log is) or, once a cycle succeeds, only that it
did. A healthy register does not write it every cycle: only a failure, and the
first success after failures. `sync_failures` reads it back for `doctor`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from pos_app.domain.catalog_item import CatalogItem
from pos_app.domain.loyalty_settings import LoyaltySettings, TierRule
from pos_app.domain.money import Currency, MoneyError
from pos_app.domain.personal_data import mask_personal_data
from pos_app.domain.promotion_code import PromotionCode, normalise_code
from pos_app.domain.scenario_json import parse_promotion
from pos_app.services.contact import normalise_phone
from pos_app.services.outcome import Refused
from pos_app.services.publishing import publish_feed_problem
from pos_app.storage.rewards import Reward
from pos_app.storage.sync_state import CURSOR_KEY
from pos_app.storage.unit_of_work import CONSTRAINT_ERRORS, UnitOfWork, UnitOfWorkFactory
from sync.client.exposure import ExposureState
from sync.protocol import KNOWN_TOPICS, Change, ChangeTopic, EntryResult, EntryStatus, LedgerEntry
from sync.protocol.adapters import entry_from_register_payload
from sync.protocol.records import RecordResult, RecordStatus, SyncRecord

log = logging.getLogger(__name__)

SNAPSHOTS_KEY = "snapshots"
EXPOSURE_KEY = "exposure"
REFRESH_KEY = "refresh_customers"  # members whose confirmed balance is to be read again
SETTING_PREFIX = "setting:"
NEWER_TOPICS_KEY = "feed:newer_topics"  # topics of a newer central service this version skipped
REGISTER_PREFIX = "register:"
SYNC_CYCLES_KEY = "sync:cycles"  # the current run of failed sync cycles, or the success that ended it
RESERVE_PREFIX = "reserve:"  # a reward-topic key `reserve:<register>:<reward>`: partner codes held by a register
CUSTOMER_CHUNK = 5000

_SETTING_FIELDS = {f.name: f for f in dataclasses.fields(LoyaltySettings) if f.name != "tiers"}
_DEFAULTS = LoyaltySettings()
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


# -- push ----------------------------------------------------------------------------------------


class StoreOutbox:
    """`OutboxSource` and `ResendableOutbox` over the ledger's outbox."""

    def __init__(self, uow: UnitOfWorkFactory, wire_register_id: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.uow = uow
        self.wire_register_id = wire_register_id  # the paired id, e.g. "S1.R1"
        self._clock = clock

    def to_wire(self, payload: bytes) -> LedgerEntry:
        """An outbox payload as the protocol's entry, under the paired register's id."""
        data = json.loads(payload)
        return entry_from_register_payload(
            {**data, "register": self.wire_register_id},
            discount_minor=data.get("discount_minor"),
            order_total_minor=data.get("order_total_minor"),
        )

    def pending_batch(self, limit: int) -> list[LedgerEntry]:
        with self.uow(read_only=True) as uow:
            items = uow.ledger.pending_outbox(limit)
        return [self.to_wire(item.payload) for item in items]

    def entries_from(self, seq: int, limit: int) -> list[LedgerEntry]:
        with self.uow(read_only=True) as uow:
            items = uow.ledger.outbox_from(seq, limit)
        return [self.to_wire(item.payload) for item in items]

    def pending_count(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.ledger.outbox_size()

    # -- the audit chain's head, which travels with each push ------------------------------------

    def audit_head(self) -> tuple[int, str] | None:
        with self.uow(read_only=True) as uow:
            return uow.audit.head()

    def audit_hash_at(self, seq: int) -> str | None:
        with self.uow(read_only=True) as uow:
            return uow.audit.hash_at(seq)

    # -- records (members, codes, orders, returns, voids), pushed before the entries --------------

    def pending_records(self, limit: int) -> list[SyncRecord]:
        with self.uow(read_only=True) as uow:
            pending = uow.records.pending(limit)
        return [
            SyncRecord.build(id=r.id, kind=r.kind, register_id=self.wire_register_id,
                             created_at_register=r.created_at, data=r.data)
            for r in pending
        ]

    def pending_records_count(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.records.pending_count()

    def mark_records_answered(self, results: Sequence[RecordResult]) -> None:
        answers = []
        for result in results:
            detail = ",".join(result.flags) if result.flags else (result.reason or "")
            answers.append((result.id, f"{result.status.value}:{detail}" if detail else result.status.value))
            if result.status is RecordStatus.REJECTED:
                log.warning("record %s refused by the central service: %s", result.id, result.reason)
        with self.uow() as uow:
            uow.records.acknowledge(answers, self._clock())
            uow.commit()

    def mark_acknowledged(self, results: Sequence[EntryResult]) -> None:
        """The server's answers, in one transaction (an entry already answered is left as it is).

        A `created` entry's points move from pending into the confirmed balance. An `exists` answer
        (the server held the entry already: an earlier answer was lost) cannot say whether a pull since
        then already brought a confirmed balance that counts it, so its points only leave pending and
        the member's confirmed balance is asked from the central service again (`customers_to_refresh`).
        A `rejected` entry's points are in no balance: they only leave pending.
        """
        groups: dict[tuple[str, bool], list[str]] = {}
        held: list[str] = []
        for result in results:
            confirm = result.status in (EntryStatus.CREATED, EntryStatus.CREATED_FLAGGED)
            groups.setdefault((answer_text(result), confirm), []).append(result.id)
            if result.status is EntryStatus.EXISTS:
                held.append(result.id)
        now = self._clock()
        with self.uow() as uow:
            refresh = set(uow.sync_state.get(REFRESH_KEY) or [])
            for entry_id in held:
                entry = uow.ledger.get(entry_id)
                if entry is not None and entry.customer_id and entry.points and \
                        uow.ledger.acknowledged_at(entry_id) is None:
                    refresh.add(entry.customer_id)
            for (text, confirm), ids in groups.items():
                uow.ledger.acknowledge(ids, now, text, confirm=confirm)
            uow.sync_state.put(REFRESH_KEY, sorted(refresh))
            uow.commit()

    def customers_to_refresh(self) -> list[str]:
        """Members whose confirmed balance must be read from the central service again (see above)."""
        with self.uow(read_only=True) as uow:
            return list(uow.sync_state.get(REFRESH_KEY) or [])

    def confirmed_from_central(self, balances: Mapping[str, int]) -> None:
        """The central service's balances of those members: their confirmed points, in one transaction."""
        with self.uow() as uow:
            for customer_id, balance in balances.items():
                uow.customers.set_confirmed_points(customer_id, balance)
            left = [c for c in uow.sync_state.get(REFRESH_KEY) or [] if c not in balances]
            uow.sync_state.put(REFRESH_KEY, left)
            uow.commit()


def answer_text(result: EntryResult) -> str:
    """What the outbox row keeps of an answer: `created`, `rejected:already_reversed`,
    `created_flagged:offline_overdraft`, ..."""
    detail = ",".join(result.flags) or result.reason  # the flags name the conflict; the reason is only "flagged"
    return f"{result.status.value}:{detail}" if detail else result.status.value


# -- pull ----------------------------------------------------------------------------------------


class StoreChangeSink:
    """`ChangeSink` over the register's store: every topic, the cursor in the page's transaction."""

    def __init__(self, uow: UnitOfWorkFactory, *,
                 snapshot_prunes: Iterable[ChangeTopic] = (ChangeTopic.CATALOG_ITEM, ChangeTopic.PROMOTION,
                                                           ChangeTopic.REWARD)) -> None:
        self.uow = uow
        # Topics whose records a snapshot does not list are deactivated (a demo store whose catalogue the
        # central service does not hold passes none).
        self.snapshot_prunes = frozenset(snapshot_prunes)
        # Test hooks: inside the transaction, after the records, before the cursor is written; and between
        # two chunks of a snapshot's members (no transaction open).
        self.before_cursor: Callable[[], None] | None = None
        self.between_chunks: Callable[[], None] | None = None

    def cursor(self) -> str | None:
        """The saved cursor; None (a snapshot) once this version knows topics it skipped before an upgrade."""
        with self.uow(read_only=True) as uow:
            cursor = uow.sync_state.get(CURSOR_KEY)
            skipped = uow.sync_state.get(NEWER_TOPICS_KEY) or ()
        return None if KNOWN_TOPICS.intersection(skipped) else cursor

    def note_newer_topics(self, topics: frozenset[str]) -> None:
        """Remember the topics of a newer central service this version skipped (see `cursor`)."""
        with self.uow() as uow:
            skipped = set(uow.sync_state.get(NEWER_TOPICS_KEY) or ())
            if not topics <= skipped:
                uow.sync_state.put(NEWER_TOPICS_KEY, sorted(skipped | topics))
                uow.commit()

    def apply_page(self, changes: Sequence[Change], new_cursor: str) -> None:
        with self.uow() as uow:
            batch = _PulledBatch(uow)
            for change in changes:
                batch.add(change)
            batch.finish()
            self._save_cursor(uow, new_cursor)
            uow.commit()

    def apply_snapshot(self, cursor: str, items: Iterable[Change]) -> None:
        """Replace the pulled state by a snapshot without holding the store for its whole length.

        Members come in chunks of `CUSTOMER_CHUNK`, each its own short transaction, so a checkout
        waits at most for one chunk, never for a million members. Everything else (settings,
        registers, catalogue, promotions, codes), what the snapshot no longer lists, the snapshot
        count and the cursor go in one last transaction. A crash in between leaves the old cursor: the
        next cycle downloads the snapshot again, and writing a record's whole state twice is harmless.
        """
        members: list[Change] = []
        rest: list[Change] = []
        for change in items:  # a stream: members are written as they come
            if change.topic is ChangeTopic.CUSTOMER:
                members.append(change)
                if len(members) >= CUSTOMER_CHUNK:
                    self._apply_chunk(members)
                    members = []
            else:
                rest.append(change)
        if members:
            self._apply_chunk(members)
        with self.uow() as uow:
            batch = _PulledBatch(uow, snapshot=True)
            for change in rest:
                batch.add(change)
            batch.finish()
            if ChangeTopic.CATALOG_ITEM in self.snapshot_prunes:
                for sku in set(uow.catalog.active_skus()) - batch.seen[ChangeTopic.CATALOG_ITEM]:
                    uow.catalog.deactivate(sku)
            if ChangeTopic.PROMOTION in self.snapshot_prunes:
                for promotion_id in set(uow.promotions.active_ids()) - batch.seen[ChangeTopic.PROMOTION]:
                    uow.promotions.deactivate(promotion_id)
            if ChangeTopic.REWARD in self.snapshot_prunes:
                listed = {key for key in batch.seen[ChangeTopic.REWARD] if not key.startswith(RESERVE_PREFIX)}
                for reward_id in set(uow.rewards.active_ids()) - listed:
                    uow.rewards.deactivate(reward_id)
                mine = f"{RESERVE_PREFIX}{register_in_chain(uow)}:"
                uow.rewards.drop_codes_except({key[len(mine):] for key in batch.seen[ChangeTopic.REWARD]
                                               if key.startswith(mine)})
            uow.sync_state.put(SNAPSHOTS_KEY, uow.sync_state.get(SNAPSHOTS_KEY, 0) + 1)
            skipped = [topic for topic in uow.sync_state.get(NEWER_TOPICS_KEY) or () if topic not in KNOWN_TOPICS]
            uow.sync_state.put(NEWER_TOPICS_KEY, skipped)  # the snapshot brought the records of the others
            self._save_cursor(uow, cursor)
            uow.commit()

    def _apply_chunk(self, members: Sequence[Change]) -> None:
        with self.uow() as uow:
            batch = _PulledBatch(uow)
            for change in members:
                batch.add(change)
            batch.finish()
            uow.commit()
        if self.between_chunks is not None:
            self.between_chunks()

    def _save_cursor(self, uow: UnitOfWork, cursor: str) -> None:
        if self.before_cursor is not None:
            self.before_cursor()
        uow.sync_state.put(CURSOR_KEY, cursor)

    # -- what was pulled, for the GUI and the use cases ---------------------------------------------

    def snapshot_count(self) -> int:
        with self.uow(read_only=True) as uow:
            return uow.sync_state.get(SNAPSHOTS_KEY, 0)

    def revoked_registers(self) -> set[str]:
        with self.uow(read_only=True) as uow:
            return {key for key, data in uow.sync_state.with_prefix(REGISTER_PREFIX).items() if data.get("revoked")}

    def pulled_settings(self) -> dict[str, Any]:
        """Every setting the central service published, by its key (also those the register has no field for)."""
        with self.uow(read_only=True) as uow:
            return uow.sync_state.with_prefix(SETTING_PREFIX)


# What makes a pulled record one this register cannot apply (a bug or bad data: never a locked database).
_DATA_ERRORS = (ValueError, TypeError, KeyError, AttributeError, MoneyError, *CONSTRAINT_ERRORS)


class _PulledBatch:
    """The changes of one transaction, grouped by topic (latest wins), applied in reference order.

    Each topic is applied inside a savepoint; when a record of it cannot be
    applied (bad data the central service let through, a key this register
    holds for another member), the topic is applied again record by record
    and the record that fails is set aside in the quarantine, with its error,
    and reported to the central service as a feed problem: the rest of the
    feed, and the cursor, go on.
    """

    def __init__(self, uow: UnitOfWork, *, snapshot: bool = False,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.uow = uow
        self.snapshot = snapshot
        self._clock = clock
        self.latest: dict[ChangeTopic, dict[str, Change]] = {topic: {} for topic in ChangeTopic}
        self.seen: dict[ChangeTopic, set[str]] = {topic: set() for topic in ChangeTopic}
        self.set_aside = 0
        self._region: str | None = None

    def add(self, change: Change) -> None:
        if self.snapshot and change.topic is not ChangeTopic.CUSTOMER:
            self.seen[change.topic].add(change.key)
        records = self.latest[change.topic]
        records.pop(change.key, None)  # keep the order of the latest change
        records[change.key] = change

    def finish(self) -> None:
        self._guarded(ChangeTopic.SETTING, self._apply_settings, always=self.snapshot)
        self._guarded(ChangeTopic.REGISTER, self._apply_registers, always=self.snapshot)
        self._guarded(ChangeTopic.CUSTOMER, self._apply_customers)
        self._guarded(ChangeTopic.CATALOG_ITEM, self._apply_catalog)
        self._guarded(ChangeTopic.PROMOTION, self._apply_promotions)
        self._guarded(ChangeTopic.CODE, self._apply_codes)
        self._guarded(ChangeTopic.REWARD, self._apply_rewards)

    def _guarded(self, topic: ChangeTopic, apply: Callable[[dict[str, Change]], None], *,
                 always: bool = False) -> None:
        changes = self.latest[topic]
        if not changes and not always:
            return
        try:
            with self.uow.savepoint():
                apply(dict(changes))
        except _DATA_ERRORS:
            for key, change in list(changes.items()):
                try:
                    with self.uow.savepoint():
                        apply({key: change})
                except _DATA_ERRORS as exc:
                    self._quarantine(change, exc)
        changes.clear()

    def _quarantine(self, change: Change, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]
        log.error("pulled %s %s (change %d) set aside: %s", change.topic.value, change.key, change.seq, error)
        now = self._clock()
        self.uow.quarantine.set_aside(change.seq, change.topic.value, change.key, change.data, error, now)
        publish_feed_problem(self.uow, change.seq, change.topic.value, change.key, error, now)
        self.set_aside += 1

    # -- settings ------------------------------------------------------------------------------

    def _apply_settings(self, changes: dict[str, Change]) -> None:
        if self.snapshot:
            self.uow.sync_state.delete_prefix(SETTING_PREFIX)
        if not changes:
            return
        current = self.uow.settings.get()
        updates: dict[str, Any] = {}
        for key, change in changes.items():
            data = change.data
            value = None if data is None else data.get("value")
            if data is None:
                self.uow.sync_state.delete(SETTING_PREFIX + key)
            else:
                self.uow.sync_state.put(SETTING_PREFIX + key, value)
            updates.update(settings_update(key, value, deleted=data is None))
        if updates:
            self.uow.settings.save(dataclasses.replace(current, **updates))

    def _apply_registers(self, changes: dict[str, Change]) -> None:
        if self.snapshot:
            self.uow.sync_state.delete_prefix(REGISTER_PREFIX)
        for key, change in changes.items():
            if change.data is None:
                self.uow.sync_state.delete(REGISTER_PREFIX + key)
            else:
                self.uow.sync_state.put(REGISTER_PREFIX + key, change.data)

    # -- customers -----------------------------------------------------------------------------

    def _apply_customers(self, changes: dict[str, Change]) -> None:
        if self._region is None:
            self._region = self.uow.settings.default_phone_region()
        records = [customer_values(key, c.data, self._region) for key, c in changes.items() if c.data is not None]
        for gone in (key for key, c in changes.items() if c.data is None):
            log.warning("the central service deleted customer %s: kept at this register", gone)
        # A member edited here and not yet published keeps the edit until the central service has it.
        edited = self.uow.records.pending_ids_of("customer", "id", (r["id"] for r in records))
        for record in records:
            if record["id"] in edited and (held := self.uow.customers.get(record["id"])) is not None:
                record.update(name=held.name, email=held.email, phone=held.phone, card_number=held.card_number,
                              birthday=held.birthday, consent_email=held.consents.email,
                              consent_sms=held.consents.sms)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for record in records:
            by_columns.setdefault(tuple(sorted(record)), []).append(record)
        for group in by_columns.values():
            self.uow.customers.apply_central(group)

    # -- catalogue -----------------------------------------------------------------------------

    def _apply_catalog(self, changes: dict[str, Change]) -> None:
        currency = Currency.of(self.uow.settings.get().currency)
        items: list[CatalogItem] = []
        for sku, change in changes.items():
            if change.data is None:
                self.uow.catalog.deactivate(sku)
                continue
            items.append(catalog_item(sku, change.data, currency, self.uow.catalog.by_sku(sku)))
        for start in range(0, len(items), CUSTOMER_CHUNK):
            self.uow.catalog.upsert_many(items[start:start + CUSTOMER_CHUNK])

    # -- promotions and codes ------------------------------------------------------------------

    def _apply_promotions(self, changes: dict[str, Change]) -> None:
        for promotion_id, change in changes.items():
            data = change.data
            if data is None:
                self.uow.promotions.deactivate(promotion_id)
                continue
            parse_promotion(data, "promotion", Currency.of(self.uow.settings.get().currency))  # raises if unusable
            # The promotion's JSON lists its codes as issued; the uses left are the code records' (and
            # this register's own uses), so codes already held here are kept as they are.
            held = {normalise_code(c["code"]): c for c in (self.uow.promotions.get(promotion_id) or {}).get("codes", [])}
            listed = {normalise_code(c["code"]): c for c in data.get("codes") or ()}
            self.uow.promotions.upsert({**data, "codes": list({**listed, **held}.values())})

    def _apply_codes(self, changes: dict[str, Change]) -> None:
        for key, change in changes.items():
            data = change.data
            if data is None:
                self.uow.promotions.remove_code(key)
                continue
            promotion_id = data.get("promotion_id")
            if not promotion_id or not self.uow.promotions.exists(promotion_id):
                raise KeyError(f"code {key} of unknown promotion {promotion_id}")
            uses_left = data.get("uses_left")
            if uses_left is not None:
                # The server has not counted this register's unacknowledged uses yet.
                uses_left = max(0, int(uses_left) - self.uow.ledger.unacknowledged_code_uses(key))
            held = self.uow.promotions.find_code(key)
            self.uow.promotions.put_code(PromotionCode(
                code=normalise_code(data.get("code") or key),
                promotion_id=promotion_id,
                customer_id=data.get("customer"),
                uses_left=uses_left,
                display=held.display if held is not None else str(data.get("code") or key),
            ))


    # -- rewards ---------------------------------------------------------------------------------

    def _apply_rewards(self, changes: dict[str, Change]) -> None:
        mine = f"{RESERVE_PREFIX}{register_in_chain(self.uow)}:"
        rewards = []
        for key, change in changes.items():
            data = change.data
            if key.startswith(RESERVE_PREFIX):
                if key.startswith(mine):  # other registers' reserves are theirs
                    self.uow.rewards.hold_codes(key[len(mine):], [str(c) for c in (data or {}).get("codes") or ()])
            elif data is None:
                self.uow.rewards.deactivate(key)
            else:
                rewards.append(reward_of(key, data))
        self.uow.rewards.upsert_many(rewards)


# -- mapping central records to the register's values ------------------------------------------


def register_in_chain(uow: UnitOfWork) -> str:
    """This register's id at the central service (`S1.R1`)."""
    return f"{uow.store_id}.{uow.register_name}"


def reward_of(key: str, data: Mapping[str, Any]) -> Reward:
    """A feed reward record as the register's reward; raises ValueError when it cannot be offered."""
    kind = str(data.get("kind") or "discount")
    promotion_id = data.get("promotion_id") or None
    if kind != "partner" and promotion_id is None:
        raise ValueError(f"reward {key}: a {kind} reward needs its promotion")
    points = int(data["points"])
    if points <= 0:
        raise ValueError(f"reward {key}: points must be more than 0")
    return Reward(id=key, name=str(data.get("name") or key), points=points, promotion_id=promotion_id,
                  active=bool(data.get("active", True)), kind=kind, partner=data.get("partner") or None,
                  description=data.get("description") or None)



def customer_values(key: str, data: Mapping[str, Any], phone_region: str) -> dict[str, Any]:
    """A feed customer record as the columns `CustomerRepository.apply_central` writes."""
    phone = data.get("phone") or None
    if phone and not _E164.match(phone):  # already E.164 (the usual case) needs no parsing, which is slow
        checked = normalise_phone(str(phone), phone_region)
        phone = phone if isinstance(checked, Refused) else checked  # kept as given when it does not parse
    birthday = data.get("birthday")
    return {
        "id": str(data.get("id") or key),
        "name": data.get("name") or "",
        "email": data.get("email") or None,
        "phone": phone,
        "card_number": data.get("card") or None,
        "birthday": date.fromisoformat(birthday) if birthday else None,
        "tier": data.get("tier") or None,
        "segments": sorted(data.get("segments") or []),
        "confirmed_points": int(data.get("balance") or 0),
        "merged_into": data.get("merged_into") or None,
        **({"consent_email": bool(consents.get("email")), "consent_sms": bool(consents.get("sms"))}
           if isinstance(consents := data.get("consents"), Mapping) else {}),
        **(chain_figures(data) if "tier_spend_minor" in data else {}),
    }


def chain_figures(data: Mapping[str, Any]) -> dict[str, Any]:
    """The chain-wide figures a central member record carries (its daily jobs'), as the register's columns."""
    def moment(key: str) -> datetime | None:
        text = data.get(key)
        return datetime.fromisoformat(text) if text else None

    spend, kept = data.get("tier_spend_minor"), data.get("tier_kept_until")
    return {
        "tier_spend_minor": None if spend is None else int(spend),
        "tier_spend_until": moment("tier_spend_until"),
        "tier_kept_until": date.fromisoformat(kept) if kept else None,
        "expiring": [{"on": date.fromisoformat(lot["on"]).isoformat(), "points": int(lot["points"])}
                     for lot in data.get("expiring") or ()],
        "lots_at": moment("lots_at"),
    }


def catalog_item(sku: str, data: Mapping[str, Any], currency: Currency, held: CatalogItem | None) -> CatalogItem:
    """A feed catalogue record as the register's item; what the record does not carry is kept from `held`."""
    def kept(name: str, default: Any) -> Any:
        return getattr(held, name) if held is not None else default

    minimum = data.get("min_unit_price")
    return CatalogItem(
        sku=sku,
        name=data.get("name") or (held.name if held else sku),
        unit_price_minor=currency.parse_minor(data["unit_price"]),
        barcode=data["barcode"] if "barcode" in data else kept("barcode", None),
        categories=tuple(data.get("categories") or ()),
        brand=data.get("brand") or None,
        tags=tuple(data.get("tags") or ()),
        no_discount=bool(data["no_discount"]) if "no_discount" in data else kept("no_discount", False),
        no_points=bool(data["no_points"]) if "no_points" in data else kept("no_points", False),
        min_unit_price_minor=(None if minimum is None else currency.parse_minor(minimum)) if "min_unit_price" in data
        else kept("min_unit_price_minor", None),
        weighted=bool(data["weighted"]) if "weighted" in data else kept("weighted", False),
    )


def settings_update(key: str, value: Any, *, deleted: bool = False) -> dict[str, Any]:
    """The `LoyaltySettings` fields a central setting sets (`currency`, `program.welcome_points`,
    `points.earn_rate`, `tiers`, ...: its last dotted part names the field); {} for others."""
    name = key.rsplit(".", 1)[-1]
    if name == "tiers":
        if deleted or not value:
            return {"tiers": ()}
        return {"tiers": tuple(
            TierRule(str(t["name"]), int(t.get("threshold_minor", t.get("threshold", 0))),
                     str(t.get("multiplier", "1")))
            for t in value
        )}
    if name not in _SETTING_FIELDS:
        return {}
    default = getattr(_DEFAULTS, name)
    if deleted or value is None:
        return {name: default}
    try:
        if isinstance(default, bool):
            return {name: bool(value)}
        if isinstance(default, int):
            return {name: int(value)}
        return {name: str(value)}
    except (TypeError, ValueError):
        log.error("setting %s=%r from the central service ignored", key, value)
        return {}


# -- offline exposure ------------------------------------------------------------------------------


def load_exposure_state(uow: UnitOfWorkFactory) -> ExposureState:
    """The cache age `OfflineExposure` resumes from after a restart."""
    with uow(read_only=True) as unit:
        data = unit.sync_state.get(EXPOSURE_KEY) or {}
    return ExposureState(age_consumed_seconds=float(data.get("age_consumed_seconds", 0.0)))


def save_exposure_state(uow: UnitOfWorkFactory, state: ExposureState) -> None:
    """Persist `OfflineExposure.state()` (after each sync cycle, each offline redemption and at exit)."""
    with uow() as unit:
        unit.sync_state.put(EXPOSURE_KEY, dataclasses.asdict(state))
        unit.commit()


# -- how the sync cycles end -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class SyncFailures:
    """The sync cycles that failed one after another, up to now: none has succeeded since `since`."""

    since: datetime  # the first failed cycle of the run
    cycles: int
    reason: str  # `sync.client.errors.failure_reason`: unreachable, credential, certificate, version, refused, other
    message: str  # the last failure's, personal data masked
    last_failed_at: datetime
    last_synced_at: datetime | None  # the last successful cycle known, if any

    @property
    def failing_for_hours(self) -> float:
        """How long the cycles have been failing while the register tried (its time switched off not counted
        after the last try)."""
        return (self.last_failed_at - self.since).total_seconds() / 3600


class StoreSyncJournal:
    """`SyncJournal` over the register's store (one `sync_state` row, `SYNC_CYCLES_KEY`)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self._quiet = False  # the row already says the last cycle succeeded: nothing to write

    def cycle_succeeded(self, at: datetime) -> None:
        if self._quiet:
            return
        with self.uow(read_only=True) as unit:
            held = unit.sync_state.get(SYNC_CYCLES_KEY)
        if held is None or held.get("failures"):
            with self.uow() as unit:
                unit.sync_state.put(SYNC_CYCLES_KEY, {"last_synced_at": at.isoformat()})
                unit.commit()
        self._quiet = True

    def cycle_failed(self, at: datetime, reason: str, message: str, last_synced_at: datetime | None) -> None:
        self._quiet = False
        with self.uow() as unit:
            held = unit.sync_state.get(SYNC_CYCLES_KEY) or {}
            failures = int(held.get("failures") or 0)
            unit.sync_state.put(SYNC_CYCLES_KEY, {
                "failing_since": held["failing_since"] if failures else at.isoformat(),
                "failures": failures + 1,
                "reason": reason,
                "message": mask_personal_data(message)[:500],
                "last_failed_at": at.isoformat(),
                "last_synced_at": last_synced_at.isoformat() if last_synced_at else held.get("last_synced_at"),
            })
            unit.commit()


def sync_failures(uow: UnitOfWorkFactory) -> SyncFailures | None:
    """The current run of failed sync cycles; None when the last cycle succeeded or none has run."""
    with uow(read_only=True) as unit:
        held = unit.sync_state.get(SYNC_CYCLES_KEY)
    if not held or not held.get("failures"):
        return None
    synced = held.get("last_synced_at")
    return SyncFailures(
        since=datetime.fromisoformat(held["failing_since"]),
        cycles=int(held["failures"]),
        reason=str(held.get("reason") or "other"),
        message=str(held.get("message") or ""),
        last_failed_at=datetime.fromisoformat(held["last_failed_at"]),
        last_synced_at=datetime.fromisoformat(synced) if synced else None,
    )


def forget_sync_failures(uow: UnitOfWorkFactory) -> None:
    """Forget the failed cycles (a new credential: the old one's failures say nothing of it)."""
    with uow() as unit:
        unit.sync_state.delete(SYNC_CYCLES_KEY)
        unit.commit()


__all__ = [
    "StoreChangeSink",
    "StoreOutbox",
    "StoreSyncJournal",
    "SyncFailures",
    "answer_text",
    "catalog_item",
    "customer_values",
    "forget_sync_failures",
    "load_exposure_state",
    "register_in_chain",
    "reward_of",
    "save_exposure_state",
    "settings_update",
    "sync_failures",
]
