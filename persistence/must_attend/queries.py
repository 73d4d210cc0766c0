"""Read side of must-attend events (五必到): an area's events a page at a time, a household's
history, a member's open tasks, and the names a list shows with them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, aliased

from domain.kernel.access import Scope
from domain.must_attend.model import EventStatus, MustAttendEvent
from persistence.assignment.tables import AssignmentRow
from persistence.must_attend.store import SqlEventStore, event_to_domain, events_with_member
from persistence.must_attend.tables import MustAttendEventRow
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _text
from persistence.registers.queries import get_household, get_member
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import household_scope


def area_events(
    session: Session,
    scope: Scope,
    org_id: int,
    window: Window,
    *,
    status: EventStatus | None = None,
    now: datetime,
) -> Page[MustAttendEvent]:
    """The events of the households the caller sees in the area, newest reported first; with
    ``status``, only those in it at ``now`` — filtered in the query, so a page counts matching
    events (the branch looking for missed ones must not get only the missed among the newest
    hundred). ``q`` searches the head's name; ``sort`` takes reported_at, deadline or id."""
    e = MustAttendEventRow
    found = [household_scope(scope, _area_path(session, scope, org_id))]
    if status is not None:
        found.append(_in_status(status, now))
    if (clause := _text(HouseholdRow.head_name, window.q)) is not None:
        found.append(clause)
    allowed = {"reported_at": e.reported_at, "deadline": e.deadline, "id": e.id}
    order = [*_order(window, allowed, e.reported_at.desc()), e.id.desc()]
    total = session.scalar(
        select(func.count())
        .select_from(e)
        .join(HouseholdRow, HouseholdRow.id == e.household_id)
        .where(*found)
    )
    rows = session.execute(
        events_with_member()
        .join(HouseholdRow, HouseholdRow.id == e.household_id)
        .where(*found)
        .order_by(*order)
        .limit(window.limit)
        .offset(window.offset)
    )
    return Page(
        [event_to_domain(r, member) for r, member in rows],
        total or 0,
        window.limit,
        window.offset,
    )


def household_events(session: Session, scope: Scope, household_id: int) -> list[MustAttendEvent]:
    """Every event of a household in the caller's reach, newest first (its history)."""
    get_household(session, scope, household_id)
    return SqlEventStore(session).of_household(household_id)


def member_tasks(session: Session, scope: Scope, member_id: int) -> list[MustAttendEvent]:
    """``open_tasks`` of a member in the caller's reach."""
    get_member(session, scope, member_id)
    return open_tasks(session, scope, member_id)


def open_tasks(session: Session, scope: Scope, member_id: int) -> list[MustAttendEvent]:
    """The member's tasks: the unattended events of the households they look after today,
    whoever they were reported to, less the cancelled ones; soonest deadline first."""
    e = MustAttendEventRow
    # An alias: ``household_scope`` of a member looks for their assignment in a subquery of
    # its own, which would otherwise take this one's table as its outer one.
    a = aliased(AssignmentRow)
    rows = session.scalars(
        select(e)
        .join(HouseholdRow, HouseholdRow.id == e.household_id)
        .join(
            a,
            and_(a.household_id == e.household_id, a.member_id == member_id, a.ended_on.is_(None)),
        )
        .where(e.visit_id.is_(None), e.cancelled_at.is_(None), household_scope(scope))
        .order_by(e.deadline, e.id)
    )
    return [event_to_domain(r, member_id) for r in rows]


class EventNames(NamedTuple):
    """Who and where an event is about, as a list shows it."""

    head_name: str
    area_name: str  # the household's grid (or village)
    member_name: str | None  # of the event's ``member_id``: whose task it is now
    reported_to_name: str | None = None  # of ``reported_to``: the contact member at the report


def event_names(session: Session, events: Sequence[MustAttendEvent]) -> dict[int, EventNames]:
    """The names of many events' households, areas and members in two queries (a list page
    asked for each household and member one by one). The member named is the event's
    ``member_id`` as read (whose task it is now), not the one it was reported to."""
    if not events:
        return {}
    places = session.execute(
        select(MustAttendEventRow.id, HouseholdRow.head_name, OrgUnitRow.name)
        .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
        .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
        .where(MustAttendEventRow.id.in_([e.id for e in events]))
    ).all()
    ids = {m for e in events for m in (e.member_id, e.reported_to) if m is not None}
    members = _member_names(session, ids)
    by_id = {e.id: e for e in events}
    return {
        event_id: EventNames(
            head,
            area,
            members.get(by_id[event_id].member_id or 0),
            members.get(by_id[event_id].reported_to or 0),
        )
        for event_id, head, area in places
    }


def _member_names(session: Session, member_ids: set[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = session.execute(select(MemberRow.id, MemberRow.name).where(MemberRow.id.in_(member_ids)))
    return dict(rows.all())


def _in_status(status: EventStatus, now: datetime) -> ColumnElement[bool]:
    """``MustAttendEvent.status`` as SQL (domain/must_attend.py keeps the rule; this mirrors it
    for filtering and is checked against it by tests/e2e/test_must_attend.py)."""
    e = MustAttendEventRow
    match status:
        case EventStatus.OPEN:
            return and_(e.cancelled_at.is_(None), e.attended_at.is_(None), e.deadline >= now)
        case EventStatus.MISSED:
            return and_(e.cancelled_at.is_(None), e.attended_at.is_(None), e.deadline < now)
        case EventStatus.CANCELLED:
            return e.cancelled_at.is_not(None)
        case EventStatus.ATTENDED:
            return and_(e.attended_at.is_not(None), e.attended_at <= e.deadline)
        case EventStatus.LATE:
            return and_(e.attended_at.is_not(None), e.attended_at > e.deadline)
