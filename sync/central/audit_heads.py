"""Noticing a register whose audit log was rewritten, from the chain's head it sends with each push.

A register's audit log is a hash chain (`pos_app.domain.audit_chain`): an
edited record breaks every later link, which `pos-companion doctor` finds.
Someone with the register's disk can rewrite the whole chain, re-hashing
every record after the one changed, and the chain checks out again. Not at
the central service: each push carries the register's head (`seq:hash`), the
central keeps the last one and asks, in its answer, for the hash at that seq
next time. A rewritten chain then answers with another hash for a seq the
central already saw, or with a head below it, and an alert names the
register (`pos-central conflicts`).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from sync.central.errors import CentralError
from sync.central.tables import AlertRow, RegisterRow

_POINT = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})")
ALERT_KIND = "audit_chain_rewritten"


def _parse(header: str | None, name: str) -> tuple[int, str] | None:
    if header is None:
        return None
    match = _POINT.fullmatch(header.strip())
    if match is None:
        raise CentralError(f"{name}: expected SEQ:SHA-256 (64 hexadecimal digits)")
    return int(match[1]), match[2]


def check_head(session: Session, register: RegisterRow, head_header: str | None, anchor_header: str | None,
               now: datetime) -> int | None:
    """Compare what the register says with what it said before; returns the seq to ask about next time."""
    head = _parse(head_header, "X-POS-Audit-Head")
    anchor = _parse(anchor_header, "X-POS-Audit-Anchor")
    if head is None:
        return register.audit_seq
    known = (register.audit_seq, register.audit_hash) if register.audit_seq is not None else None
    problem = None
    if known is not None:
        if head[0] < known[0]:
            problem = f"audit log head went back from record {known[0]} to {head[0]}"
        elif head[0] == known[0] and head[1] != known[1]:
            problem = f"audit record {known[0]} has another hash than before"
        elif anchor is not None and anchor[0] == known[0] and anchor[1] != known[1]:
            problem = f"audit record {known[0]} has another hash than before: the chain was rewritten"
    if problem is not None:
        session.add(AlertRow(kind=ALERT_KIND, register_id=register.id, entry_id=None,
                             detail=f"{problem}; look at the register's audit log and who had access to it",
                             created_at=now))
    register.audit_seq, register.audit_hash = head
    return head[0]


__all__ = ["ALERT_KIND", "check_head"]
