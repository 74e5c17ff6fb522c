"""The audit log in a manager's words: who did what to whom, with names and amounts, not ids and JSON.

`describe(record, names, currency)` turns one record into an `AuditLine`
(when, who, what, details); `names` maps the ids a record keeps (customers,
register accounts) to names, as `services.audit.audit_log` found them. A
record of a kind this module does not know still reads as "key: value"
pairs. Pure functions: tested without a window; the audit tab and its CSV
export show the same lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_app.domain.audit_chain import AuditRecord
from pos_app.qt.wording import count, money

ACTION_WORDS = {
    "points_adjusted": "Points adjusted",
    "points_transferred": "Points transferred",
    "entry_reversed": "Entry reversed",
    "items_returned": "Items returned",
    "order_voided": "Sale voided",
    "pin_refused": "PIN refused",
    "account_locked": "Account locked",
    "signed_in": "Signed in",
    "signed_out": "Signed out",
    "register_locked": "Register locked",
    "user_created": "Account created",
}

PIN_REFUSAL_WORDS = {
    "wrong_pin": "wrong PIN",
    "unknown_user": "no such user",
    "locked": "account locked",
    "inactive_user": "account deactivated",
}


@dataclass(frozen=True, slots=True)
class AuditLine:
    seq: int
    when: str
    who: str
    action: str
    details: str

    def matches(self, text: str) -> bool:
        """Whether the line says `text` anywhere (case-insensitive); an empty filter matches everything."""
        needle = text.strip().casefold()
        return not needle or needle in f"{self.when} {self.who} {self.action} {self.details}".casefold()


def describe(record: AuditRecord, names: Mapping[str, str], currency: str = "USD") -> AuditLine:
    d = record.details

    def name(value: Any) -> str:
        return names.get(str(value), str(value)) if value is not None else "anonymous"

    def note() -> str:
        return f" — {d['note']}" if d.get("note") else ""

    action = record.action
    if action == "points_adjusted":
        reason = str(d.get("reason", "")).replace("_", " ")
        text = f"{name(d.get('customer'))}: {int(d.get('points', 0)):+,} points ({reason}){note()}"
    elif action == "points_transferred":
        text = f"{int(d.get('points', 0)):,} points from {name(d.get('from'))} to {name(d.get('to'))}"
    elif action == "entry_reversed":
        text = f"{count(len(d.get('entries', ())), 'ledger entry', 'ledger entries')} reversed{note()}"
    elif action == "items_returned":
        units = count(len(d.get("lines", {})), "line")
        text = f"Order {d.get('order')} ({name(d.get('customer'))}): {units}, refund {money(int(d.get('refund_minor', 0)), currency)}"
        if d.get("approved_by"):
            text += f", approved by {name(d['approved_by'])}"
        if d.get("late"):
            text += " (after the return window)"
    elif action == "order_voided":
        text = f"Order {d.get('order')} ({name(d.get('customer'))}): {money(int(d.get('total_minor', 0)), currency)}{note()}"
    elif action == "pin_refused":
        text = f"{name(d.get('user'))}: {PIN_REFUSAL_WORDS.get(str(d.get('reason')), str(d.get('reason')))}"
        if "attempts_left" in d:
            text += f", {count(int(d['attempts_left']), 'attempt')} left"
    elif action == "account_locked":
        until = d.get("until")
        at = datetime.fromisoformat(until).astimezone().strftime("%H:%M") if isinstance(until, str) else "?"
        text = f"{name(d.get('user'))} locked until {at} (too many wrong PINs)"
    elif action in ("signed_in", "signed_out", "register_locked"):
        text = f"{name(d.get('user'))} at register {d.get('register', '?')}"
    elif action == "user_created":
        text = f"{name(d.get('user'))} ({d.get('user')}) as {d.get('role')}"
    else:
        text = ", ".join(f"{key}: {value}" for key, value in sorted(d.items()) if not isinstance(value, list | dict))
    at = record.at.astimezone() if record.at.tzinfo else record.at
    return AuditLine(record.seq, at.strftime("%Y-%m-%d %H:%M"), name(record.actor_id) if record.actor_id else "system",
                     ACTION_WORDS.get(action, action.replace("_", " ").capitalize()), text)


__all__ = ["ACTION_WORDS", "AuditLine", "describe"]
