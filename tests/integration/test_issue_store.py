"""The issue store at the database, on SQLite and (with LIANHU_TEST_DATABASE_URL) PostgreSQL:
the timeline is append-only there, a stale save is refused, actions and raises sent at the same
moment from several connections leave what one at a time would, the card's daily limit holds
under parallel requests, and the sweep marks each issue once, one outbox row per event."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from domain.disclosure import services as disclosure
from domain.issues import services as issues
from domain.issues.events import changes
from domain.issues.model import (
    DEFAULT_CATEGORIES,
    Actor,
    Difficulty,
    Issue,
    IssueAction,
    IssueStatus,
    Source,
    Supervision,
    raise_issue,
)
from domain.issues.rules import Timetable
from domain.kernel.access import Role, Scope
from domain.kernel.errors import Conflict, DomainError, Locked
from persistence.disclosure.store import SqlDisclosureUnitOfWork
from persistence.issues.store import SqlIssueStore
from persistence.issues.tables import IssueEntryRow, IssueRow
from persistence.outbox.tables import OutboxRow
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County, build_county

T = TypeVar("T")


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
def member(sessions: sessionmaker[Session], county: County) -> Scope:
    """m1, a member of V1, who looks after h1 and h2."""
    return Scope.for_role(
        role=Role.MEMBER,
        org_path=path_of(sessions, county.org["V1"]),
        actor="user:m1",
        member_id=county.member["m1"],
    )


@pytest.fixture
def township(sessions: sessionmaker[Session], county: County) -> Scope:
    return Scope.for_role(
        role=Role.TOWNSHIP_CADRE, org_path=path_of(sessions, county.org["T1"]), actor="user:t1"
    )


def path_of(sessions: sessionmaker[Session], org_id: int) -> str:
    with sessions() as session:
        return str(
            session.execute(
                text("SELECT path FROM org_units WHERE id = :i"), {"i": org_id}
            ).scalar()
        )


def count(sessions: sessionmaker[Session], table: Any, *where: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def raised(sessions: sessionmaker[Session], scope: Scope, county: County, **kw: Any) -> Issue:
    return issues.raise_issue(
        SqlAlchemyUnitOfWork(sessions),
        scope,
        title="路灯不亮",
        text="村口路灯坏了半个月",
        household_id=county.household["h1"],
        category="infrastructure",
        at=kw.pop("at", AT),
        **kw,
    ).issue


def at_once(calls: list[Callable[[], T]]) -> list[T | DomainError]:
    """Run the calls in threads of their own (each its own unit of work and connection), all
    started together; each answer, or the domain's refusal."""

    def run(call: Callable[[], T]) -> T | DomainError:
        try:
            return call()
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def meet_before(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, int], None]:
    """Make the first ``parties`` calls of a store method wait for one another before they
    run: every request has read what it judged on before any of them writes."""

    def patch(method: str, parties: int) -> None:
        barrier = threading.Barrier(parties, timeout=20)
        calls = iter(range(10_000))
        lock = threading.Lock()
        original = getattr(SqlIssueStore, method)

        def waiting(self: SqlIssueStore, *args: Any, **kw: Any) -> Any:
            with lock:
                n = next(calls)
            if n < parties:
                barrier.wait()
            return original(self, *args, **kw)

        monkeypatch.setattr(SqlIssueStore, method, waiting)

    return patch


# ── the timeline ──────────────────────────────────────────────────────────────────────────────


def test_the_timeline_refuses_updates_and_deletes_at_the_database(
    app: FastAPI, sessions: sessionmaker[Session], county: County, member: Scope
) -> None:
    issue = raised(sessions, member, county)
    for statement in (
        "UPDATE issue_timeline SET note = 'rewritten'",
        f"DELETE FROM issue_timeline WHERE issue_id = {issue.id}",
    ):
        with app.state.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text(statement))
            conn.commit()
    assert count(sessions, IssueEntryRow) == 1


