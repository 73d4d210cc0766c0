"""Audit entries for writes the routers make on a plain session (accounts and keys):
each is said as its domain event, written to the outbox with its audit entry in the session's
transaction (``record_on``); services working through a unit of work emit their own."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session

from domain.accounts.events import (
    ApiKeyCreated,
    ApiKeyRevoked,
    UserCreated,
    UserUnlocked,
    UserUpdated,
)
from domain.audit.model import AuditAction
from domain.kernel.access import Scope
from domain.kernel.events import Change
from persistence.unit_of_work import record_on

EVENTS: Final[dict[tuple[str, AuditAction], type[Change]]] = {
    (e.entity, AuditAction(e.action)): e
    for e in (
        UserCreated,
        UserUpdated,
        UserUnlocked,
        ApiKeyCreated,
        ApiKeyRevoked,
    )
}


def audit_write(
    session: Session,
    scope: Scope,
    *,
    action: AuditAction,
    entity: str,
    entity_id: int,
    org_path: str,
    at: datetime,
    before: object | None = None,
    after: object | None = None,
) -> None:
    record_on(
        session,
        EVENTS[entity, action](
            actor=scope.actor,
            entity_id=entity_id,
            org_path=org_path,
            at=at,
            before=before,
            after=after,
        ),
    )
