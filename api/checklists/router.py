"""五到户 / 五个到户: the scheme's checklist per household per period, and an area's roll-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.checklists.schemas import AreaChecklistOut, ChecklistGroupOut, HouseholdChecklistOut
from api.common import IsoAwareDateTime, PathId
from api.deps import ClockDep, ScopeDep, SessionDep, require
from domain.kernel.access import Permission
from persistence.checklists import queries as checklists

router = APIRouter(tags=["checklists"])


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
    return HouseholdChecklistOut.from_checklist(
        checklists.household_checklist(session, scope, household_id, at=at or clock())
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
    groups = [
        ChecklistGroupOut.from_rollup(r)
        for r in checklists.area_checklist(session, scope, org_id, at=at or clock())
    ]
    own = groups[0]  # the area's own template comes first
    return AreaChecklistOut(
        org_id=org_id,
        period_start=own.period_start,
        period_end=own.period_end,
        households=own.households,
        households_complete=own.households_complete,
        items=own.items,
        groups=groups,
    )
