"""The meetings' use cases on the unit of work.

Each opens the unit of work, loads the meeting (locked, for a change: a second change at the
same moment waits, then meets the meeting as the first left it), lets the model act, saves it
(``save`` refuses a version that moved meanwhile) and emits one event. Writing needs
``meeting:write`` and a meeting of an org in the caller's subtree; reading ``meeting:read`` (a
meeting outside the caller's reach is NotFound, so its existence never leaks). A task's owner
marks it done with ``meeting:read`` alone: it is their own task.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Forbidden, Invalid, NotFound
from domain.kernel.time import check_in_range, local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.meetings.events import (
    AgendaSet,
    AttendanceRecorded,
    MeetingCancelled,
    MeetingChange,
    MeetingEdited,
    MeetingPlanned,
    MeetingRated,
    MinutesFinalised,
    MinutesRecorded,
    TaskAssigned,
    TaskChange,
    TaskDone,
    TaskPublished,
)
from domain.meetings.model import (
    AgendaItem,
    Attendee,
    Meeting,
    MeetingAction,
    MeetingType,
    RatingTarget,
    Representative,
    Satisfaction,
    Task,
    assign_task,
    plan_meeting,
)
from domain.meetings.rules import propose_agenda


@dataclass(frozen=True)
class Presence:
    """One member on the attendance list, as the secretary sends it."""

    member_id: int
    present: bool
    absence_reason: str | None = None


def _change(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: int,
    kind: type[MeetingChange],
    act: Callable[[Meeting], Meeting],
    *,
    at: datetime,
) -> Meeting:
    scope.require(Permission.MEETING_WRITE)
    with uow:
        before = uow.meetings.get_locked(meeting_id, scope)
        after = uow.meetings.save(act(before))
        _emit_by(uow, scope, kind, before, after, at)
        uow.commit()
        return after


def _emit_by(
    uow: UnitOfWork,
    scope: Scope,
    kind: type[MeetingChange],
    before: Meeting | None,
    after: Meeting,
    at: datetime,
) -> None:
    uow.emit(
        kind(
            org_path=uow.meetings.org_path(after.org_id),
            actor=scope.actor,
            at=at,
            entity_id=after.id,
            version=after.version,
            before=before,
            after=after,
        )
    )


# ── meetings ──────────────────────────────────────────────────────────────────────────────────


def plan(
    uow: UnitOfWork,
    scope: Scope,
    *,
    type: MeetingType,
    org_id: int,
    title: str,
    held_on: date,
    place: str,
    at: datetime,
) -> Meeting:
    """A branch (or higher) plans a meeting of an org in its subtree."""
    scope.require(Permission.MEETING_WRITE)
    with uow:
        org = uow.orgs.get(org_id, scope)
        meeting = plan_meeting(
            type=type,
            org_id=org.id,
            org_name=org.name,
            org_level=org.level,
            title=title,
            held_on=held_on,
            place=place,
            by=scope.actor,
            at=at,
        )
        stored = uow.meetings.add(meeting)
        _emit_by(uow, scope, MeetingPlanned, None, stored, at)
        uow.commit()
        return stored


def get(uow: UnitOfWork, scope: Scope, meeting_id: int) -> tuple[Meeting, list[Task]]:
    scope.require(Permission.MEETING_READ)
    with uow:
        meeting = uow.meetings.get(meeting_id, scope)
        return meeting, uow.meetings.tasks_of(meeting.id)


def edit(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: int,
    *,
    title: str | None,
    held_on: date | None,
    place: str | None,
    at: datetime,
) -> Meeting:
    def act(m: Meeting) -> Meeting:
        return m.edit(
            title=m.title if title is None else title,
            held_on=m.held_on if held_on is None else held_on,
            place=m.place if place is None else place,
            at=at,
        )

    return _change(uow, scope, meeting_id, MeetingEdited, act, at=at)


def draw_agenda(uow: UnitOfWork, scope: Scope, meeting_id: int, *, at: datetime) -> Meeting:
    """The agenda proposed from the area's open issues, overdue ones and ledger entries due for
    review by the meeting's day (it replaces the agenda; the secretary edits it from there)."""
    scope.require(Permission.ISSUE_READ)

    def act(m: Meeting) -> Meeting:
        m.check_can(MeetingAction.SET_AGENDA)
        candidates = uow.meetings.agenda_candidates(
            m.org_id, scope, now=at, review_by=max(m.held_on, local_date(at))
        )
        return m.with_agenda(propose_agenda(m.type, candidates), at=at)

    return _change(uow, scope, meeting_id, AgendaSet, act, at=at)


