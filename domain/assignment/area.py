"""From an area's registers to the solver's instances: home grids, units, eligibility.

* A member takes households only when not exempt; 两委 cadres are branch secretaries and village
  committee members. Elderly and infirm exempt members are the 1+6+N pairing's "N".
* A member registered on a grid (or a party group of a grid) belongs to that grid; one registered
  on the village belongs to the nearest grid of the village (by the centre of its households),
  or, without a location, to the grid that is shortest of members.
* In a community that plans by buildings (楼栋 mode, its own ``community_unit``) the unit is a
  building; elsewhere a household. Each village or community is bounded by the figures in force
  for it (``by_village``), which may be its own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from domain.assignment.model import Candidate, Unit
from domain.assignment.solver import (
    GridInstance,
    Village,
    bounded_assignment,
    bounds_for,
    distance_matrix,
)
from domain.registers.member import ExemptionReason, Location, MemberRole
from domain.schemes.model import AssignmentUnit, SchemeParams

CADRE_ROLES = frozenset({MemberRole.BRANCH_SECRETARY, MemberRole.VILLAGE_CADRE})
ELDERLY_REASONS = frozenset({ExemptionReason.ELDERLY, ExemptionReason.INFIRM})


class GridRecord(NamedTuple):
    id: int
    village_id: int
    community: bool
    village_path: str = ""  # where the village's or community's own scheme figures are read
    name: str = ""


class MemberRecord(NamedTuple):
    id: int
    village_id: int
    grid_id: int | None  # None: registered on the village itself
    role: MemberRole
    location: Location | None
    exemption: ExemptionReason | None
    name: str = ""


class HouseholdRecord(NamedTuple):
    id: int
    grid_id: int
    building: str | None
    location: Location | None
    categories: frozenset[str]


@dataclass(frozen=True)
class AreaRoster:
    """Everything an area's proposal is built from."""

    grids: Sequence[GridRecord]
    members: Sequence[MemberRecord]
    households: Sequence[HouseholdRecord]
    active: Mapping[int, int] = field(default_factory=dict)  # household → member today

    def fingerprint(self) -> str:
        """Changes when a member or household joins, leaves, moves or is (un)exempted, or
        when the area's roster in force changes (another draft of it, or of an area around or
        within it, was published): a proposal built on another fingerprint is stale."""
        digest = hashlib.sha256()
        for m in sorted(self.members, key=lambda m: m.id):
            digest.update(f"m{m.id}:{m.village_id}:{m.grid_id}:{m.exemption};".encode())
        for h in sorted(self.households, key=lambda h: h.id):
            digest.update(f"h{h.id}:{h.grid_id}:{h.building};".encode())
        for household, member in sorted(self.active.items()):
            digest.update(f"a{household}:{member};".encode())
        return digest.hexdigest()


def build_villages(
    roster: AreaRoster,
    params: SchemeParams,
    *,
    keep: Mapping[int, int] | None = None,
    by_village: Mapping[int, SchemeParams] | None = None,
) -> list[Village]:
    """The solver's villages. With ``keep`` (household → member, a re-plan), households whose
    member is still eligible in the same village stay with them and count in their load; only
    the others are placed."""
    grids_of: dict[int, list[GridRecord]] = {}
    for g in sorted(roster.grids, key=lambda g: g.id):
        grids_of.setdefault(g.village_id, []).append(g)
    by_grid: dict[int, list[HouseholdRecord]] = {}
    for h in sorted(roster.households, key=lambda h: h.id):
        by_grid.setdefault(h.grid_id, []).append(h)
    home = _home_grids(roster.members, grids_of, by_grid)
    eligible = {m.id: m for m in roster.members if m.exemption is None and m.id in home}
    on_grid: dict[int, list[MemberRecord]] = {}
    for m in eligible.values():
        on_grid.setdefault(home[m.id], []).append(m)
    elderly_of: dict[int, list[MemberRecord]] = {}
    for m in roster.members:
        if m.exemption in ELDERLY_REASONS:
            elderly_of.setdefault(m.village_id, []).append(m)
    vulnerable = frozenset(params.vulnerable_categories)
    villages: list[Village] = []
    for village_id, grids in sorted(grids_of.items()):
        own = (by_village or {}).get(village_id, params)
        buildings = by_buildings(grids[0], own)
        placed_of: dict[int, list[HouseholdRecord]] = {}
        kept: dict[int, set[object]] = {}  # member → the units they keep, in the whole village
        kept_in: dict[int, set[int]] = {}  # grid → the members keeping units in it
        kept_units: Counter[int] = Counter()  # grid → its units kept
        for grid in grids:
            seen: set[object] = set()
            for h in by_grid.get(grid.id, []):
                holder = keep.get(h.id) if keep is not None else None
                if (
                    holder is not None
                    and holder in eligible
                    and eligible[holder].village_id == village_id
                ):
                    key = h.building if buildings and h.building else h.id
                    kept.setdefault(holder, set()).add(key)
                    kept_in.setdefault(grid.id, set()).add(holder)
                    seen.add(key)
                else:
                    placed_of.setdefault(grid.id, []).append(h)
            kept_units[grid.id] = len(seen)
        instances = []
        for grid in grids:
            members = tuple(
                Candidate(m.id, grid.id, m.location, m.role in CADRE_ROLES, m.name)
                for m in on_grid.get(grid.id, [])
            )
            units = _units(placed_of.get(grid.id, []), grid.id, vulnerable, by_building=buildings)
            # A member's load is everything they keep in the village, wherever their home grid:
            # counted in their home grid's solve (and known in each grid they keep units in).
            holders = {m.id for m in members if m.id in kept} | kept_in.get(grid.id, set())
            kept_load = {m: len(kept[m]) for m in sorted(holders)}
            instances.append(
                GridInstance(grid.id, members, units, kept_load, grid.name, kept_units[grid.id])
            )
        elderly = tuple(
            Candidate(m.id, home.get(m.id, grids[0].id), m.location, name=m.name)
            for m in elderly_of.get(village_id, [])
        )
        bounds = bounds_for(own, buildings=buildings)
        villages.append(Village(village_id, tuple(instances), buildings, elderly, bounds))
    return villages


