"""The five-step issue flow (收集 → 分类 → 流转 → 督办 → 反馈 → 销号) as a table, one rule a test
(seeds/xiaolin-xianfeng-hulian.txt “五步走”; seeds/xiangtan-wuge-daohu.txt 小事不出村、大事不出乡、
难事不出县; seeds/huiji-1plus6plusN.txt 问题台账，跟踪销号)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.issues.model import (
    ACTION_LABELS,
    DEFAULT_CATEGORIES,
    DIFFICULTY_LABELS,
    RATING_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    SUPERVISION_LABELS,
    SWEEP,
    TIER_LABELS,
    TRANSITIONS,
    ActionNotAllowed,
    Actor,
    Difficulty,
    IssueAction,
    IssueStatus,
    Rating,
    Source,
    Step,
    Supervision,
    Tier,
    end_of_day,
    raise_issue,
)
from domain.kernel.errors import Conflict, Forbidden, Invalid, RuleBroken
from tests.unit.issue_world import (
    AT,
    CONTACT,
    CONTACT_ID,
    COUNTY,
    COUNTY_CADRE,
    GRID,
    GRID_MEMBER,
    HOUSEHOLD,
    HOUSEHOLD_ID,
    LINE,
    NEIGHBOUR,
    TIMETABLE,
    TOWNSHIP,
    TOWNSHIP_CADRE,
    VILLAGE,
    VILLAGE_CADRE,
    assigned,
    classified,
    closed,
    fed_back,
    in_progress,
    later,
    raised,
    rated,
    resolved,
)

# ── the table ──────────────────────────────────────────────────────────────────────────────


def test_every_code_has_a_chinese_label() -> None:
    for enum, labels in (
        (IssueStatus, STATUS_LABELS),
        (IssueAction, ACTION_LABELS),
        (Source, SOURCE_LABELS),
        (Difficulty, DIFFICULTY_LABELS),
        (Tier, TIER_LABELS),
        (Step, STEP_LABELS),
        (Supervision, SUPERVISION_LABELS),
        (Rating, RATING_LABELS),
    ):
        assert set(labels) == set(enum)


def test_every_status_but_closed_may_be_urged_and_every_status_has_a_way_on() -> None:
    for status in IssueStatus:
        assert any(s is status for s, _ in TRANSITIONS)
        assert ((status, IssueAction.URGE) in TRANSITIONS) == (status is not IssueStatus.CLOSED)


def test_a_closed_issue_accepts_only_rating_and_reopening() -> None:
    allowed = {a for (s, a) in TRANSITIONS if s is IssueStatus.CLOSED}
    assert allowed == {IssueAction.RATE, IssueAction.REOPEN}
    assert closed().allowed_actions() == (IssueAction.RATE, IssueAction.REOPEN)


def test_an_illegal_action_is_refused_naming_the_allowed_actions() -> None:
    with pytest.raises(ActionNotAllowed) as refused:
        closed().escalate(reason="再报", by=VILLAGE_CADRE, at=later(7), timetable=TIMETABLE)
    error = refused.value
    assert isinstance(error, Conflict)  # 409 at the API
    assert (error.code, error.field) == ("issue.action_not_allowed", "action")
    assert error.allowed == ("rate", "reopen")
    assert [e["code"] for e in error.errors] == ["rate", "reopen"]
    assert "评价" in error.message and "重新办理" in error.message


def test_the_table_is_consulted_before_who_acts_or_when() -> None:
    """Whoever asks, and whenever, an action the status does not have is refused as such."""
    with pytest.raises(ActionNotAllowed):
        raised().close(result="x", by=HOUSEHOLD, at=AT - timedelta(days=1))


# ── 收集 ───────────────────────────────────────────────────────────────────────────────────


def test_a_households_card_issue_sits_at_its_grid_and_is_the_households() -> None:
    """首问负责: the grid that receives it answers for it; the answer goes back to the
    household, which rates it."""
    issue = raised()
    assert issue.status is IssueStatus.RAISED
    assert issue.handler == GRID and issue.first_receiver == GRID.id
    assert issue.raiser == "card:7" and issue.household_id == HOUSEHOLD_ID
    assert issue.clock is not None and issue.clock.step is Step.ACCEPT
    assert issue.timeline[0].action is IssueAction.RAISE and issue.timeline[0].from_status is None


def test_whoever_receives_it_first_answers_for_it() -> None:
    """首问负责: a village cadre raising a household's matter holds it at the village."""
    issue = raised(by=VILLAGE_CADRE)
    assert issue.handler == VILLAGE and issue.raiser == "card:7"


