"""督办: time limits per step × level × category in working days, the warning at 70 %, overdue,
yellow and red cards, and the pure deadline sweep. The figures are ours (domain/issues/rules.py);
the seeds ask for 跟踪管理、限时督办 (seeds/xiaolin-xianfeng-hulian.txt) without any."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from domain.issues.events import IssueOverdue, IssueWarned, LedgerReviewDue, SupervisionRaised
from domain.issues.model import (
    DEFAULT_CATEGORIES,
    Difficulty,
    Issue,
    IssueAction,
    IssueStatus,
    Step,
    StepClock,
    Supervision,
    Tier,
    end_of_day,
)
from domain.issues.rules import (
    DEFAULT_DAYS,
    SupervisionRule,
    TimeLimits,
    deadline,
    sweep,
    warn_from,
)
from domain.kernel.errors import Invalid
from domain.kernel.time import CHINA
from tests.unit.issue_world import (
    CALENDAR,
    TIMETABLE,
    TOWNSHIP_CADRE,
    VILLAGE_CADRE,
    closed,
    in_progress,
    later,
    raised,
)

LIMITS = TimeLimits()


def china(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), CHINA)


def marks(issue: Issue, now: datetime, **kw: Any) -> list[IssueAction]:
    swept = sweep([issue], now, CALENDAR, LIMITS, **kw)
    return [e.action for s in swept for e in s.after.timeline[len(s.before.timeline) :]]


def swept(issue: Issue, now: datetime) -> Issue:
    out = sweep([issue], now, CALENDAR, LIMITS)
    return out[0].after if out else issue


# ── limits and deadlines ───────────────────────────────────────────────────────────────────


def test_the_default_limits_cover_every_step_at_every_level() -> None:
    assert set(DEFAULT_DAYS) == {(s, t) for s in Step for t in Tier}
    assert LIMITS.warn_percent == 70  # the issue's default share
    # ours: the county's handling time as Beijing 12345's complex cases (DOMAIN.md)
    assert LIMITS.days_for(Step.HANDLE, tier=Tier.COUNTY, category=None) == 15


def test_a_categorys_own_limit_wins_over_its_levels() -> None:
    limits = TimeLimits(by_category={(Step.HANDLE, Tier.VILLAGE, "dispute"): 10})
    assert limits.days_for(Step.HANDLE, tier=Tier.VILLAGE, category="dispute") == 10
    assert limits.days_for(Step.HANDLE, tier=Tier.VILLAGE, category="sanitation") == 5


@pytest.mark.parametrize(
    "kw",
    [
        {"days": {**DEFAULT_DAYS, (Step.ACCEPT, Tier.GRID): 0}},
        {"by_category": {(Step.HANDLE, Tier.GRID, "x"): 400}},
        {"warn_percent": 100},
        {"days": {(Step.ACCEPT, Tier.GRID): 1}},
    ],
)
def test_limits_outside_reason_are_refused(kw: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        TimeLimits(**kw)


def test_a_step_begun_on_friday_evening_with_one_day_is_due_at_the_end_of_monday() -> None:
    assert deadline(china(date(2026, 11, 6), 20), 1, CALENDAR) == end_of_day(date(2026, 11, 9))


def test_a_deadline_skips_national_day_and_counts_its_make_up_saturday() -> None:
    # 30 Sep + 3 working days: 8, 9 and 10 October (调休)
    assert deadline(china(date(2026, 9, 30)), 3, CALENDAR) == end_of_day(date(2026, 10, 10))


def test_each_step_gets_its_own_deadline_at_its_level() -> None:
    issue = in_progress()  # accepted at the village on Monday 2 November
    assert issue.clock is not None
    assert issue.clock.due == end_of_day(date(2026, 11, 9))  # 5 working days


@pytest.mark.parametrize(
    ("days", "percent", "warn_day"),
    [
        (5, 70, date(2026, 11, 6)),  # day 4 of 5 (3.5 rounded up)
        (10, 70, date(2026, 11, 11)),  # day 7 of 10
        (1, 70, date(2026, 11, 3)),  # the only day
        (10, 50, date(2026, 11, 9)),  # day 5 of 10
    ],
)
def test_the_warning_comes_on_the_day_the_share_of_the_limit_is_reached(
    days: int, percent: int, warn_day: date
) -> None:
    start = china(date(2026, 11, 2))
    clock = StepClock(Step.HANDLE, start, deadline(start, days, CALENDAR))
    assert warn_from(clock, CALENDAR, percent) == china(warn_day, 0)


# ── the sweep ──────────────────────────────────────────────────────────────────────────────


def test_the_sweep_warns_once_when_seventy_percent_of_the_time_is_used() -> None:
    issue = in_progress()  # handling due at the end of Monday 9 November; warning from Friday
    assert marks(issue, china(date(2026, 11, 5), 23)) == []
    warned = sweep([issue], china(date(2026, 11, 6)), CALENDAR, LIMITS)
    assert [type(e) for e in warned[0].events] == [IssueWarned]
    assert marks(warned[0].after, china(date(2026, 11, 6), 18)) == []


def test_an_overdue_step_is_marked_and_shows_a_yellow_card() -> None:
    out = sweep([in_progress()], china(date(2026, 11, 10)), CALENDAR, LIMITS)
    assert [type(e) for e in out[0].events] == [IssueOverdue, SupervisionRaised]
    after = out[0].after
    assert (after.supervision, after.overdue_count) == (Supervision.YELLOW, 1)
    assert after.clock is not None and after.clock.overdue


def test_overdue_by_more_than_three_more_working_days_is_a_red_card() -> None:
    issue = swept(in_progress(), china(date(2026, 11, 10)))
    assert swept(issue, china(date(2026, 11, 12))).supervision is Supervision.YELLOW  # 3 days
    assert swept(issue, china(date(2026, 11, 13))).supervision is Supervision.RED  # 4 days
    stricter = SupervisionRule(red_after_working_days=1)
    assert marks(issue, china(date(2026, 11, 12)), rule=stricter) == [IssueAction.RAISE_SUPERVISION]


def test_a_second_overdue_is_a_red_card() -> None:
    issue = swept(raised(), china(date(2026, 11, 4)))  # acceptance overdue: yellow
    assert issue.supervision is Supervision.YELLOW
    issue = issue.classify(
        category="infrastructure",
        difficulty=Difficulty.SMALL,
        categories=DEFAULT_CATEGORIES,
        by=VILLAGE_CADRE,
        at=china(date(2026, 11, 4), 10),
    )
    issue = issue.assign(by=VILLAGE_CADRE, at=china(date(2026, 11, 4), 10), timetable=TIMETABLE)
    assert issue.clock is not None and not issue.clock.overdue  # a new step, a new clock
    again = swept(issue, china(date(2026, 11, 6)))  # accepting at the village: 1 day
    assert (again.overdue_count, again.supervision) == (2, Supervision.RED)


def test_an_approved_extension_lifts_overdue_but_the_card_stays() -> None:
    issue = swept(in_progress(), china(date(2026, 11, 10)))
    issue = issue.request_extension(
        until=date(2026, 11, 20), reason="等待设备", by=VILLAGE_CADRE, at=china(date(2026, 11, 10))
    ).approve_extension(by=TOWNSHIP_CADRE, at=china(date(2026, 11, 10), 10))
    assert issue.clock is not None and not issue.clock.overdue
    assert issue.supervision is Supervision.YELLOW  # 只升不降
    assert marks(issue, china(date(2026, 11, 11))) == []


def test_a_warning_missed_is_not_given_once_the_step_is_overdue() -> None:
    assert marks(in_progress(), china(date(2026, 11, 11))) == [
        IssueAction.MARK_OVERDUE,
        IssueAction.RAISE_SUPERVISION,
    ]


def test_sweeping_twice_at_the_same_moment_finds_nothing_new() -> None:
    now = china(date(2026, 11, 16))
    first = sweep([in_progress(), raised()], now, CALENDAR, LIMITS)
    assert len(first) == 2
    assert sweep([s.after for s in first], now, CALENDAR, LIMITS) == []


def test_the_sweep_leaves_closed_issues_and_later_ones_alone() -> None:
    assert sweep([closed()], china(date(2027, 1, 4)), CALENDAR, LIMITS) == []
    issue = in_progress()
    assert sweep([issue], later(2), CALENDAR, LIMITS) == []  # its last entry is at later(3)


def test_a_ledger_entrys_review_date_puts_it_back_on_the_agenda_once() -> None:
    """跟踪销号 (seeds/huiji-1plus6plusN.txt): at the review date it comes back up."""
    issue = in_progress().put_on_ledger(
        plan="明年改造", owner="村主任", review_on=date(2027, 3, 1), by=VILLAGE_CADRE, at=later(5)
    )
    assert sweep([issue], china(date(2027, 2, 28)), CALENDAR, LIMITS) == []
    out = sweep([issue], china(date(2027, 3, 1)), CALENDAR, LIMITS)
    assert [type(e) for e in out[0].events] == [LedgerReviewDue]
    assert out[0].after.status is IssueStatus.ON_LEDGER
    assert sweep([out[0].after], china(date(2027, 3, 2)), CALENDAR, LIMITS) == []