def by_buildings(grid: GridRecord, params: SchemeParams) -> bool:
    """Whether the grid's community plans by buildings (楼栋 mode, set on the community)."""
    return grid.community and params.community_unit is AssignmentUnit.BUILDING


def _units(
    households: Iterable[HouseholdRecord],
    grid_id: int,
    vulnerable: frozenset[str],
    *,
    by_building: bool,
) -> tuple[Unit, ...]:
    if not by_building:
        return tuple(
            Unit(h.id, grid_id, (h.id,), h.location, not vulnerable.isdisjoint(h.categories))
            for h in households
        )
    groups: dict[str, list[HouseholdRecord]] = {}
    units: list[Unit] = []
    for h in households:
        if h.building:
            groups.setdefault(h.building, []).append(h)
        else:  # a household outside any building is a unit of its own
            units.append(Unit(h.id, grid_id, (h.id,), h.location, bool(h.categories & vulnerable)))
    for building, members in groups.items():
        ids = tuple(sorted(h.id for h in members))
        where = next((h.location for h in members if h.location), None)
        weak = any(h.categories & vulnerable for h in members)
        units.append(Unit(ids[0], grid_id, ids, where, weak, building))
    return tuple(sorted(units, key=lambda u: u.id))


def _home_grids(
    members: Iterable[MemberRecord],
    grids_of: Mapping[int, list[GridRecord]],
    by_grid: Mapping[int, list[HouseholdRecord]],
) -> dict[int, int]:
    """Members registered on a grid stay there; a village's other members are spread over its
    grids in proportion to their households, each to the nearest grid that still needs
    members (a min-cost flow, so a village never piles its members onto one grid)."""
    home: dict[int, int] = {}
    floating: dict[int, list[MemberRecord]] = {}
    for m in sorted(members, key=lambda m: m.id):
        if m.grid_id is not None:
            home[m.id] = m.grid_id
        elif m.village_id in grids_of and m.exemption is None:  # the exempt take no grid's load
            floating.setdefault(m.village_id, []).append(m)
    working = Counter(home[m.id] for m in members if m.id in home and m.exemption is None)
    for village_id, waiting in floating.items():
        grids = grids_of[village_id]
        fixed = np.array([working[grid.id] for grid in grids], dtype=np.int64)
        size = np.array([len(by_grid.get(grid.id, [])) for grid in grids], dtype=np.float64)
        share = size / max(size.sum(), 1) * (len(waiting) + fixed.sum())
        low = np.maximum(np.floor(share).astype(np.int64) - fixed, 0)
        high = np.maximum(np.ceil(share).astype(np.int64) - fixed, 0)
        high[np.argmax(size)] += len(waiting)  # rounding never leaves a member without a grid
        centres = [_centre([h.location for h in by_grid.get(grid.id, [])]) for grid in grids]
        cost = np.maximum(distance_matrix(centres, [m.location for m in waiting]), 0)
        chosen, _ = bounded_assignment(cost, low, high)
        for member, g in zip(waiting, chosen.tolist(), strict=True):
            home[member.id] = grids[g].id
    return home


def _centre(points: Sequence[Location | None]) -> Location | None:
    known = [p for p in points if p is not None]
    if not known:
        return None
    return Location(sum(p.lat for p in known) / len(known), sum(p.lng for p in known) / len(known))