def test_a_member_of_another_grid_hands_it_to_where_the_matter_lives() -> None:
    assert raised(by=NEIGHBOUR).handler == GRID


def test_a_members_own_matter_is_his_to_rate() -> None:
    issue = raised(household=False)
    assert issue.raiser == GRID_MEMBER.ref and issue.household_id is None


def test_a_household_must_choose_the_kind_of_matter_on_its_card() -> None:
    """Nothing is pre-selected for it (issue 15)."""
    with pytest.raises(Invalid) as refused:
        raise_issue(
            source=Source.HOUSEHOLD_CARD,
            title="路灯",
            text="不亮",
            line=LINE,
            by=HOUSEHOLD,
            at=AT,
            timetable=TIMETABLE,
            household_id=HOUSEHOLD_ID,
        )
    assert (refused.value.code, refused.value.field) == ("issue.category_required", "category")


def test_an_issue_needs_its_words() -> None:
    with pytest.raises(Invalid) as refused:
        raise_issue(
            source=Source.MEMBER_DIRECT,
            title="  ",
            text="x",
            line=LINE,
            by=CONTACT,
            at=AT,
            timetable=TIMETABLE,
        )
    assert refused.value.field == "title"


def test_an_issue_lives_on_a_line_from_the_county_down_one_level_at_a_time() -> None:
    for line in ((TOWNSHIP, VILLAGE, GRID), (COUNTY, VILLAGE, GRID), (COUNTY, TOWNSHIP, GRID)):
        with pytest.raises(Invalid) as refused:
            raise_issue(
                source=Source.MEMBER_DIRECT,
                title="t",
                text="x",
                line=line,
                by=CONTACT,
                at=AT,
                timetable=TIMETABLE,
            )
        assert refused.value.code == "issue.bad_line"


def test_a_naive_or_far_off_time_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        raised(at=AT.replace(tzinfo=None))
    assert refused.value.code == "issue.naive_time"
    with pytest.raises(Invalid):
        raised(at=AT.replace(year=2101))


# ── time never runs backwards ──────────────────────────────────────────────────────────────


def test_an_action_dated_before_the_last_entry_is_refused() -> None:
    issue = classified()  # classified at later(1)
    with pytest.raises(RuleBroken) as refused:
        issue.assign(by=CONTACT, at=later(0.5), timetable=TIMETABLE)
    assert (refused.value.code, refused.value.field) == ("issue.time_backwards", "at")
    assert issue.assign(by=CONTACT, at=later(1), timetable=TIMETABLE).last_at == later(1)


# ── 分类 ───────────────────────────────────────────────────────────────────────────────────


def test_classifying_records_kind_and_difficulty() -> None:
    issue = classified(Difficulty.MAJOR)
    assert (issue.status, issue.category, issue.difficulty) == (
        IssueStatus.CLASSIFIED,
        "infrastructure",
        Difficulty.MAJOR,
    )


def test_a_kind_not_in_the_schemes_list_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        raised().classify(
            category="weather",
            difficulty=Difficulty.SMALL,
            categories=DEFAULT_CATEGORIES,
            by=CONTACT,
            at=later(1),
        )
    assert (refused.value.code, refused.value.field) == ("issue.unknown_category", "category")


def test_someone_off_the_handlers_line_cannot_classify() -> None:
    with pytest.raises(Forbidden) as refused:
        raised().classify(
            category="other",
            difficulty=Difficulty.SMALL,
            categories=DEFAULT_CATEGORIES,
            by=NEIGHBOUR,
            at=later(1),
        )
    assert refused.value.code == "issue.not_handler"


