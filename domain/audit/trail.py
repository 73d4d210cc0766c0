"""Turning domain objects into audit snapshots and recording them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from domain.audit.model import AuditAction, AuditEntry
from domain.audit.ports import AuditRepository
from domain.kernel.access import Scope


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
