"""Read side of the checklists (五到户): the org units of an area and the roll-up of the households
judged in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import ACTIVE_HOUSEHOLD, HouseholdRow
from persistence.scoping import household_scope, in_subtree
from persistence.visits.store import checklist_rollup


def org_units_under(session: Session, path: str) -> list[tuple[int, str]]:
    """(id, path) of every org unit in the subtree at ``path``, the unit itself included."""
    rows = session.execute(
        select(OrgUnitRow.id, OrgUnitRow.path).where(in_subtree(OrgUnitRow.path, path))
    )
    return [(org_id, org_path) for org_id, org_path in rows]


def rollup(
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