def test_solved_on_the_spot_is_closed_at_once_with_the_answer() -> None:
    """能解决的当场解决 (seeds/xiaolin-xianfeng-hulian.txt)."""
    issue = classified(Difficulty.SIMPLE).solve_on_spot(answer="当场修好", by=CONTACT, at=later(2))
    assert (issue.status, issue.answer, issue.result, issue.clock) == (
        IssueStatus.CLOSED,
        "当场修好",
        "当场修好",
        None,
    )


def test_only_the_first_receiver_solves_on_the_spot() -> None:
    with pytest.raises(Forbidden):
        classified().solve_on_spot(answer="x", by=VILLAGE_CADRE, at=later(2))


# ── 流转 ───────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("difficulty", "org"),
    [
        (Difficulty.SIMPLE, GRID),
        (Difficulty.SMALL, VILLAGE),  # 小事不出村
        (Difficulty.MAJOR, TOWNSHIP),  # 大事不出乡
        (Difficulty.HARD, COUNTY),  # 难事不出县
    ],
)
def test_a_matter_is_assigned_to_the_lowest_level_able_to_solve_it(difficulty, org) -> None:
    """seeds/xiangtan-wuge-daohu.txt: 小事不出村、大事不出乡、难事不出县."""
    issue = assigned(difficulty)
    assert (issue.status, issue.handler) == (IssueStatus.ASSIGNED, org)
    assert issue.clock is not None and issue.clock.step is Step.ACCEPT


def test_a_matter_raised_at_the_village_is_never_assigned_below_it() -> None:
    issue = raise_issue(
        source=Source.BRANCH,
        title="村道破损",
        text="需修补",
        line=LINE[:3],
        by=VILLAGE_CADRE,
        at=AT,
        timetable=TIMETABLE,
    ).classify(
        category="infrastructure",
        difficulty=Difficulty.SIMPLE,
        categories=DEFAULT_CATEGORIES,
        by=VILLAGE_CADRE,
        at=later(1),
    )
    assert issue.assign(by=VILLAGE_CADRE, at=later(2), timetable=TIMETABLE).handler == VILLAGE


def test_only_the_handling_org_accepts_it() -> None:
    issue = assigned()  # at the village
    with pytest.raises(Forbidden) as refused:
        issue.accept(by=CONTACT, at=later(3), timetable=TIMETABLE)
    assert refused.value.code == "issue.not_handler"
    with pytest.raises(Forbidden):
        issue.accept(by=TOWNSHIP_CADRE, at=later(3), timetable=TIMETABLE)
    accepted = issue.accept(by=VILLAGE_CADRE, at=later(3), timetable=TIMETABLE)
    assert accepted.status is IssueStatus.IN_PROGRESS
    assert accepted.clock is not None and accepted.clock.step is Step.HANDLE


def test_escalation_climbs_one_level_at_a_time_with_a_reason() -> None:
    """逐级反馈 (seeds/xiaolin-xianfeng-hulian.txt): grid → village → township → county."""
    issue = assigned(Difficulty.SIMPLE)  # at the grid
    seen = [issue.handler]
    for hour, by in enumerate((CONTACT, VILLAGE_CADRE, TOWNSHIP_CADRE), start=3):
        issue = issue.escalate(reason="本级无力解决", by=by, at=later(hour), timetable=TIMETABLE)
        seen.append(issue.handler)
        assert issue.status is IssueStatus.ASSIGNED
        assert issue.timeline[-1].note == "本级无力解决"
    assert seen == [GRID, VILLAGE, TOWNSHIP, COUNTY]


def test_escalation_past_the_county_is_refused() -> None:
    issue = assigned(Difficulty.HARD)
    with pytest.raises(RuleBroken) as refused:
        issue.escalate(reason="再往上", by=COUNTY_CADRE, at=later(3), timetable=TIMETABLE)
    assert refused.value.code == "issue.escalation_past_county"


