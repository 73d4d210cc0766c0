"""The meetings' store: a meeting with its agenda, attendance and ratings as one aggregate (a few
dozen rows, written whole), and its tasks each on its own with an append-only record."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from domain.issues.model import OPEN_STATUSES, IssueStatus
from domain.kernel.access import Scope
from domain.kernel.errors import Conflict, NotFound
from domain.kernel.org import OrgLevel, is_within
from domain.meetings.model import (
    AgendaCandidate,
    AgendaItem,
    AgendaKind,
    Attendee,
    Meeting,
    MeetingStatus,
    MeetingType,
    Rating,
    RatingTarget,
    Representative,
    Satisfaction,
    Task,
    TaskAction,
    TaskEntry,
    TaskStatus,
)
from domain.meetings.rules import MAX_DRAWN
from persistence.issues.queries import IssueFilter, list_issues
from persistence.meetings.tables import (
    AgendaItemRow,
    AttendeeRow,
    MeetingRow,
    RatingRow,
    RepresentativeRow,
    TaskEntryRow,
    TaskRow,
)
from persistence.org.tables import OrgUnitRow
from persistence.paging import Window
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import in_subtree

# A member reads the meetings of their own village (or community, grid) above them, besides
# those of their subtree: a grid's member is a member of the village's branch.
SHARED_LEVELS: Final = frozenset(
    {OrgLevel.VILLAGE.value, OrgLevel.COMMUNITY.value, OrgLevel.GRID.value}
)


def readable(scope: Scope, path: str, level: str) -> bool:
    return scope.covers(path) or (is_within(scope.org_path, path) and level in SHARED_LEVELS)


def readable_clause(scope: Scope) -> ColumnElement[bool]:
    """``readable`` in SQL, on ``OrgUnitRow`` joined to the record's org."""
    above = _ancestor_paths(scope.org_path)
    return or_(
        in_subtree(OrgUnitRow.path, scope.org_path),
        and_(OrgUnitRow.path.in_(above), OrgUnitRow.level.in_(sorted(SHARED_LEVELS))),
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]


def _not_found(meeting_id: int) -> NotFound:
    return NotFound("meeting.not_found", f"会议 {meeting_id} 不存在", field="meeting_id")


class SqlMeetingStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ── meetings ──

    def _load(self, meeting_id: int, *, lock: bool) -> tuple[MeetingRow, str, str, str] | None:
        stmt = (
            select(MeetingRow, OrgUnitRow.name, OrgUnitRow.path, OrgUnitRow.level)
            .join(OrgUnitRow, OrgUnitRow.id == MeetingRow.org_id)
            .where(MeetingRow.id == meeting_id)
        )
        if lock:
            stmt = stmt.with_for_update(of=MeetingRow)
        found = self.session.execute(stmt).first()
        return None if found is None else (found[0], found[1], found[2], found[3])

    def get(self, meeting_id: int, scope: Scope) -> Meeting:
        found = self._load(meeting_id, lock=False)
        if found is None or not readable(scope, found[2], found[3]):
            raise _not_found(meeting_id)
        return self._to_domain(found[0], found[1])

    def get_locked(self, meeting_id: int, scope: Scope) -> Meeting:
        found = self._load(meeting_id, lock=True)
        if found is None or not scope.covers(found[2]):
            raise _not_found(meeting_id)
        return self._to_domain(found[0], found[1])

    def _to_domain(self, row: MeetingRow, org_name: str) -> Meeting:
        mid = row.id
        agenda = self.session.scalars(
            select(AgendaItemRow).where(AgendaItemRow.meeting_id == mid).order_by(AgendaItemRow.seq)
        )
        attendees = self.session.scalars(
            select(AttendeeRow).where(AttendeeRow.meeting_id == mid).order_by(AttendeeRow.member_id)
        )
        reps = self.session.scalars(
            select(RepresentativeRow)
            .where(RepresentativeRow.meeting_id == mid)
            .order_by(RepresentativeRow.household_id)
        )
        ratings = self.session.scalars(
            select(RatingRow)
            .where(RatingRow.meeting_id == mid)
            .order_by(RatingRow.target, RatingRow.target_id, RatingRow.household_id)
        )
        return Meeting(
            id=row.id,
            type=MeetingType(row.type),
            org_id=row.org_id,
            org_name=org_name,
            title=row.title,
            held_on=row.held_on,
            place=row.place,
            status=MeetingStatus(row.status),
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            agenda=tuple(
                AgendaItem(a.seq, AgendaKind(a.kind), a.title, a.issue_id, a.minutes)
                for a in agenda
            ),
            attendees=tuple(
                Attendee(a.member_id, a.name, a.present, a.absence_reason, a.report)
                for a in attendees
            ),
            representatives=tuple(Representative(r.household_id, r.name) for r in reps),
            summary=row.summary,
            decisions=tuple(row.decisions or ()),
            ratings=tuple(
                Rating(r.household_id, RatingTarget(r.target), r.target_id, Satisfaction(r.level))
                for r in ratings
            ),
            finalised_by=row.finalised_by,
            finalised_at=row.finalised_at,
            cancel_reason=row.cancel_reason,
            version=row.version,
        )

    @staticmethod
    def _values(m: Meeting) -> dict[str, Any]:
        return {
            "type": m.type.value,
            "org_id": m.org_id,
            "title": m.title,
            "held_on": m.held_on,
            "place": m.place,
            "status": m.status.value,
            "summary": m.summary,
            "decisions": list(m.decisions),
            "created_by": m.created_by,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "finalised_by": m.finalised_by,
            "finalised_at": m.finalised_at,
            "cancel_reason": m.cancel_reason,
        }

    def add(self, meeting: Meeting) -> Meeting:
        new_id = self.session.scalar(
            insert(MeetingRow).values(**self._values(meeting), version=1).returning(MeetingRow.id)
        )
        assert new_id is not None
        stored = dataclasses.replace(meeting, id=new_id, version=1)
        self._write_parts(stored)
        return stored

    def save(self, meeting: Meeting) -> Meeting:
        """The meeting written whole, one version on; Conflict when another change got there
        first (the row is locked by ``get_locked``, so only a reader that skipped it could)."""
        moved = self.session.execute(
            update(MeetingRow)
            .where(MeetingRow.id == meeting.id, MeetingRow.version == meeting.version)
            .values(**self._values(meeting), version=meeting.version + 1)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("meeting.stale", "会议刚被他人修改，请刷新后重试", field="version")
        for row in (AgendaItemRow, AttendeeRow, RepresentativeRow, RatingRow):
            self.session.execute(delete(row).where(row.meeting_id == meeting.id))
        stored = dataclasses.replace(meeting, version=meeting.version + 1)
        self._write_parts(stored)
        return stored

    def _write_parts(self, m: Meeting) -> None:
        parts: list[tuple[type[Any], list[dict[str, Any]]]] = [
            (
                AgendaItemRow,
                [
                    {
                        "meeting_id": m.id,
                        "seq": a.seq,
                        "kind": a.kind.value,
                        "title": a.title,
                        "issue_id": a.issue_id,
                        "minutes": a.minutes,
                    }
                    for a in m.agenda
                ],
            ),
            (
                AttendeeRow,
                [
                    {
                        "meeting_id": m.id,
                        "member_id": a.member_id,
                        "name": a.name,
                        "present": a.present,
                        "absence_reason": a.absence_reason,
                        "report": a.report,
                    }
                    for a in m.attendees
                ],
            ),
            (
                RepresentativeRow,
                [
                    {"meeting_id": m.id, "household_id": r.household_id, "name": r.name}
                    for r in m.representatives
                ],
            ),
            (
                RatingRow,
                [
                    {
                        "meeting_id": m.id,
                        "household_id": r.household_id,
                        "target": r.target.value,
                        "target_id": r.target_id,
                        "level": r.level.value,
                    }
                    for r in m.ratings
                ],
            ),
        ]
        for row, values in parts:
            if values:
                self.session.execute(insert(row), values)

    def org_path(self, org_id: int) -> str:
        path = self.session.scalar(select(OrgUnitRow.path).where(OrgUnitRow.id == org_id))
        if path is None:
            raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
        return path

    # ── what a meeting reads of the area ──

    def agenda_candidates(
        self, org_id: int, scope: Scope, *, now: datetime, review_by: date
    ) -> Sequence[AgendaCandidate]:
        """The area's issues (whose matter lives in the org's subtree) through the issues'
        own read side: the overdue, the ledger entries due for review, the other open ones —
        at most ``MAX_DRAWN`` of each kind, the most urgent (the inbox's order: soonest
        deadline first)."""
        window = Window(limit=MAX_DRAWN)
        handling = [s for s in OPEN_STATUSES if s is not IssueStatus.ON_LEDGER]
        wanted = IssueFilter(now=now, origin_under=org_id, statuses=handling)
        overdue = list_issues(
            self.session, scope, window, dataclasses.replace(wanted, overdue=True)
        ).items
        others = list_issues(
            self.session, scope, window, dataclasses.replace(wanted, overdue=False)
        ).items
        ledger = list_issues(
            self.session,
            scope,
            Window(limit=MAX_DRAWN * 10, sort="id"),
            IssueFilter(now=now, origin_under=org_id, statuses=[IssueStatus.ON_LEDGER]),
        ).items
        due = [
            i for i in ledger if i.ledger_review_on is not None and i.ledger_review_on <= review_by
        ]
        return [
            *(AgendaCandidate(i.id, i.title, AgendaKind.OVERDUE_ISSUE, due=i.due) for i in overdue),
            *(
                AgendaCandidate(
                    i.id, i.title, AgendaKind.LEDGER_REVIEW, review_on=i.ledger_review_on
                )
                for i in due
            ),
            *(AgendaCandidate(i.id, i.title, AgendaKind.OPEN_ISSUE, due=i.due) for i in others),
        ]

    def member_names(self, org_id: int, member_ids: Sequence[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        rows = self.session.execute(
            select(MemberRow.id, MemberRow.name)
            .join(OrgUnitRow, OrgUnitRow.id == MemberRow.org_id)
            .where(MemberRow.id.in_(member_ids), in_subtree(OrgUnitRow.path, self.org_path(org_id)))
        )
        return {key: value for key, value in rows}  # noqa: C416 (rows, not pairs, to mypy)

    def household_names(self, org_id: int, household_ids: Sequence[int]) -> dict[int, str]:
        if not household_ids:
            return {}
        rows = self.session.execute(
            select(HouseholdRow.id, HouseholdRow.head_name)
            .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
            .where(
                HouseholdRow.id.in_(household_ids),
                in_subtree(OrgUnitRow.path, self.org_path(org_id)),
            )
        )
        return {key: value for key, value in rows}  # noqa: C416 (rows, not pairs, to mypy)

    # ── tasks ──

    def tasks_of(self, meeting_id: int) -> list[Task]:
        rows = self.session.scalars(
            select(TaskRow).where(TaskRow.meeting_id == meeting_id).order_by(TaskRow.id)
        ).all()
        return tasks_to_domain(self.session, rows)

    def get_task(self, task_id: int, scope: Scope) -> Task:
        found = self.session.execute(
            select(TaskRow, OrgUnitRow.path, OrgUnitRow.level)
            .join(OrgUnitRow, OrgUnitRow.id == TaskRow.org_id)
            .where(TaskRow.id == task_id)
        ).first()
        if found is None:
            raise NotFound("task.not_found", f"交办事项 {task_id} 不存在", field="task_id")
        row, path, level = found
        own = scope.member_id is not None and row.owner_member_id == scope.member_id
        if not own and not readable(scope, path, level):
            raise NotFound("task.not_found", f"交办事项 {task_id} 不存在", field="task_id")
        return tasks_to_domain(self.session, [row])[0]

    def add_task(self, task: Task) -> Task:
        new_id = self.session.scalar(
            insert(TaskRow)
            .values(**_task_values(task), version=len(task.entries))
            .returning(TaskRow.id)
        )
        assert new_id is not None
        stored = dataclasses.replace(task, id=new_id)
        self._add_entries(stored, 0)
        return stored

    def save_task(self, task: Task, *, stored_entries: int) -> None:
        moved = self.session.execute(
            update(TaskRow)
            .where(TaskRow.id == task.id, TaskRow.version == stored_entries)
            .values(**_task_values(task), version=len(task.entries))
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("task.stale", "该事项刚被他人修改，请刷新后重试", field="version")
        self._add_entries(task, stored_entries)

    def _add_entries(self, task: Task, start: int) -> None:
        new = task.entries[start:]
        if new:
            self.session.execute(
                insert(TaskEntryRow),
                [
                    {
                        "task_id": task.id,
                        "seq": e.seq,
                        "at": e.at,
                        "actor": e.actor,
                        "action": e.action.value,
                        "note": e.note,
                    }
                    for e in new
                ],
            )

    def task_in_area(self, task_id: int, org_id: int) -> bool:
        found = self.session.scalar(
            select(TaskRow.id)
            .join(OrgUnitRow, OrgUnitRow.id == TaskRow.org_id)
            .where(TaskRow.id == task_id, in_subtree(OrgUnitRow.path, self.org_path(org_id)))
        )
        return found is not None


def _task_values(t: Task) -> dict[str, Any]:
    return {
        "meeting_id": t.meeting_id,
        "org_id": t.org_id,
        "title": t.title,
        "owner_member_id": t.owner_member_id,
        "owner_name": t.owner_name,
        "target": t.target,
        "measures": t.measures,
        "deadline": t.deadline,
        "status": t.status.value,
        "issue_id": t.issue_id,
        "published_at": t.published_at,
        "done_at": t.done_at,
        "done_note": t.done_note,
        "created_by": t.created_by,
        "created_at": t.created_at,
        "updated_at": t.entries[-1].at if t.entries else t.created_at,
    }


def tasks_to_domain(session: Session, rows: Sequence[TaskRow]) -> list[Task]:
    """Tasks with their records, in one query for the records of all."""
    ids = [r.id for r in rows]
    entries: dict[int, list[TaskEntry]] = {i: [] for i in ids}
    if ids:
        for e in session.scalars(
            select(TaskEntryRow)
            .where(TaskEntryRow.task_id.in_(ids))
            .order_by(TaskEntryRow.task_id, TaskEntryRow.seq)
        ):
            entries[e.task_id].append(TaskEntry(e.seq, e.at, e.actor, TaskAction(e.action), e.note))
    return [
        Task(
            id=r.id,
            meeting_id=r.meeting_id,
            org_id=r.org_id,
            title=r.title,
            owner_member_id=r.owner_member_id,
            owner_name=r.owner_name,
            target=r.target,
            measures=r.measures,
            deadline=r.deadline,
            status=TaskStatus(r.status),
            created_by=r.created_by,
            created_at=r.created_at,
            issue_id=r.issue_id,
            published_at=r.published_at,
            done_at=r.done_at,
            done_note=r.done_note,
            entries=tuple(entries[r.id]),
        )
        for r in rows
    ]
