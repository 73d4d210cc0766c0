"""Read side: the audit log, filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from persistence.audit.tables import AuditRow
from persistence.paging import Page, Window, _area_path, _order, _page, _text
from persistence.scoping import in_subtree


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_audit(
    session: Session, scope: Scope, window: Window, flt: AuditFilter, *, under: int | None = None
) -> Page[AuditRow]:
    path = _area_path(session, scope, under)
    stmt = select(AuditRow).where(in_subtree(AuditRow.org_path, path))
    for column, value in (
        (AuditRow.actor, flt.actor),
        (AuditRow.entity, flt.entity),
        (AuditRow.entity_id, flt.entity_id),
        (AuditRow.action, flt.action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if flt.since is not None:
        stmt = stmt.where(AuditRow.at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditRow.at < flt.until)
    actor, record = _text(AuditRow.actor, window.q), _text(AuditRow.entity_id, window.q)
    if actor is not None and record is not None:  # free text: who did it, or which record
        stmt = stmt.where(or_(actor, record))
    order = _order(window, {"at": AuditRow.at, "id": AuditRow.id}, AuditRow.id.desc())
    rows, total = _page(session, stmt, window, order)
    return Page(rows, total, window.limit, window.offset)
