"""Checking the audit log's hash chain (see `pos_app.domain.audit_chain`)."""

from __future__ import annotations

from pos_app.domain.audit_chain import AuditRecord, ChainVerification, verify_chain
from pos_app.storage.unit_of_work import UnitOfWork


def verify_audit_chain(uow: UnitOfWork) -> ChainVerification:
    """Recompute every link; `ok` is False with the first record that was edited, inserted or removed."""
    with uow:
        return verify_chain(uow.audit.records())


def audit_records(uow: UnitOfWork) -> list[AuditRecord]:
    with uow:
        return uow.audit.records()


__all__ = ["audit_records", "verify_audit_chain"]
