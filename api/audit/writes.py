"""Audit entries for writes the routers make on a plain session (accounts, keys, declarations);
services working through a unit of work record their own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from domain.audit.model import AuditAction
from domain.audit.trail import record
from domain.kernel.access import Scope
from persistence.audit.store import SqlAuditRepository


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
    record(
        SqlAuditRepository(session),
        scope,
        action=action,
        entity=entity,
        entity_id=entity_id,
        org_path=org_path,
        at=at,
        before=before,
        after=after,
    )
