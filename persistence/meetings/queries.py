"""Read side of the meetings: the lists of meetings and of tasks (an org's, the village board's,
a member's own), and what a minutes export adds (the task owners' phones). Every read takes the
caller's Scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.meetings.model import MeetingStatus, MeetingType, Task, TaskStatus
from persistence.meetings.store import readable_clause, tasks_to_domain
from persistence.meetings.tables import AttendeeRow, MeetingRow, TaskRow
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _page, _text, _total
from persistence.registers.tables import MemberRow
from persistence.scoping import in_subtree


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    type: MeetingType
    org_id: int
    org_name: str
    title: str
    held_on: date
    place: str
    status: MeetingStatus
    present: int
    absent: int
    updated_at: datetime
    version: int


def list_meetings(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    type: MeetingType | None = None,
    status: MeetingStatus | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Page[MeetingSummary]:
    """Meetings the caller may read (their subtree's, their own village's above them), or of
    ``under``'s subtree; latest first by default."""
    stmt = (
        select(MeetingRow.id)
        .join(OrgUnitRow, OrgUnitRow.id == MeetingRow.org_id)
        .where(readable_clause(scope))
    )
    if under is not None:
        stmt = stmt.where(in_subtree(OrgUnitRow.path, _area_path(session, scope, under)))
    if type is not None:
        stmt = stmt.where(MeetingRow.type == type.value)
    if status is not None:
        stmt = stmt.where(MeetingRow.status == status.value)
    if since is not None:
        stmt = stmt.where(MeetingRow.held_on >= since)
    if until is not None:
        stmt = stmt.where(MeetingRow.held_on <= until)
    if (clause := _text(MeetingRow.title, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {"held_on": MeetingRow.held_on, "id": MeetingRow.id}
    order = (
        _order(window, allowed, MeetingRow.id)
        if window.sort
        else [MeetingRow.held_on.desc(), MeetingRow.id.desc()]
    )
    total = _total(session, stmt)
    ids = list(session.scalars(stmt.order_by(*order).limit(window.limit).offset(window.offset)))
    return Page(_summaries(session, ids), total, window.limit, window.offset)


def _summaries(session: Session, ids: Sequence[int]) -> list[MeetingSummary]:
    if not ids:
        return []
    present = func.count(AttendeeRow.member_id).filter(AttendeeRow.present.is_(True))
    absent = func.count(AttendeeRow.member_id).filter(AttendeeRow.present.is_(False))
    rows = session.execute(
        select(MeetingRow, OrgUnitRow.name, present, absent)
        .join(OrgUnitRow, OrgUnitRow.id == MeetingRow.org_id)
        .outerjoin(AttendeeRow, AttendeeRow.meeting_id == MeetingRow.id)
        .where(MeetingRow.id.in_(ids))
        .group_by(MeetingRow.id, OrgUnitRow.name)
    ).all()
    by_id = {
        m.id: MeetingSummary(
            id=m.id,
            type=MeetingType(m.type),
            org_id=m.org_id,
            org_name=name,
            title=m.title,
            held_on=m.held_on,
            place=m.place,
            status=MeetingStatus(m.status),
            present=int(p),
            absent=int(a),
            updated_at=m.updated_at,
            version=m.version,
        )
        for m, name, p, a in rows
    }
    return [by_id[i] for i in ids]


@dataclass(frozen=True)
class TaskFilter:
    """What a task list asks for. ``mine``: the caller's own (the field app's 会议任务);
    ``published``: on the village board (公示) or not yet; ``overdue`` judged on ``today``."""

    today: date
    under: int | None = None
    mine: bool = False
    meeting_id: int | None = None
    status: TaskStatus | None = None
    overdue: bool | None = None
    published: bool | None = None


def list_tasks(session: Session, scope: Scope, window: Window, wanted: TaskFilter) -> Page[Task]:
    """Tasks of the meetings the caller may read (or the caller's own, wherever assigned);
    soonest deadline first by default."""
    stmt = select(TaskRow).join(OrgUnitRow, OrgUnitRow.id == TaskRow.org_id)
    own = TaskRow.owner_member_id == (scope.member_id or -1)
    stmt = stmt.where(own) if wanted.mine else stmt.where(or_(readable_clause(scope), own))
    if wanted.under is not None:
        stmt = stmt.where(in_subtree(OrgUnitRow.path, _area_path(session, scope, wanted.under)))
    if wanted.meeting_id is not None:
        stmt = stmt.where(TaskRow.meeting_id == wanted.meeting_id)
    if wanted.status is not None:
        stmt = stmt.where(TaskRow.status == wanted.status.value)
    if wanted.overdue is not None:
        late = (TaskRow.status == TaskStatus.OPEN.value) & (TaskRow.deadline < wanted.today)
        stmt = stmt.where(late if wanted.overdue else ~late)
    if wanted.published is not None:
        published = TaskRow.published_at.is_not(None)
        stmt = stmt.where(published if wanted.published else ~published)
    if (clause := _text(TaskRow.title, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {"deadline": TaskRow.deadline, "id": TaskRow.id, "created_at": TaskRow.created_at}
    order = _order(window, allowed, TaskRow.id) if window.sort else [TaskRow.deadline, TaskRow.id]
    rows, total = _page(session, stmt, window, order)
    return Page(tasks_to_domain(session, rows), total, window.limit, window.offset)


class Contact(NamedTuple):
    name: str
    phone: str | None


def member_contacts(session: Session, member_ids: Sequence[int]) -> dict[int, Contact]:
    """The names and phones of the members a minutes export names (task owners, those rated),
    by id; the router masks the phones for a caller without personal:read."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(MemberRow.id, MemberRow.name, MemberRow.phone).where(
            MemberRow.id.in_(set(member_ids))
        )
    )
    return {member_id: Contact(name, phone) for member_id, name, phone in rows}


def task_titles(session: Session, task_ids: Sequence[int]) -> dict[int, str]:
    """The titles of the tasks a 民主评议会 rated, by id."""
    if not task_ids:
        return {}
    rows = session.execute(select(TaskRow.id, TaskRow.title).where(TaskRow.id.in_(set(task_ids))))
    return {key: value for key, value in rows}  # noqa: C416 (rows, not pairs, to mypy)
