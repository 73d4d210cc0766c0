"""The issue flow under random sequences of actions, by random people, at random times, with
the deadline sweep running between them (hypothesis' stateful testing). Whatever happens:
the issue has exactly one handler, on its line, never above the county; every status is
reached through the table, no step skipped; time never runs backwards; a closed issue accepts
only rating and reopening; the timeline only grows and its entries never change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.issues.model import (
    DEFAULT_CATEGORIES,
    SYSTEM_ACTIONS,
    TIER_ORDER,
    TRANSITIONS,
    ActionNotAllowed,
    Actor,
    Difficulty,
    Issue,
    IssueAction,
    IssueStatus,
    Rating,
    Tier,
)
from domain.issues.rules import TimeLimits, sweep
from domain.kernel.errors import DomainError
from domain.kernel.time import local_date
from tests.unit.issue_world import (
    ACTING_FOR,
    CALENDAR,
    CONTACT,
    CONTACT_ID,
    COUNTY_CADRE,
    GRID_MEMBER,
    HOUSEHOLD,
    NEIGHBOUR,
    TIMETABLE,
    TOWNSHIP_CADRE,
    VILLAGE_CADRE,
    raised,
)

USER_ACTIONS = [a for a in IssueAction if a not in SYSTEM_ACTIONS and a is not IssueAction.RAISE]
PEOPLE = [CONTACT, GRID_MEMBER, NEIGHBOUR, VILLAGE_CADRE, TOWNSHIP_CADRE, COUNTY_CADRE, HOUSEHOLD]
# "handler", "above", "raiser", "teller" (who takes the answer back): whoever that is for the
# issue now, so the flow gets far; or anyone at all.
WHO = st.one_of(
    st.just("proper"),
    st.sampled_from(["handler", "above", "raiser", "teller", *range(len(PEOPLE))]),
)
# Whom each action is for ("proper"): the rest are refused, or allowed wider than this.
PROPER = {
    IssueAction.APPROVE_EXTENSION: "above",
    IssueAction.REFUSE_EXTENSION: "above",
    IssueAction.URGE: "above",
    IssueAction.CONFIRM_TOLD: "teller",
    IssueAction.RATE: "raiser",
}
STEPS = st.sampled_from([-1.0, 0.0, 1.0, 1.0, 8.0, 24.0, 72.0, 240.0])  # hours after the last entry
LIMITS = TimeLimits()


class Args:
    """What an action needs, drawn at random (blank texts and past dates included)."""

    def __init__(self, text: str, days: int, rating: Rating, difficulty: Difficulty, kind: str):
        self.text, self.days, self.rating = text, days, rating
        self.difficulty, self.kind = difficulty, kind


ARGS = st.builds(
    Args,
    text=st.sampled_from(["理由", "理由", "理由", ""]),
    days=st.sampled_from([-1, 0, 3, 30]),
    rating=st.sampled_from(list(Rating)),
    difficulty=st.sampled_from(list(Difficulty)),
    kind=st.sampled_from(["infrastructure", "dispute", "weather"]),
)

Attempt = Callable[[Issue, Actor, datetime, Args], Issue]


def _day(at: datetime, args: Args) -> date:  # ``args.days`` after the day of ``at``
    return local_date(at) + timedelta(days=args.days)


ATTEMPTS: dict[IssueAction, Attempt] = {
    IssueAction.CLASSIFY: lambda i, by, at, a: i.classify(
        category=a.kind, difficulty=a.difficulty, categories=DEFAULT_CATEGORIES, by=by, at=at
    ),
    IssueAction.SOLVE_ON_SPOT: lambda i, by, at, a: i.solve_on_spot(answer=a.text, by=by, at=at),
    IssueAction.ASSIGN: lambda i, by, at, _a: i.assign(by=by, at=at, timetable=TIMETABLE),
    IssueAction.ACCEPT: lambda i, by, at, _a: i.accept(by=by, at=at, timetable=TIMETABLE),
    IssueAction.ESCALATE: lambda i, by, at, a: i.escalate(
        reason=a.text, by=by, at=at, timetable=TIMETABLE
    ),
    IssueAction.SEND_BACK: lambda i, by, at, a: i.send_back(
        reason=a.text, by=by, at=at, timetable=TIMETABLE
    ),
    IssueAction.REQUEST_EXTENSION: lambda i, by, at, a: i.request_extension(
        until=_day(at, a), reason=a.text, by=by, at=at
    ),
    IssueAction.APPROVE_EXTENSION: lambda i, by, at, _a: i.approve_extension(by=by, at=at),
    IssueAction.REFUSE_EXTENSION: lambda i, by, at, a: i.refuse_extension(
        reason=a.text, by=by, at=at
    ),
    IssueAction.URGE: lambda i, by, at, _a: i.urge(by=by, at=at),
    IssueAction.RESOLVE: lambda i, by, at, a: i.resolve(
        answer=a.text, by=by, at=at, timetable=TIMETABLE
    ),
    IssueAction.CONFIRM_TOLD: lambda i, by, at, _a: i.confirm_told(
        contact_member_id=CONTACT_ID, by=by, at=at
    ),
    IssueAction.RATE: lambda i, by, at, a: i.rate(
        rating=a.rating, by=by, at=at, timetable=TIMETABLE, reason=a.text
    ),
    IssueAction.CLOSE: lambda i, by, at, a: i.close(result=a.text, by=by, at=at),
    IssueAction.PUT_ON_LEDGER: lambda i, by, at, a: i.put_on_ledger(
        plan=a.text, owner="村主任", review_on=_day(at, a), by=by, at=at
    ),
    IssueAction.REOPEN: lambda i, by, at, a: i.reopen(
        reason=a.text, by=by, at=at, timetable=TIMETABLE
    ),
}


def _who(issue: Issue, action: IssueAction, who: str | int) -> Actor:
    if who == "proper":
        who = PROPER.get(action, "handler")
    if isinstance(who, int):
        return PEOPLE[who]
    if who == "raiser":
        return HOUSEHOLD if issue.household_id is not None else GRID_MEMBER
    if who == "teller":
        return CONTACT if issue.household_id is not None else GRID_MEMBER
    if who == "above":
        at = issue.line.index(issue.handler)
        return ACTING_FOR[issue.line[max(at - 1, 0)].id]
    return ACTING_FOR[issue.handler.id]


def _past_the_county(issue: Issue, action: IssueAction) -> bool:
    return action is IssueAction.ESCALATE and issue.tier is Tier.COUNTY


class Flow:
    """One issue driven by the steps drawn, checking every rule after each."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        self.seen = issue.timeline

    def act(self, action: IssueAction, who: str | int, hours: float, args: Args) -> None:
        before = self.issue
        at = before.last_at + timedelta(hours=hours)
        allowed = (before.status, action) in TRANSITIONS
        try:
            after = ATTEMPTS[action](before, _who(before, action, who), at, args)
        except ActionNotAllowed:
            assert not allowed  # refused as such exactly when the table lacks it
            return
        except DomainError as refused:
            assert allowed  # the table is consulted first
            proper = who in {"handler", "proper"}
            if _past_the_county(before, action) and proper and args.text and hours >= 0:
                assert refused.code == "issue.escalation_past_county"
            return
        assert allowed and at >= before.last_at
        assert not _past_the_county(before, action)
        assert before.status is not IssueStatus.CLOSED or action in {
            IssueAction.RATE,
            IssueAction.REOPEN,
        }
        self._moved_on(before, after)

    def act_as_the_table_allows(self, pick: int, who: str | int, hours: float, args: Args) -> None:
        """An action the status has, still by anyone, at any time."""
        allowed = self.issue.allowed_actions()
        if allowed:
            self.act(allowed[pick % len(allowed)], who, hours, args)

    def move_on(self, pick: int, who: str | int, hours: float, args: Args) -> None:
        """An action that leaves the status (so the flow gets far), by anyone, at any time."""
        status = self.issue.status
        onward = [a for a in self.issue.allowed_actions() if TRANSITIONS[(status, a)] != status]
        self.act(onward[pick % len(onward)], who, hours, args)

    def run_the_sweep(self, hours: float) -> None:
        before = self.issue
        out = sweep([before], before.last_at + timedelta(hours=hours), CALENDAR, LIMITS)
        if out:
            assert len(out) == 1 and out[0].before is before and out[0].events
            self._moved_on(before, out[0].after)

    def _moved_on(self, before: Issue, after: Issue) -> None:
        """The timeline only grew, the entries it had are the same and were not touched."""
        assert before.timeline is self.seen
        assert len(after.timeline) > len(before.timeline)
        assert after.timeline[: len(before.timeline)] == before.timeline
        self.issue, self.seen = after, after.timeline
        self.check()

    def check(self) -> None:
        issue, timeline = self.issue, self.issue.timeline
        # exactly one handler, on its line, never above the county
        assert sum(org == issue.handler for org in issue.line) == 1
        assert TIER_ORDER.index(issue.tier) <= TIER_ORDER.index(Tier.COUNTY)
        assert timeline[-1].to_org == issue.handler.id
        # every status reached through the table: no step skipped
        assert timeline[0].action is IssueAction.RAISE and timeline[0].from_status is None
        for earlier, entry in pairwise(timeline):
            assert entry.from_status is earlier.to_status
            assert entry.from_org == earlier.to_org
            assert TRANSITIONS[(entry.from_status, entry.action)] is entry.to_status
        assert timeline[-1].to_status is issue.status
        # time never runs backwards; entries numbered in order
        assert all(a.at <= b.at for a, b in pairwise(timeline))
        assert [e.seq for e in timeline] == list(range(len(timeline)))
        # a running step has its clock, a stopped one none; the ledger only while on it
        assert (issue.clock is None) == (
            issue.status in {IssueStatus.CLOSED, IssueStatus.ON_LEDGER}
        )
        assert (issue.ledger is not None) == (issue.status is IssueStatus.ON_LEDGER)


