"""The issue flow's use cases (收集 → 分类 → 流转 → 督办 → 反馈 → 销号) on a real SQLite unit of
work, no HTTP: who may act where, what is stored and emitted, and that a refusal writes nothing.

The county (tests.builders.build_county): C ─ T1 ─ V1 ─ G1 (h1, h2), G2 (h3); C ─ T2 ─ V2 ─ G3
(h4). m1, a member of V1, looks after h1 and h2; m2 is V1's branch secretary. AT is Wednesday
25 November 2026, 09:00 in China."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from domain.disclosure import services as disclosure
from domain.issue_drafts import services as drafts
from domain.issue_drafts.model import DRAFT_STATUS_LABELS, DraftStatus
from domain.issues import services as issues
from domain.issues.calendar import DayKind
from domain.issues.model import (
    DEFAULT_CATEGORIES,
    ActionNotAllowed,
    Difficulty,
    Issue,
    IssueAction,
    IssuePhoto,
    IssueStatus,
    Rating,
    Source,
    Supervision,
    Tier,
    household_ref,
)
from domain.kernel.access import Role, Scope
from domain.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    RuleBroken,
)
from domain.kernel.time import local_date
from domain.org import services as orgs
from domain.registers import services as registers
from domain.schemes import services as schemes
from domain.visits import services as visits
from domain.visits.model import Flag, Visit, VisitMode
from persistence.disclosure.store import SqlDisclosureUnitOfWork
from persistence.issues.queries import IssueFilter, list_issues, org_statistics
from persistence.issues.tables import IssueEntryRow, IssueRow, WorkCalendarDayRow
from persistence.outbox.tables import OutboxRow
from persistence.paging import Window
from persistence.photos.media import LocalDiskStorage, clean_photo
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County


def later(hours: float) -> datetime:
    return AT + timedelta(hours=hours)


class People:
    """The callers of the county, each with the scope their account would give them."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, county: County) -> None:
        with uow:
            path = {key: uow.orgs.get(org_id, ROOT).path for key, org_id in county.org.items()}
        self.path = path
        self.m1 = Scope.for_role(
            role=Role.MEMBER, org_path=path["V1"], actor="user:m1", member_id=county.member["m1"]
        )
        self.m3 = Scope.for_role(
            role=Role.MEMBER, org_path=path["V2"], actor="user:m3", member_id=county.member["m3"]
        )
        self.v2 = Scope.for_role(role=Role.VILLAGE_CADRE, org_path=path["V2"], actor="user:v2")
        self.secretary = Scope.for_role(
            role=Role.BRANCH_SECRETARY, org_path=path["V1"], actor="user:secretary"
        )
        self.township = Scope.for_role(
            role=Role.TOWNSHIP_CADRE, org_path=path["T1"], actor="user:township"
        )
        self.other_township = Scope.for_role(
            role=Role.TOWNSHIP_CADRE, org_path=path["T2"], actor="user:t2"
        )
        self.county = Scope.for_role(role=Role.COUNTY_CADRE, org_path=path["C"], actor="user:c")
        self.auditor = Scope.for_role(role=Role.AUDITOR, org_path=path["C"], actor="user:audit")


@pytest.fixture
def people(uow: SqlAlchemyUnitOfWork, county: County) -> People:
    return People(uow, county)


def written(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    """(issues, timeline entries, outbox rows): what a refusal must leave as it was."""
    with sessions() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (IssueRow, IssueEntryRow, OutboxRow)
        )


def stored(uow: SqlAlchemyUnitOfWork, issue_id: int) -> Issue:
    with uow:
        return uow.issues.get(issue_id, ROOT)


def raised_for_h1(uow: SqlAlchemyUnitOfWork, people: People, county: County, **kw: object) -> Issue:
    return issues.raise_issue(
        uow,
        people.m1,
        title="路灯不亮",
        text="村口路灯坏了半个月",
        household_id=county.household["h1"],
        category="infrastructure",
        at=AT,
        **kw,  # type: ignore[arg-type]
    ).issue


def card_token(sessions: sessionmaker[Session], household_id: int) -> str:
    token, _ = disclosure.issue_card_token(
        SqlDisclosureUnitOfWork(sessions), ROOT, household_id, at=AT
    )
    return token.token


# ── 收集 ──────────────────────────────────────────────────────────────────────────────────────


