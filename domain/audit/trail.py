"""The audit trail (操作日志) as a subscriber of the domain events: each change's entry, with
the record before and after as the event carries it, written in the change's own transaction
(so the log stays complete: no change without its entry). Append-only at the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.audit.model import AuditAction, AuditEntry
from domain.kernel.events import Change, JsonValue, handlers
from domain.kernel.unit_of_work import UnitOfWork


def _snapshot(plain_value: JsonValue) -> dict[str, Any]:
    return plain_value if isinstance(plain_value, dict) else {"value": plain_value}


def entry_of(event: Change) -> AuditEntry:
    """The audit entry of one change event: its before and after as the event's payload (the
    outbox row's) already holds them in JSON, so a record is turned into JSON once."""
    payload = event.payload()
    return AuditEntry(
        at=event.at,
        actor=event.actor,
        action=AuditAction(event.action),
        entity=event.record_kind(),
        entity_id=None if event.entity_id is None else str(event.entity_id),
        org_path=event.org_path,
        before=_snapshot(payload["before"]) if event.before is not None else None,
        after=_snapshot(payload["after"]) if event.after is not None else None,
        request_id=event.request_id,
    )


@handlers.in_transaction(Change)
def audit_changes(events: Sequence[Change], uow: UnitOfWork) -> None:
    """Every change leaves its entry, the transaction's together in one insert."""
    uow.audit.add_many([entry_of(e) for e in events])
