"""The one place where a ``Scope`` becomes SQL. Every query on scoped data goes through here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from domain.kernel.access import Scope
from domain.kernel.org import subtree_bounds
from persistence.assignment.tables import AssignmentRow
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import HouseholdRow, MemberRow


def in_subtree(path_column: InstrumentedAttribute[Any], path: str) -> ColumnElement[bool]:
    """Indexed range scan over materialised paths; whole segments only (see subtree_bounds)."""
    low, high = subtree_bounds(path)
    return _in_range(path_column, low, high)


def _in_range(path_column: InstrumentedAttribute[Any], low: Any, high: Any) -> ColumnElement[bool]:
    return and_(path_column >= low, path_column < high)


def household_scope(scope: Scope, area: str | None = None) -> ColumnElement[bool]:
    """Households the caller may see, optionally narrowed to an area inside their scope (one
    subtree test: the area's range lies within the scope's)."""
    low, high = subtree_bounds(_narrowed(scope, area))
    own = (scope.member_id or -1) if scope.own_households_only else None
    return household_rule(low, high, own)


def household_rule(low: Any, high: Any, own: Any | None) -> ColumnElement[bool]:
    """``household_scope`` over values or bound parameters (a statement built once and run
    with each caller's values): households in the org subtree [low, high), and only those
    the member ``own`` looks after today when given."""
    clause: ColumnElement[bool] = HouseholdRow.org_id.in_(
        select(OrgUnitRow.id).where(_in_range(OrgUnitRow.path, low, high))
    )
    if own is not None:
        clause = and_(
            clause,
            exists().where(
                AssignmentRow.household_id == HouseholdRow.id,
                AssignmentRow.member_id == own,
                AssignmentRow.ended_on.is_(None),
            ),
        )
    return clause


def authored_scope(scope: Scope, author: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Records on households (a visit, its photos, a draft raised from it) the caller may
    reach: those of the households they may see, and an ordinary member's own — ``author`` is
    the record's member — on any household of their subtree. A visit kept by sync rule 3, its
    household given to another while the member was offline, stays its author's with what
    hangs on it: the photos, ticks and draft that follow it from the phone."""
    if not scope.own_households_only:
        return household_scope(scope)
    low, high = subtree_bounds(scope.org_path)
    own = scope.member_id or -1
    return or_(household_rule(low, high, own), and_(author == own, household_rule(low, high, None)))


def member_scope(scope: Scope, area: str | None = None) -> ColumnElement[bool]:
    low, high = subtree_bounds(_narrowed(scope, area))
    own = (scope.member_id or -1) if scope.own_households_only else None
    return member_rule(low, high, own)


def member_rule(low: Any, high: Any, own: Any | None) -> ColumnElement[bool]:
    """``member_scope`` over values or bound parameters; an ordinary member (``own``) sees
    their own record only."""
    clause: ColumnElement[bool] = MemberRow.org_id.in_(
        select(OrgUnitRow.id).where(_in_range(OrgUnitRow.path, low, high))
    )
    if own is not None:
        clause = and_(clause, MemberRow.id == own)
    return clause


def _narrowed(scope: Scope, area: str | None) -> str:
    if area is None:
        return scope.org_path
    if not scope.covers(area):
        raise ValueError("area outside the scope")  # callers resolve areas through the scope
    return area