def test_a_stale_save_is_refused_and_writes_nothing(
    sessions: sessionmaker[Session], county: County, member: Scope
) -> None:
    """Read, then another transaction acts and commits: saving what was made from the old read
    is a Conflict, and neither the state nor the timeline changes."""
    issue = raised(sessions, member, county)
    uow = SqlAlchemyUnitOfWork(sessions)
    with uow:
        before = uow.issues.get(issue.id, ROOT)
        mine = before.classify(
            category="relief",
            difficulty=Difficulty.SMALL,
            categories=DEFAULT_CATEGORIES,
            by=Actor("user:m1", org=before.handler),
            at=later(2),
        )
        issues.urge(
            SqlAlchemyUnitOfWork(sessions),
            Scope.for_role(role=Role.COUNTY_CADRE, org_path=before.line[0].path, actor="user:c"),
            issue.id,
            at=later(1),
        )
        with pytest.raises(Conflict) as refused:
            uow.issues.save(mine, stored_entries=len(before.timeline))
        assert refused.value.code == "issue.stale"
    with SqlAlchemyUnitOfWork(sessions) as check:
        now = check.issues.get(issue.id, ROOT)
    assert now.status is IssueStatus.RAISED
    assert [e.action for e in now.timeline] == [IssueAction.RAISE, IssueAction.URGE]


# ── at the same moment ────────────────────────────────────────────────────────────────────────


def test_two_actions_at_once_on_one_issue_apply_one_and_refuse_the_other(
    sessions: sessionmaker[Session],
    county: County,
    member: Scope,
    township: Scope,
    meet_before: Callable[[str, int], None],
) -> None:
    """Two accept the same assigned issue at once (both read it before either writes): one is
    applied, the other meets the issue in progress and is refused as a conflict."""
    issue = raised(sessions, member, county)
    for step in (
        lambda: issues.classify(
            SqlAlchemyUnitOfWork(sessions),
            member,
            issue.id,
            category="relief",
            difficulty=Difficulty.MAJOR,
            at=later(1),
        ),
        lambda: issues.assign(SqlAlchemyUnitOfWork(sessions), member, issue.id, at=later(2)),
    ):
        step()
    meet_before("get_locked", 2)
    answers = at_once(
        [
            lambda: issues.accept(SqlAlchemyUnitOfWork(sessions), township, issue.id, at=later(3)),
            lambda: issues.accept(SqlAlchemyUnitOfWork(sessions), township, issue.id, at=later(3)),
        ]
    )
    applied = [a for a in answers if isinstance(a, Issue)]
    refused = [a for a in answers if isinstance(a, DomainError)]
    assert len(applied) == 1 and len(refused) == 1, answers
    assert isinstance(refused[0], Conflict)
    assert count(sessions, IssueEntryRow, IssueEntryRow.issue_id == issue.id) == 4
    assert count(sessions, OutboxRow, OutboxRow.entity == "issue") == 4


def test_two_saves_from_one_read_leave_one_and_refuse_the_other_as_stale(
    sessions: sessionmaker[Session], county: County, member: Scope
) -> None:
    """Without the lock (two plain reads of the same version, in two connections), the
    version check alone lets exactly one write through."""
    issue = raised(sessions, member, county)
    read = threading.Barrier(2, timeout=20)

    def urge(note: str) -> Issue:
        with SqlAlchemyUnitOfWork(sessions) as uow:
            before = uow.issues.get(issue.id, ROOT)
            read.wait()
            after = before.urge(by=Actor("user:c", org=before.line[0]), at=later(1), note=note)
            uow.issues.save(after, stored_entries=len(before.timeline))
            uow.commit()
            return after

    answers = at_once([lambda: urge("一"), lambda: urge("二")])
    assert sorted(type(a).__name__ for a in answers) == ["Conflict", "Issue"], answers
    assert next(a for a in answers if isinstance(a, Conflict)).code == "issue.stale"
    assert count(sessions, IssueEntryRow, IssueEntryRow.issue_id == issue.id) == 2


