"""Read side: org unit lists, and one org unit in the caller's reach."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.org import OrgLevel, OrgUnit
from persistence.org.store import SqlOrgRepository, org_to_domain
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _page, _text
from persistence.scoping import in_subtree


def list_orgs(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    parent_id: int | None = None,
    level: OrgLevel | None = None,
) -> Page[OrgUnit]:
    stmt = select(OrgUnitRow).where(in_subtree(OrgUnitRow.path, _area_path(session, scope, under)))
    if parent_id is not None:
        stmt = stmt.where(OrgUnitRow.parent_id == parent_id)
    if level is not None:
        stmt = stmt.where(OrgUnitRow.level == level.value)
    if (clause := _text(OrgUnitRow.name, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {
        "name": OrgUnitRow.name,
        "id": OrgUnitRow.id,
        "path": OrgUnitRow.path,
        "code": OrgUnitRow.code,
    }
    rows, total = _page(session, stmt, window, _order(window, allowed, OrgUnitRow.path))
    return Page([org_to_domain(r) for r in rows], total, window.limit, window.offset)


def org_by_code(session: Session, scope: Scope, code: str) -> OrgUnit | None:
    """The org unit of the caller's subtree that has this code (机构编码), if any."""
    row = session.scalar(
        select(OrgUnitRow).where(
            OrgUnitRow.code == code, in_subtree(OrgUnitRow.path, scope.org_path)
        )
    )
    return None if row is None else org_to_domain(row)


def get_org(session: Session, scope: Scope, org_id: int) -> OrgUnit:
    """The org unit, or ``org.not_found`` when outside the caller's reach."""
    return SqlOrgRepository(session).get(org_id, scope)
