"""The assignment solver: a min-cost flow per grid (OR-Tools), exact for the scheme's rules.

Network per grid: source → member (load bounds) → unit (one member each) → sink. A member's
minimum load is an arc of capacity ``low`` and a very negative cost, so every minimum is met
whenever the counts allow it; the rest of their capacity costs nothing. A member → unit arc
costs the distance, less the bonuses: vulnerable-first for 两委 cadres outranks a member's own
request, which outranks kinship and shared interest, which outrank a few hundred metres. The
flow is maximal first (coverage), then cheapest. Same input, same output: members and units
are ordered by id and OR-Tools is deterministic.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from domain.assignment.model import (
    EARTH_RADIUS_M,
    Bounds,
    Candidate,
    GridShortfall,
    Pair,
    Plan,
    Preferences,
    Reason,
    TieKind,
    UnhonouredRequest,
    Unit,
)
from domain.registers.member import Location
from domain.schemes.model import SchemeParams

MANDATORY: Final = 10**9  # per unit of minimum load: met before anything else
VULNERABLE_BONUS: Final = 10**6  # 两委 cadres take vulnerable households first
REQUEST_BONUS: Final = 10**5  # a member's own request, where the rules allow
BORROW_PENALTY: Final = 5_000  # a member of a neighbouring grid, only when needed

IntArray = NDArray[np.int64]


def bounded_assignment(cost: IntArray, low: IntArray, high: IntArray) -> tuple[IntArray, int]:
    """Give each taker (column) at most one supplier (row), each supplier between ``low`` and
    ``high`` takers: as many takers as possible, then the minimum total cost. Returns the
    supplier index of each taker (-1 when none) and the total cost of the pairs.

    When the bounds admit a full cover (sum of lows <= takers <= sum of highs) the lows are
    node supplies and the network carries only the real costs; otherwise the lows become
    arcs of a very negative cost and the flow is maximised first. Both are exact; the first
    keeps the costs small, which the cost-scaling solver repays in speed."""
    n_s, n_t = cost.shape
    out = np.full(n_t, -1, dtype=np.int64)
    if n_s == 0 or n_t == 0:
        return out, 0
    low = np.minimum(low, high)
    full_cover = int(low.sum()) <= n_t <= int(high.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, n_s + n_t + 1
    suppliers = np.arange(1, n_s + 1, dtype=np.int64)
    takers = np.arange(n_s + 1, n_s + n_t + 1, dtype=np.int64)
    zeros = np.zeros(n_s, dtype=np.int64)
    if full_cover:
        flow.add_arcs_with_capacity_and_unit_cost(zeros, suppliers, high - low, zeros)
    else:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.zeros(2 * n_s, dtype=np.int64),
            np.concatenate([suppliers, suppliers]),
            np.concatenate([low, high - low]),
            np.concatenate([np.full(n_s, -MANDATORY, dtype=np.int64), zeros]),
        )
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.repeat(suppliers, n_t),
        np.tile(takers, n_s),
        np.ones(n_s * n_t, dtype=np.int64),
        cost.reshape(-1),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        takers,
        np.full(n_t, sink, dtype=np.int64),
        np.ones(n_t, dtype=np.int64),
        np.zeros(n_t, dtype=np.int64),
    )
    if full_cover:
        nodes = np.concatenate([[source], suppliers, [sink]])
        supplies = np.concatenate([[n_t - int(low.sum())], low, [-n_t]])
        flow.set_nodes_supplies(nodes, supplies)
        status = flow.solve()
    else:
        flow.set_nodes_supplies(np.array([source, sink]), np.array([n_t, -n_t]))
        status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - a bipartite network always solves
        raise RuntimeError(f"min-cost flow failed: {status}")
    used = np.flatnonzero(flow.flows(pair_arcs))
    rows, cols = np.divmod(used, n_t)
    out[cols] = rows
    return out, int(cost.reshape(-1)[used].sum())


def distance_matrix(a: Sequence[Location | None], b: Sequence[Location | None]) -> IntArray:
    """Metres between every a and every b; -1 where a location is missing."""

    def arrays(points: Sequence[Location | None]) -> tuple[NDArray[np.float64], ...]:
        lat = np.array([p.lat if p else np.nan for p in points], dtype=np.float64)
        lng = np.array([p.lng if p else np.nan for p in points], dtype=np.float64)
        return np.radians(lat), np.radians(lng)

    lat_a, lng_a = arrays(a)
    lat_b, lng_b = arrays(b)
    x = (lng_b[None, :] - lng_a[:, None]) * np.cos((lat_a[:, None] + lat_b[None, :]) / 2)
    y = lat_b[None, :] - lat_a[:, None]
    metres = np.sqrt(x * x + y * y) * EARTH_RADIUS_M
    return np.where(np.isnan(metres), -1, np.rint(metres)).astype(np.int64)


@dataclass(frozen=True)
class GridInstance:
    """One grid's part of the problem (or a whole village's, when members are borrowed)."""

    grid_id: int
    members: tuple[Candidate, ...]
    units: tuple[Unit, ...]
    # re-plan: the units each member keeps, in the whole village (a member's kept households
    # may lie in several grids: all of them count towards the member's load)
    fixed_load: Mapping[int, int] = field(default_factory=dict)
    name: str = ""  # the grid's name, for the reviewer
    kept_units: int = 0  # re-plan: this grid's units that stay with their member


@dataclass(frozen=True)
class GridResult:
    pairs: list[Pair]
    uncovered: list[int]
    under_loaded: list[int]
    cost: int
    loads: Mapping[int, int] = field(default_factory=dict)  # the under-loaded members' loads


def bounds_for(params: SchemeParams, *, buildings: bool) -> Bounds:
    if buildings:
        return Bounds(params.buildings_min, max(params.households_max, params.buildings_min))
    return Bounds(params.households_min, params.households_max)


def solve_grid(
    grid: GridInstance, bounds: Bounds, params: SchemeParams, prefs: Preferences
) -> GridResult:
    members = sorted(grid.members)  # tuples: by id first
    units = sorted(grid.units)
    dist = distance_matrix([m.location for m in members], [u.location for u in units])
    cost, why = grid_costs(members, units, dist, params, prefs)
    fixed = np.array([grid.fixed_load.get(m.id, 0) for m in members], dtype=np.int64)
    low = np.maximum(bounds.low - fixed, 0)
    high = np.maximum(bounds.high - fixed, 0)
    chosen, total = bounded_assignment(cost, low, high)
    pairs: list[Pair] = []
    cadres, weak = why.cadre.tolist(), why.vulnerable.tolist()
    taken = np.flatnonzero(chosen >= 0)
    rows = chosen[taken]
    metres_of = dist[rows, taken].tolist()
    for j, i, metres in zip(taken.tolist(), rows.tolist(), metres_of, strict=True):
        member, unit = members[i], units[j]
        reasons = why.reasons(i, j, cadres[i], weak[j], metres)
        if member.grid_id != unit.grid_id:
            reasons = (Reason.BORROWED, *reasons)
        kept = metres if metres >= 0 else None
        for h in unit.households:
            pairs.append(Pair(h, member.id, reasons, kept))
    loads = np.bincount(chosen[chosen >= 0], minlength=len(members)) + fixed
    under = np.flatnonzero(loads < bounds.low).tolist()
    return GridResult(
        pairs=pairs,
        uncovered=[units[j].id for j in np.flatnonzero(chosen < 0).tolist()],
        under_loaded=[members[i].id for i in under],
        cost=total,
        loads={members[i].id: int(loads[i]) for i in under},
    )


def grid_costs(
    members: Sequence[Candidate],
    units: Sequence[Unit],
    dist: IntArray,
    params: SchemeParams,
    prefs: Preferences,
) -> tuple[IntArray, _Why]:
    cost = np.rint(np.maximum(dist, 0) * params.distance_weight).astype(np.int64)
    cadre = np.array([m.cadre for m in members], dtype=bool)
    vulnerable = np.array([u.vulnerable for u in units], dtype=bool)
    cost -= VULNERABLE_BONUS * (cadre[:, None] & vulnerable[None, :])
    home = np.array([m.grid_id for m in members], dtype=np.int64)
    where = np.array([u.grid_id for u in units], dtype=np.int64)
    cost += BORROW_PENALTY * (home[:, None] != where[None, :])  # only in a joint village solve
    marks: dict[tuple[int, int], set[Reason]] = {}
    if not prefs.ties and not prefs.requests:
        return cost, _Why(marks, cadre, vulnerable, dist)
    row = {m.id: i for i, m in enumerate(members)}
    col = {h: j for j, u in enumerate(units) for h in u.households}
    bonus = {TieKind.KINSHIP: params.kinship_bonus, TieKind.INTEREST: params.interest_bonus}
    for member, household, kind in prefs.ties:
        if member in row and household in col:
            cell = (row[member], col[household])
            if Reason(kind.value) not in marks.setdefault(cell, set()):
                cost[cell] -= round(bonus[kind])
                marks[cell].add(Reason(kind.value))
    for member, household in prefs.requests:
        if member in row and household in col:
            cell = (row[member], col[household])
            if Reason.REQUEST not in marks.setdefault(cell, set()):
                cost[cell] -= REQUEST_BONUS
                marks[cell].add(Reason.REQUEST)
    return cost, _Why(marks, cadre, vulnerable, dist)


_BY_DISTANCE: Final = (Reason.DISTANCE,)


@dataclass(frozen=True)
class _Why:
    marks: dict[tuple[int, int], set[Reason]]
    cadre: NDArray[np.bool_]
    vulnerable: NDArray[np.bool_]
    dist: IntArray

    def reasons(
        self, i: int, j: int, cadre: bool, vulnerable: bool, metres: int
    ) -> tuple[Reason, ...]:
        """Why member row i holds unit column j (most pairs: simply the nearest)."""
        if not self.marks and not (cadre and vulnerable) and metres >= 0:
            return _BY_DISTANCE
        reasons = [
            r
            for r in (Reason.REQUEST, Reason.KINSHIP, Reason.INTEREST)
            if r in self.marks.get((i, j), ())
        ]
        if cadre and vulnerable:
            reasons.insert(0, Reason.VULNERABLE_FIRST)
        if metres < 0:
            reasons.append(Reason.NO_LOCATION)
        elif not reasons:
            reasons.append(Reason.DISTANCE)
        return tuple(reasons)


@dataclass(frozen=True)
class Village:
    id: int
    grids: tuple[GridInstance, ...]
    buildings: bool = False  # a community in 楼栋 mode
    elderly: tuple[Candidate, ...] = ()  # exempt as elderly or infirm (1+6+N pairing)
    bounds: Bounds | None = None  # its own figures' bounds; None: the area's

    def bounds_in(self, params: SchemeParams) -> Bounds:
        """The load bounds of this village's members, in its units."""
        return (
            self.bounds if self.bounds is not None else bounds_for(params, buildings=self.buildings)
        )


