"""Meetings' use cases (会议) on a real SQLite unit of work, no HTTP: the agenda drawn from the
area's issues (open, overdue, the ledger due for review), who reads and who holds which meeting,
the events, tasks done by their owner, and that a refusal writes nothing.

The county (tests.builders.build_county): C ─ T1 ─ V1 ─ G1 (h1, h2), G2 (h3); C ─ T2 ─ V2 ─ G3
(h4). m1 (张三) and m2 (李四, branch secretary) are members of V1; m3 of V2. AT is Wednesday
25 November 2026, 09:00 in China."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from domain.issues import services as issues
from domain.issues.model import Difficulty
from domain.kernel.access import Role, Scope
from domain.kernel.errors import DomainError, Forbidden, Invalid, NotFound
from domain.meetings import services as meetings
from domain.meetings.model import (
    AgendaItem,
    AgendaKind,
    Meeting,
    MeetingStatus,
    MeetingType,
    RatingTarget,
    Satisfaction,
    TaskStatus,
)
from persistence.meetings.queries import TaskFilter, list_meetings, list_tasks
from persistence.meetings.tables import AgendaItemRow, AttendeeRow, MeetingRow, TaskRow
from persistence.outbox.tables import OutboxRow
from persistence.paging import Window
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County

TODAY = date(2026, 11, 25)


def later(hours: float) -> datetime:
    return AT + timedelta(hours=hours)


class People:
    def __init__(self, uow: SqlAlchemyUnitOfWork, county: County) -> None:
        with uow:
            path = {key: uow.orgs.get(org_id, ROOT).path for key, org_id in county.org.items()}
        self.secretary = Scope.for_role(
            role=Role.BRANCH_SECRETARY,
            org_path=path["V1"],
            actor="user:secretary",
            member_id=county.member["m2"],
        )
        self.m1 = Scope.for_role(
            role=Role.MEMBER, org_path=path["V1"], actor="user:m1", member_id=county.member["m1"]
        )
        self.grid_leader = Scope.for_role(
            role=Role.GROUP_LEADER, org_path=path["G1"], actor="user:g1"
        )
        self.other_secretary = Scope.for_role(
            role=Role.BRANCH_SECRETARY, org_path=path["V2"], actor="user:v2"
        )
        self.township = Scope.for_role(
            role=Role.TOWNSHIP_CADRE, org_path=path["T1"], actor="user:township"
        )


@pytest.fixture
def people(uow: SqlAlchemyUnitOfWork, county: County) -> People:
    return People(uow, county)


def written(sessions: sessionmaker[Session]) -> tuple[int, ...]:
    """(meetings, agenda items, attendees, tasks, outbox rows): what a refusal leaves as it was."""
    with sessions() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (MeetingRow, AgendaItemRow, AttendeeRow, TaskRow, OutboxRow)
        )


def planned(
    uow: SqlAlchemyUnitOfWork,
    scope: Scope,
    county: County,
    kind: MeetingType = MeetingType.TASKING,
    org: str = "V1",
) -> Meeting:
    return meetings.plan(
        uow,
        scope,
        type=kind,
        org_id=county.org[org],
        title="十一月会议",
        held_on=TODAY,
        place="村委会",
        at=AT,
    )


def test_the_agenda_takes_in_the_villages_overdue_ledger_due_and_open_issues_only(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """seeds/huiji-1plus6plusN.txt: 一时难以解决的，纳入问题台账，跟踪销号解决 — the ledger comes
    back on the agenda at its review date; the other village's issue stays off it."""
    sec = people.secretary

    def raised(title: str, household: str, at: datetime) -> int:
        return issues.raise_issue(
            uow, ROOT, title=title, text=title, household_id=county.household[household], at=at
        ).issue.id

    late = raised("屋顶漏雨", "h1", AT - timedelta(days=40))
    ledger = raised("水渠改造", "h3", AT - timedelta(days=3))
    issues.classify(
        uow, sec, ledger, category="infrastructure", difficulty=Difficulty.SMALL, at=later(-70)
    )
    issues.assign(uow, sec, ledger, at=later(-69))
    issues.accept(uow, sec, ledger, at=later(-68))
    issues.put_on_ledger(
        uow, sec, ledger, plan="明年立项", owner="李四", review_on=TODAY, at=later(-67)
    )
    fresh = raised("路灯不亮", "h2", AT)
    raised("别村的事", "h4", AT)  # V2's
    meeting = planned(uow, sec, county, MeetingType.ANALYSIS)
    drawn = meetings.draw_agenda(uow, sec, meeting.id, at=later(1))
    assert [(i.kind, i.issue_id) for i in drawn.agenda] == [
        (AgendaKind.REPORTS, None),
        (AgendaKind.OVERDUE_ISSUE, late),
        (AgendaKind.LEDGER_REVIEW, ledger),
        (AgendaKind.OPEN_ISSUE, fresh),
    ]


