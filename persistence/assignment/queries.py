"""Read side: proposal lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from persistence.assignment.tables import ProposalRow
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _total
from persistence.scoping import in_subtree


@dataclass(frozen=True)
class ProposalSummary:
    id: int
    org_id: int
    org_name: str
    scheme: str
    status: str
    mode: str
    created_by: str
    created_at: datetime
    published_at: datetime | None


def list_proposals(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    status: str | None = None,
) -> Page[ProposalSummary]:
    """Assignment proposals (方案) of areas within the caller's reach, newest first."""
    stmt = (
        select(ProposalRow, OrgUnitRow.name)
        .join(OrgUnitRow, OrgUnitRow.id == ProposalRow.org_id)
        .where(in_subtree(OrgUnitRow.path, _area_path(session, scope, under)))
    )
    if status is not None:
        stmt = stmt.where(ProposalRow.status == status)
    order = _order(
        window, {"created_at": ProposalRow.created_at, "id": ProposalRow.id}, ProposalRow.id.desc()
    )
    total = _total(session, stmt)
    rows = session.execute(stmt.order_by(*order).limit(window.limit).offset(window.offset))
    return Page(
        [
            ProposalSummary(
                r.id,
                r.org_id,
                name,
                r.scheme,
                r.status,
                r.mode,
                r.created_by,
                r.created_at,
                r.published_at,
            )
            for r, name in rows
        ],
        total,
        window.limit,
        window.offset,
    )