def test_escalation_needs_a_reason_and_the_handler() -> None:
    issue = in_progress()
    with pytest.raises(Invalid) as refused:
        issue.escalate(reason=" ", by=VILLAGE_CADRE, at=later(4), timetable=TIMETABLE)
    assert refused.value.field == "reason"
    with pytest.raises(Forbidden):
        issue.escalate(reason="拉上来", by=TOWNSHIP_CADRE, at=later(4), timetable=TIMETABLE)


def test_sending_back_goes_down_one_level_with_a_reason() -> None:
    issue = assigned(Difficulty.MAJOR)  # at the township
    back = issue.send_back(reason="属村级事务", by=TOWNSHIP_CADRE, at=later(3), timetable=TIMETABLE)
    assert (back.status, back.handler) == (IssueStatus.ASSIGNED, VILLAGE)
    assert (back.timeline[-1].from_org, back.timeline[-1].to_org) == (TOWNSHIP.id, VILLAGE.id)


def test_nothing_is_sent_back_below_where_the_matter_lives() -> None:
    issue = assigned(Difficulty.SIMPLE)  # at the grid, where the household lives
    with pytest.raises(RuleBroken) as refused:
        issue.send_back(reason="再往下", by=CONTACT, at=later(3), timetable=TIMETABLE)
    assert refused.value.code == "issue.nowhere_lower"


def test_a_new_handler_has_its_own_time_to_accept() -> None:
    issue = in_progress()
    up = issue.escalate(reason="需乡镇协调", by=VILLAGE_CADRE, at=later(24), timetable=TIMETABLE)
    assert up.clock is not None and up.clock.step is Step.ACCEPT
    assert up.clock.started_at == later(24)
    assert up.timeline[-1].due == up.clock.due


# ── 督办 ───────────────────────────────────────────────────────────────────────────────────


def _next_week() -> date:
    return date(2026, 11, 20)


def test_an_extension_moves_the_deadline_once_the_level_above_approves() -> None:
    issue = in_progress().request_extension(
        until=_next_week(), reason="等材料", by=VILLAGE_CADRE, at=later(5)
    )
    assert issue.extension is not None and issue.status is IssueStatus.IN_PROGRESS
    approved = issue.approve_extension(by=TOWNSHIP_CADRE, at=later(6))
    assert approved.clock is not None and approved.clock.due == end_of_day(_next_week())
    assert approved.extension is None and approved.timeline[-1].due == approved.clock.due


def test_an_extension_approved_by_the_handler_itself_is_refused() -> None:
    issue = in_progress().request_extension(
        until=_next_week(), reason="等材料", by=VILLAGE_CADRE, at=later(5)
    )
    with pytest.raises(Forbidden) as refused:
        issue.approve_extension(by=VILLAGE_CADRE, at=later(6))
    assert refused.value.code == "issue.not_level_above"
    with pytest.raises(Forbidden):
        issue.approve_extension(by=CONTACT, at=later(6))  # below the handler


def test_an_extension_to_a_day_already_past_is_refused() -> None:
    with pytest.raises(RuleBroken) as refused:
        in_progress().request_extension(
            until=date(2026, 11, 2), reason="x", by=VILLAGE_CADRE, at=later(5)
        )
    assert (refused.value.code, refused.value.field) == ("issue.deadline_in_past", "until")


def test_an_extension_ends_later_than_the_deadline_it_extends() -> None:
    issue = in_progress()
    assert issue.clock is not None
    with pytest.raises(RuleBroken) as refused:
        issue.request_extension(until=date(2026, 11, 3), reason="x", by=VILLAGE_CADRE, at=later(5))
    assert refused.value.code == "issue.extension_not_later"


def test_an_extension_whose_day_has_passed_cannot_be_approved() -> None:
    issue = in_progress().request_extension(
        until=date(2026, 11, 20), reason="等材料", by=VILLAGE_CADRE, at=later(5)
    )
    with pytest.raises(RuleBroken) as refused:
        issue.approve_extension(by=TOWNSHIP_CADRE, at=later(24 * 20))
    assert refused.value.code == "issue.deadline_in_past"


