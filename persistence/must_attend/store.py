"""Storage of must-attend events (五必到).

The stored ``member_id`` is the household's contact member when the event was reported, and
stays so: the history of whom it was given to (the report's audit entry holds the same). Whose
task an event is now is read with it (``_member_now``): the roster may have changed since."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Select, and_, case, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, aliased

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.must_attend.model import EventStatus, MustAttendEvent
from persistence.assignment.tables import AssignmentRow
from persistence.locks import Lock, serialize
from persistence.must_attend.tables import MustAttendEventRow
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import household_scope
from persistence.visits.tables import VisitRow


def _member_now() -> ColumnElement[int | None]:
    """Whose task an event is (``MustAttendEvent.member_id``): while it is not attended, the
    household's contact member today (its active assignment), not the one it was reported to —
    after a roster the former member must not keep it, nor an event reported while nobody
    looked after the household reach nobody; once attended, the member the attendance visit
    is credited to."""
    e = MustAttendEventRow
    contact = (
        select(AssignmentRow.member_id)
        .where(AssignmentRow.household_id == e.household_id, AssignmentRow.ended_on.is_(None))
        .order_by(AssignmentRow.id.desc())  # one a household; the newest, were there two
        .limit(1)
        .correlate(e)
        .scalar_subquery()
    )
    attended_by = (
        select(VisitRow.member_id).where(VisitRow.id == e.visit_id).correlate(e).scalar_subquery()
    )
    return case((e.visit_id.is_(None), contact), else_=attended_by)


def _events() -> Select[MustAttendEventRow, int | None]:
    """Events, each with whose task it is now."""
    return select(MustAttendEventRow, _member_now())


def _to_domain(r: MustAttendEventRow, member_id: int | None) -> MustAttendEvent:
    return MustAttendEvent(
        r.id,
        r.household_id,
        member_id,
        r.kind,
        r.note,
        r.reported_by,
        r.reported_at,
        r.deadline,
        r.visit_id,
        r.attended_at,
        r.member_id,
        r.cancelled_at,
        r.cancelled_by,
        r.cancel_reason or "",
    )


class SqlEventStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_card_reports(self, household_id: int) -> None:
        serialize(self.session, Lock.CARD_REPORTS, household_id)

    def add(self, event: MustAttendEvent) -> MustAttendEvent:
        row = MustAttendEventRow(
            household_id=event.household_id,
            member_id=event.member_id,
            kind=event.kind,
            note=event.note,
            reported_by=event.reported_by,
            reported_at=event.reported_at,
            deadline=event.deadline,
            updated_at=event.reported_at,
        )
        self.session.add(row)
        self.session.flush()
        return _to_domain(row, event.member_id)

    def get(self, event_id: int, scope: Scope) -> MustAttendEvent:
        # As stored now, even when read before in this session: an attendance checks again
        # whether another one was recorded meanwhile (domain.must_attend.services).
        # A member reaches only the events of the households they look after today
        # (``household_scope``): the open task of a household given to another is not theirs.
        found = self.session.execute(
            _events()
            .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
            .where(MustAttendEventRow.id == event_id, household_scope(scope))
            .execution_options(populate_existing=True)
        ).first()
        if found is None:
            raise NotFound("event.not_found", f"事件 {event_id} 不存在", field="event_id")
        return _to_domain(*found)

    def attend(self, event_id: int, *, visit_id: int, at: datetime) -> bool:
        """Link the attendance's visit to the event, unless another attendance was linked
        since the event was read (two sent at once): False then, nothing changed. One
        conditional UPDATE, so the check and the write are atomic; on PostgreSQL the second
        waits for the first's transaction and then finds the event attended."""
        # "fetch": the event read into this session (a sync batch reads it again) is brought
        # up to date only when its row was the one changed.
        e = MustAttendEventRow
        result = self.session.execute(
            update(e)
            .where(e.id == event_id, e.visit_id.is_(None), e.cancelled_at.is_(None))
            .values(visit_id=visit_id, attended_at=at, updated_at=at, version=e.version + 1)
            .execution_options(synchronize_session="fetch")
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def cancel(self, event_id: int, *, by: str, reason: str, at: datetime) -> bool:
        """Withdraw the event unless it was attended or cancelled since it was read: one
        conditional UPDATE, like ``attend``, so the two never both win."""
        e = MustAttendEventRow
        result = self.session.execute(
            update(e)
            .where(e.id == event_id, e.visit_id.is_(None), e.cancelled_at.is_(None))
            .values(
                cancelled_at=at,
                cancelled_by=by,
                cancel_reason=reason,
                updated_at=at,
                version=e.version + 1,
            )
            .execution_options(synchronize_session="fetch")
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def of_member(self, member_id: int, scope: Scope) -> list[MustAttendEvent]:
        """The member's tasks: the unattended events of the households they look after today,
        whoever they were reported to, less the cancelled ones; soonest deadline first."""
        e = MustAttendEventRow
        # An alias: ``household_scope`` of a member looks for their assignment in a subquery of
        # its own, which would otherwise take this one's table as its outer one.
        a = aliased(AssignmentRow)
        rows = self.session.scalars(
            select(e)
            .join(HouseholdRow, HouseholdRow.id == e.household_id)
            .join(
                a,
                and_(
                    a.household_id == e.household_id, a.member_id == member_id, a.ended_on.is_(None)
                ),
            )
            .where(e.visit_id.is_(None), e.cancelled_at.is_(None), household_scope(scope))
            .order_by(e.deadline, e.id)
        )
        return [_to_domain(r, member_id) for r in rows]

    def in_area(
        self,
        path: str,
        scope: Scope,
        *,
        limit: int,
        offset: int = 0,
        status: EventStatus | None = None,
        now: datetime,
    ) -> list[MustAttendEvent]:
        """The area's events, newest first; with ``status``, only those in it at ``now`` —
        filtered in the query, so the limit counts matching events (the branch looking for
        missed ones must not get only the missed among the newest hundred)."""
        query = (
            _events()
            .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
            .where(household_scope(scope, path))
        )
        if status is not None:
            query = query.where(_in_status(status, now))
        rows = self.session.execute(
            query.order_by(MustAttendEventRow.reported_at.desc(), MustAttendEventRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_to_domain(r, member) for r, member in rows]

    def of_household(self, household_id: int) -> list[MustAttendEvent]:
        """Every event of a household, newest first (its history, attended or not)."""
        rows = self.session.execute(
            _events()
            .where(MustAttendEventRow.household_id == household_id)
            .order_by(MustAttendEventRow.reported_at.desc())
        )
        return [_to_domain(r, member) for r, member in rows]


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