def test_a_member_raises_a_matter_of_their_household_received_where_they_act(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """首问负责: m1 acts for V1, which lies on the line of h1's grid: V1 receives it. The
    matter is the household's (the answer goes back to it, it rates it)."""
    issue = raised_for_h1(uow, people, county)
    assert issue.id > 0
    assert (issue.status, issue.handler.id, issue.origin.id) == (
        IssueStatus.RAISED,
        county.org["V1"],
        county.org["G1"],
    )
    assert [o.id for o in issue.line] == [county.org[k] for k in ("C", "T1", "V1", "G1")]
    assert (issue.source, issue.raiser) == (
        Source.MEMBER_DIRECT,
        household_ref(county.household["h1"]),
    )
    assert stored(uow, issue.id) == issue  # read back as it was made, timeline and all
    with uow:
        (event,) = uow.session.scalars(select(OutboxRow).where(OutboxRow.entity == "issue"))
        assert (event.type, event.entity_id, event.version) == ("IssueRaised", str(issue.id), 1)
        assert event.org_path == people.path["G1"]


@pytest.mark.parametrize(
    ("who", "household"),
    [("m1", "h3"), ("other_township", "h1"), ("m3", "h1")],
    ids=["not-their-household", "other-township", "other-village"],
)
def test_an_issue_for_a_household_outside_the_callers_reach_is_not_found_and_writes_nothing(
    uow: SqlAlchemyUnitOfWork,
    people: People,
    county: County,
    sessions: sessionmaker[Session],
    who: str,
    household: str,
) -> None:
    before = written(sessions)
    with pytest.raises(NotFound) as refused:
        issues.raise_issue(
            uow,
            getattr(people, who),
            title="路灯不亮",
            text="坏了",
            household_id=county.household[household],
            at=AT,
        )
    assert refused.value.code == "household.not_found"
    assert written(sessions) == before


def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"title": "  ", "text": "坏了"}, "title"),
        ({"title": "路灯", "text": ""}, "text"),
        ({"title": "路灯", "text": "坏了", "category": "weather"}, "category"),
        ({"title": "路灯", "text": "坏了", "at": datetime(2026, 11, 25, 9)}, "at"),
    ]
    before = written(sessions)
    for body, field in cases:
        with pytest.raises(DomainError) as refused:
            issues.raise_issue(
                uow,
                people.m1,
                household_id=county.household["h1"],
                **{"at": AT, **body},  # type: ignore[arg-type]
            )
        assert refused.value.field == field, body
    assert written(sessions) == before


