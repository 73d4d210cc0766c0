"""The assignment solver against the rules of the schemes, brute force and hypothesis."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assignment.model import (
    Bounds,
    Candidate,
    Preferences,
    Reason,
    TieKind,
    Unit,
    check_roster,
)
from domain.assignment.solver import MANDATORY, GridInstance, Village, bounded_assignment, propose
from domain.registers.member import Location
from domain.schemes.model import PRESETS, SchemeCode

ONE_SIX_N = PRESETS[SchemeCode.ONE_SIX_N].params
YILIAN = PRESETS[SchemeCode.YILIAN_SANHUI].params
XIANFENG = PRESETS[SchemeCode.XIANFENG_HULIAN].params


def brute_force(cost: np.ndarray, low: list[int], high: list[int]) -> tuple[int, int]:
    """(most takers covered, least objective) over every assignment, the objective being the
    pair costs less MANDATORY per unit of minimum load met — what the flow optimises."""
    n_s, n_t = cost.shape
    best: tuple[int, int] | None = None
    for choice in itertools.product(range(-1, n_s), repeat=n_t):
        loads = Counter(c for c in choice if c >= 0)
        if any(loads[i] > high[i] for i in range(n_s)):
            continue
        covered = sum(c >= 0 for c in choice)
        objective = sum(int(cost[c, j]) for j, c in enumerate(choice) if c >= 0)
        objective -= MANDATORY * sum(min(loads[i], low[i]) for i in range(n_s))
        key = (-covered, objective)
        if best is None or key < best:
            best = key
    assert best is not None
    return -best[0], best[1]


@st.composite
def small_instances(draw: st.DrawFn) -> tuple[np.ndarray, list[int], list[int]]:
    n_s = draw(st.integers(1, 3))
    n_t = draw(st.integers(1, 5))
    cost = np.array(
        draw(st.lists(st.integers(-50, 200), min_size=n_s * n_t, max_size=n_s * n_t)),
        dtype=np.int64,
    ).reshape(n_s, n_t)
    high = draw(st.lists(st.integers(0, 3), min_size=n_s, max_size=n_s))
    low = [draw(st.integers(0, h)) for h in high]
    return cost, low, high


@settings(max_examples=150, deadline=None)
@given(small_instances())
def test_the_flow_equals_the_brute_force_optimum_on_small_instances(
    instance: tuple[np.ndarray, list[int], list[int]],
) -> None:
    cost, low, high = instance
    chosen, total = bounded_assignment(cost, np.array(low), np.array(high))
    loads = Counter(int(c) for c in chosen if c >= 0)
    assert all(loads[i] <= high[i] for i in range(len(high)))
    covered = int((chosen >= 0).sum())
    objective = total - MANDATORY * sum(min(loads[i], low[i]) for i in range(len(low)))
    assert (covered, objective) == brute_force(cost, low, high)


def member(
    i: int, grid: int = 1, *, lat: float = 30.0, lng: float = 120.0, cadre: bool = False
) -> Candidate:
    return Candidate(id=i, grid_id=grid, location=Location(lat, lng), cadre=cadre)


def household(
    i: int, grid: int = 1, *, lat: float = 30.0, lng: float = 120.0, vulnerable: bool = False
) -> Unit:
    return Unit(
        id=i, grid_id=grid, households=(i,), location=Location(lat, lng), vulnerable=vulnerable
    )


@st.composite
def grids(draw: st.DrawFn) -> GridInstance:
    n_members = draw(st.integers(1, 8))
    n_households = draw(st.integers(1, 60))
    coords = st.tuples(st.floats(30.0, 30.02), st.floats(120.0, 120.02))
    members = tuple(
        member(i, lat=c[0], lng=c[1], cadre=draw(st.booleans()))
        for i, c in enumerate(
            draw(st.lists(coords, min_size=n_members, max_size=n_members)), start=1
        )
    )
    units = tuple(
        household(100 + j, lat=c[0], lng=c[1], vulnerable=draw(st.booleans()))
        for j, c in enumerate(draw(st.lists(coords, min_size=n_households, max_size=n_households)))
    )
    return GridInstance(grid_id=1, members=members, units=units)


@settings(max_examples=60, deadline=None)
@given(grids())
def test_every_feasible_proposal_covers_each_household_once_within_the_load_bounds(
    grid: GridInstance,
) -> None:
    plan = propose([Village(1, (grid,))], YILIAN, Preferences())
    n, units = len(grid.members), len(grid.units)
    feasible = n * YILIAN.households_min <= units <= n * YILIAN.households_max
    assert plan.feasible == feasible
    if feasible:
        bounds = {m.id: Bounds(YILIAN.households_min, YILIAN.households_max) for m in grid.members}
        assert check_roster(plan.pairs, households=[u.id for u in grid.units], members=bounds) == []


@settings(max_examples=30, deadline=None)
@given(grids())
def test_the_same_input_gives_the_same_proposal(grid: GridInstance) -> None:
    first = propose([Village(1, (grid,))], YILIAN, Preferences())
    again = propose(
        [Village(1, (dataclasses.replace(grid, members=grid.members[::-1]),))],
        YILIAN,
        Preferences(),
    )
    assert first.pairs == again.pairs and first.cost == again.cost


def test_a_short_grid_is_reported_with_its_arithmetic_and_the_ways_out() -> None:
    # 一联三会 max 10: 3 members can cover 30 of 36 households.
    grid = GridInstance(
        3,
        tuple(member(i, 3) for i in range(1, 4)),
        tuple(household(100 + j, 3) for j in range(36)),
        name="第三网格",
    )
    plan = propose([Village(1, (grid,))], YILIAN, Preferences())
    [short] = plan.shortfalls
    assert short.message == (
        "第三网格：共 36 户，3 名可联户党员每人至多 10 户，共可联系 30 户；6 户未覆盖"
    )
    assert len(short.uncovered) == 6
    assert any("上限提高到 12 户" in o for o in short.options)
    assert len(plan.pairs) == 30  # the rest is covered, and nothing is hidden


def test_too_few_households_names_the_members_below_the_minimum_with_all_they_hold() -> None:
    # 一联三会 min 5: 3 members need 15; the grid has 12 and member 1 keeps 2 in another grid
    # of the village (a re-plan): 14 in all, so exactly one member ends one short.
    names = {1: "张三", 2: "李四", 3: "王五"}
    grid = GridInstance(
        3,
        tuple(Candidate(i, 3, Location(30.0, 120.0), name=n) for i, n in names.items()),
        tuple(household(100 + j, 3) for j in range(12)),
        fixed_load={1: 2},
        name="第三网格",
    )
    plan = propose([Village(1, (grid,))], YILIAN, Preferences())
    [short] = plan.shortfalls
    [who] = short.under_loaded
    assert short.message == (
        "第三网格：3 名党员每人至少 5 户，共需 15 户，而本网格只有 12 户；"
        f"1 名党员低于下限：{names[who]}（4 户）"
    )


def test_a_member_of_the_neighbouring_grid_helps_where_the_scheme_allows() -> None:
    # 先锋户联 (Xiaolin) borrows within the village: grid 1 has 2 members for 30 households.
    g1 = GridInstance(
        1, (member(1, 1), member(2, 1)), tuple(household(100 + j, 1) for j in range(30))
    )
    g2 = GridInstance(
        2,
        tuple(member(i, 2, lng=120.01) for i in range(3, 6)),
        tuple(household(200 + j, 2, lng=120.01) for j in range(24)),
    )
    plan = propose([Village(9, (g1, g2))], XIANFENG, Preferences())
    assert plan.feasible
    borrowed = [p for p in plan.pairs if Reason.BORROWED in p.reasons]
    assert borrowed and all(p.household_id < 200 and p.member_id >= 3 for p in borrowed)
    strict = propose([Village(9, (g1, g2))], YILIAN, Preferences())
    assert not strict.feasible  # 一联三会 does not borrow


def test_two_wei_cadres_take_the_vulnerable_households_first() -> None:
    grid = GridInstance(
        1,
        (member(1, cadre=True), member(2)),
        (  # far from both members: only the cadre rule brings them to member 1
            household(101, vulnerable=True, lat=30.02, lng=120.02),
            household(102, vulnerable=True, lat=30.02, lng=120.02),
            *(household(103 + j) for j in range(8)),
        ),
    )
    plan = propose([Village(1, (grid,))], YILIAN, Preferences())
    given_to = {p.household_id: p for p in plan.pairs}
    assert given_to[101].member_id == given_to[102].member_id == 1
    assert given_to[101].reasons[0] is Reason.VULNERABLE_FIRST


def test_a_request_is_honoured_and_a_contradictory_one_is_explained() -> None:
    grid = GridInstance(
        1, (member(1), member(2, lng=120.01)), tuple(household(100 + j) for j in range(10))
    )
    prefs = Preferences(requests=frozenset({(2, 100), (1, 100), (2, 101)}))
    plan = propose([Village(1, (grid,))], YILIAN, prefs)
    given_to = {p.household_id: p for p in plan.pairs}
    assert given_to[101].member_id == 2 and Reason.REQUEST in given_to[101].reasons
    [refused] = plan.unhonoured
    assert refused.household_id == 100 and "多名党员申报同一户" in refused.why


def test_kinship_wins_over_a_little_distance() -> None:
    grid = GridInstance(
        1, (member(1), member(2, lng=120.003)), tuple(household(100 + j) for j in range(10))
    )
    prefs = Preferences(ties=frozenset({(2, 100, TieKind.KINSHIP)}))
    plan = propose([Village(1, (grid,))], YILIAN, prefs)
    pair = next(p for p in plan.pairs if p.household_id == 100)
    assert pair.member_id == 2 and pair.reasons == (Reason.KINSHIP,)


def test_missing_locations_count_as_zero_distance_and_are_flagged() -> None:
    grid = GridInstance(
        1,
        (Candidate(1, 1, None), member(2)),
        (Unit(100, 1, (100,), None), *(household(101 + j) for j in range(9))),
    )
    plan = propose([Village(1, (grid,))], YILIAN, Preferences())
    assert plan.no_location_members == [1] and plan.no_location_households == [100]
    assert Reason.NO_LOCATION in next(p for p in plan.pairs if p.household_id == 100).reasons


def test_one_six_n_pairs_each_contact_member_with_two_or_three_elderly_members() -> None:
    # seeds/huiji-1plus6plusN.txt: “1” member, “6” households, “N” 2–3 elderly/infirm members.
    grid = GridInstance(1, (member(1), member(2)), tuple(household(100 + j) for j in range(12)))
    elderly = tuple(Candidate(50 + k, 1, Location(30.0, 120.0)) for k in range(5))
    plan = propose([Village(1, (grid,), elderly=elderly)], ONE_SIX_N, Preferences())
    per_contact = Counter(contact for contact, _ in plan.elderly_pairs)
    assert sorted(per_contact.values()) == [2, 3]
    assert len({e for _, e in plan.elderly_pairs}) == 5


def test_buildings_go_whole_to_one_member() -> None:
    # 1+6+N in communities: the unit is a building (楼栋), at least 6 per member.
    units = tuple(
        Unit(
            100 + 10 * b,
            1,
            tuple(range(100 + 10 * b, 104 + 10 * b)),
            Location(30.0, 120.0),
            building=f"{b}栋",
        )
        for b in range(12)
    )
    grid = GridInstance(1, (member(1), member(2)), units)
    plan = propose([Village(1, (grid,), buildings=True)], ONE_SIX_N, Preferences())
    assert plan.feasible and len(plan.pairs) == 48
    by_building = {
        u.building: {p.member_id for p in plan.pairs if p.household_id in u.households}
        for u in units
    }
    assert all(len(ms) == 1 for ms in by_building.values())
    assert Counter(next(iter(ms)) for ms in by_building.values()) == Counter({1: 6, 2: 6})


def test_a_re_plan_keeps_everyone_else_and_gives_the_orphans_to_members_with_room() -> None:
    members = (member(1), member(2), member(3))
    kept = {1: 6, 2: 6}  # member 3 left: their 6 households are orphans
    grid = GridInstance(
        1,
        (*members[:2], member(4, lng=120.001)),
        tuple(household(200 + j) for j in range(6)),
        fixed_load=kept,
    )
    plan = propose([Village(1, (grid,))], YILIAN, Preferences())
    assert plan.feasible
    loads = Counter(p.member_id for p in plan.pairs)
    # the newcomer reaches the minimum (5); the sixth orphan goes to the nearer members
    assert loads[4] == YILIAN.households_min and loads[1] + loads[2] == 1
    assert all(kept.get(m, 0) + n <= YILIAN.households_max for m, n in loads.items())