def set_agenda(
    uow: UnitOfWork, scope: Scope, meeting_id: int, items: Sequence[AgendaItem], *, at: datetime
) -> Meeting:
    """The agenda as the secretary edited it; an item naming an issue names one the caller may
    read (its title is the secretary's)."""

    def act(m: Meeting) -> Meeting:
        m.check_can(MeetingAction.SET_AGENDA)
        for n, item in enumerate(items):
            if item.issue_id is not None:
                try:
                    uow.issues.get(item.issue_id, scope)
                except NotFound:
                    raise Invalid(
                        "meeting.no_such_issue",
                        f"问题 {item.issue_id} 不存在",
                        field=f"agenda/{n}/issue_id",
                    ) from None
        return m.with_agenda(items, at=at)

    return _change(uow, scope, meeting_id, AgendaSet, act, at=at)


def record_attendance(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: int,
    *,
    members: Sequence[Presence],
    representatives: Sequence[int],
    at: datetime,
) -> Meeting:
    """Who came: members of the meeting's org (absent ones with a reason) and, at a 民主评议会,
    the households whose representatives came (households of the org's subtree)."""

    def act(m: Meeting) -> Meeting:
        m.check_can(MeetingAction.RECORD_ATTENDANCE)
        names = uow.meetings.member_names(m.org_id, [p.member_id for p in members])
        for n, p in enumerate(members):
            if p.member_id not in names:
                raise Invalid(
                    "meeting.member_not_in_org",
                    f"党员 {p.member_id} 不属于{m.org_name}",
                    field=f"attendees/{n}/member_id",
                )
        heads = uow.meetings.household_names(m.org_id, representatives)
        for n, h in enumerate(representatives):
            if h not in heads:
                raise Invalid(
                    "meeting.household_not_in_org",
                    f"农户 {h} 不在{m.org_name}",
                    field=f"representatives/{n}",
                )
        attendees = [
            Attendee(p.member_id, names[p.member_id], p.present, p.absence_reason, _report(m, p))
            for p in members
        ]
        reps = [Representative(h, heads[h]) for h in representatives]
        return m.with_attendance(attendees, reps, at=at)

    return _change(uow, scope, meeting_id, AttendanceRecorded, act, at=at)


def _report(m: Meeting, p: Presence) -> str:
    """A member's 对账 report kept when the attendance is recorded again (present still)."""
    if not p.present:
        return ""
    return next((a.report for a in m.attendees if a.member_id == p.member_id), "")


def record_minutes(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: int,
    *,
    summary: str,
    decisions: Sequence[str],
    item_minutes: Mapping[int, str],
    reports: Mapping[int, str],
    at: datetime,
) -> Meeting:
    def act(m: Meeting) -> Meeting:
        return m.with_minutes(
            summary=summary,
            decisions=decisions,
            item_minutes=item_minutes,
            reports=reports,
            at=at,
        )

    return _change(uow, scope, meeting_id, MinutesRecorded, act, at=at)


def rate(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: int,
    *,
    household_id: int,
    target: RatingTarget,
    target_id: int,
    level: Satisfaction,
    at: datetime,
) -> Meeting:
    """A representative's 评议 of a member or a task of the meeting's org's subtree."""

    def act(m: Meeting) -> Meeting:
        m.check_can(MeetingAction.RATE)
        known = (
            target_id in uow.meetings.member_names(m.org_id, [target_id])
            if target is RatingTarget.MEMBER
            else uow.meetings.task_in_area(target_id, m.org_id)
        )
        if not known:
            raise Invalid(
                "meeting.no_such_target",
                f"{m.org_name}没有这个{'党员' if target is RatingTarget.MEMBER else '交办事项'}",
                field="target_id",
            )
        return m.rated(household_id, target, target_id, level, at=at)

    return _change(uow, scope, meeting_id, MeetingRated, act, at=at)


