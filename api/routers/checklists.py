"""五到户 / 五个到户: the scheme's checklist per household per period, and an area's roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, select

from api.deps import ClockDep, ScopeDep, SessionDep, require
from api.schemas.common import IsoAwareDateTime, PathId
from domain.access import Permission
from domain.errors import RuleBroken
from domain.org import nearest_of
from domain.scheme import SchemeParams, required_scheme
from domain.services.schemes import params_by_level
from domain.visit import Period, checklist_status, period_of
from persistence.repositories import SqlHouseholdRepository, SqlOrgRepository, SqlSchemeRepository
from persistence.scoping import household_scope, in_subtree
from persistence.tables import ACTIVE_HOUSEHOLD, HouseholdRow, OrgUnitRow
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


class ChecklistGroupOut(BaseModel):
    """The households of the levels that use one checklist (template and period)."""

    checklist: list[str]
    checklist_period_months: int
    period_start: datetime
    period_end: datetime
    households: int
    households_complete: int
    items: list[ItemRollupOut]


class AreaChecklistOut(BaseModel):
    org_id: int
    period_start: datetime
    period_end: datetime
    households: int = Field(description="按本级清单统计的农户（下级另用清单者见 groups）")
    households_complete: int
    items: list[ItemRollupOut]
    groups: list[ChecklistGroupOut] = Field(
        default_factory=list,
        description="区域内所用的每种清单（模板或周期不同的下级各成一组），第一组为本级的",
    )


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
    at: Annotated[IsoAwareDateTime | None, Query(description="所在时期，默认当前")] = None,
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
    at: Annotated[IsoAwareDateTime | None, Query(description="所在时期，默认当前")] = None,
) -> AreaChecklistOut:
    """Each household is judged by the checklist in force for its own level: a township that
    chose another scheme below a county has its own template (or period), rolled up apart in
    ``groups``; the answer's own figures are those of the area's template."""
    org = SqlOrgRepository(session).get(org_id, scope)
    params = _params(session, org.path)
    when = at or clock()
    groups = _org_ids_by_checklist(session, org.path, params)
    # One checklist throughout (the common case): the area's households by its subtree, not by
    # a list of its (for a city, thousands of) org ids.
    whole = select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, org.path))
    out = [
        _rollup(session, scope, key, whole if len(groups) == 1 else ids, period_of(when, key[1]))
        for key, ids in groups.items()
        if key[0]  # a level whose scheme has no checklist has nothing to roll up
    ]
    own = out[0]  # the area's own template comes first (dicts keep their order)
    return AreaChecklistOut(
        org_id=org.id,
        period_start=own.period_start,
        period_end=own.period_end,
        households=own.households,
        households_complete=own.households_complete,
        items=own.items,
        groups=out,
    )


ChecklistKey = tuple[tuple[str, ...], int]  # the template and its period in months


def _org_ids_by_checklist(
    session: SessionDep, path: str, params: SchemeParams
) -> dict[ChecklistKey, list[int]]:
    """The area's org ids by the checklist in force for each (that of its nearest level with a
    binding of its own), the area's own first."""
    keys: dict[str, ChecklistKey] = {
        p: (level.checklist, level.checklist_period_months)
        for p, level in params_by_level(SqlSchemeRepository(session), path, params).items()
    }
    groups: dict[ChecklistKey, list[int]] = {keys[path]: []}
    for org_id, org_path in session.execute(
        select(OrgUnitRow.id, OrgUnitRow.path).where(in_subtree(OrgUnitRow.path, path))
    ):
        groups.setdefault(keys[nearest_of(org_path, keys)], []).append(org_id)
    return groups


def _rollup(
    session: SessionDep,
    scope: ScopeDep,
    key: ChecklistKey,
    org_ids: list[int] | Select[int],
    period: Period,
) -> ChecklistGroupOut:
    template, months = key
    ids = select(HouseholdRow.id).where(
        household_scope(scope),
        HouseholdRow.org_id.in_(org_ids),
        HouseholdRow.status == ACTIVE_HOUSEHOLD,  # moved out, archived: not judged
    )
    total, complete, done = checklist_rollup(session, ids, template, period.start, period.end)
    return ChecklistGroupOut(
        checklist=list(template),
        checklist_period_months=months,
        period_start=period.start,
        period_end=period.end,
        households=total,
        households_complete=complete,
        items=[
            ItemRollupOut(
                item=item,
                households_done=done[item],
                rate=round(done[item] / total, 4) if total else 0.0,
            )
            for item in template
        ],
    )
