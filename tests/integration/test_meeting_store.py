"""The meetings' store at the database, on SQLite and (with LIANHU_TEST_DATABASE_URL) PostgreSQL:
a task's record is append-only there; two secretaries finalising the same minutes at the same
moment publish its tasks once; representatives rating at the same moment lose nothing that was
accepted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from domain.kernel.access import Role, Scope
from domain.kernel.errors import DomainError
from domain.meetings import services as meetings
from domain.meetings.model import Meeting, MeetingType, RatingTarget, Satisfaction
from persistence.meetings.store import SqlMeetingStore
from persistence.meetings.tables import TaskEntryRow
from persistence.outbox.tables import OutboxRow
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, County, build_county

T = TypeVar("T")
TODAY = date(2026, 11, 25)


def later(hours: float) -> datetime:
    return AT + timedelta(hours=hours)


@pytest.fixture
def sessions(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


@pytest.fixture
def county(app: FastAPI) -> County:
    return build_county(app)


@pytest.fixture
def secretary(sessions: sessionmaker[Session], county: County) -> Scope:
    with sessions() as session:
        path = session.scalar(text(f"SELECT path FROM org_units WHERE id = {county.org['V1']}"))
    return Scope.for_role(role=Role.BRANCH_SECRETARY, org_path=str(path), actor="user:sec")


def at_once(calls: list[Callable[[], T]]) -> list[T | DomainError]:
    def run(call: Callable[[], T]) -> T | DomainError:
        try:
            return call()
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def meet_before(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """The first ``parties`` loads of a meeting for a change wait for one another, so every
    request starts its change at the same moment."""

    def patch(parties: int) -> None:
        barrier = threading.Barrier(parties, timeout=20)
        calls = iter(range(10_000))
        lock = threading.Lock()
        original = SqlMeetingStore.get_locked

        def waiting(self: SqlMeetingStore, *args: Any, **kw: Any) -> Any:
            with lock:
                n = next(calls)
            if n < parties:
                barrier.wait()
            return original(self, *args, **kw)

        monkeypatch.setattr(SqlMeetingStore, "get_locked", waiting)

    return patch


def tasking(sessions: sessionmaker[Session], sec: Scope, county: County) -> tuple[Meeting, int]:
    uow = SqlAlchemyUnitOfWork(sessions)
    meeting = meetings.plan(
        uow,
        sec,
        type=MeetingType.TASKING,
        org_id=county.org["V1"],
        title="交办会",
        held_on=TODAY,
        place="",
        at=AT,
    )
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
        measures="检修",
        deadline=TODAY,
        issue_id=None,
        at=later(1),
    )
    meeting = meetings.record_minutes(
        uow,
        sec,
        meeting.id,
        summary="交办路灯",
        decisions=[],
        item_minutes={},
        reports={},
        at=later(2),
    )
    return meeting, task.id


def test_a_tasks_record_refuses_updates_and_deletes_at_the_database(
    app: FastAPI, sessions: sessionmaker[Session], county: County, secretary: Scope
) -> None:
    tasking(sessions, secretary, county)
    for statement in (
        "UPDATE meeting_task_entries SET note = 'rewritten'",
        "DELETE FROM meeting_task_entries",
    ):
        with app.state.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text(statement))
            conn.commit()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskEntryRow)) == 1


def test_two_finalising_at_once_publish_the_tasks_once(
    sessions: sessionmaker[Session],
    county: County,
    secretary: Scope,
    meet_before: Callable[[int], None],
) -> None:
    meeting, task_id = tasking(sessions, secretary, county)
    meet_before(2)
    answers = at_once(
        [
            lambda: meetings.finalise(
                SqlAlchemyUnitOfWork(sessions), secretary, meeting.id, at=later(3)
            )
            for _ in range(2)
        ]
    )
    refused = [a for a in answers if isinstance(a, DomainError)]
    assert len(refused) == 1, answers
    # PostgreSQL: the second waits on the row's lock, then meets a final meeting; SQLite: the
    # second's write finds the version moved (or the database busy) and is refused too.
    assert refused[0].code in {"meeting.action_not_allowed", "meeting.stale"}
    with sessions() as session:
        kinds = session.scalars(
            select(OutboxRow.type).where(OutboxRow.type.in_(["MinutesFinalised", "TaskPublished"]))
        ).all()
        entries = session.scalar(
            select(func.count()).select_from(TaskEntryRow).where(TaskEntryRow.task_id == task_id)
        )
    assert sorted(kinds) == ["MinutesFinalised", "TaskPublished"] and entries == 2


def test_representatives_rating_at_once_keep_every_accepted_rating(
    sessions: sessionmaker[Session],
    county: County,
    secretary: Scope,
    meet_before: Callable[[int], None],
) -> None:
    uow = SqlAlchemyUnitOfWork(sessions)
    meeting = meetings.plan(
        uow,
        secretary,
        type=MeetingType.EVALUATION,
        org_id=county.org["V1"],
        title="评议会",
        held_on=TODAY,
        place="",
        at=AT,
    )
    households = [county.household[h] for h in ("h1", "h2", "h3")]
    meetings.record_attendance(
        uow, secretary, meeting.id, members=[], representatives=households, at=later(1)
    )
    meet_before(3)
    answers = at_once(
        [
            lambda h=h: meetings.rate(  # type: ignore[misc]
                SqlAlchemyUnitOfWork(sessions),
                secretary,
                meeting.id,
                household_id=h,
                target=RatingTarget.MEMBER,
                target_id=county.member["m1"],
                level=Satisfaction.SATISFIED,
                at=later(2),
            )
            for h in households
        ]
    )
    accepted = [a for a in answers if isinstance(a, Meeting)]
    assert all(isinstance(a, Meeting) or a.code == "meeting.stale" for a in answers), answers
    stored, _ = meetings.get(SqlAlchemyUnitOfWork(sessions), secretary, meeting.id)
    # Nothing accepted is lost, nothing refused is half-written: the stored ratings are exactly
    # those of the answers that succeeded (all three on PostgreSQL, which queues them).
    assert {r.household_id for r in stored.ratings} == {
        r.household_id for a in accepted for r in a.ratings if r.household_id in households
    }
    assert len(stored.ratings) == len(accepted) and stored.version == 2 + len(accepted)
    if sessions.kw["bind"].dialect.name == "postgresql":
        assert len(accepted) == 3
