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

from PySide6.QtCore import QT_TR_NOOP

from pos_app.domain.audit_chain import AuditRecord
from pos_app.qt import formats
from pos_app.qt.language import tr
from pos_app.qt.wording import money

ACTION_WORDS = {
    "points_adjusted": QT_TR_NOOP("Points adjusted"),
    "points_transferred": QT_TR_NOOP("Points transferred"),
    "entry_reversed": QT_TR_NOOP("Entry reversed"),
    "items_returned": QT_TR_NOOP("Items returned"),
    "order_voided": QT_TR_NOOP("Sale voided"),
    "pin_refused": QT_TR_NOOP("PIN refused"),
    "account_locked": QT_TR_NOOP("Account locked"),
    "signed_in": QT_TR_NOOP("Signed in"),
    "signed_out": QT_TR_NOOP("Signed out"),
    "register_locked": QT_TR_NOOP("Register locked"),
    "user_created": QT_TR_NOOP("Account created"),
}

PIN_REFUSAL_WORDS = {
    "wrong_pin": QT_TR_NOOP("wrong PIN"),
    "unknown_user": QT_TR_NOOP("no such user"),
    "locked": QT_TR_NOOP("account locked"),
    "inactive_user": QT_TR_NOOP("account deactivated"),
}

# The reasons of a manual adjustment (services.manager_actions.ADJUSTMENT_REASONS) as a manager reads them.
ADJUSTMENT_REASON_WORDS = {
    "goodwill": QT_TR_NOOP("goodwill"),
    "correction": QT_TR_NOOP("correction"),
    "missing_accrual": QT_TR_NOOP("missing accrual"),
    "damaged_goods": QT_TR_NOOP("damaged goods"),
    "complaint": QT_TR_NOOP("complaint"),
    "fraud": QT_TR_NOOP("fraud"),
}


def action_words(action: str) -> str:
    """An audit action in words ("Points adjusted"), in the register's language."""
    words = ACTION_WORDS.get(action)
    return tr(words) if words else action.replace("_", " ").capitalize()


def _words(table: Mapping[str, str], key: object) -> str:
    words = table.get(str(key))
    return tr(words) if words else str(key).replace("_", " ")


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
        return names.get(str(value), str(value)) if value is not None else tr("anonymous")

    def note() -> str:
        return f" — {d['note']}" if d.get("note") else ""

    action = record.action
    if action == "points_adjusted":
        reason = _words(ADJUSTMENT_REASON_WORDS, d.get("reason", ""))
        points = int(d.get("points", 0))
        text = tr("%1: %2 point(s) (%3)", "", abs(points)).replace("%1", name(d.get("customer"))).replace(
            "%2", formats.signed(points)).replace("%3", reason) + note()
    elif action == "points_transferred":
        points = int(d.get("points", 0))
        text = tr("%Ln point(s) from %1 to %2", "", points).replace("%1", name(d.get("from"))).replace(
            "%2", name(d.get("to")))
    elif action == "entry_reversed":
        text = tr("%n ledger entry(s) reversed", "", len(d.get("entries", ()))) + note()
    elif action == "items_returned":
        text = tr("Order %1 (%2): %n line(s), refund %3", "", len(d.get("lines", {}))).replace(
            "%1", str(d.get("order"))).replace("%2", name(d.get("customer"))).replace(
            "%3", money(int(d.get("refund_minor", 0)), currency))
        if d.get("approved_by"):
            text += tr(", approved by %1").replace("%1", name(d["approved_by"]))
        if d.get("late"):
            text += tr(" (after the return window)")
    elif action == "order_voided":
        text = tr("Order %1 (%2): %3").replace("%1", str(d.get("order"))).replace(
            "%2", name(d.get("customer"))).replace("%3", money(int(d.get("total_minor", 0)), currency)) + note()
    elif action == "pin_refused":
        text = f"{name(d.get('user'))}: {_words(PIN_REFUSAL_WORDS, d.get('reason'))}"
        if "attempts_left" in d:
            text += tr(", %n attempt(s) left", "", int(d["attempts_left"]))
    elif action == "account_locked":
        until = d.get("until")
        at = formats.time_of_day(datetime.fromisoformat(until).astimezone()) if isinstance(until, str) else "?"
        text = tr("%1 locked until %2 (too many wrong PINs)").replace("%1", name(d.get("user"))).replace("%2", at)
    elif action in ("signed_in", "signed_out", "register_locked"):
        text = tr("%1 at register %2").replace("%1", name(d.get("user"))).replace("%2", str(d.get("register", "?")))
    elif action == "user_created":
        role = {"manager": tr("manager"), "cashier": tr("cashier")}.get(str(d.get("role")), str(d.get("role")))
        text = tr("%1 (%2) as %3").replace("%1", name(d.get("user"))).replace("%2", str(d.get("user"))).replace(
            "%3", role)
    else:
        text = ", ".join(f"{key}: {value}" for key, value in sorted(d.items()) if not isinstance(value, list | dict))
    at = record.at.astimezone() if record.at.tzinfo else record.at
    return AuditLine(record.seq, formats.moment(at), name(record.actor_id) if record.actor_id else tr("system"),
                     action_words(action), text)


__all__ = ["ACTION_WORDS", "AuditLine", "action_words", "describe"]
