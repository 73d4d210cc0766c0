"""督办: time limits, deadlines in working days, warnings, overdue and the supervision level.

seeds/xiaolin-xianfeng-hulian.txt asks for 跟踪管理、限时督办 and gives no figures; nor do the
other seeds. The limits below are **ours**, shaped on what grid-governance systems do (separate
limits for 受理 / 办理 / 反馈 per level × issue type, counted in working days; DOMAIN.md) and on
Beijing's 12345 rules (a complex case answered within 15 days): a county overrides any of them
in its scheme. So are the warning share (70 %, as the issue asks) and the supervision thresholds.

The sweep is pure: given the open issues, the time and the calendar, it says what to record
(warnings, overdue, supervision levels, ledger reviews due) as the issues after and their
events; persistence applies them. Running it twice at the same moment finds nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from domain.issues.calendar import WorkCalendar
from domain.issues.events import IssueChange, changes
from domain.issues.model import (
    SUPERVISION_ORDER,
    SWEEP,
    Issue,
    IssueStatus,
    Step,
    StepClock,
    Supervision,
    Tier,
    end_of_day,
)
from domain.kernel.errors import Invalid
from domain.kernel.time import CHINA, local_date

# Working days per step and level. Ours (see the module's docstring): acceptance within a day
# where the matter lives, two above; handling growing with the level up to 15 days at the
# county (12345's complex cases); two days to take the answer back at any level.
DEFAULT_DAYS: Final[Mapping[tuple[Step, Tier], int]] = {
    (Step.ACCEPT, Tier.GRID): 1,
    (Step.ACCEPT, Tier.VILLAGE): 1,
    (Step.ACCEPT, Tier.TOWNSHIP): 2,
    (Step.ACCEPT, Tier.COUNTY): 2,
    (Step.HANDLE, Tier.GRID): 3,
    (Step.HANDLE, Tier.VILLAGE): 5,
    (Step.HANDLE, Tier.TOWNSHIP): 10,
    (Step.HANDLE, Tier.COUNTY): 15,
    (Step.FEEDBACK, Tier.GRID): 2,
    (Step.FEEDBACK, Tier.VILLAGE): 2,
    (Step.FEEDBACK, Tier.TOWNSHIP): 2,
    (Step.FEEDBACK, Tier.COUNTY): 2,
}
DEFAULT_WARN_PERCENT: Final = 70  # 预警 at 70 % of the limit: the issue's default
MAX_DAYS: Final = 365


@dataclass(frozen=True)
class TimeLimits:
    """Working days per step × level, and per step × level × category where a county sets one
    (a category's own limit wins); the warning at ``warn_percent`` of the limit."""

    days: Mapping[tuple[Step, Tier], int] = field(default_factory=lambda: dict(DEFAULT_DAYS))
    by_category: Mapping[tuple[Step, Tier, str], int] = field(default_factory=dict)
    warn_percent: int = DEFAULT_WARN_PERCENT

    def __post_init__(self) -> None:
        missing = [f"{s.value}/{t.value}" for s in Step for t in Tier if (s, t) not in self.days]
        if missing:
            raise Invalid(
                "issue.limit_missing", f"缺少时限设置：{'、'.join(missing)}", field="days"
            )
        for days in (*self.days.values(), *self.by_category.values()):
            if not 1 <= days <= MAX_DAYS:
                raise Invalid(
                    "issue.limit_out_of_range",
                    f"时限须为 1 至 {MAX_DAYS} 个工作日",
                    field="days",
                )
        if not 1 <= self.warn_percent <= 99:
            raise Invalid(
                "issue.limit_out_of_range", "预警比例须在 1% 至 99% 之间", field="warn_percent"
            )

    def days_for(self, step: Step, *, tier: Tier, category: str | None) -> int:
        if category is not None and (step, tier, category) in self.by_category:
            return self.by_category[(step, tier, category)]
        return self.days[(step, tier)]


def deadline(start: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """The end of the ``days``-th working day after the day ``start`` falls on (China time):
    a step begun on Friday with one day has until Monday evening; begun on a holiday, its days
    are counted from the first working day after it."""
    return end_of_day(calendar.add_working_days(local_date(start), days))


@dataclass(frozen=True)
class Timetable:
    """The time limits counted on a work calendar: gives each step its clock (the model's
    ``Timetable``)."""

    calendar: WorkCalendar
    limits: TimeLimits = field(default_factory=TimeLimits)

    def clock(self, step: Step, *, tier: Tier, category: str | None, start: datetime) -> StepClock:
        days = self.limits.days_for(step, tier=tier, category=category)
        return StepClock(step=step, started_at=start, due=deadline(start, days, self.calendar))


def last_day(due: datetime) -> date:
    """The last day (China time) a step may still be done on."""
    return local_date(due - timedelta(microseconds=1))


def warn_from(clock: StepClock, calendar: WorkCalendar, warn_percent: int) -> datetime | None:
    """When the warning (预警) is due: the start of the working day in which ``warn_percent``
    of the step's working days is reached (day ⌈share × limit⌉; ours: days are the unit the
    limits are set in). None: the step has no working day at all (an extension to a holiday)."""
    start = local_date(clock.started_at)
    limit = calendar.working_days_between(start, last_day(clock.due))
    if limit <= 0:
        return None
    day = calendar.add_working_days(start, max(1, -(-warn_percent * limit // 100)))
    return datetime.combine(day, time(), CHINA).astimezone(UTC)


def is_overdue(clock: StepClock, now: datetime) -> bool:
    return now >= clock.due


@dataclass(frozen=True)
class SupervisionRule:
    """When overdue raises the supervision level. Ours, as grid systems do it: overdue → 黄牌;
    overdue by more than ``red_after_working_days`` more working days, or overdue for the
    ``red_at_overdue_count``-th time (any step, any handler) → 红牌."""

    red_after_working_days: int = 3
    red_at_overdue_count: int = 2

    def __post_init__(self) -> None:
        if self.red_after_working_days < 0 or self.red_at_overdue_count < 1:
            raise Invalid("issue.limit_out_of_range", "红牌督办的条件须为非负天数、至少一次超期")


def supervision_due(
    issue: Issue, now: datetime, calendar: WorkCalendar, rule: SupervisionRule
) -> Supervision:
    """The level the issue should be at now; never below the one it has (只升不降)."""
    wanted = Supervision.YELLOW if issue.overdue_count else Supervision.NONE
    clock = issue.clock
    late = (
        calendar.working_days_between(last_day(clock.due), local_date(now))
        if clock is not None and clock.overdue
        else 0
    )
    if issue.overdue_count >= rule.red_at_overdue_count or late > rule.red_after_working_days:
        wanted = Supervision.RED
    return max(wanted, issue.supervision, key=SUPERVISION_ORDER.index)


@dataclass(frozen=True)
class Swept:
    """An issue the sweep changed: after the marks, and their events (emit after saving)."""

    before: Issue
    after: Issue
    events: tuple[IssueChange, ...]


def sweep(
    issues: Iterable[Issue],
    now: datetime,
    calendar: WorkCalendar,
    limits: TimeLimits | Callable[[Issue], TimeLimits],
    rule: SupervisionRule | None = None,
) -> list[Swept]:
    """The marks due at ``now`` on each open issue: a ledger entry's review date come, the
    warning, overdue, the supervision level. Issues with nothing due are left out; an issue
    whose last entry is later than ``now`` (a clock behind another's) is left for a later run.
    ``limits``: the same for every issue, or each issue's (its area's scheme's)."""
    rule = rule or SupervisionRule()
    out: list[Swept] = []
    for issue in issues:
        if not issue.is_open or now < issue.last_at:
            continue
        own = limits(issue) if callable(limits) else limits  # its area's scheme's, or one for all
        after = sweep_one(issue, now, calendar, own.warn_percent, rule)
        if after is not issue:
            out.append(Swept(issue, after, tuple(changes(issue, after))))
    return out


def sweep_one(
    issue: Issue, now: datetime, calendar: WorkCalendar, warn_percent: int, rule: SupervisionRule
) -> Issue:
    """One issue after the sweep's marks (the same object when none is due)."""
    if issue.status is IssueStatus.ON_LEDGER:
        ledger = issue.ledger
        if ledger and not ledger.review_flagged and local_date(now) >= ledger.review_on:
            return issue.flag_review(by=SWEEP, at=now)
        return issue
    clock = issue.clock
    if clock is None:
        return issue
    if not clock.overdue and is_overdue(clock, now):
        issue = issue.mark_overdue(by=SWEEP, at=now)
    elif not clock.warned and not clock.overdue:
        warn_at = warn_from(clock, calendar, warn_percent)
        if warn_at is not None and now >= warn_at:
            issue = issue.warn(by=SWEEP, at=now)
    wanted = supervision_due(issue, now, calendar, rule)
    if wanted is not issue.supervision:
        issue = issue.raise_supervision(to=wanted, by=SWEEP, at=now)
    return issue