def test_one_extension_request_at_a_time_and_a_refusal_says_why() -> None:
    issue = in_progress().request_extension(
        until=_next_week(), reason="等材料", by=VILLAGE_CADRE, at=later(5)
    )
    with pytest.raises(Conflict) as refused:
        issue.request_extension(until=_next_week(), reason="再等", by=VILLAGE_CADRE, at=later(5))
    assert refused.value.code == "issue.extension_pending"
    with pytest.raises(Invalid):
        issue.refuse_extension(reason="", by=TOWNSHIP_CADRE, at=later(6))
    refused_issue = issue.refuse_extension(reason="材料可先行", by=TOWNSHIP_CADRE, at=later(6))
    assert refused_issue.extension is None and refused_issue.clock == issue.clock
    with pytest.raises(Conflict) as none:
        refused_issue.approve_extension(by=TOWNSHIP_CADRE, at=later(7))
    assert none.value.code == "issue.no_extension_pending"


def test_urging_is_recorded_by_a_level_above_and_moves_nothing() -> None:
    """限时督办 led from above (由联村领导牵头: seeds/xiaolin-xianfeng-hulian.txt)."""
    issue = in_progress()
    urged = issue.urge(by=COUNTY_CADRE, at=later(5), note="请加快")
    assert (urged.status, urged.handler, urged.clock) == (issue.status, issue.handler, issue.clock)
    entry = urged.timeline[-1]
    assert (entry.action, entry.actor, entry.note) == (IssueAction.URGE, "user:county", "请加快")
    with pytest.raises(Forbidden):
        issue.urge(by=VILLAGE_CADRE, at=later(5))  # the handler does not urge itself


def test_the_sweeps_marks_are_the_systems_alone() -> None:
    issue = in_progress()
    with pytest.raises(Forbidden) as refused:
        issue.mark_overdue(by=COUNTY_CADRE, at=later(5))
    assert refused.value.code == "issue.sweep_only"
    with pytest.raises(RuleBroken):
        issue.raise_supervision(to=Supervision.NONE, by=SWEEP, at=later(5))


# ── 反馈 ───────────────────────────────────────────────────────────────────────────────────


def test_the_answer_goes_back_to_a_household_through_its_contact_member() -> None:
    issue = resolved()
    assert issue.status is IssueStatus.RESOLVED and issue.clock is not None
    assert issue.clock.step is Step.FEEDBACK
    with pytest.raises(Forbidden) as refused:
        issue.confirm_told(contact_member_id=CONTACT_ID, by=GRID_MEMBER, at=later(5))
    assert refused.value.code == "issue.not_contact_member"
    told = issue.confirm_told(contact_member_id=CONTACT_ID, by=CONTACT, at=later(5))
    assert told.status is IssueStatus.FED_BACK


def test_a_members_own_matter_is_confirmed_by_the_member() -> None:
    issue = resolved(household=False)
    with pytest.raises(Forbidden) as refused:
        issue.confirm_told(contact_member_id=None, by=CONTACT, at=later(5))
    assert refused.value.code == "issue.not_raiser"
    told = issue.confirm_told(contact_member_id=None, by=GRID_MEMBER, at=later(5))
    assert told.status is IssueStatus.FED_BACK


def test_only_the_raiser_rates() -> None:
    issue = fed_back()
    for someone in (CONTACT, VILLAGE_CADRE, Actor("card:8")):
        with pytest.raises(Forbidden) as refused:
            issue.rate(rating=Rating.SATISFIED, by=someone, at=later(6), timetable=TIMETABLE)
        assert (refused.value.code, refused.value.field) == ("issue.not_raiser", "rating")
    assert rated(Rating.SATISFIED, issue, at=later(6)).rating is Rating.SATISFIED


def test_an_answer_is_rated_once() -> None:
    issue = rated(Rating.BASICALLY_SATISFIED, fed_back(), at=later(6))
    with pytest.raises(Conflict) as refused:
        rated(Rating.SATISFIED, issue, at=later(7))
    assert refused.value.code == "issue.already_rated"