SWEEP_HOURS = st.sampled_from([1.0, 24.0, 72.0, 240.0, 2400.0])
RAISED_BY = st.sampled_from([HOUSEHOLD, CONTACT, VILLAGE_CADRE])


class IssueFlow(RuleBasedStateMachine):
    flow: Flow

    @initialize(household=st.booleans(), by=RAISED_BY)
    def raise_it(self, household: bool, by: Actor) -> None:
        self.flow = Flow(raised(by=by if household else GRID_MEMBER, household=household))
        self.flow.check()

    @rule(action=st.sampled_from(USER_ACTIONS), who=WHO, hours=STEPS, args=ARGS)
    def act_at_random(self, action: IssueAction, who: str | int, hours: float, args: Args) -> None:
        self.flow.act(action, who, hours, args)

    @rule(pick=st.integers(min_value=0, max_value=99), who=WHO, hours=STEPS, args=ARGS)
    def act_as_the_table_allows(self, pick: int, who: str | int, hours: float, args: Args) -> None:
        self.flow.act_as_the_table_allows(pick, who, hours, args)

    @rule(pick=st.integers(min_value=0, max_value=99), who=WHO, hours=STEPS, args=ARGS)
    def move_on(self, pick: int, who: str | int, hours: float, args: Args) -> None:
        self.flow.move_on(pick, who, hours, args)

    @rule(hours=SWEEP_HOURS)
    def run_the_sweep(self, hours: float) -> None:
        self.flow.run_the_sweep(hours)

    @invariant()
    def every_rule_holds(self) -> None:
        self.flow.check()


