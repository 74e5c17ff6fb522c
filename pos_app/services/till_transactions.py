"""A till's state-changing call, done once per `transaction_id` and answered the same ever after.

Every sign-up, commit and reverse from a till carries a `transaction_id` the
till chose. `answer_once` runs the use case in a unit of work whose commit
it holds (`UnitOfWork.hold_commit`), then stores the answer in the SAME
transaction as the sale, sign-up or return: after a crash at any moment the
call is either whole, answer included, or absent with nothing written. The
same id with the same request answers the stored answer again and writes
nothing; with another request it is refused `transaction_reused`. Two
identical calls racing each other are serialised by the write lock: the
second sees the first's answer before it commits, rolls its own work back
and answers the first's.

A refusal (a changed total, an offline cap, a duplicate phone) writes nothing,
not even its transaction id, so the till may correct the request and send it
again under the same id.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import orjson

from pos_app.services.outcome import Refused
from pos_app.storage.pos_api import StoredAnswer
from pos_app.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

TRANSACTION_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Answer:
    """What the till is told: an HTTP status and the JSON text, byte for byte the same on a replay."""

    status: int
    text: str
    replayed: bool = False

    @classmethod
    def of(cls, status: int, body: Any) -> Answer:
        return cls(status, orjson.dumps(body).decode())  # compact UTF-8, as json.dumps(ensure_ascii=False) writes


def fingerprint(call: str, request: Mapping[str, Any]) -> str:
    """The request's identity: the same call with the same JSON (in any key order) has the same one."""
    canonical = json.dumps([call, request], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_transaction_id(value: object) -> str | Refused:
    if isinstance(value, str) and TRANSACTION_ID.fullmatch(value):
        return value
    return Refused("bad_transaction_id", "transaction_id: 1-64 characters of letters, digits and . _ : -")


def _replay(stored: StoredAnswer, transaction_id: str, call: str, request_hash: str) -> Answer | Refused:
    if stored.call != call or stored.request_hash != request_hash:
        return Refused(
            "transaction_reused",
            f"transaction {transaction_id} was already used for another request: send that request again "
            "to get its answer, or use a new transaction_id",
        )
    return Answer(stored.status, stored.answer, replayed=True)


def earlier_answer(
    factory: UnitOfWorkFactory, *, till: str, transaction_id: str, call: str, request_hash: str
) -> Answer | Refused | None:
    """The stored answer for this till's `transaction_id` (or the refusal of a reused id), None when new."""
    with factory(read_only=True) as uow:
        stored = uow.pos_transactions.get(till, transaction_id)
    return None if stored is None else _replay(stored, transaction_id, call, request_hash)


def answer_once(
    factory: UnitOfWorkFactory,
    *,
    till: str,
    transaction_id: str,
    call: str,
    request_hash: str,
    work: Callable[[UnitOfWork], R | Refused],
    answer: Callable[[UnitOfWork, R], Answer],
    now: datetime,
    asked_before: bool = False,
) -> Answer | Refused:
    """Do `work` and store `answer(result)` in its transaction, unless this transaction was answered before.

    `work` is a use case called with a unit of work (it enters and commits it
    as usual). Its refusal is returned as it is and nothing of it is stored.
    `answer(uow, result)` may read through `uow`: it sees the work's writes.
    `asked_before`: the caller has just looked for an earlier answer (`earlier_answer`)
    and found none; the work's own transaction still looks again before it commits.
    """
    if not asked_before:
        earlier = earlier_answer(factory, till=till, transaction_id=transaction_id, call=call,
                                 request_hash=request_hash)
        if earlier is not None:
            return earlier
    held = factory().hold_commit()
    try:
        result = work(held)
        if isinstance(result, Refused):
            held.finish()  # what the refusal itself must keep (a wrong PIN's count), nothing else
            held.close()
            # The same call sent twice at once: the second waited for the first's write lock and was
            # refused because the work was done (e.g. `already_paid`). It answers the first's answer.
            again = earlier_answer(factory, till=till, transaction_id=transaction_id, call=call,
                                   request_hash=request_hash)
            return again if again is not None else result
        if not held.commit_requested:
            raise RuntimeError(f"{call}: the use case answered without writing its work")
        stored = held.pos_transactions.get(till, transaction_id)
        if stored is not None:  # the same call, sent twice at once, was answered while this one waited
            return _replay(stored, transaction_id, call, request_hash)
        made = answer(held, result)
        held.pos_transactions.add(till, transaction_id, StoredAnswer(call, request_hash, made.status, made.text), now)
        held.finish()
        return made
    finally:
        held.close()


__all__ = ["TRANSACTION_ID", "Answer", "answer_once", "check_transaction_id", "earlier_answer", "fingerprint"]