def finalise(uow: UnitOfWork, scope: Scope, meeting_id: int, *, at: datetime) -> Meeting:
    """The minutes made final (定稿); the tasks of a 民事交办会 published with them (公示)."""
    scope.require(Permission.MEETING_WRITE)
    with uow:
        before = uow.meetings.get_locked(meeting_id, scope)
        tasks = uow.meetings.tasks_of(before.id)
        after = uow.meetings.save(before.finalised(by=scope.actor, at=at, tasks=len(tasks)))
        _emit_by(uow, scope, MinutesFinalised, before, after, at)
        for task in tasks:
            published = task.published(by=scope.actor, at=at)
            uow.meetings.save_task(published, stored_entries=len(task.entries))
            _emit_task(uow, scope, TaskPublished, task, published, at)
        uow.commit()
        return after


def cancel(uow: UnitOfWork, scope: Scope, meeting_id: int, *, reason: str, at: datetime) -> Meeting:
    def act(m: Meeting) -> Meeting:
        return m.cancelled(reason=reason, at=at)

    return _change(uow, scope, meeting_id, MeetingCancelled, act, at=at)


# ── tasks (交办事项) ──────────────────────────────────────────────────────────────────────────


def add_task(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: int,
    *,
    title: str,
    owner_member_id: int,
    target: str,
    measures: str,
    deadline: date,
    issue_id: int | None,
    at: datetime,
) -> Task:
    """A decision of a 民事交办会 made a task for a member of the meeting's org's subtree."""
    scope.require(Permission.MEETING_WRITE)
    with uow:
        meeting = uow.meetings.get_locked(meeting_id, scope)
        meeting.check_can(MeetingAction.ADD_TASK)
        owner = uow.meetings.member_names(meeting.org_id, [owner_member_id]).get(owner_member_id)
        if owner is None:
            raise Invalid(
                "task.owner_not_in_org",
                f"党员 {owner_member_id} 不属于{meeting.org_name}",
                field="owner_member_id",
            )
        task = assign_task(
            meeting,
            title=title,
            owner_member_id=owner_member_id,
            owner_name=owner,
            target=target,
            measures=measures,
            deadline=deadline,
            issue_id=issue_id,
            by=scope.actor,
            at=at,
        )
        stored = uow.meetings.add_task(task)
        _emit_task(uow, scope, TaskAssigned, None, stored, at)
        uow.commit()
        return stored


def get_task(uow: UnitOfWork, scope: Scope, task_id: int) -> Task:
    scope.require(Permission.MEETING_READ)
    with uow:
        return uow.meetings.get_task(task_id, scope)


def mark_done(uow: UnitOfWork, scope: Scope, task_id: int, *, note: str, at: datetime) -> Task:
    """The owner (or whoever may write the meetings of its org) marks the task done, with a
    note of what was done."""
    scope.require(Permission.MEETING_READ)
    check_in_range(at, field="at")
    with uow:
        task = uow.meetings.get_task(task_id, scope)
        own = scope.member_id is not None and scope.member_id == task.owner_member_id
        if not own and not (
            scope.can(Permission.MEETING_WRITE) and scope.covers(uow.meetings.org_path(task.org_id))
        ):
            raise Forbidden("task.not_owner", "只有责任人或支部可以办结该事项", field="task_id")
        done = task.done(note=note, by=scope.actor, at=at)
        uow.meetings.save_task(done, stored_entries=len(task.entries))
        _emit_task(uow, scope, TaskDone, task, done, at)
        uow.commit()
        return done


def _emit_task(
    uow: UnitOfWork,
    scope: Scope,
    kind: type[TaskChange],
    before: Task | None,
    after: Task,
    at: datetime,
) -> None:
    uow.emit(
        kind(
            org_path=uow.meetings.org_path(after.org_id),
            actor=scope.actor,
            at=at,
            entity_id=after.id,
            version=len(after.entries),
            before=before,
            after=after,
        )
    )
