"""The one place where a ``Scope`` becomes SQL. Every query on scoped data goes through here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import InstrumentedAttribute

from domain.access import Scope
from domain.org import subtree_bounds
from persistence.tables import AssignmentRow, HouseholdRow, MemberRow, OrgUnitRow


def in_subtree(path_column: InstrumentedAttribute[Any], path: str) -> ColumnElement[bool]:
    """Indexed range scan over materialised paths; whole segments only (see subtree_bounds)."""
    low, high = subtree_bounds(path)
    return and_(path_column >= low, path_column < high)


def household_scope(scope: Scope, area: str | None = None) -> ColumnElement[bool]:
    """Households the caller may see, optionally narrowed to an area inside their scope (one
    subtree test: the area's range lies within the scope's)."""
    path = _narrowed(scope, area)
    clause: ColumnElement[bool] = HouseholdRow.org_id.in_(
        select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, path))
    )
    if scope.own_households_only:
        own = exists().where(
            AssignmentRow.household_id == HouseholdRow.id,
            AssignmentRow.member_id == (scope.member_id or -1),
            AssignmentRow.ended_on.is_(None),
        )
        clause = and_(clause, own)
    return clause


def member_scope(scope: Scope, area: str | None = None) -> ColumnElement[bool]:
    path = _narrowed(scope, area)
    clause: ColumnElement[bool] = MemberRow.org_id.in_(
        select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, path))
    )
    if scope.own_households_only:
        # An ordinary member sees their own record only.
        clause = and_(clause, MemberRow.id == (scope.member_id or -1))
    return clause


def _narrowed(scope: Scope, area: str | None) -> str:
    if area is None:
        return scope.org_path
    if not scope.covers(area):
        raise ValueError("area outside the scope")  # callers resolve areas through the scope
    return area
