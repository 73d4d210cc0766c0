"""Read side of the checklists (五到户): a household's checklist for a period, with the visits
that ticked each item, and an area's roll-up, each household judged by the checklist in force
for its own level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import RuleBroken
from domain.kernel.org import nearest_of
from domain.schemes.model import SchemeParams, required_scheme
from domain.schemes.services import params_by_level
from domain.visits.model import Period, checklist_status, period_of
from persistence.org.queries import get_org
from persistence.org.tables import OrgUnitRow
from persistence.registers.queries import get_household
from persistence.registers.tables import ACTIVE_HOUSEHOLD, HouseholdRow
from persistence.schemes.store import SqlSchemeRepository
from persistence.scoping import household_scope, in_subtree
from persistence.visits.store import checklist_rollup, checklist_ticks


@dataclass(frozen=True)
class HouseholdChecklist:
    household_id: int
    period: Period
    items: dict[str, list[int]]  # each item of the template with the visits that ticked it


def household_checklist(
    session: Session, scope: Scope, household_id: int, *, at: datetime
) -> HouseholdChecklist:
    """The checklist of a household in the caller's reach for the period containing ``at``,
    by the scheme in force for the household's level."""
    household = get_household(session, scope, household_id)
    params = _checklist_params(session, get_org(session, scope, household.org_id).path)
    period = period_of(at, params.checklist_period_months)
    ticks = checklist_ticks(session, [household_id], period.start, period.end)[household_id]
    return HouseholdChecklist(household_id, period, checklist_status(params.checklist, ticks))


ChecklistKey = tuple[tuple[str, ...], int]  # the template and its period in months


@dataclass(frozen=True)
class ChecklistRollup:
    """The households of the levels that use one checklist (template and period)."""

    template: tuple[str, ...]
    period_months: int
    period: Period
    households: int  # judged: active, in the caller's reach
    households_complete: int  # with every item ticked
    households_done: dict[str, int]  # with each item ticked


def area_checklist(
    session: Session, scope: Scope, org_id: int, *, at: datetime
) -> list[ChecklistRollup]:
    """The roll-up of an area in the caller's reach, one per checklist in force in it (a
    township that chose another scheme below a county has its own template or period), the
    area's own first; for the periods containing ``at``."""
    org = get_org(session, scope, org_id)
    groups = _org_ids_by_checklist(session, org.path, _checklist_params(session, org.path))
    return [
        _rollup(session, scope, key, org.path if len(groups) == 1 else ids, period_of(at, key[1]))
        for key, ids in groups.items()
        if key[0]  # a level whose scheme has no checklist has nothing to roll up
    ]


def _checklist_params(session: Session, path: str) -> SchemeParams:
    params = required_scheme(SqlSchemeRepository(session).bindings_on_path(path)).params
    if not params.checklist:
        raise RuleBroken("checklist.none", "该联户模式没有到户清单", field="org_id")
    return params


def _org_ids_by_checklist(
    session: Session, path: str, params: SchemeParams
) -> dict[ChecklistKey, list[int]]:
    """The area's org ids by the checklist in force for each (that of its nearest level with a
    binding of its own), the area's own first."""
    keys: dict[str, ChecklistKey] = {
        p: (level.checklist, level.checklist_period_months)
        for p, level in params_by_level(SqlSchemeRepository(session), path, params).items()
    }
    groups: dict[ChecklistKey, list[int]] = {keys[path]: []}
    for org_id, org_path in _org_units_under(session, path):
        groups.setdefault(keys[nearest_of(org_path, keys)], []).append(org_id)
    return groups


def _rollup(
    session: Session, scope: Scope, key: ChecklistKey, area: str | list[int], period: Period
) -> ChecklistRollup:
    """One checklist's roll-up over an area: the whole subtree at a path (one checklist
    throughout, the common case) or the org units listed."""
    template, months = key
    total, complete, done = _tally(
        session,
        scope,
        template=template,
        start=period.start,
        end=period.end,
        area_path=area if isinstance(area, str) else None,
        org_ids=area if isinstance(area, list) else (),
    )
    return ChecklistRollup(template, months, period, total, complete, done)


def _org_units_under(session: Session, path: str) -> list[tuple[int, str]]:
    """(id, path) of every org unit in the subtree at ``path``, the unit itself included."""
    rows = session.execute(
        select(OrgUnitRow.id, OrgUnitRow.path).where(in_subtree(OrgUnitRow.path, path))
    )
    return [(org_id, org_path) for org_id, org_path in rows]


def _tally(
    session: Session,
    scope: Scope,
    *,
    template: Sequence[str],
    start: datetime,
    end: datetime,
    area_path: str | None = None,
    org_ids: Sequence[int] = (),
) -> tuple[int, int, dict[str, int]]:
    """(households judged, households complete, households done per item) for the households
    the caller sees in the area at ``area_path`` (one checklist throughout: by the subtree, not by
    a list of a city's thousands of org ids) or in ``org_ids``. Households moved out or archived
    are not judged."""
    in_area = (
        HouseholdRow.org_id.in_(select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, area_path)))
        if area_path is not None
        else HouseholdRow.org_id.in_(list(org_ids))
    )
    ids = select(HouseholdRow.id).where(
        household_scope(scope), in_area, HouseholdRow.status == ACTIVE_HOUSEHOLD
    )
    return checklist_rollup(session, ids, template, start, end)