def propose(villages: Iterable[Village], params: SchemeParams, prefs: Preferences) -> Plan:
    """The optimal roster of an area: exact per grid; a village's grids solved together when
    one grid falls short and the scheme lets members help a neighbouring grid."""
    plan = Plan()
    for village in sorted(villages, key=lambda v: v.id):
        bounds = village.bounds_in(params)
        results = {g.grid_id: solve_grid(g, bounds, params, prefs) for g in village.grids}
        short = [g for g in village.grids if results[g.grid_id].uncovered]
        if short and params.borrow_across_grids and len(village.grids) > 1:
            results = _solve_together(village, bounds, params, prefs)
        for grid in village.grids:
            result = results[grid.grid_id]
            plan.pairs += result.pairs
            plan.cost += result.cost
            if result.uncovered or result.under_loaded:
                plan.shortfalls.append(_shortfall(grid, result, bounds, village))
        if params.elderly_pairing_max and village.elderly:
            plan.elderly_pairs += pair_elderly(village, plan.pairs, params)
    _flag_locations(plan, villages)
    plan.unhonoured = unhonoured_requests(plan.pairs, prefs, villages)
    return plan


def _solve_together(
    village: Village, bounds: Bounds, params: SchemeParams, prefs: Preferences
) -> dict[int, GridResult]:
    joint = GridInstance(
        grid_id=village.id,
        members=tuple(m for g in village.grids for m in g.members),
        units=tuple(u for g in village.grids for u in g.units),
        fixed_load={k: v for g in village.grids for k, v in g.fixed_load.items()},
    )
    result = solve_grid(joint, bounds, params, prefs)
    by_grid: dict[int, GridResult] = {}
    grid_of_unit = {h: u.grid_id for g in village.grids for u in g.units for h in u.households}
    grid_of_member = {m.id: g.grid_id for g in village.grids for m in g.members}
    unit_grid = {u.id: u.grid_id for g in village.grids for u in g.units}
    for grid in village.grids:
        by_grid[grid.grid_id] = GridResult(
            pairs=[p for p in result.pairs if grid_of_unit[p.household_id] == grid.grid_id],
            uncovered=[u for u in result.uncovered if unit_grid[u] == grid.grid_id],
            under_loaded=[m for m in result.under_loaded if grid_of_member[m] == grid.grid_id],
            cost=0,
            loads=result.loads,
        )
    first = village.grids[0].grid_id
    by_grid[first] = dataclasses.replace(by_grid[first], cost=result.cost)
    return by_grid


