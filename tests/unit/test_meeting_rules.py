"""Meetings' rules (domain/meetings), no database: the lifecycle table, what each kind of meeting
needs before its minutes are final, tasks' deadlines, the drawn agenda, the 满意率 and phones in
free text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import Conflict, DomainError, Invalid, RuleBroken
from domain.kernel.org import OrgLevel
from domain.meetings.model import (
    TRANSITIONS,
    ActionNotAllowed,
    AgendaCandidate,
    AgendaItem,
    AgendaKind,
    Attendee,
    Meeting,
    MeetingAction,
    MeetingStatus,
    MeetingType,
    Rating,
    RatingTarget,
    Representative,
    Satisfaction,
    TaskStatus,
    assign_task,
    plan_meeting,
)
from domain.meetings.rules import MAX_DRAWN, mask_phones_in_text, propose_agenda, satisfaction

AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in China
TODAY = date(2026, 11, 25)


def a_meeting(kind: MeetingType = MeetingType.TASKING, **kw: object) -> Meeting:
    meeting = plan_meeting(
        type=kind,
        org_id=3,
        org_name="李家村",
        org_level=OrgLevel.VILLAGE,
        title="会议",
        held_on=TODAY,
        place="",
        by="user:sec",
        at=AT,
    )
    return meeting if not kw else Meeting(**{**meeting.__dict__, **kw})


def held(kind: MeetingType = MeetingType.TASKING) -> Meeting:
    return a_meeting(kind).with_attendance(
        [Attendee(1, "张三", True), Attendee(2, "李四", False, "外出")],
        [Representative(10, "赵一")] if kind is MeetingType.EVALUATION else [],
        at=AT,
    )


def minuted(meeting: Meeting, reports: dict[int, str] | None = None) -> Meeting:
    return meeting.with_minutes(
        summary="研究了路灯", decisions=[], item_minutes={}, reports=reports or {}, at=AT
    )


# ── the lifecycle ──


def test_finalising_twice_is_refused_naming_that_nothing_is_allowed() -> None:
    final = minuted(held()).finalised(by="user:sec", at=AT, tasks=1)
    assert final.status is MeetingStatus.FINAL
    with pytest.raises(ActionNotAllowed) as refused:
        final.finalised(by="user:sec", at=AT, tasks=1)
    assert refused.value.allowed == () and isinstance(refused.value, Conflict)


def test_a_planned_meeting_cannot_record_minutes_and_says_what_it_can_do() -> None:
    with pytest.raises(ActionNotAllowed) as refused:
        minuted(a_meeting())
    assert refused.value.allowed == ("edit", "set_agenda", "record_attendance", "cancel")


def test_recording_attendance_means_the_meeting_took_place() -> None:
    assert held().status is MeetingStatus.HELD


def test_attendance_of_a_meeting_whose_day_has_not_come_is_refused() -> None:
    tomorrow = a_meeting(held_on=TODAY + timedelta(days=1))
    with pytest.raises(RuleBroken, match="会议日期未到"):
        tomorrow.with_attendance([Attendee(1, "张三", True)], [], at=AT)


def test_an_absent_member_needs_a_reason() -> None:
    with pytest.raises(Invalid) as refused:
        a_meeting().with_attendance([Attendee(2, "李四", False, "  ")], [], at=AT)
    assert refused.value.field == "attendees/0/absence_reason"


def test_representatives_attend_only_a_democratic_evaluation() -> None:
    with pytest.raises(RuleBroken):
        a_meeting(MeetingType.ANALYSIS).with_attendance([], [Representative(10, "赵一")], at=AT)


@pytest.mark.parametrize(
    ("kind", "level", "ok"),
    [
        (MeetingType.MONTHLY_BRANCH, OrgLevel.GRID, True),  # Xiaolin: 网格支部每月…对账交流会
        (MeetingType.ANALYSIS, OrgLevel.TOWNSHIP, True),  # Xiangtan: 乡镇…每月召开民情分析会
        (MeetingType.TASKING, OrgLevel.TOWNSHIP, False),  # Jiaxing: 村“两委”召开
        (MeetingType.EVALUATION, OrgLevel.COMMUNITY, True),
        (MeetingType.WEEKLY_HUDDLE, OrgLevel.GRID, False),  # Xiangtan: 各村党组织每周召开
    ],
)
def test_each_kind_of_meeting_is_held_by_the_level_the_seeds_name(
    kind: MeetingType, level: OrgLevel, ok: bool
) -> None:
    def plan() -> Meeting:
        return plan_meeting(
            type=kind,
            org_id=1,
            org_name="x",
            org_level=level,
            title="会",
            held_on=TODAY,
            place="",
            by="u",
            at=AT,
        )

    if ok:
        assert plan().type is kind
    else:
        with pytest.raises(RuleBroken) as refused:
            plan()
        assert refused.value.field == "org_id"


def test_a_monthly_branch_meeting_is_final_only_once_every_member_present_has_reported() -> None:
    """seeds/huiji-1plus6plusN.txt: 每月党员在党支部（党小组）会上汇报本人包户工作开展情况."""
    meeting = held(MeetingType.MONTHLY_BRANCH)
    with pytest.raises(RuleBroken, match="张三"):
        minuted(meeting).finalised(by="u", at=AT, tasks=0)
    done = minuted(meeting, {1: "走访 6 户，收集意见 2 条"}).finalised(by="u", at=AT, tasks=0)
    assert done.status is MeetingStatus.FINAL  # the absent 李四 owes no report


def test_an_absent_member_cannot_be_recorded_as_reporting() -> None:
    with pytest.raises(RuleBroken):
        minuted(held(MeetingType.MONTHLY_BRANCH), {2: "汇报"})


def test_a_tasking_meeting_needs_a_task_and_an_evaluation_needs_ratings() -> None:
    with pytest.raises(RuleBroken, match="至少交办一项"):
        minuted(held()).finalised(by="u", at=AT, tasks=0)
    with pytest.raises(RuleBroken, match="尚无评议"):
        minuted(held(MeetingType.EVALUATION)).finalised(by="u", at=AT, tasks=0)


def test_empty_minutes_are_not_final() -> None:
    with pytest.raises(RuleBroken, match="纪要为空"):
        held().finalised(by="u", at=AT, tasks=1)


# ── the agenda ──


def test_the_agenda_keeps_each_issue_once_and_renumbers_the_secretarys_order() -> None:
    meeting = a_meeting().with_agenda(
        [
            AgendaItem(9, AgendaKind.OTHER, " 防火 "),
            AgendaItem(3, AgendaKind.OPEN_ISSUE, "路灯", 7),
        ],
        at=AT,
    )
    assert [(i.seq, i.title, i.issue_id) for i in meeting.agenda] == [
        (1, "防火", None),
        (2, "路灯", 7),
    ]
    with pytest.raises(Invalid):
        meeting.with_agenda(
            [
                AgendaItem(1, AgendaKind.OPEN_ISSUE, "a", 7),
                AgendaItem(2, AgendaKind.OPEN_ISSUE, "b", 7),
            ],
            at=AT,
        )


def test_the_drawn_agenda_puts_overdue_first_then_ledger_reviews_then_open_issues() -> None:
    due = datetime(2026, 11, 1, tzinfo=UTC)
    items = propose_agenda(
        MeetingType.MONTHLY_BRANCH,
        [
            AgendaCandidate(3, "路灯", AgendaKind.OPEN_ISSUE, due=due),
            AgendaCandidate(5, "水渠", AgendaKind.LEDGER_REVIEW, review_on=date(2026, 11, 20)),
            AgendaCandidate(4, "漏雨", AgendaKind.OVERDUE_ISSUE, due=due),
            AgendaCandidate(4, "漏雨", AgendaKind.OPEN_ISSUE, due=due),  # the same issue again
        ],
    )
    assert [(i.seq, i.kind, i.issue_id) for i in items] == [
        (1, AgendaKind.REPORTS, None),  # 对账 first at the monthly meeting
        (2, AgendaKind.OVERDUE_ISSUE, 4),
        (3, AgendaKind.LEDGER_REVIEW, 5),
        (4, AgendaKind.OPEN_ISSUE, 3),
    ]
    assert items[1].title == "【超期】漏雨" and items[2].title == "【台账复查】水渠"


def test_the_drawn_agenda_takes_at_most_max_drawn_issues() -> None:
    many = [AgendaCandidate(i, f"问题{i}", AgendaKind.OPEN_ISSUE) for i in range(1, 100)]
    items = propose_agenda(MeetingType.TASKING, many)
    assert len(items) == MAX_DRAWN and items[0].issue_id == 1


# ── tasks ──


def test_a_task_deadline_before_today_is_refused_and_today_is_in_time() -> None:
    meeting = held()
    kw = {
        "title": "路灯",
        "owner_member_id": 1,
        "owner_name": "张三",
        "target": "亮灯",
        "measures": "检修",
        "issue_id": None,
        "by": "u",
        "at": AT,
    }
    with pytest.raises(Invalid) as refused:
        assign_task(meeting, deadline=TODAY - timedelta(days=1), **kw)  # type: ignore[arg-type]
    assert refused.value.field == "deadline"
    task = assign_task(meeting, deadline=TODAY, **kw)  # type: ignore[arg-type]
    assert not task.overdue(TODAY) and task.overdue(TODAY + timedelta(days=1))


def test_only_a_tasking_meeting_assigns_tasks_and_a_task_is_done_once_published() -> None:
    kw = {
        "title": "路灯",
        "owner_member_id": 1,
        "owner_name": "张三",
        "target": "亮灯",
        "measures": "检修",
        "deadline": TODAY,
        "issue_id": None,
        "by": "u",
        "at": AT,
    }
    with pytest.raises(RuleBroken):
        assign_task(held(MeetingType.ANALYSIS), **kw)  # type: ignore[arg-type]
    task = assign_task(held(), **kw)  # type: ignore[arg-type]
    with pytest.raises(RuleBroken):
        task.done(note="好了", by="u", at=AT)
    done = task.published(by="u", at=AT).done(note="好了", by="u", at=AT)
    assert done.status is TaskStatus.DONE and not done.overdue(TODAY + timedelta(days=9))
    assert [e.seq for e in done.entries] == [0, 1, 2]
    with pytest.raises(Conflict):
        done.done(note="再办", by="u", at=AT)


# ── ratings and 满意率 ──


def test_satisfaction_counts_satisfied_and_basically_satisfied_per_target_and_in_all() -> None:
    s, b, d = Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.DISSATISFIED
    whole, each = satisfaction(
        [
            Rating(10, RatingTarget.MEMBER, 1, s),
            Rating(11, RatingTarget.MEMBER, 1, b),
            Rating(10, RatingTarget.TASK, 5, d),
        ]
    )
    assert (whole.rated, whole.satisfied) == (3, 2)
    assert [(e.target, e.target_id, e.rate) for e in each] == [
        (RatingTarget.MEMBER, 1, 1.0),
        (RatingTarget.TASK, 5, 0.0),
    ]
    assert satisfaction([])[0].rate is None


def test_a_representative_rating_again_replaces_their_rating() -> None:
    meeting = held(MeetingType.EVALUATION)
    once = meeting.rated(10, RatingTarget.MEMBER, 1, Satisfaction.DISSATISFIED, at=AT)
    twice = once.rated(10, RatingTarget.MEMBER, 1, Satisfaction.SATISFIED, at=AT)
    assert twice.ratings == (Rating(10, RatingTarget.MEMBER, 1, Satisfaction.SATISFIED),)
    with pytest.raises(RuleBroken):
        meeting.rated(99, RatingTarget.MEMBER, 1, Satisfaction.SATISFIED, at=AT)


def test_striking_a_representative_off_takes_their_ratings_along() -> None:
    rated = held(MeetingType.EVALUATION).rated(
        10, RatingTarget.MEMBER, 1, Satisfaction.SATISFIED, at=AT
    )
    again = rated.with_attendance(list(rated.attendees), [], at=AT)
    assert again.ratings == ()


# ── phones in free text ──


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("王大爷 13998765432 反映", "王大爷 *******5432 反映"),
        ("座机 0571-87654321", "座机 ****-****4321"),
        ("编号 2026112500001", "编号 2026112500001"),  # not a phone: 13 digits
        ("共 6 户 12 人", "共 6 户 12 人"),
    ],
)
def test_phones_typed_into_minutes_are_masked_for_readers_without_personal_read(
    typed: str, shown: str
) -> None:
    assert mask_phones_in_text(typed) == shown


# ── the table as a property ──


@given(st.lists(st.sampled_from(list(MeetingAction)), max_size=12))
def test_a_final_or_cancelled_meeting_never_changes_again(actions: list[MeetingAction]) -> None:
    """Whatever is tried in whatever order, the status only moves along the table, and once
    final or cancelled nothing is allowed."""
    status = MeetingStatus.PLANNED
    for action in actions:
        after = TRANSITIONS.get((status, action))
        if status in (MeetingStatus.FINAL, MeetingStatus.CANCELLED):
            assert after is None
        if after is not None:
            assert (status, after) in {
                (MeetingStatus.PLANNED, MeetingStatus.PLANNED),
                (MeetingStatus.PLANNED, MeetingStatus.HELD),
                (MeetingStatus.PLANNED, MeetingStatus.CANCELLED),
                (MeetingStatus.HELD, MeetingStatus.HELD),
                (MeetingStatus.HELD, MeetingStatus.FINAL),
            }
            status = after


def test_every_refusal_is_a_domain_error() -> None:
    assert issubclass(ActionNotAllowed, DomainError)