IssueFlow.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_the_issue_flow_under_random_actions = IssueFlow.TestCase

# Long runs mostly of actions the table holds, so the later steps (feedback, rating, closing,
# the ledger, extensions) are reached as often as the first ones.
STEP = st.one_of(
    st.tuples(st.just("onward"), st.integers(0, 99), WHO, STEPS, ARGS),
    st.tuples(st.just("onward"), st.integers(0, 99), WHO, STEPS, ARGS),
    st.tuples(st.just("table"), st.integers(0, 99), WHO, STEPS, ARGS),
    st.tuples(st.just("any"), st.sampled_from(USER_ACTIONS), WHO, STEPS, ARGS),
    st.tuples(st.just("sweep"), SWEEP_HOURS),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household=st.booleans(), by=RAISED_BY, steps=st.lists(STEP, min_size=20, max_size=60))
def test_long_runs_of_actions_keep_every_rule(
    household: bool, by: Actor, steps: list[tuple[Any, ...]]
) -> None:
    flow = Flow(raised(by=by if household else GRID_MEMBER, household=household))
    for kind, *drawn in steps:
        if kind == "onward":
            flow.move_on(*drawn)
        elif kind == "table":
            flow.act_as_the_table_allows(*drawn)
        elif kind == "any":
            flow.act(*drawn)
        else:
            flow.run_the_sweep(*drawn)
