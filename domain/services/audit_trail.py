"""The audit trail (操作日志) as a subscriber of the domain events: each change's entry, with
the record before and after as the event carries it, written in the change's own transaction
(so the log stays complete: no change without its entry). Append-only at the database."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from domain.access import Scope
from domain.audit import AuditAction, AuditEntry
from domain.events import Change
from domain.kernel.events import handlers
from domain.ports import AuditRepository, UnitOfWork


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: object) -> dict[str, Any]:
    """A JSON-ready copy of a domain object for the audit log."""
    plain = _plain(obj)
    return plain if isinstance(plain, dict) else {"value": plain}


def entry(
    scope: Scope,
    *,
    action: AuditAction,
    entity: str,
    entity_id: object,
    org_path: str | None,
    at: datetime,
    before: object | None = None,
    after: object | None = None,
) -> AuditEntry:
    """The audit entry of one change, as the caller made it."""
    return AuditEntry(
        at=at,
        actor=scope.actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        org_path=org_path,
        before=snapshot(before) if before is not None else None,
        after=snapshot(after) if after is not None else None,
    )


def record(
    audit: AuditRepository,
    scope: Scope,
    *,
    action: AuditAction,
    entity: str,
    entity_id: object,
    org_path: str | None,
    at: datetime,
    before: object | None = None,
    after: object | None = None,
) -> None:
    """Record one change."""
    audit.add(
        entry(
            scope,
            action=action,
            entity=entity,
            entity_id=entity_id,
            org_path=org_path,
            at=at,
            before=before,
            after=after,
        )
    )


def entry_of(event: Change) -> AuditEntry:
    """The audit entry of one change event."""
    return AuditEntry(
        at=event.at,
        actor=event.actor,
        action=AuditAction(event.action),
        entity=event.record_kind(),
        entity_id=None if event.entity_id is None else str(event.entity_id),
        org_path=event.org_path,
        before=snapshot(event.before) if event.before is not None else None,
        after=snapshot(event.after) if event.after is not None else None,
        request_id=event.request_id,
    )


@handlers.in_transaction(Change)
def audit_changes(events: Sequence[Change], uow: UnitOfWork) -> None:
    """Every change leaves its entry, the transaction's together in one insert."""
    uow.audit.add_many([entry_of(e) for e in events])
