"""The audit log: checking its hash chain (see `pos_app.domain.audit_chain`) and reading it with names.

`audit_log` returns the records with the names of the people they mention
(customers by id, register accounts by id), looked up once, so a manager
reads "Zoë Martin" where the record keeps `C000001`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pos_app.domain.audit_chain import AuditRecord, ChainVerification, verify_chain
from pos_app.storage.unit_of_work import UnitOfWork

# Detail keys that hold a customer's id, in the records the services write.
CUSTOMER_KEYS = ("customer", "from", "to")


@dataclass(frozen=True, slots=True)
class AuditLog:
    """The audit records, oldest first, and the names of the people they mention, by id."""

    records: tuple[AuditRecord, ...]
    names: dict[str, str] = field(default_factory=dict)


def verify_audit_chain(uow: UnitOfWork) -> ChainVerification:
    """Recompute every link; `ok` is False with the first record that was edited, inserted or removed."""
    with uow:
        return verify_chain(uow.audit.records())


def audit_records(uow: UnitOfWork) -> list[AuditRecord]:
    with uow:
        return uow.audit.records()


def audit_log(uow: UnitOfWork) -> AuditLog:
    """Every record, with the names of the customers and register accounts it mentions."""
    with uow:
        records = uow.audit.records()
        names = {account.id: account.name for account in uow.users.all()}
        customers = {str(r.details[key]) for r in records for key in CUSTOMER_KEYS
                     if isinstance(r.details.get(key), str)}
        for customer_id in customers - names.keys():
            customer = uow.customers.get(customer_id)
            if customer is not None:
                names[customer_id] = customer.name
    return AuditLog(tuple(records), names)


__all__ = ["CUSTOMER_KEYS", "AuditLog", "audit_log", "audit_records", "verify_audit_chain"]
