"""Storage of must-attend events (五必到)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from domain.access import Scope
from domain.errors import NotFound
from domain.must_attend import EventStatus, MustAttendEvent
from persistence.scoping import household_scope
from persistence.tables import HouseholdRow, MemberRow, MustAttendEventRow, OrgUnitRow


def _to_domain(r: MustAttendEventRow) -> MustAttendEvent:
    return MustAttendEvent(
        r.id,
        r.household_id,
        r.member_id,
        r.kind,
        r.note,
        r.reported_by,
        r.reported_at,
        r.deadline,
        r.visit_id,
        r.attended_at,
    )


class SqlEventStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, event: MustAttendEvent) -> MustAttendEvent:
        row = MustAttendEventRow(
            household_id=event.household_id,
            member_id=event.member_id,
            kind=event.kind,
            note=event.note,
            reported_by=event.reported_by,
            reported_at=event.reported_at,
            deadline=event.deadline,
        )
        self.session.add(row)
        self.session.flush()
        return _to_domain(row)

    def get(self, event_id: int, scope: Scope) -> MustAttendEvent:
        # As stored now, even when read before in this session: an attendance checks again
        # whether another one was recorded meanwhile (domain.services.must_attend).
        row = self.session.scalar(
            select(MustAttendEventRow)
            .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
            .where(MustAttendEventRow.id == event_id, household_scope(scope))
            .execution_options(populate_existing=True)
        )
        if row is None:
            raise NotFound("event.not_found", f"事件 {event_id} 不存在", field="event_id")
        return _to_domain(row)

    def attend(self, event_id: int, *, visit_id: int, at: datetime) -> bool:
        """Link the attendance's visit to the event, unless another attendance was linked
        since the event was read (two sent at once): False then, nothing changed. One
        conditional UPDATE, so the check and the write are atomic; on PostgreSQL the second
        waits for the first's transaction and then finds the event attended."""
        # "fetch": the event read into this session (a sync batch reads it again) is brought
        # up to date only when its row was the one changed.
        result = self.session.execute(
            update(MustAttendEventRow)
            .where(MustAttendEventRow.id == event_id, MustAttendEventRow.visit_id.is_(None))
            .values(visit_id=visit_id, attended_at=at)
            .execution_options(synchronize_session="fetch")
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def of_member(self, member_id: int) -> list[MustAttendEvent]:
        rows = self.session.scalars(
            select(MustAttendEventRow)
            .where(MustAttendEventRow.member_id == member_id, MustAttendEventRow.visit_id.is_(None))
            .order_by(MustAttendEventRow.deadline)
        )
        return [_to_domain(r) for r in rows]

    def in_area(
        self,
        path: str,
        scope: Scope,
        *,
        limit: int,
        status: EventStatus | None = None,
        now: datetime | None = None,
    ) -> list[MustAttendEvent]:
        """The area's events, newest first; with ``status``, only those in it at ``now`` —
        filtered in the query, so the limit counts matching events (the branch looking for
        missed ones must not get only the missed among the newest hundred)."""
        query = (
            select(MustAttendEventRow)
            .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
            .where(household_scope(scope, path))
        )
        if status is not None:
            query = query.where(_in_status(status, now or datetime.now(UTC)))
        rows = self.session.scalars(
            query.order_by(MustAttendEventRow.reported_at.desc()).limit(limit)
        )
        return [_to_domain(r) for r in rows]

    def of_household(self, household_id: int) -> list[MustAttendEvent]:
        """Every event of a household, newest first (its history, attended or not)."""
        rows = self.session.scalars(
            select(MustAttendEventRow)
            .where(MustAttendEventRow.household_id == household_id)
            .order_by(MustAttendEventRow.reported_at.desc())
        )
        return [_to_domain(r) for r in rows]


class EventNames(NamedTuple):
    """Who and where an event is about, as a list shows it."""

    head_name: str
    area_name: str  # the household's grid (or village)
    member_name: str | None


def event_names(session: Session, events: Sequence[MustAttendEvent]) -> dict[int, EventNames]:
    """The names of many events' households, areas and members in one query (a list page asked
    for each household and member one by one)."""
    ids = [e.id for e in events]
    if not ids:
        return {}
    rows = session.execute(
        select(MustAttendEventRow.id, HouseholdRow.head_name, OrgUnitRow.name, MemberRow.name)
        .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
        .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
        .outerjoin(MemberRow, MemberRow.id == MustAttendEventRow.member_id)
        .where(MustAttendEventRow.id.in_(ids))
    )
    return {event_id: EventNames(head, area, member) for event_id, head, area, member in rows}


def _in_status(status: EventStatus, now: datetime) -> ColumnElement[bool]:
    """``MustAttendEvent.status`` as SQL (domain/must_attend.py keeps the rule; this mirrors it
    for filtering and is checked against it by tests/e2e/test_must_attend.py)."""
    e = MustAttendEventRow
    match status:
        case EventStatus.OPEN:
            return and_(e.attended_at.is_(None), e.deadline >= now)
        case EventStatus.MISSED:
            return and_(e.attended_at.is_(None), e.deadline < now)
        case EventStatus.ATTENDED:
            return and_(e.attended_at.is_not(None), e.attended_at <= e.deadline)
        case EventStatus.LATE:
            return and_(e.attended_at.is_not(None), e.attended_at > e.deadline)