def test_a_ledger_entry_not_yet_due_for_review_stays_off_the_agenda(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    sec = people.secretary
    issue = issues.raise_issue(
        uow, ROOT, title="水渠", text="水渠", household_id=county.household["h3"], at=AT
    ).issue.id
    issues.classify(uow, sec, issue, category="infrastructure", difficulty=Difficulty.SMALL, at=AT)
    issues.assign(uow, sec, issue, at=AT)
    issues.accept(uow, sec, issue, at=AT)
    issues.put_on_ledger(
        uow, sec, issue, plan="明年", owner="李四", review_on=date(2027, 3, 1), at=AT
    )
    meeting = planned(uow, sec, county)
    assert meetings.draw_agenda(uow, sec, meeting.id, at=later(1)).agenda == ()


def test_an_agenda_item_naming_an_issue_the_caller_cannot_read_is_refused(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    other = issues.raise_issue(
        uow, ROOT, title="别村", text="别村", household_id=county.household["h4"], at=AT
    ).issue.id
    meeting = planned(uow, people.secretary, county)
    before = written(sessions)
    with pytest.raises(Invalid) as refused:
        meetings.set_agenda(
            uow,
            people.secretary,
            meeting.id,
            [AgendaItem(0, AgendaKind.OPEN_ISSUE, "别村", other)],
            at=later(1),
        )
    assert refused.value.field == "agenda/0/issue_id" and written(sessions) == before


def test_a_member_reads_their_villages_meetings_a_grid_leader_too_but_not_the_townships(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    village = planned(uow, people.secretary, county)
    township = planned(uow, people.township, county, MeetingType.ANALYSIS, org="T1")
    for reader in (people.m1, people.grid_leader):
        assert meetings.get(uow, reader, village.id)[0].id == village.id
        with pytest.raises(NotFound):
            meetings.get(uow, reader, township.id)
    with pytest.raises(NotFound):
        meetings.get(uow, people.other_secretary, village.id)
    with sessions() as session:
        listed = list_meetings(session, people.grid_leader, Window())
    assert [m.id for m in listed.items] == [village.id]


def test_a_secretary_holds_only_meetings_of_their_subtree(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    before = written(sessions)
    with pytest.raises(NotFound):
        planned(uow, people.other_secretary, county)  # V1 is not theirs
    with pytest.raises(Forbidden):
        planned(uow, people.m1, county)  # a member reads meetings, holds none
    assert written(sessions) == before
    township = planned(uow, people.township, county, MeetingType.ANALYSIS, org="T1")
    with pytest.raises(NotFound):  # readable from below? no: and writable even less
        meetings.cancel(uow, people.secretary, township.id, reason="改期", at=AT)


def test_an_attendee_must_be_a_member_of_the_meetings_org_and_nothing_is_written(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    meeting = planned(uow, people.secretary, county)
    before = written(sessions)
    with pytest.raises(Invalid) as refused:
        meetings.record_attendance(
            uow,
            people.secretary,
            meeting.id,
            members=[
                meetings.Presence(county.member["m1"], True),
                meetings.Presence(county.member["m3"], True),
            ],
            representatives=[],
            at=later(1),
        )
    assert refused.value.field == "attendees/1/member_id" and written(sessions) == before


def tasking_with_task(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> tuple[Meeting, int]:
    sec = people.secretary
    meeting = planned(uow, sec, county)
    meetings.record_attendance(
        uow,
        sec,
        meeting.id,
        members=[meetings.Presence(county.member["m1"], True)],
        representatives=[],
        at=later(1),
    )
    task = meetings.add_task(
        uow,
        sec,
        meeting.id,
        title="修路灯",
        owner_member_id=county.member["m1"],
        target="亮灯",
        measures="检修线路",
        deadline=TODAY + timedelta(days=10),
        issue_id=None,
        at=later(2),
    )
    meetings.record_minutes(
        uow,
        sec,
        meeting.id,
        summary="交办路灯",
        decisions=["路灯本月修好"],
        item_minutes={},
        reports={},
        at=later(3),
    )
    return meeting, task.id


def test_finalising_a_tasking_meeting_publishes_its_tasks_and_the_owner_marks_one_done(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    meeting, task_id = tasking_with_task(uow, people, county)
    with sessions() as session:
        board = list_tasks(session, people.m1, Window(), TaskFilter(today=TODAY, published=True))
    assert board.total == 0  # not on the village board before the minutes are final
    final = meetings.finalise(uow, people.secretary, meeting.id, at=later(4))
    assert final.status is MeetingStatus.FINAL and final.finalised_by == "user:secretary"
    with sessions() as session:
        mine = list_tasks(session, people.m1, Window(), TaskFilter(today=TODAY, mine=True))
    assert [t.id for t in mine.items] == [task_id] and mine.items[0].published_at == later(4)
    done = meetings.mark_done(uow, people.m1, task_id, note="已更换灯泡", at=later(5))
    assert done.status is TaskStatus.DONE and done.done_note == "已更换灯泡"
    with sessions() as session:
        events = session.execute(
            select(OutboxRow.type, OutboxRow.entity_id, OutboxRow.version, OutboxRow.actor)
            .where(OutboxRow.entity.in_(["meeting", "meeting_task"]))
            .order_by(OutboxRow.id)
        ).all()
    m, t = str(meeting.id), str(task_id)  # the outbox keeps ids as text
    assert [tuple(e) for e in events] == [
        ("MeetingPlanned", m, 1, "user:secretary"),
        ("AttendanceRecorded", m, 2, "user:secretary"),
        ("TaskAssigned", t, 1, "user:secretary"),
        ("MinutesRecorded", m, 3, "user:secretary"),
        ("MinutesFinalised", m, 4, "user:secretary"),
        ("TaskPublished", t, 2, "user:secretary"),
        ("TaskDone", t, 3, "user:m1"),
    ]


def test_someone_elses_task_is_neither_seen_nor_done_by_a_member_of_another_village(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    meeting, task_id = tasking_with_task(uow, people, county)
    meetings.finalise(uow, people.secretary, meeting.id, at=later(4))
    m3 = Scope.for_role(
        role=Role.MEMBER,
        org_path=people.other_secretary.org_path,
        actor="user:m3",
        member_id=county.member["m3"],
    )
    before = written(sessions)
    with pytest.raises(NotFound):
        meetings.mark_done(uow, m3, task_id, note="x", at=later(5))
    assert written(sessions) == before


def test_representatives_rate_a_task_of_the_village_and_the_rate_is_kept(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """seeds/jiaxing-yilian-sanhui.txt: 民主评议会 — 对…交办事项办理情况进行评议."""
    _, task_id = tasking_with_task(uow, people, county)
    sec = people.secretary
    evaluation = planned(uow, sec, county, MeetingType.EVALUATION)
    meetings.record_attendance(
        uow,
        sec,
        evaluation.id,
        members=[meetings.Presence(county.member["m1"], True)],
        representatives=[county.household["h1"], county.household["h2"]],
        at=later(6),
    )
    for household, level in (
        ("h1", Satisfaction.SATISFIED),
        ("h2", Satisfaction.BASICALLY_SATISFIED),
    ):
        rated = meetings.rate(
            uow,
            sec,
            evaluation.id,
            household_id=county.household[household],
            target=RatingTarget.TASK,
            target_id=task_id,
            level=level,
            at=later(7),
        )
    assert len(rated.ratings) == 2
    with pytest.raises(Invalid):  # a member of another village is not theirs to rate
        meetings.rate(
            uow,
            sec,
            evaluation.id,
            household_id=county.household["h1"],
            target=RatingTarget.MEMBER,
            target_id=county.member["m3"],
            level=Satisfaction.SATISFIED,
            at=later(7),
        )
    stored, _ = meetings.get(uow, sec, evaluation.id)
    assert stored.ratings == rated.ratings


def test_a_household_outside_the_village_cannot_be_a_representative(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    evaluation = planned(uow, people.secretary, county, MeetingType.EVALUATION)
    with pytest.raises(DomainError) as refused:
        meetings.record_attendance(
            uow,
            people.secretary,
            evaluation.id,
            members=[],
            representatives=[county.household["h4"]],
            at=later(1),
        )
    assert refused.value.field == "representatives/0"