def test_the_same_client_ref_sent_twice_raises_one_issue(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    ref = "6f1c7d52-3f0e-4d59-9a55-0c2b1d7e8a01"
    first = raised_for_h1(uow, people, county, client_ref=ref)
    again = issues.raise_issue(
        uow,
        people.m1,
        title="路灯不亮",
        text="村口路灯坏了半个月",
        household_id=county.household["h1"],
        at=later(1),
        client_ref=ref,
    )
    assert not again.created and again.issue == first
    assert written(sessions)[0] == 1


def test_a_branch_raises_a_matter_of_its_own_place(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    issue = issues.raise_issue(uow, people.secretary, title="村道破损", text="需修补", at=AT).issue
    assert (issue.source, issue.raiser, issue.household_id) == (
        Source.BRANCH,
        "user:secretary",
        None,
    )
    assert issue.origin.id == issue.handler.id == county.org["V1"]


def test_a_visits_issue_draft_becomes_one_issue_of_its_household(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    visit = Visit(
        0,
        county.member["m1"],
        county.household["h1"],
        AT - timedelta(hours=2),
        VisitMode.HOME,
        flags=(Flag("difficulty", "屋顶漏雨，需要维修"),),
    )
    (logged,) = visits.log_visits(uow, [visits.VisitLogging(people.m1, visit)], at=AT)
    assert isinstance(logged, visits.Logged)
    draft = drafts.raise_draft(uow, people.m1, logged.visit.id, "difficulty", at=AT).draft
    first = issues.raise_from_draft(uow, people.m1, draft.id, at=later(1))
    again = issues.raise_from_draft(uow, people.secretary, draft.id, at=later(2))
    assert first.created and not again.created and again.issue.id == first.issue.id
    issue = first.issue
    assert (issue.source, issue.household_id, issue.text) == (
        Source.MEMBER_VISIT,
        county.household["h1"],
        "屋顶漏雨，需要维修",
    )
    assert issue.title == draft.title
    assert written(sessions)[0] == 1
    # the draft is no longer 待分类: it is followed in the flow, once
    became = drafts.get_draft(uow, people.m1, draft.id)
    assert (became.status, DRAFT_STATUS_LABELS[became.status]) == (
        DraftStatus.RAISED,
        "已转问题办理",
    )
    with uow:
        changed = uow.session.execute(
            select(OutboxRow.type, OutboxRow.version)
            .where(OutboxRow.entity == "issue_draft")
            .order_by(OutboxRow.id)
        ).all()
    assert [tuple(c) for c in changed] == [("IssueDraftRaised", 1), ("IssueDraftBecameIssue", 2)]


def test_a_member_turns_only_their_own_visits_drafts(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    visit = Visit(
        0,
        county.member["m1"],
        county.household["h1"],
        AT - timedelta(hours=2),
        VisitMode.HOME,
        flags=(Flag("dispute", "邻里为宅基地争执"),),
    )
    (logged,) = visits.log_visits(uow, [visits.VisitLogging(people.secretary, visit)], at=AT)
    assert isinstance(logged, visits.Logged)
    draft = drafts.raise_draft(uow, people.secretary, logged.visit.id, "dispute", at=AT).draft
    other = Scope.for_role(
        role=Role.MEMBER, org_path=people.path["V1"], actor="user:m2", member_id=county.member["m2"]
    )
    with pytest.raises(DomainError):
        issues.raise_from_draft(uow, other, draft.id, at=later(1))
    assert written(sessions)[0] == 0


# ── the household's card ─────────────────────────────────────────────────────────────────────


def test_a_household_raises_a_matter_from_its_card_received_by_its_grid(
    uow: SqlAlchemyUnitOfWork, county: County, sessions: sessionmaker[Session]
) -> None:
    token = card_token(sessions, county.household["h1"])
    issue = issues.raise_by_card(
        SqlDisclosureUnitOfWork(sessions),
        token,
        title="垃圾没人收",
        text="三天没收垃圾了",
        category="sanitation",
        at=AT,
    )
    assert (issue.source, issue.handler.id, issue.raiser) == (
        Source.HOUSEHOLD_CARD,
        county.org["G1"],
        household_ref(county.household["h1"]),
    )
    seen = issues.card_issue(SqlDisclosureUnitOfWork(sessions), token, issue.id)
    assert seen == issue


def test_a_card_raise_must_say_what_kind_of_matter_it_is(
    county: County, sessions: sessionmaker[Session]
) -> None:
    token = card_token(sessions, county.household["h1"])
    with pytest.raises(Invalid) as refused:
        issues.raise_by_card(
            SqlDisclosureUnitOfWork(sessions), token, title="t", text="x", category=None, at=AT
        )
    assert (refused.value.code, refused.value.field) == ("issue.category_required", "category")
    assert written(sessions)[0] == 0


def test_a_forged_or_revoked_card_raises_nothing(
    county: County, sessions: sessionmaker[Session]
) -> None:
    token = card_token(sessions, county.household["h1"])
    disclosure.revoke_card_token(
        SqlDisclosureUnitOfWork(sessions), ROOT, county.household["h1"], at=AT
    )
    for bad in (token, "x" * 43, "../etc"):
        with pytest.raises(NotFound) as refused:
            issues.raise_by_card(
                SqlDisclosureUnitOfWork(sessions),
                bad,
                title="t",
                text="x",
                category="other",
                at=AT,
            )
        assert refused.value.code == "card.not_found"
    assert written(sessions)[0] == 0


def test_a_card_raises_at_most_three_matters_a_day_then_waits_for_midnight(
    county: County, sessions: sessionmaker[Session]
) -> None:
    token = card_token(sessions, county.household["h1"])

    def send(at: datetime) -> Issue:
        return issues.raise_by_card(
            SqlDisclosureUnitOfWork(sessions), token, title="t", text="x", category="other", at=at
        )

    for i in range(issues.CARD_ISSUES_A_DAY):
        send(later(i))
    with pytest.raises(Locked) as refused:
        send(later(3))
    assert refused.value.code == "issue.card_daily_limit"
    # 12:00 in China: twelve hours to midnight
    assert refused.value.retry_after_seconds == 12 * 3600
    assert written(sessions)[0] == issues.CARD_ISSUES_A_DAY
    send(later(15))  # Thursday, 00:00 in China: a new day
    assert written(sessions)[0] == issues.CARD_ISSUES_A_DAY + 1


# ── the flow ──────────────────────────────────────────────────────────────────────────────────


def test_a_major_matter_goes_to_the_township_is_answered_rated_and_closed(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    """大事不出乡: classified as major it is assigned to T1, which accepts and answers it; m1
    (h1's contact member) tells the household; the household rates it on its card; T1 closes
    it. Every step is stored as the model made it, one entry and one event each."""
    token = card_token(sessions, county.household["h1"])
    issue = raised_for_h1(uow, people, county)
    steps = [
        lambda: issues.classify(
            uow,
            people.m1,
            issue.id,
            category="infrastructure",
            difficulty=Difficulty.MAJOR,
            at=later(1),
        ),
        lambda: issues.assign(uow, people.m1, issue.id, at=later(2)),
        lambda: issues.accept(uow, people.township, issue.id, at=later(3)),
        lambda: issues.resolve(uow, people.township, issue.id, answer="已更换路灯", at=later(4)),
        lambda: issues.confirm_told(uow, people.m1, issue.id, at=later(5)),
        lambda: issues.rate_by_card(
            SqlDisclosureUnitOfWork(sessions),
            token,
            issue.id,
            rating=Rating.SATISFIED,
            at=later(6),
        ),
        lambda: issues.close(uow, people.township, issue.id, result="路灯已修复", at=later(7)),
    ]
    for step in steps:
        issue = step()
        assert stored(uow, issue.id) == issue
    assert issue.status is IssueStatus.CLOSED and issue.handler.tier is Tier.TOWNSHIP
    assert issue.rating is Rating.SATISFIED
    with uow:
        versions = list(
            uow.session.scalars(
                select(OutboxRow.version).where(OutboxRow.entity == "issue").order_by(OutboxRow.id)
            )
        )
        row = uow.session.get_one(IssueRow, issue.id)
        assert (row.version, row.closed_at, row.handler_path) == (8, later(7), people.path["T1"])
    assert versions == list(range(1, len(issue.timeline) + 1)) and len(versions) == 8


def test_an_illegal_action_is_refused_naming_the_allowed_ones_and_writes_nothing(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    issue = raised_for_h1(uow, people, county)
    before = written(sessions)
    with pytest.raises(ActionNotAllowed) as refused:
        issues.accept(uow, people.m1, issue.id, at=later(1))
    assert refused.value.code == "issue.action_not_allowed"
    assert "classify" in refused.value.allowed
    assert written(sessions) == before
    assert stored(uow, issue.id) == issue


def test_the_level_below_cannot_act_for_the_handler_and_nothing_is_written(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    issue = raised_for_h1(uow, people, county)
    issues.classify(
        uow, people.m1, issue.id, category="relief", difficulty=Difficulty.MAJOR, at=later(1)
    )
    issues.assign(uow, people.m1, issue.id, at=later(2))  # to T1
    before = written(sessions)
    with pytest.raises(Forbidden) as refused:
        issues.accept(uow, people.secretary, issue.id, at=later(3))
    assert refused.value.code == "issue.not_handler"
    assert written(sessions) == before


def test_a_cadre_of_another_township_does_not_find_the_issue(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    issue = raised_for_h1(uow, people, county)
    for scope in (people.other_township, people.m3):
        with pytest.raises(NotFound) as refused:
            issues.get_issue(uow, scope, issue.id)
        assert refused.value.code == "issue.not_found"
    with pytest.raises(NotFound):
        issues.urge(uow, people.other_township, issue.id, at=later(1))


def test_a_member_sees_the_matters_of_their_own_households_and_their_own_only(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    mine = raised_for_h1(uow, people, county)
    theirs = issues.raise_issue(
        uow, people.secretary, title="漏水", text="x", household_id=county.household["h3"], at=AT
    ).issue
    own = issues.raise_issue(uow, people.secretary, title="村道", text="x", at=AT).issue
    assert issues.get_issue(uow, people.m1, mine.id) == mine
    for hidden in (theirs, own):
        with pytest.raises(NotFound):
            issues.get_issue(uow, people.m1, hidden.id)
    assert issues.get_issue(uow, people.secretary, theirs.id) == theirs


def test_an_extension_is_approved_by_the_level_above_never_by_the_handler(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    issue = raised_for_h1(uow, people, county)
    issues.classify(
        uow, people.m1, issue.id, category="relief", difficulty=Difficulty.SMALL, at=later(1)
    )
    issues.assign(uow, people.secretary, issue.id, at=later(2))
    issues.accept(uow, people.secretary, issue.id, at=later(3))
    asked = issues.request_extension(
        uow, people.secretary, issue.id, until=date(2026, 12, 31), reason="等待材料", at=later(4)
    )
    before = written(sessions)
    with pytest.raises(Forbidden) as refused:
        issues.approve_extension(uow, people.secretary, issue.id, at=later(5))
    assert refused.value.code == "issue.not_level_above"
    assert written(sessions) == before
    approved = issues.approve_extension(uow, people.township, issue.id, at=later(5))
    assert asked.extension is not None and approved.extension is None
    assert approved.deadline is not None and approved.deadline > (asked.deadline or AT)
    assert stored(uow, issue.id) == approved


def test_urging_needs_the_supervising_permission(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    issue = raised_for_h1(uow, people, county)
    before = written(sessions)
    for scope in (people.m1, people.auditor):
        with pytest.raises(Forbidden) as refused:
            issues.urge(uow, scope, issue.id, at=later(1))
        assert refused.value.code == "auth.permission_denied"
    assert written(sessions) == before
    urged = issues.urge(uow, people.township, issue.id, at=later(1), note="请尽快受理")
    assert urged.timeline[-1].action is IssueAction.URGE


def test_a_dissatisfied_household_reopens_its_matter_at_the_same_handler(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    token = card_token(sessions, county.household["h1"])
    issue = raised_for_h1(uow, people, county)
    issues.classify(
        uow, people.m1, issue.id, category="relief", difficulty=Difficulty.SMALL, at=later(1)
    )
    issues.assign(uow, people.m1, issue.id, at=later(2))
    issues.accept(uow, people.m1, issue.id, at=later(3))
    issues.resolve(uow, people.m1, issue.id, answer="已联系电工", at=later(4))
    issues.confirm_told(uow, people.m1, issue.id, at=later(5))
    with pytest.raises(Forbidden):  # the member is not the raiser: the household rates it
        issues.rate(uow, people.m1, issue.id, rating=Rating.SATISFIED, at=later(6))
    reopened = issues.rate_by_card(
        SqlDisclosureUnitOfWork(sessions),
        token,
        issue.id,
        rating=Rating.DISSATISFIED,
        reason="还是不亮",
        at=later(6),
    )
    assert (reopened.status, reopened.handler.id, reopened.reopen_count) == (
        IssueStatus.IN_PROGRESS,
        county.org["V1"],
        1,
    )
    assert stored(uow, issue.id) == reopened


def test_another_households_card_does_not_reach_the_issue(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    issue = raised_for_h1(uow, people, county)
    other = card_token(sessions, county.household["h2"])
    with pytest.raises(NotFound):
        issues.card_issue(SqlDisclosureUnitOfWork(sessions), other, issue.id)
    with pytest.raises(NotFound):
        issues.rate_by_card(
            SqlDisclosureUnitOfWork(sessions), other, issue.id, rating=Rating.SATISFIED, at=AT
        )


def test_the_ledger_takes_what_cannot_be_solved_now_with_a_plan(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    issue = raised_for_h1(uow, people, county)
    issues.classify(
        uow, people.m1, issue.id, category="relief", difficulty=Difficulty.SMALL, at=later(1)
    )
    issues.assign(uow, people.m1, issue.id, at=later(2))
    issues.accept(uow, people.secretary, issue.id, at=later(3))
    with pytest.raises(RuleBroken):  # a review date in the past
        issues.put_on_ledger(
            uow,
            people.secretary,
            issue.id,
            plan="明年立项",
            owner="李四",
            review_on=date(2026, 11, 1),
            at=later(4),
        )
    ledger = issues.put_on_ledger(
        uow,
        people.secretary,
        issue.id,
        plan="明年立项",
        owner="李四",
        review_on=date(2027, 3, 1),
        at=later(4),
    )
    assert ledger.status is IssueStatus.ON_LEDGER and ledger.deadline is None
    assert stored(uow, issue.id) == ledger


def test_an_issue_climbs_one_level_at_a_time_and_never_past_the_county(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    issue = raised_for_h1(uow, people, county)
    issues.classify(
        uow, people.m1, issue.id, category="dispute", difficulty=Difficulty.SMALL, at=later(1)
    )
    issues.assign(uow, people.m1, issue.id, at=later(2))
    up = issues.escalate(uow, people.secretary, issue.id, reason="需乡镇协调", at=later(3))
    assert up.handler.id == county.org["T1"]
    top = issues.escalate(uow, people.township, issue.id, reason="涉及县级部门", at=later(4))
    assert top.handler.id == county.org["C"]
    before = written(sessions)
    with pytest.raises(RuleBroken) as refused:
        issues.escalate(uow, people.county, issue.id, reason="再上报", at=later(5))
    assert refused.value.code == "issue.escalation_past_county"
    assert written(sessions) == before
    down = issues.send_back(uow, people.county, issue.id, reason="由乡镇办理", at=later(5))
    assert down.handler.id == county.org["T1"] and stored(uow, issue.id) == down


def test_a_photo_attaches_to_an_open_issue_once_per_client_uuid(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, tmp_path: Path
) -> None:
    issue = raised_for_h1(uow, people, county)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 128, 0)).save(out, format="PNG")
    storage = LocalDiskStorage(tmp_path)
    ref = "3a5e7c9b-2d4f-4a6b-8c0d-1e3f5a7b9c2d"

    def add() -> tuple[IssuePhoto, bool]:
        return issues.add_issue_photo(
            uow,
            storage,
            clean_photo,
            people.m1,
            issue.id,
            data=out.getvalue(),
            content_type="image/png",
            max_bytes=1_000_000,
            at=later(1),
            client_uuid=ref,
        )

    photo, seen = add()
    again, seen_again = add()
    assert (seen, seen_again) == (False, True) and again == photo
    assert issues.issue_photos(uow, people.m1, issue.id) == [photo]
    assert storage.get(photo.storage_key).startswith(b"\x89PNG")
    with pytest.raises(NotFound):
        issues.issue_photos(uow, people.other_township, issue.id)


# ── the sweep ─────────────────────────────────────────────────────────────────────────────────


def test_the_sweep_warns_then_marks_overdue_once_and_raises_the_supervision(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """V1 has one working day to accept (Thursday): warned from Thursday 00:00, overdue (黄牌)
    from Friday 00:00; a second run at the same moment marks nothing."""
    issue = raised_for_h1(uow, people, county)
    assert issues.sweep(uow, later(1)) == issues.SweepReport(0, 0)
    assert issues.sweep(uow, later(16)) == issues.SweepReport(1, 1)
    assert issues.sweep(uow, later(16)) == issues.SweepReport(0, 0)
    assert issues.sweep(uow, later(40)) == issues.SweepReport(1, 2)
    assert issues.sweep(uow, later(40)) == issues.SweepReport(0, 0)
    swept = stored(uow, issue.id)
    assert [e.action for e in swept.timeline[1:]] == [
        IssueAction.WARN,
        IssueAction.MARK_OVERDUE,
        IssueAction.RAISE_SUPERVISION,
    ]
    assert swept.supervision is Supervision.YELLOW
    with uow:
        events = list(
            uow.session.scalars(
                select(OutboxRow.type).where(OutboxRow.entity == "issue").order_by(OutboxRow.id)
            )
        )
    assert events == ["IssueRaised", "IssueWarned", "IssueOverdue", "SupervisionRaised"]


def test_the_sweeps_events_carry_the_fields_it_changed_not_the_whole_issue(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """A sweep marks tens of thousands of issues: its events (and audit entries) carry the
    fields its marks changed, as they were and as they are, with the timeline entry; a
    person's action carries the whole issue."""
    raised_for_h1(uow, people, county)
    issues.sweep(uow, later(40))  # overdue, and the yellow card with it
    with uow:
        rows = uow.session.execute(
            select(OutboxRow.type, OutboxRow.payload)
            .where(OutboxRow.entity == "issue")
            .order_by(OutboxRow.id)
        ).all()
        audit = uow.session.execute(
            text("SELECT after FROM audit_log WHERE actor = 'system:sweep' ORDER BY id")
        ).all()
    raised, *marks = rows
    assert "text" in raised.payload["after"] and raised.payload["before"] is None
    assert [m.type for m in marks] == ["IssueOverdue", "SupervisionRaised"]
    for mark in marks:
        assert set(mark.payload["after"]) == {"clock", "supervision", "overdue_count", "entries"}
        assert mark.payload["before"]["supervision"] == "none"
        assert mark.payload["after"]["supervision"] == "yellow"
        assert mark.payload["entry"]["actor"] == "system:sweep"
    assert len(audit) == 2 and all("text" not in json_of(a[0]) for a in audit)


def json_of(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else json.loads(str(value))


def test_an_edited_holiday_moves_the_deadline_of_a_step_begun_after_it(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """Thursday made a day off: V1's one working day to accept is Friday."""
    issues.set_calendar_day(
        uow,
        people.county,
        day=date(2026, 11, 26),
        kind=DayKind.HOLIDAY,
        note="县里调休",
        at=AT,
    )
    issue = raised_for_h1(uow, people, county)
    assert issue.deadline == datetime(2026, 11, 27, 16, 0, tzinfo=AT.tzinfo)
    with uow:
        row = uow.session.get_one(WorkCalendarDayRow, date(2026, 11, 26))
        kinds = list(uow.session.scalars(select(OutboxRow.type)))
        assert (row.kind, row.updated_by) == ("holiday", "user:c")
    assert "CalendarDayChanged" in kinds


def test_a_day_edited_again_is_what_the_last_edit_says_and_can_go_back_to_regular(
    uow: SqlAlchemyUnitOfWork, people: People
) -> None:
    """国庆节: 5 October 2026 is published as a day off; made a working day, then regular (a
    Monday: at work), it is one row, and the event of each edit names the one it replaced."""
    day = date(2026, 10, 5)
    for kind in (DayKind.WORKDAY, DayKind.REGULAR):
        issues.set_calendar_day(uow, people.county, day=day, kind=kind, note="", at=AT)
    with uow:
        assert uow.work_calendar.get().is_working_day(day)
        (row,) = uow.session.scalars(select(WorkCalendarDayRow))
        assert (row.day, row.kind) == (day, "regular")
        befores = [
            e.payload["before"]
            for e in uow.session.scalars(
                select(OutboxRow)
                .where(OutboxRow.type == "CalendarDayChanged")
                .order_by(OutboxRow.id)
            )
        ]
    assert befores == [None, {"day": "2026-10-05", "kind": "workday", "note": ""}]


def test_only_those_who_choose_the_scheme_edit_the_work_calendar(
    uow: SqlAlchemyUnitOfWork, people: People
) -> None:
    for scope in (people.m1, people.township):
        with pytest.raises(Forbidden):
            issues.set_calendar_day(
                uow, scope, day=date(2026, 11, 26), kind=DayKind.HOLIDAY, note="", at=AT
            )
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(WorkCalendarDayRow)) == 0


def test_the_published_holidays_count_without_any_edit(
    uow: SqlAlchemyUnitOfWork,
) -> None:
    """The chinese-calendar package's 2026 notice: 国庆节 1–7 October off, Saturday 10 October at
    work (调休上班)."""
    with uow:
        calendar = uow.work_calendar.get()
    assert not calendar.is_working_day(date(2026, 10, 5))
    assert calendar.is_working_day(date(2026, 10, 10))
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


# ── org moves ─────────────────────────────────────────────────────────────────────────────────


def test_an_issue_follows_its_village_moved_to_another_township(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    """V1 moves from T1 to T2 while T1 handles h1's matter: it is T2's now (the same level on
    its new line), and T2's inbox lists it."""
    issue = raised_for_h1(uow, people, county)
    issues.classify(
        uow, people.m1, issue.id, category="relief", difficulty=Difficulty.MAJOR, at=later(1)
    )
    issues.assign(uow, people.m1, issue.id, at=later(2))
    orgs.move(uow, ROOT, county.org["V1"], parent_id=county.org["T2"], at=later(3))
    moved = stored(uow, issue.id)
    assert [o.id for o in moved.line] == [county.org[k] for k in ("C", "T2", "V1", "G1")]
    assert moved.handler.id == county.org["T2"]
    with sessions() as session:
        page = list_issues(session, people.other_township, Window(), IssueFilter(now=later(4)))
    assert [i.id for i in page.items] == [issue.id]
    accepted = issues.accept(uow, people.other_township, issue.id, at=later(4))
    assert accepted.status is IssueStatus.IN_PROGRESS


# ── the read side ─────────────────────────────────────────────────────────────────────────────


def test_the_inbox_lists_a_subtrees_issues_by_status_supervision_and_overdue(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    first = raised_for_h1(uow, people, county)
    second = issues.raise_issue(
        uow, people.secretary, title="漏水", text="x", household_id=county.household["h3"], at=AT
    ).issue
    far = issues.raise_issue(
        uow, people.v2, title="路面", text="x", household_id=county.household["h4"], at=AT
    ).issue
    issues.classify(
        uow, people.m1, first.id, category="relief", difficulty=Difficulty.SMALL, at=later(1)
    )
    issues.assign(uow, people.m1, first.id, at=later(2))
    issues.accept(uow, people.m1, first.id, at=later(3))  # five working days to handle it
    issues.sweep(uow, later(40))  # the other two not accepted in time: overdue, yellow

    def ids(scope: Scope, **kw: object) -> list[int]:
        with sessions() as session:
            found = list_issues(session, scope, Window(), IssueFilter(now=later(41), **kw))  # type: ignore[arg-type]
        return sorted(i.id for i in found.items)

    assert ids(people.township) == sorted([first.id, second.id])
    assert ids(people.county) == sorted([first.id, second.id, far.id])
    assert ids(people.county, statuses=(IssueStatus.IN_PROGRESS,)) == [first.id]
    assert ids(people.county, statuses=(IssueStatus.RAISED, IssueStatus.CLOSED)) == sorted(
        [second.id, far.id]
    )
    assert ids(people.county, supervision=Supervision.YELLOW) == sorted([second.id, far.id])
    assert ids(people.county, overdue=True) == sorted([second.id, far.id])
    assert ids(people.county, under=county.org["T2"]) == [far.id]
    assert ids(people.m1) == [first.id]  # a member: their own households' only
    with pytest.raises(NotFound), sessions() as session:  # a subtree outside the caller's
        list_issues(session, people.township, Window(), IssueFilter(now=AT, under=county.org["T2"]))


def test_statistics_count_received_solved_on_time_overdue_and_satisfaction_per_org(
    uow: SqlAlchemyUnitOfWork, people: People, county: County, sessions: sessionmaker[Session]
) -> None:
    token = card_token(sessions, county.household["h1"])
    solved = raised_for_h1(uow, people, county)
    for step in (
        lambda: issues.classify(
            uow, people.m1, solved.id, category="relief", difficulty=Difficulty.SMALL, at=later(1)
        ),
        lambda: issues.assign(uow, people.m1, solved.id, at=later(2)),
        lambda: issues.accept(uow, people.m1, solved.id, at=later(3)),
        lambda: issues.resolve(uow, people.m1, solved.id, answer="好了", at=later(4)),
        lambda: issues.confirm_told(uow, people.m1, solved.id, at=later(5)),
        lambda: issues.rate_by_card(
            SqlDisclosureUnitOfWork(sessions),
            token,
            solved.id,
            rating=Rating.SATISFIED,
            at=later(6),
        ),
        lambda: issues.close(uow, people.secretary, solved.id, result="已解决", at=later(48)),
    ):
        step()
    issues.raise_issue(
        uow, people.v2, title="路面", text="x", household_id=county.household["h4"], at=AT
    )
    issues.sweep(uow, later(40))  # V2's issue overdue
    with sessions() as session:
        rows = {r.org_id: r for r in org_statistics(session, people.county, now=later(50))}
    t1, t2 = rows[county.org["T1"]], rows[county.org["T2"]]
    assert (t1.received, t1.solved, t1.on_time, t1.overdue) == (1, 1, 1, 0)
    assert (t1.rated, t1.satisfied, t1.satisfaction) == (1, 1, 1.0)
    assert t1.average_days_to_close == pytest.approx(2.0)
    assert (t2.received, t2.solved, t2.overdue, t2.satisfaction) == (1, 0, 1, None)


def test_a_household_with_an_issue_is_never_deleted_and_its_grid_not_emptied(
    uow: SqlAlchemyUnitOfWork, sessions: sessionmaker[Session], people: People, county: County
) -> None:
    """An issue is on the household's record (民情日志) as its visits are: the deletion is
    refused as for a visited household, and the grid where the issue lives stays."""
    issue = raised_for_h1(uow, people, county)
    with pytest.raises(Conflict) as refused:
        registers.delete_household(uow, ROOT, county.household["h1"], at=later(1))
    assert refused.value.code == "household.has_history" and "问题诉求" in refused.value.message
    for key in ("h1", "h2"):  # G1 holds no household any more
        registers.update_household(
            uow, ROOT, county.household[key], {"org_id": county.org["G2"]}, at=later(2)
        )
    with pytest.raises(Conflict) as kept:  # but the issue still lives there
        orgs.delete(uow, ROOT, county.org["G1"], at=later(3))
    assert kept.value.code == "org.not_empty"
    assert stored(uow, issue.id).household_id == county.household["h1"]


# ── the scheme's settings of the flow (issue_categories, issue_time_limits, warn share) ──────


def test_an_areas_scheme_sets_its_kinds_of_matter_time_limits_and_warning(
    uow: SqlAlchemyUnitOfWork, people: People, county: County
) -> None:
    """T1 tunes the county's 1+6+N: two kinds of matter, three working days for a village to
    accept (受理) and ten to handle (办理) infrastructure, the warning at half the time. Its
    issues follow them; T2's keep the flow's own (ours: DEFAULT_DAYS, 70 %)."""
    schemes.bind(
        uow,
        ROOT,
        county.org["T1"],
        scheme=None,
        overrides={
            "issue_categories": ["infrastructure", "safety"],
            "issue_time_limits": {"accept/village": 3, "handle/village/infrastructure": 10},
            "issue_warn_percent": 50,
        },
        at=AT,
    )
    assert issues.offered_categories(uow, people.secretary) == {
        "infrastructure": "基础设施",
        "safety": "安全隐患",
    }
    assert set(issues.offered_categories(uow, people.v2)) == set(DEFAULT_CATEGORIES)
    issue = raised_for_h1(uow, people, county)  # Wednesday 25 November, received by V1
    assert issue.clock is not None and local_date(issue.clock.due - timedelta(seconds=1)) == date(
        2026, 11, 30
    )  # Thu, Fri, Mon: three working days
    with pytest.raises(Invalid) as refused:
        issues.classify(
            uow,
            people.secretary,
            issue.id,
            category="dispute",
            difficulty=Difficulty.SMALL,
            at=later(1),
        )
    assert refused.value.field == "category"
    issues.classify(
        uow,
        people.secretary,
        issue.id,
        category="infrastructure",
        difficulty=Difficulty.SMALL,
        at=later(1),
    )
    issues.assign(uow, people.secretary, issue.id, at=later(2))
    accepted = issues.accept(uow, people.secretary, issue.id, at=later(3))
    assert accepted.clock is not None
    assert local_date(accepted.clock.due - timedelta(seconds=1)) == date(2026, 12, 9)  # 10 days
    # warned at half of the ten days (day 5: Wednesday 2 December), not at 70 % (day 7)
    assert issues.sweep(uow, datetime(2026, 12, 1, 17, tzinfo=UTC)) == issues.SweepReport(1, 1)
    assert stored(uow, issue.id).clock.warned  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"issue_time_limits": {"handle/city": 5}}, "scheme.bad_items"),
        ({"issue_time_limits": {"handle/village/weather": 5}}, "scheme.bad_items"),
        ({"issue_time_limits": {"handle/village": 0}}, "scheme.out_of_range"),
        ({"issue_categories": ["infrastructure", "weather"]}, "scheme.bad_items"),
        ({"issue_categories": []}, "scheme.bad_items"),
        ({"issue_warn_percent": 100}, "scheme.out_of_range"),
    ],
)
def test_a_bad_setting_of_the_flow_is_refused_naming_it(
    uow: SqlAlchemyUnitOfWork, county: County, overrides: dict[str, object], code: str
) -> None:
    with pytest.raises(Invalid) as refused:
        schemes.bind(uow, ROOT, county.org["T1"], scheme=None, overrides=overrides, at=AT)
    assert refused.value.code == code
    assert refused.value.field == f"overrides.{next(iter(overrides))}"
