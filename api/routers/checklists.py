"""五到户 / 五个到户: the scheme's checklist per household per period, and an area's roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import select

from api.deps import ClockDep, ScopeDep, SessionDep, require
from api.schemas.common import PathId
from domain.access import Permission
from domain.errors import RuleBroken
from domain.scheme import SchemeParams, required_scheme
from domain.visit import Period, checklist_status, period_of
from persistence.repositories import SqlHouseholdRepository, SqlOrgRepository, SqlSchemeRepository
from persistence.scoping import household_scope, in_subtree
from persistence.tables import HouseholdRow, OrgUnitRow
from persistence.visits import checklist_rollup, checklist_ticks

router = APIRouter(tags=["checklists"])


class ItemOut(BaseModel):
    item: str
    done: bool
    visit_ids: list[int]


class HouseholdChecklistOut(BaseModel):
    household_id: int
    period_start: datetime
    period_end: datetime
    complete: bool
    items: list[ItemOut]


class ItemRollupOut(BaseModel):
    item: str
    households_done: int
    rate: float


class AreaChecklistOut(BaseModel):
    org_id: int
    period_start: datetime
    period_end: datetime
    households: int
    households_complete: int
    items: list[ItemRollupOut]


def _params(session: SessionDep, path: str) -> SchemeParams:
    params = required_scheme(SqlSchemeRepository(session).bindings_on_path(path)).params
    if not params.checklist:
        raise RuleBroken("checklist.none", "该联户模式没有到户清单", field="org_id")
    return params


def _period(params: SchemeParams, at: datetime) -> Period:
    return period_of(at, params.checklist_period_months)


@router.get(
    "/households/{household_id}/checklist",
    response_model=HouseholdChecklistOut,
    summary="农户本期到户清单（由走访勾选得出，附证据）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_checklist(
    household_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    clock: ClockDep,
    at: Annotated[AwareDatetime | None, Query(description="所在时期，默认当前")] = None,
) -> HouseholdChecklistOut:
    household = SqlHouseholdRepository(session).get(household_id, scope)
    org = SqlOrgRepository(session).get(household.org_id, scope)
    params = _params(session, org.path)
    period = _period(params, at or clock())
    ticks = checklist_ticks(session, [household_id], period.start, period.end)[household_id]
    status = checklist_status(params.checklist, ticks)
    return HouseholdChecklistOut(
        household_id=household_id,
        period_start=period.start,
        period_end=period.end,
        complete=all(status.values()),
        items=[ItemOut(item=i, done=bool(v), visit_ids=v) for i, v in status.items()],
    )


@router.get(
    "/org-units/{org_id}/checklist",
    response_model=AreaChecklistOut,
    summary="区域本期到户清单完成情况（逐项）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def area_checklist(
    org_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    clock: ClockDep,
    at: Annotated[AwareDatetime | None, Query(description="所在时期，默认当前")] = None,
) -> AreaChecklistOut:
    org = SqlOrgRepository(session).get(org_id, scope)
    params = _params(session, org.path)
    period = _period(params, at or clock())
    ids = select(HouseholdRow.id).where(
        household_scope(scope),
        HouseholdRow.org_id.in_(select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, org.path))),
    )
    total, complete, done = checklist_rollup(
        session, ids, params.checklist, period.start, period.end
    )
    items = [
        ItemRollupOut(
            item=item,
            households_done=done[item],
            rate=round(done[item] / total, 4) if total else 0.0,
        )
        for item in params.checklist
    ]
    return AreaChecklistOut(
        org_id=org.id,
        period_start=period.start,
        period_end=period.end,
        households=total,
        households_complete=complete,
        items=items,
    )