def _shortfall(
    grid: GridInstance,
    result: GridResult,
    bounds: Bounds,
    village: Village,
) -> GridShortfall:
    members, units = len(grid.members), len(grid.units)
    unit = "栋" if village.buildings else "户"
    options: list[str] = []
    if result.uncovered:
        need = -(-(units + grid.kept_units) // max(members, 1))
        options.append(f"将上限提高到 {need} {unit}" if members else "为该网格配备联户党员")
        for other in village.grids:
            spare = len(other.members) * bounds.high - len(other.units) - other.kept_units
            if other.grid_id != grid.grid_id and spare > 0:
                source = other.name or f"网格 {other.grid_id}"
                options.append(f"从{source}借调党员（尚可多联系 {spare} {unit}）")
        options.append("复核免除联户的党员，减少免除")
    if result.under_loaded:
        options.append(f"将下限降到 {(units + grid.kept_units) // max(members, 1)} {unit}")
        options.append("把部分党员调整到缺人的网格")
    names = {m.id: m.name or f"党员 {m.id}" for m in grid.members}
    return GridShortfall(
        grid_id=grid.grid_id,
        units=units,
        members=members,
        low=bounds.low,
        high=bounds.high,
        uncovered=tuple(result.uncovered),
        under_loaded=tuple(result.under_loaded),
        options=tuple(options),
        grid_name=grid.name,
        kept=grid.kept_units,
        unit=unit,
        under_loaded_named=tuple(
            f"{names.get(m, f'党员 {m}')}（{result.loads.get(m, 0)} {unit}）"
            for m in result.under_loaded
        ),
    )


def pair_elderly(
    village: Village, pairs: Sequence[Pair], params: SchemeParams
) -> list[tuple[int, int]]:
    """1+6+N: each contact member is paired with 2–3 elderly or infirm members of the same
    village (seeds/huiji-1plus6plusN.txt), nearest first; each elderly member with one."""
    contacts = sorted(
        {p.member_id for p in pairs} & {m.id for g in village.grids for m in g.members}
    )
    if not contacts:
        return []
    where = {m.id: m.location for g in village.grids for m in g.members}
    elderly = sorted(village.elderly, key=lambda m: m.id)
    dist = distance_matrix([where[c] for c in contacts], [e.location for e in elderly])
    n = len(contacts)
    low = np.full(n, params.elderly_pairing_min, dtype=np.int64)
    high = np.full(n, params.elderly_pairing_max, dtype=np.int64)
    chosen, _ = bounded_assignment(np.maximum(dist, 0), low, high)
    return [(contacts[i], elderly[j].id) for j, i in enumerate(chosen.tolist()) if i >= 0]


def unhonoured_requests(
    pairs: Sequence[Pair], prefs: Preferences, villages: Iterable[Village]
) -> list[UnhonouredRequest]:
    """Each request the proposal does not honour, with the rule that stood in the way."""
    if not prefs.requests:
        return []
    given = {p.household_id: p.member_id for p in pairs}
    requested_by: dict[int, list[int]] = {}
    for member, household in sorted(prefs.requests):
        requested_by.setdefault(household, []).append(member)
    grid_of_member = {m.id: g.grid_id for v in villages for g in v.grids for m in g.members}
    unit_of = {h: u for v in villages for g in v.grids for u in g.units for h in u.households}
    cadres = {m.id for v in villages for g in v.grids for m in g.members if m.cadre}
    out: list[UnhonouredRequest] = []
    for member, household in sorted(prefs.requests):
        holder = given.get(household)
        if holder == member:
            continue
        unit = unit_of.get(household)
        if member not in grid_of_member:
            why = "该党员免除联户或不在本区域"
        elif unit is None:
            why = "该户不在本区域"
        elif holder is None:
            why = "该户未能安排联系党员"
        elif len(requested_by[household]) > 1:
            why = f"多名党员申报同一户，已安排给党员 {holder}"
        elif unit.vulnerable and holder in cadres and member not in cadres:
            why = "困难户优先由村两委干部联系"
        elif grid_of_member[member] != unit.grid_id:
            why = "该户不在该党员所在网格"
        else:
            why = "超出该党员的联户上限或为满足全覆盖、负担均衡而调整"
        out.append(UnhonouredRequest(member, household, why))
    return out


def _flag_locations(plan: Plan, villages: Iterable[Village]) -> None:
    for village in villages:
        for grid in village.grids:
            plan.no_location_members += [m.id for m in grid.members if m.location is None]
            plan.no_location_households += [
                h for u in grid.units if u.location is None for h in u.households
            ]
