"""Who may read which report: a register its own store, an admin credential the whole chain.

Admin credentials are made by `pos-central admin-token add NAME` (printed
once) and stored as a SHA-256 hash, like register tokens; they begin with
`admin:` so the two kinds never collide. A register's token gives the report
of the register's store only; asking it for another store or a brand is 403.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sync.central import registers
from sync.central.db import utcnow
from sync.central.errors import CentralError, Forbidden, NotFound, Unauthorized
from sync.central.tables import AdminTokenRow

ADMIN_PREFIX = "admin:"


@dataclass(frozen=True)
class Viewer:
    name: str
    store: str | None  # None: the chain

    def scope(self, store: str | None, brand: str | None) -> tuple[str | None, str | None]:
        """The store and brand this viewer may read for what was asked."""
        if self.store is None:
            return store, brand
        if brand is not None:
            raise Forbidden(f"register {self.name} reads its own store's report only (no brands)")
        if store is not None and store != self.store:
            raise Forbidden(f"register {self.name} reads its own store ({self.store}) only, not {store}")
        return self.store, None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_admin_token(session: Session, name: str) -> str:
    """A new admin credential called `name`; the token is returned once and only its hash is kept."""
    name = name.strip()
    if not name or len(name) > 64:
        raise CentralError("an admin credential needs a name of 1 to 64 characters")
    row = session.get(AdminTokenRow, name, with_for_update=True)
    if row is not None and row.revoked_at is None:
        raise CentralError(f"admin credential {name!r} exists; revoke it first to issue a new one")
    token = f"{ADMIN_PREFIX}{secrets.token_urlsafe(32)}"
    if row is None:
        session.add(AdminTokenRow(name=name, token_hash=_hash(token), created_at=utcnow()))
    else:
        row.token_hash, row.created_at, row.revoked_at = _hash(token), utcnow(), None
    session.flush()
    return token


def revoke_admin_token(session: Session, name: str) -> None:
    row = session.get(AdminTokenRow, name, with_for_update=True)
    if row is None:
        raise NotFound(f"no admin credential {name!r}")
    row.revoked_at = utcnow()


def list_admin_tokens(session: Session) -> list[dict[str, str | None]]:
    return [{"name": r.name, "created_at": r.created_at.isoformat(),
             "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None}
            for r in session.scalars(sa.select(AdminTokenRow).order_by(AdminTokenRow.name))]


def viewer(session: Session, token: str | None) -> Viewer:
    """The reader behind a bearer token; raises 401/403 like every other call."""
    if token and token.startswith(ADMIN_PREFIX):
        row = session.scalars(sa.select(AdminTokenRow).where(AdminTokenRow.token_hash == _hash(token))).first()
        if row is None or row.revoked_at is not None:
            raise Unauthorized("unknown or revoked admin credential")
        return Viewer(row.name, None)
    register = registers.authenticate(session, token)
    return Viewer(register.id, register.store_id)


__all__ = ["ADMIN_PREFIX", "Viewer", "add_admin_token", "list_admin_tokens", "revoke_admin_token", "viewer"]
