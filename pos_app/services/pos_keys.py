"""The till's keys for the POS API: made on the register, shown once, kept as a hash.

`pos-companion pos-key add NAME` makes a random key (256 bits, URL-safe) and
prints it once; the register keeps only its SHA-256, which is enough for a
key with that much randomness (a PIN, by contrast, needs a slow hash). A till
sends it as `Authorization: Bearer <key>`; `key_name` answers which till it is,
or None for a key that was never made or has been removed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from pos_app.services.outcome import Refused
from pos_app.storage.pos_api import PosKey
from pos_app.storage.unit_of_work import UnitOfWork

KEY_PREFIX = "posk_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A key just made: `key` is shown once and never stored."""

    name: str
    key: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def add_key(uow: UnitOfWork, name: str, *, now: datetime) -> IssuedKey | Refused:
    """A new key for the till called `name` (letters, digits, `.`, `_`, `-`; at most 32)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return Refused("bad_key_name", f"key name {str(name)[:40]!r}: letters, digits, '.', '_' or '-', at most 32")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with uow:
        if uow.pos_keys.exists(name):
            return Refused("key_exists", f"a key named {name!r} exists: remove it first, or choose another name")
        uow.pos_keys.add(name, key_hash(key), now)
        uow.commit()
    return IssuedKey(name, key)


def remove_key(uow: UnitOfWork, name: str) -> str | Refused:
    """Remove the key called `name`: the till using it is refused from its next call."""
    with uow:
        if not uow.pos_keys.remove(name):
            return Refused("unknown_key", f"no key named {name!r}")
        uow.commit()
    return name


def list_keys(uow: UnitOfWork) -> list[PosKey]:
    with uow:
        return uow.pos_keys.all()


def key_name(uow: UnitOfWork, presented: str) -> str | None:
    """The name of the till whose key was presented, or None."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 200:
        return None
    with uow:
        return uow.pos_keys.name_for(key_hash(presented))


__all__ = ["KEY_PREFIX", "IssuedKey", "add_key", "key_hash", "key_name", "list_keys", "remove_key"]
