"""Use cases of the register: functions over a unit of work that return values.

Each use case opens its unit of work (`with uow:`), commits when it has done
its work and returns a result value; a business refusal is returned as a
`Refused` value with a reason code, never raised, and then nothing is written
(except what the refusal itself must record, e.g. a wrong PIN's count).
"""