def test_dissatisfied_needs_a_reason() -> None:
    with pytest.raises(Invalid) as refused:
        rated(Rating.DISSATISFIED, fed_back(), at=later(6))
    assert refused.value.field == "reason"


def test_the_first_dissatisfied_rating_reopens_it_for_a_redo_at_the_same_handler() -> None:
    issue = rated(Rating.DISSATISFIED, fed_back(), at=later(6), reason="灯又坏了")
    assert (issue.status, issue.handler, issue.reopen_count) == (
        IssueStatus.IN_PROGRESS,
        VILLAGE,
        1,
    )
    rate, reopen = issue.timeline[-2:]
    assert (rate.action, reopen.action) == (IssueAction.RATE, IssueAction.REOPEN)
    assert reopen.actor == HOUSEHOLD.ref and "灯又坏了" in reopen.note
    assert issue.clock is not None and issue.clock.step is Step.HANDLE


def _redone(issue, hour: float):
    by = {VILLAGE.id: VILLAGE_CADRE, TOWNSHIP.id: TOWNSHIP_CADRE, COUNTY.id: COUNTY_CADRE}[
        issue.handler.id
    ]
    issue = issue.resolve(answer="重新处理", by=by, at=later(hour), timetable=TIMETABLE)
    return issue.confirm_told(contact_member_id=CONTACT_ID, by=CONTACT, at=later(hour))


def test_a_second_dissatisfied_rating_goes_to_the_level_above_for_review() -> None:
    issue = rated(Rating.DISSATISFIED, fed_back(), at=later(6), reason="没修好")
    issue = rated(Rating.DISSATISFIED, _redone(issue, 7), at=later(8), reason="还是没修好")
    assert (issue.status, issue.handler, issue.dissatisfied_count) == (
        IssueStatus.IN_PROGRESS,
        TOWNSHIP,
        2,
    )


def test_dissatisfied_at_the_county_is_reviewed_by_the_county_again() -> None:
    issue = resolved(Difficulty.HARD).confirm_told(
        contact_member_id=CONTACT_ID, by=CONTACT, at=later(5)
    )
    issue = rated(Rating.DISSATISFIED, issue, at=later(6), reason="不满意")
    issue = rated(Rating.DISSATISFIED, _redone(issue, 7), at=later(8), reason="仍不满意")
    assert issue.handler == COUNTY and issue.status is IssueStatus.IN_PROGRESS


# ── 销号, the ledger, reopening ───────────────────────────────────────────────────────────


def test_closing_comes_after_the_feedback() -> None:
    """销号 once the answer has gone back (反馈 before 销号)."""
    with pytest.raises(ActionNotAllowed):
        resolved().close(result="已修复", by=VILLAGE_CADRE, at=later(5))
    issue = closed()
    assert (issue.status, issue.result, issue.clock) == (IssueStatus.CLOSED, "路灯已修复", None)


def test_a_closed_issue_is_rated_later_and_dissatisfied_reopens_it() -> None:
    issue = closed()
    assert rated(Rating.SATISFIED, issue, at=later(30)).status is IssueStatus.CLOSED
    reopened = rated(Rating.DISSATISFIED, issue, at=later(30), reason="没修好")
    assert reopened.status is IssueStatus.IN_PROGRESS and reopened.handler == VILLAGE


def test_what_cannot_be_solved_now_goes_on_the_ledger_with_plan_owner_and_review_date() -> None:
    """一时难以解决的，纳入问题台账，跟踪销号解决 (seeds/huiji-1plus6plusN.txt)."""
    issue = in_progress().put_on_ledger(
        plan="列入明年村道改造",
        owner="村主任",
        review_on=date(2027, 3, 1),
        by=VILLAGE_CADRE,
        at=later(5),
    )
    assert issue.status is IssueStatus.ON_LEDGER and issue.clock is None
    assert issue.ledger is not None and issue.ledger.review_on == date(2027, 3, 1)
    done = issue.resolve(answer="已改造", by=VILLAGE_CADRE, at=later(24 * 100), timetable=TIMETABLE)
    assert done.status is IssueStatus.RESOLVED and done.ledger is None


