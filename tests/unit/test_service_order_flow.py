"""The service order's lifecycle (群众点单 → 网格下单 → 党员接单: seeds/xiangtan-wuge-daohu.txt):
the transition table, who may act, the time limits in working days, the suggestions, and random
sequences of actions (hypothesis): at most one taker at any time, time never runs backwards, the
timeline only grows and every status is reached through the table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.issues.model import Actor, Rating, household_ref
from domain.kernel.errors import DomainError, Forbidden, Invalid, RuleBroken
from domain.registers.member import Location
from domain.service_orders.model import (
    TRANSITIONS,
    ActionNotAllowed,
    OrderAction,
    OrderSource,
    OrderStatus,
    OrderStep,
    ServiceKind,
    ServiceOrder,
    Worker,
    allowed_actions,
    place_order,
)
from domain.service_orders.rules import (
    Candidate,
    OrderLimits,
    OrderTimetable,
    skill_matches,
    suggest,
)
from tests.unit.issue_world import CALENDAR, GRID, OTHER_GRID, VILLAGE

HOUSEHOLD_ID = 7
HOUSEHOLD = Actor(household_ref(HOUSEHOLD_ID))
SECRETARY = Actor("user:secretary", org=GRID)  # the grid's branch secretary: dispatches
VILLAGE_CADRE = Actor("user:village", org=VILLAGE)
A = Actor("user:a", org=VILLAGE, member_id=21)
B = Actor("user:b", org=OTHER_GRID, member_id=22)
OUTSIDER = Actor("user:far", org=None, member_id=99)
WORKERS = {21: Worker(21, VILLAGE.path), 22: Worker(22, OTHER_GRID.path), 99: Worker(99, "/9/")}
TIMETABLE = OrderTimetable(CALENDAR)
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in China


def ordered(at: datetime = T0) -> ServiceOrder:
    return place_order(
        kind=ServiceKind.REPAIR,
        text="厨房水管漏水",
        household_id=HOUSEHOLD_ID,
        grid=GRID,
        area=VILLAGE,
        source=OrderSource.HOUSEHOLD_CARD,
        by=HOUSEHOLD,
        at=at,
        timetable=TIMETABLE,
    )


def taken(by: Actor = A, at: datetime = T0) -> ServiceOrder:
    assert by.member_id is not None
    return ordered(at).take(by=by, worker=WORKERS[by.member_id], at=at, timetable=TIMETABLE)


def done(at: datetime = T0) -> ServiceOrder:
    return taken(at=at).complete(note="已更换水管", by=A, at=at + timedelta(hours=2))


# ── placing ───────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("kind", [None, ""])
def test_the_kind_of_service_must_be_chosen(kind: str | None) -> None:
    with pytest.raises(Invalid) as err:
        place_order(
            kind=kind,
            text="帮忙",
            household_id=1,
            grid=GRID,
            area=VILLAGE,
            source=OrderSource.HOUSEHOLD_CARD,
            by=HOUSEHOLD,
            at=T0,
            timetable=TIMETABLE,
        )
    assert err.value.code == "service_order.kind_required"
    assert err.value.field == "kind"


def test_an_unknown_kind_is_refused_naming_the_kinds() -> None:
    with pytest.raises(Invalid) as err:
        place_order(
            kind="massage",
            text="x",
            household_id=1,
            grid=GRID,
            area=VILLAGE,
            source=OrderSource.MEMBER,
            by=A,
            at=T0,
            timetable=TIMETABLE,
        )
    assert err.value.code == "service_order.unknown_kind"
    assert "上门维修" in err.value.message


def test_a_new_order_is_on_the_open_list_with_one_working_day_to_take_it() -> None:
    order = ordered(datetime(2026, 3, 6, 10, 0, tzinfo=UTC))  # Friday evening in China
    assert order.status is OrderStatus.ORDERED
    assert order.clock is not None and order.clock.step is OrderStep.TAKE
    # ours: one working day; Friday's order is due at the end of Monday (China time).
    assert order.deadline == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert [e.action for e in order.timeline] == [OrderAction.ORDER]


def test_serving_time_counts_working_days_by_kind_over_a_holiday() -> None:
    # Taken on 2026-04-03 (Friday); 4-6 April is 清明节: three working days end on 9 April.
    at = datetime(2026, 4, 3, 2, 0, tzinfo=UTC)
    order = taken(at=at)
    assert order.deadline == datetime(2026, 4, 9, 16, 0, tzinfo=UTC)
    assert OrderLimits().days_for(OrderStep.SERVE, ServiceKind.PAPERWORK) == 5


# ── the table ────────────────────────────────────────────────────────────────────────────────


def test_an_illegal_action_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(ActionNotAllowed) as err:
        ordered().complete(note="x", by=A, at=T0)
    assert err.value.code == "service_order.action_not_allowed"
    assert err.value.allowed == ("dispatch", "take", "cancel")
    assert [e["code"] for e in err.value.errors] == ["dispatch", "take", "cancel"]


def test_a_rated_or_cancelled_order_accepts_nothing() -> None:
    assert allowed_actions(OrderStatus.RATED) == ()
    assert allowed_actions(OrderStatus.CANCELLED) == ()


def test_every_status_is_reachable_from_ordered_through_the_table() -> None:
    reached, frontier = {OrderStatus.ORDERED}, [OrderStatus.ORDERED]
    while frontier:
        status = frontier.pop()
        for (s, _), to in TRANSITIONS.items():
            if s is status and to not in reached:
                reached.add(to)
                frontier.append(to)
    assert reached == set(OrderStatus)


# ── who acts ─────────────────────────────────────────────────────────────────────────────────


def test_the_grid_dispatches_and_only_the_member_it_chose_takes_it() -> None:
    order = ordered().dispatch(to=WORKERS[21], by=SECRETARY, at=T0, timetable=TIMETABLE)
    assert order.status is OrderStatus.DISPATCHED and order.assignee == 21
    with pytest.raises(Forbidden) as err:
        order.take(by=B, worker=WORKERS[22], at=T0, timetable=TIMETABLE)
    assert err.value.code == "service_order.dispatched_to_other"
    order = order.take(by=A, worker=WORKERS[21], at=T0, timetable=TIMETABLE)
    assert (order.status, order.taker, order.assignee) == (OrderStatus.TAKEN, 21, None)


def test_a_member_cannot_dispatch() -> None:
    with pytest.raises(Forbidden) as err:
        ordered().dispatch(to=WORKERS[22], by=B, at=T0, timetable=TIMETABLE)
    assert err.value.code == "service_order.not_grid"


def test_a_member_outside_the_orders_village_cannot_take_it() -> None:
    with pytest.raises(RuleBroken) as err:
        ordered().take(by=OUTSIDER, worker=WORKERS[99], at=T0, timetable=TIMETABLE)
    assert err.value.code == "service_order.member_out_of_area"


def test_only_the_taker_completes_with_a_note() -> None:
    order = taken()
    with pytest.raises(Forbidden):
        order.complete(note="做完了", by=B, at=T0)
    with pytest.raises(Invalid) as err:
        order.complete(note="  ", by=A, at=T0)
    assert err.value.field == "note"
    assert order.complete(note="已修好", by=A, at=T0).status is OrderStatus.DONE


def test_only_the_household_rates_and_dissatisfied_needs_a_reason() -> None:
    order = done()
    at = T0 + timedelta(days=1)
    for someone in (A, SECRETARY, Actor(household_ref(8))):
        with pytest.raises(Forbidden) as err:
            order.rate(rating=Rating.SATISFIED, by=someone, at=at)
        assert err.value.code == "service_order.not_rater"
    with pytest.raises(Invalid):
        order.rate(rating=Rating.DISSATISFIED, by=HOUSEHOLD, at=at)
    rated = order.rate(rating=Rating.DISSATISFIED, by=HOUSEHOLD, at=at, reason="没修好")
    assert rated.status is OrderStatus.RATED and rated.timeline[-1].note == "不满意：没修好"


def test_time_never_runs_backwards() -> None:
    with pytest.raises(RuleBroken) as err:
        taken().complete(note="x", by=A, at=T0 - timedelta(seconds=1))
    assert err.value.code == "service_order.time_backwards"


def test_the_taker_gives_it_back_to_the_open_list() -> None:
    order = taken().release(reason="临时外出", by=A, at=T0, timetable=TIMETABLE)
    assert (order.status, order.taker) == (OrderStatus.ORDERED, None)


# ── suggestions ──────────────────────────────────────────────────────────────────────────────


def test_skills_match_by_the_words_of_the_kind() -> None:
    assert skill_matches(ServiceKind.REPAIR, ("水电维修", "驾驶")) == ("水电维修",)
    assert skill_matches(ServiceKind.MEDICAL_ESCORT, ("驾驶",)) == ("驾驶",)
    assert skill_matches(ServiceKind.OTHER, ("驾驶",)) == ()


def test_suggestions_put_a_matching_skill_first_then_distance_then_load() -> None:
    home = Location(30.0, 120.0)
    near = Location(30.001, 120.0)  # about 111 m
    far = Location(30.01, 120.0)  # about 1.1 km
    ranked = suggest(
        ServiceKind.REPAIR,
        home,
        [
            Candidate(1, "近而无特长", 3, (), near, 0),
            Candidate(2, "远的电工", 3, ("电工",), far, 0),
            Candidate(3, "近的水电工", 3, ("水电维修",), near, 2),
            Candidate(4, "无位置的电工", 3, ("电工",), None, 0),
            Candidate(5, "近的水电工 空闲", 3, ("水电维修",), near, 0),
        ],
    )
    assert [s.member_id for s in ranked] == [5, 3, 2, 4, 1]
    assert ranked[0].distance_m == 111 and ranked[3].distance_m is None


# ── random sequences ─────────────────────────────────────────────────────────────────────────

PEOPLE = [HOUSEHOLD, SECRETARY, VILLAGE_CADRE, A, B, OUTSIDER]
STEP = st.tuples(
    st.sampled_from(list(OrderAction)[1:]),
    st.sampled_from(range(len(PEOPLE))),
    st.sampled_from([21, 22, 99]),
    st.integers(min_value=-3_600, max_value=3 * 86_400),
)


def _apply(
    order: ServiceOrder, action: OrderAction, by: Actor, member: int, at: datetime
) -> ServiceOrder:
    to = WORKERS[member]
    match action:
        case OrderAction.DISPATCH:
            return order.dispatch(to=to, by=by, at=at, timetable=TIMETABLE)
        case OrderAction.REDISPATCH:
            return order.redispatch(to=to, reason="改派", by=by, at=at, timetable=TIMETABLE)
        case OrderAction.TAKE:
            return order.take(
                by=by, worker=WORKERS.get(by.member_id or 0, to), at=at, timetable=TIMETABLE
            )
        case OrderAction.DECLINE:
            return order.decline(reason="忙", by=by, at=at, timetable=TIMETABLE)
        case OrderAction.RELEASE:
            return order.release(reason="忙", by=by, at=at, timetable=TIMETABLE)
        case OrderAction.COMPLETE:
            return order.complete(note="完成", by=by, at=at)
        case OrderAction.RATE:
            return order.rate(rating=Rating.SATISFIED, by=by, at=at)
        case OrderAction.CANCEL:
            return order.cancel(reason="不需要了", by=by, at=at)
    raise AssertionError(action)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=25))
def test_random_actions_keep_one_taker_at_most_and_time_forward(
    steps: list[tuple[OrderAction, int, int, int]],
) -> None:
    order = ordered()
    at = T0
    for action, who, member, seconds in steps:
        at_next = at + timedelta(seconds=seconds)
        before = order
        try:
            order = _apply(order, action, PEOPLE[who], member, at_next)
        except ActionNotAllowed as err:
            assert (before.status, action) not in TRANSITIONS
            assert err.allowed == tuple(a.value for a in allowed_actions(before.status))
            continue
        except DomainError:
            assert order is before
            continue
        at = at_next
        # the table says where it went, the timeline grew by one and kept what it had
        assert order.status is TRANSITIONS[(before.status, action)]
        assert order.timeline[: len(before.timeline)] == before.timeline
        assert len(order.timeline) == len(before.timeline) + 1
        # a taker exactly while it is being done or once done, none before; never two
        if order.status in (OrderStatus.TAKEN, OrderStatus.DONE, OrderStatus.RATED):
            assert order.taker is not None and order.assignee is None
        elif order.status is not OrderStatus.CANCELLED:
            assert order.taker is None
        assert (order.assignee is not None) == (order.status is OrderStatus.DISPATCHED)
        # only the table's actions by the right people: a rating is the household's
        if action is OrderAction.RATE:
            assert PEOPLE[who] is HOUSEHOLD
    times = [e.at for e in order.timeline]
    assert all(a <= b for a, b in pairwise(times))
    assert [e.seq for e in order.timeline] == list(range(len(order.timeline)))
    for a, b in pairwise(order.timeline):
        assert a.to_status is b.from_status
