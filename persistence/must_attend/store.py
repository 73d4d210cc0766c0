"""Storage of must-attend events (五必到).

The stored ``member_id`` is the household's contact member when the event was reported, and
stays so: the history of whom it was given to (the report's audit entry holds the same). Whose
task an event is now is read with it (``_member_now``): the roster may have changed since."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, case, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.must_attend.model import MustAttendEvent
from persistence.assignment.tables import AssignmentRow
from persistence.locks import Lock, serialize
from persistence.must_attend.tables import MustAttendEventRow
from persistence.registers.tables import HouseholdRow
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


def events_with_member() -> Select[MustAttendEventRow, int | None]:
    """Events, each with whose task it is now."""
    return select(MustAttendEventRow, _member_now())


def event_to_domain(r: MustAttendEventRow, member_id: int | None) -> MustAttendEvent:
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
        return event_to_domain(row, event.member_id)

    def get(self, event_id: int, scope: Scope) -> MustAttendEvent:
        # As stored now, even when read before in this session: an attendance checks again
        # whether another one was recorded meanwhile (domain.must_attend.services).
        # A member reaches only the events of the households they look after today
        # (``household_scope``): the open task of a household given to another is not theirs.
        found = self.session.execute(
            events_with_member()
            .join(HouseholdRow, HouseholdRow.id == MustAttendEventRow.household_id)
            .where(MustAttendEventRow.id == event_id, household_scope(scope))
            .execution_options(populate_existing=True)
        ).first()
        if found is None:
            raise NotFound("event.not_found", f"事件 {event_id} 不存在", field="event_id")
        return event_to_domain(*found)

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

    def of_household(self, household_id: int) -> list[MustAttendEvent]:
        """Every event of a household, newest first (its history, attended or not)."""
        rows = self.session.execute(
            events_with_member()
            .where(MustAttendEventRow.household_id == household_id)
            .order_by(MustAttendEventRow.reported_at.desc())
        )
        return [event_to_domain(r, member) for r, member in rows]