def test_a_ledger_review_date_already_past_is_refused() -> None:
    with pytest.raises(RuleBroken) as refused:
        in_progress().put_on_ledger(
            plan="p", owner="o", review_on=date(2026, 11, 2), by=VILLAGE_CADRE, at=later(5)
        )
    assert (refused.value.code, refused.value.field) == ("issue.deadline_in_past", "review_on")


def test_reopening_needs_the_handler_or_above_and_a_reason() -> None:
    issue = closed()
    with pytest.raises(Forbidden):
        issue.reopen(reason="复查未解决", by=CONTACT, at=later(7), timetable=TIMETABLE)
    with pytest.raises(Invalid):
        issue.reopen(reason="", by=TOWNSHIP_CADRE, at=later(7), timetable=TIMETABLE)
    again = issue.reopen(reason="复查未解决", by=TOWNSHIP_CADRE, at=later(7), timetable=TIMETABLE)
    assert (again.status, again.handler, again.reopen_count) == (
        IssueStatus.IN_PROGRESS,
        VILLAGE,
        1,
    )


# ── the timeline ───────────────────────────────────────────────────────────────────────────


def test_the_timeline_says_who_when_from_to_what_and_why() -> None:
    issue = in_progress()
    up = issue.escalate(reason="需乡镇协调", by=VILLAGE_CADRE, at=later(5), timetable=TIMETABLE)
    assert up.timeline[: len(issue.timeline)] == issue.timeline  # only grows
    entry = up.timeline[-1]
    assert (entry.seq, entry.at, entry.actor, entry.action) == (
        len(issue.timeline),
        later(5),
        "user:village",
        IssueAction.ESCALATE,
    )
    assert (entry.from_status, entry.to_status) == (IssueStatus.IN_PROGRESS, IssueStatus.ASSIGNED)
    assert (entry.from_org, entry.to_org, entry.note) == (VILLAGE.id, TOWNSHIP.id, "需乡镇协调")


def test_the_story_of_a_household_matter_from_its_card_to_its_closing() -> None:
    """The issue's browser story in the domain: raised on the card, classified by the member,
    escalated village → township, solved, rated 不满意, reopened, solved again, closed."""
    issue = raised()
    issue = issue.classify(
        category="infrastructure",
        difficulty=Difficulty.SMALL,
        categories=DEFAULT_CATEGORIES,
        by=CONTACT,
        at=later(1),
    )
    issue = issue.assign(by=CONTACT, at=later(2), timetable=TIMETABLE)
    issue = issue.accept(by=VILLAGE_CADRE, at=later(3), timetable=TIMETABLE)
    issue = issue.escalate(reason="需乡镇出资", by=VILLAGE_CADRE, at=later(4), timetable=TIMETABLE)
    issue = issue.accept(by=TOWNSHIP_CADRE, at=later(5), timetable=TIMETABLE)
    issue = issue.resolve(answer="已更换路灯", by=TOWNSHIP_CADRE, at=later(6), timetable=TIMETABLE)
    issue = issue.confirm_told(contact_member_id=CONTACT_ID, by=CONTACT, at=later(7))
    issue = rated(Rating.DISSATISFIED, issue, at=later(8), reason="只修了一盏")
    assert (issue.status, issue.handler) == (IssueStatus.IN_PROGRESS, TOWNSHIP)
    issue = issue.resolve(answer="全部更换", by=TOWNSHIP_CADRE, at=later(9), timetable=TIMETABLE)
    issue = issue.confirm_told(contact_member_id=CONTACT_ID, by=CONTACT, at=later(10))
    issue = rated(Rating.SATISFIED, issue, at=later(11))
    issue = issue.close(result="路灯全部修复", by=TOWNSHIP_CADRE, at=later(12))
    assert issue.status is IssueStatus.CLOSED
    assert [e.action.value for e in issue.timeline] == [
        "raise",
        "classify",
        "assign",
        "accept",
        "escalate",
        "accept",
        "resolve",
        "confirm_told",
        "rate",
        "reopen",
        "resolve",
        "confirm_told",
        "rate",
        "close",
    ]
