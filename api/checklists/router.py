"""五到户 / 五个到户: the scheme's checklist per household per period, and an area's roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.checklists.schemas import (
    AreaChecklistOut,
    ChecklistGroupOut,
    HouseholdChecklistOut,
    ItemOut,
    ItemRollupOut,
)
from api.common import IsoAwareDateTime, PathId
from api.deps import ClockDep, ScopeDep, SessionDep, require
from domain.kernel.access import Permission
from domain.kernel.errors import RuleBroken
from domain.kernel.org import nearest_of
from domain.schemes.model import SchemeParams, required_scheme
from domain.schemes.services import params_by_level
from domain.visits.model import Period, checklist_status, period_of
from persistence.checklists.queries import org_units_under, rollup
from persistence.org.store import SqlOrgRepository
from persistence.registers.store import SqlHouseholdRepository
from persistence.schemes.store import SqlSchemeRepository
from persistence.visits.store import checklist_ticks

router = APIRouter(tags=["checklists"])


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
    out = [
        _rollup(session, scope, key, org.path if len(groups) == 1 else ids, period_of(when, key[1]))
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
    for org_id, org_path in org_units_under(session, path):
        groups.setdefault(keys[nearest_of(org_path, keys)], []).append(org_id)
    return groups


def _rollup(
    session: SessionDep,
    scope: ScopeDep,
    key: ChecklistKey,
    area: str | list[int],
    period: Period,
) -> ChecklistGroupOut:
    """One checklist's roll-up over an area: the whole subtree at a path (one checklist
    throughout, the common case) or the org units listed."""
    template, months = key
    total, complete, done = rollup(
        session,
        scope,
        template=template,
        start=period.start,
        end=period.end,
        area_path=area if isinstance(area, str) else None,
        org_ids=area if isinstance(area, list) else (),
    )
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