def test_one_client_ref_raised_at_once_from_several_connections_is_one_issue(
    sessions: sessionmaker[Session],
    county: County,
    member: Scope,
    meet_before: Callable[[str, int], None],
) -> None:
    """A sync batch sent again while its first send is still being written: every send found
    no issue under the ref before any wrote; one is written, the others answer with it."""
    sends = 4
    meet_before("add", sends)
    ref = "8e2b5a7c-1d3f-4e6a-9b0c-2f4d6e8a0b1c"
    answers = at_once(
        [
            lambda: issues.raise_issue(
                SqlAlchemyUnitOfWork(sessions),
                member,
                title="路灯不亮",
                text="坏了",
                household_id=county.household["h1"],
                at=AT,
                client_ref=ref,
            )
            for _ in range(sends)
        ]
    )
    assert all(isinstance(a, issues.Raised) for a in answers), answers
    outcomes = [a for a in answers if isinstance(a, issues.Raised)]
    assert sum(a.created for a in outcomes) == 1
    assert len({a.issue.id for a in outcomes}) == 1
    assert count(sessions, IssueRow) == 1
    assert count(sessions, OutboxRow, OutboxRow.entity == "issue") == 1


def test_card_raises_at_once_beyond_the_daily_limit_store_exactly_the_limit(
    sessions: sessionmaker[Session],
    county: County,
    meet_before: Callable[[str, int], None],
) -> None:
    token, _ = disclosure.issue_card_token(
        SqlDisclosureUnitOfWork(sessions), ROOT, county.household["h1"], at=AT
    )
    sends = issues.CARD_ISSUES_A_DAY + 3
    meet_before("lock_card_raises", sends)
    answers = at_once(
        [
            lambda: issues.raise_by_card(
                SqlDisclosureUnitOfWork(sessions),
                token.token,
                title="垃圾没人收",
                text="三天没收了",
                category="sanitation",
                at=AT,
            )
            for _ in range(sends)
        ]
    )
    stored = [a for a in answers if isinstance(a, Issue)]
    limited = [a for a in answers if isinstance(a, Locked)]
    assert (len(stored), len(limited)) == (issues.CARD_ISSUES_A_DAY, 3), answers
    assert {a.code for a in limited} == {"issue.card_daily_limit"}
    assert count(sessions, IssueRow) == issues.CARD_ISSUES_A_DAY


# ── the sweep ─────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def many(sessions: sessionmaker[Session], county: County, member: Scope) -> Iterator[int]:
    """Three hundred household matters raised at AT, written in one go."""
    n = 300
    uow = SqlAlchemyUnitOfWork(sessions)
    with uow:
        line = uow.issues.line_of(county.org["G1"], ROOT)
        timetable = Timetable(uow.work_calendar.get())
        for i in range(n):
            issue = raise_issue(
                source=Source.MEMBER_DIRECT,
                title=f"问题{i}",
                text="x",
                line=line,
                by=Actor("user:m1", org=line[2], member_id=county.member["m1"]),
                at=AT,
                timetable=timetable,
                household_id=county.household["h1"],
                category="other",
            )
            added = uow.issues.add(issue)
            assert added is not None
            uow.emit(*changes(None, added))
        uow.commit()
    yield n


def test_the_sweep_marks_each_issue_once_even_run_twice_one_outbox_row_an_event(
    sessions: sessionmaker[Session], many: int
) -> None:
    uow = SqlAlchemyUnitOfWork(sessions)
    assert issues.sweep(uow, later(16), batch=64) == issues.SweepReport(many, many)
    assert issues.sweep(uow, later(16), batch=64) == issues.SweepReport(0, 0)
    assert issues.sweep(uow, later(40), batch=64) == issues.SweepReport(many, 2 * many)
    assert issues.sweep(uow, later(40), batch=64) == issues.SweepReport(0, 0)
    for kind in ("IssueWarned", "IssueOverdue", "SupervisionRaised"):
        assert count(sessions, OutboxRow, OutboxRow.type == kind) == many, kind
    entries = count(sessions, IssueEntryRow)
    assert entries == 4 * many
    assert count(sessions, OutboxRow, OutboxRow.entity == "issue") == entries
    with sessions() as session:
        assert session.scalar(select(func.sum(IssueRow.version))) == entries
    with SqlAlchemyUnitOfWork(sessions) as uow:
        (first, *_) = uow.issues.open_issues(ROOT, limit=1)
    assert first.clock is not None and (first.clock.warned, first.clock.overdue) == (True, True)
    assert (first.supervision, first.overdue_count) == (Supervision.YELLOW, 1)
    assert [e.action for e in first.timeline][1:] == [
        IssueAction.WARN,
        IssueAction.MARK_OVERDUE,
        IssueAction.RAISE_SUPERVISION,
    ]
