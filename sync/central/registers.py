"""Register credentials: one-time pairing codes, bearer tokens stored hashed, revocation.

A manager runs `pos-central pair-register STORE REGISTER`, which prints a
one-time pairing code (valid 24 hours). The register trades it for a bearer
token once; the server keeps only SHA-256 hashes of both (they are random
and long, so a plain hash is enough). Revoking a register refuses its token
(403) and tells every register through the change feed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import feed
from sync.central.db import as_utc, utcnow
from sync.central.errors import NotFound, RegisterActive, RegisterRevoked, Unauthorized, WrongRegister
from sync.central.tables import RegisterRow
from sync.protocol import ChangeTopic

PAIRING_TTL = timedelta(hours=24)
CENTRAL_REGISTER_ID = "central"  # entries the central service itself books (welcome points, bonuses)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def register_id_for(store_id: str, register: str) -> str:
    return f"{store_id}.{register}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalize_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def issue_pairing_code(session: Session, store_id: str, register: str, *, replace: bool = False) -> tuple[str, str]:
    """Create (or re-pair) a register and return (register id, one-time pairing code).

    A register paired and not revoked is refused unless `replace`: a second machine under the same name
    would number its orders and entries again from 1, and each would be refused as another's. A new
    machine is another register (`S1 R2`); a register moved to a machine restored from its own backup is
    re-paired with `replace` (its old credential stops working when the new one pairs). A revoked
    register (a leaked credential) needs no `replace`: the code pairs it again under its own id, with a
    new credential, and the revoked one stays refused.
    """
    register_id = register_id_for(store_id, register)
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    row = session.get(RegisterRow, register_id, with_for_update=True)
    if row is not None and row.token_hash is not None and row.revoked_at is None and not replace:
        raise RegisterActive(
            f"register {register_id} is paired and active: pair a new machine as another register "
            f"(e.g. {store_id} {_next_name(register)}); to move {register_id} to a machine restored from its "
            "backup, pair it again with --replace")
    now = utcnow()
    if row is None:
        row = RegisterRow(id=register_id, store_id=store_id, name=register, acked_seq=0, created_at=now)
        session.add(row)
    row.pairing_code_hash = _hash(_normalize_code(code))
    row.pairing_expires_at = now + PAIRING_TTL
    return register_id, code


def _next_name(register: str) -> str:
    """R1 -> R2: a name for another register of the store."""
    head = register.rstrip("0123456789")
    digits = register[len(head):]
    return f"{head}{int(digits) + 1}" if digits else f"{register}2"


def pair(session: Session, pairing_code: str, *, register_id: str | None = None) -> tuple[RegisterRow, str]:
    """Trade a pairing code for a fresh bearer token (the code is then spent).

    The new token replaces the register's old one, which stops working, and lifts a revocation: a
    register revoked for a leaked credential is paired again with a code from `pair-register` and
    pushes what waits in its outbox under its own id. `register_id`, when given, is the register the
    code must be for; a code for another is refused and stays valid.
    """
    row = session.scalars(
        sa.select(RegisterRow)
        .where(RegisterRow.pairing_code_hash == _hash(_normalize_code(pairing_code)))
        .with_for_update()
    ).first()
    if row is None or (as_utc(row.pairing_expires_at) or utcnow()) < utcnow():
        raise Unauthorized("unknown or expired pairing code")
    if register_id is not None and row.id != register_id:
        raise WrongRegister(f"this pairing code is for register {row.id}, not {register_id} (the code stays valid)")
    token = f"{row.id}:{secrets.token_urlsafe(32)}"
    row.token_hash = _hash(token)
    row.pairing_code_hash = None
    row.pairing_expires_at = None
    row.paired_at = utcnow()
    was_revoked = row.revoked_at is not None
    row.revoked_at = None
    if was_revoked:
        feed.emit(session, [(ChangeTopic.REGISTER, row.id, {"id": row.id, "store_id": row.store_id, "revoked": False})])
    return row, token


def authenticate(session: Session, token: str | None, *, lock: bool = False) -> RegisterRow:
    if not token:
        raise Unauthorized("missing bearer token")
    query = sa.select(RegisterRow).where(RegisterRow.token_hash == _hash(token))
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise Unauthorized("unknown register credential")
    if row.revoked_at is not None:
        raise RegisterRevoked(f"register {row.id} was revoked; pair it again")
    return row


def revoke(session: Session, register_id: str) -> None:
    row = session.get(RegisterRow, register_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no register {register_id}")
    row.revoked_at = utcnow()
    row.pairing_code_hash = None
    feed.emit(session, [(ChangeTopic.REGISTER, row.id, {"id": row.id, "store_id": row.store_id, "revoked": True})])


def ensure_central_register(session: Session) -> RegisterRow:
    row = session.get(RegisterRow, CENTRAL_REGISTER_ID, with_for_update=True)
    if row is None:
        row = RegisterRow(id=CENTRAL_REGISTER_ID, store_id="HQ", name="central", acked_seq=0, created_at=utcnow())
        session.add(row)
        session.flush()
    return row
