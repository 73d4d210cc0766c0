"""Read side of visits: a household's visit log, the contact members of an area with no visit
this month, and what changed for the field app's pull. The store keeps the statements (the idle
members share their predicate with ``SqlVisitStore.area_counts``); these check the caller's
reach first, as the routes did through the stores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.registers.household import Household
from domain.visits.model import IdleMember, Visit
from persistence.org.queries import get_org
from persistence.paging import Page, Window
from persistence.registers.queries import get_household, households_by_id
from persistence.visits.store import SqlVisitStore

# How many idle members ``every_idle_member`` reads at a time.
IDLE_BATCH = 500


def household_visits(
    session: Session, scope: Scope, household_id: int, *, limit: int
) -> list[Visit]:
    """The newest ``limit`` visits of a household in the caller's reach, newest first."""
    get_household(session, scope, household_id)
    return SqlVisitStore(session).of_household(household_id, limit=limit)


def idle_members(
    session: Session, scope: Scope, org_id: int, *, since_month: datetime, window: Window
) -> Page[IdleMember]:
    """A page of the area's contact members with no visit since ``since_month``
    (``SqlVisitStore.idle_members``)."""
    path = get_org(session, scope, org_id).path
    return SqlVisitStore(session).idle_members(scope, path, since_month=since_month, window=window)


def every_idle_member(
    session: Session, scope: Scope, org_id: int, *, since_month: datetime
) -> list[IdleMember]:
    """All of them, in the list's order (an export), read ``IDLE_BATCH`` at a time."""
    path = get_org(session, scope, org_id).path
    store = SqlVisitStore(session)
    found: list[IdleMember] = []
    while True:
        page = store.idle_members(
            scope, path, since_month=since_month, window=Window(limit=IDLE_BATCH, offset=len(found))
        )
        found += page.items
        if not page.items or len(found) >= page.total:
            return found


def changed_since(
    session: Session,
    scope: Scope,
    since: datetime,
    until: datetime,
    *,
    after_household: int = 0,
    after_visit: int = 0,
    limit: int,
) -> tuple[list[Household], list[Visit]]:
    """The caller's households and visits changed in (since, until], each in id order after the
    given ids, at most ``limit`` of each (``SqlVisitStore.changed_since``); the households
    read whole in one query."""
    household_ids, visits = SqlVisitStore(session).changed_since(
        scope, since, until, after_household=after_household, after_visit=after_visit, limit=limit
    )
    return households_by_id(session, scope, household_ids), visits
