"""Assignment use cases: propose (full or re-plan) → edit → publish; history; coverage.

A proposal is a draft (草案) built from the area's roster as it is now; its fingerprint says
which roster. Publishing refuses a stale draft (a member left, a household moved in since) and,
unless the reviewer accepts them, a draft with shortfalls: nothing is ever silently half-covered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from domain.assignment.area import (
    CADRE_ROLES,
    AreaRoster,
    MemberRecord,
    build_villages,
    by_buildings,
)
from domain.assignment.events import (
    ProposalDrafted,
    ProposalEdited,
    ProposalPublished,
    RequestsDeclared,
    TieDeclared,
    TieRemoved,
)
from domain.assignment.model import (
    PROPOSAL_STATUS_LABELS,
    Bounds,
    Pair,
    Plan,
    ProposalStatus,
    Reason,
    TieKind,
    Violation,
    distance_m,
    load_violations,
    may_move,
)
from domain.assignment.solver import Village, bounds_for, propose
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Invalid, NotFound, RuleBroken
from domain.kernel.org import nearest_of
from domain.kernel.time import local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.schemes.model import EffectiveScheme, SchemeParams, required_scheme
from domain.schemes.services import params_by_level

LISTED: Final = 100  # ids listed in a report before only the count is given


class ProposalMode(StrEnum):
    FULL = "full"  # the optimal roster from scratch
    REPLAN = "replan"  # keep everyone who can stay; place only the affected households


@dataclass(frozen=True)
class Listed:
    """How many, and the first ``LISTED`` ids (a county's report stays small)."""

    count: int
    ids: list[int]

    @classmethod
    def of(cls, ids: Sequence[int]) -> Listed:
        return cls(len(ids), list(ids[:LISTED]))


@dataclass(frozen=True)
class Coverage:
    """覆盖与负担: the area's published roster against the scheme's rules."""

    org_id: int
    households: int
    covered: int
    members: int
    bounds: Bounds
    uncovered: Listed
    under_loaded: Listed
    over_loaded: Listed
    vulnerable_without_cadre: Listed
    exempt_members: Listed
    # Communities that plan by buildings (楼栋 mode): their members' loads are counted in
    # buildings and judged against the bounds in buildings; None when none of the area does.
    building_bounds: Bounds | None = None
    building_communities: Listed = Listed(0, [])


@dataclass(frozen=True)
class Proposed:
    proposal_id: int
    report: dict[str, Any]


def _scheme(uow: UnitOfWork, path: str) -> EffectiveScheme:
    return required_scheme(uow.schemes.bindings_on_path(path))


def _village_params(
    uow: UnitOfWork, path: str, own: SchemeParams, roster: AreaRoster
) -> dict[int, SchemeParams]:
    """The figures in force for each village or community of the area's roster, which may be
    its own (a community planning by buildings sets that on itself, seeds/huiji-1plus6plusN.txt);
    a village around the area (an area inside one) follows the area's, which inherit from it."""
    levels = params_by_level(uow.schemes, path, own)
    out: dict[int, SchemeParams] = {}
    for grid in roster.grids:
        if grid.village_id not in out:
            around = path.startswith(grid.village_path)
            nearest = path if around else nearest_of(grid.village_path, levels)
            out[grid.village_id] = levels[nearest]
    return out


def _in_area(villages: list[Village], grid_ids: set[int]) -> list[Village]:
    """Only the grids inside the area (a proposal for one grid leaves its neighbours alone)."""
    out = []
    for v in villages:
        grids = tuple(g for g in v.grids if g.grid_id in grid_ids)
        if grids:
            out.append(dataclasses.replace(v, grids=grids))
    return out


def create_proposal(
    uow: UnitOfWork, scope: Scope, org_id: int, *, mode: ProposalMode, at: datetime
) -> Proposed:
    """Build a draft for an area (a grid, a village, a township, a county) and store it."""
    scope.require(Permission.ASSIGNMENT_WRITE)
    with uow:
        org = uow.orgs.get(org_id, scope)
        scheme = _scheme(uow, org.path)
        roster = uow.assignments.roster(org.path)
        keep = dict(roster.active) if mode is ProposalMode.REPLAN else None
        by_village = _village_params(uow, org.path, scheme.params, roster)
        villages = _in_area(
            build_villages(roster, scheme.params, keep=keep, by_village=by_village),
            uow.assignments.grid_ids(org.path),
        )
        if not villages:
            raise RuleBroken("assignment.no_households", "该区域没有网格或农户", field="org_id")
        members = [m.id for v in villages for g in v.grids for m in g.members]
        if not members:
            raise RuleBroken(
                "assignment.no_eligible_members",
                "该区域没有可联户的党员（全部免除或尚未登记）",
                field="org_id",
            )
        plan = propose(villages, scheme.params, uow.assignments.preferences(org.path))
        pairs = plan.pairs + _kept_pairs(villages, keep, roster)
        over = _over_max(villages, pairs, roster, scheme.params)
        member_names, _ = uow.assignments.names({v.member_id for v in over if v.member_id}, ())
        report = _report(plan, villages, pairs, mode)
        report["violations"] = [v.named(member_names, {}).__dict__ for v in over]
        proposal_id = uow.assignments.add_proposal(
            org_id=org.id,
            scheme=scheme.code.value,
            mode=mode.value,
            fingerprint=roster.fingerprint(),
            report=report,
            pairs=pairs,
            created_by=scope.actor,
            at=at,
        )
        uow.emit(
            ProposalDrafted(
                actor=scope.actor,
                entity_id=proposal_id,
                org_path=org.path,
                at=at,
                after={k: report[k] for k in ("mode", "feasible", "households", "pairs")},
            )
        )
        uow.commit()
        return Proposed(proposal_id, report)


def _kept_pairs(
    villages: list[Village], keep: dict[int, int] | None, roster: AreaRoster
) -> list[Pair]:
    if keep is None:
        return []
    kept_members = {m for v in villages for g in v.grids for m in g.fixed_load}
    in_area = {h.id for h in roster.households} & {
        h for v in villages for g in v.grids for h in _grid_households(roster, g.grid_id)
    }
    return [
        Pair(h, keep[h], (Reason.KEPT,))
        for h in sorted(in_area)
        if h in keep and keep[h] in kept_members
    ]


def _over_max(
    villages: list[Village], pairs: Sequence[Pair], roster: AreaRoster, params: Any
) -> list[Violation]:
    """Members above their maximum in the whole roster: the solver gives no one more than the
    maximum, but a re-plan keeps what members hold, and one may already hold more."""
    village_of = {m.id: v for v in villages for g in v.grids for m in g.members}
    building = {h.id: h.building for h in roster.households}
    units: dict[int, set[object]] = {}
    for p in pairs:
        v = village_of.get(p.member_id)
        in_building = v is not None and v.buildings and building.get(p.household_id)
        units.setdefault(p.member_id, set()).add(
            building[p.household_id] if in_building else p.household_id
        )
    out: list[Violation] = []
    for member, held in sorted(units.items()):
        v = village_of.get(member)
        if v is None:
            continue
        found = load_violations(
            {member: len(held)},
            {member: bounds_for(params, buildings=v.buildings)},
            unit="栋" if v.buildings else "户",
        )
        out += [x for x in found if x.code == "assignment.load_above_max"]
    return out


def _grid_households(roster: AreaRoster, grid_id: int) -> list[int]:
    return [h.id for h in roster.households if h.grid_id == grid_id]


def _report(
    plan: Plan, villages: list[Village], pairs: Sequence[Pair], mode: ProposalMode
) -> dict[str, Any]:
    units = [u for v in villages for g in v.grids for u in g.units]
    households = sum(len(u.households) for u in units) + sum(
        1 for p in pairs if Reason.KEPT in p.reasons
    )
    return {
        "mode": mode.value,
        "feasible": plan.feasible,
        "households": households,
        "members": len({m.id for v in villages for g in v.grids for m in g.members}),
        "pairs": len(pairs),
        "cost": plan.cost,
        "distance_total_m": sum(p.distance_m or 0 for p in pairs),
        "shortfalls": [
            {
                "grid_id": s.grid_id,
                "message": s.message,
                "units": s.units,
                "members": s.members,
                "low": s.low,
                "high": s.high,
                "uncovered_count": len(s.uncovered),
                "uncovered": list(s.uncovered[:LISTED]),
                "under_loaded": list(s.under_loaded),
                "options": list(s.options),
            }
            for s in plan.shortfalls
        ],
        "unhonoured_requests": [
            {"member_id": u.member_id, "household_id": u.household_id, "why": u.why}
            for u in plan.unhonoured
        ],
        "no_location": {
            "members_count": len(plan.no_location_members),
            "members": plan.no_location_members[:LISTED],
            "households_count": len(plan.no_location_households),
            "households": plan.no_location_households[:LISTED],
        },
        "elderly_pairs": [list(p) for p in plan.elderly_pairs],
        "violations": [],
    }


@dataclass(frozen=True)
class Move:
    household_id: int
    member_id: int


def edit_proposal(
    uow: UnitOfWork,
    scope: Scope,
    proposal_id: int,
    *,
    moves: Sequence[Move],
    swaps: Sequence[tuple[int, int]],
    at: datetime,
) -> list[Violation]:
    """Move households to other members or swap two; each edit is checked at once against the
    load bounds and the violations are returned (and kept on the draft until fixed)."""
    scope.require(Permission.ASSIGNMENT_WRITE)
    with uow:
        meta = uow.assignments.proposal(proposal_id, scope)
        if meta.status is not ProposalStatus.DRAFT:
            raise Conflict("proposal.not_draft", "只能修改草案", field="proposal_id")
        wanted = {m.household_id for m in moves} | {h for pair in swaps for h in pair}
        current = {
            p.household_id: p for p in uow.assignments.pairs(proposal_id, household_ids=wanted)
        }
        missing = sorted(wanted - set(current))
        if missing:
            raise Invalid(
                "proposal.household_not_in_proposal",
                f"农户 {missing[0]} 不在该方案中",
                field="household_id",
            )
        changed: dict[int, Pair] = {}
        # Each member read once, however many households move to them.
        members = {m: uow.members.get(m, scope) for m in dict.fromkeys(x.member_id for x in moves)}
        for move in moves:
            member = members[move.member_id]
            if member.exempt:
                raise RuleBroken(
                    "assignment.exempt_member", f"党员 {member.name} 已免除联户", field="member_id"
                )
            changed[move.household_id] = Pair(move.household_id, member.id, (Reason.MANUAL,))
        for a, b in swaps:
            pa, pb = changed.get(a, current[a]), changed.get(b, current[b])
            changed[a] = Pair(a, pb.member_id, (Reason.MANUAL,))
            changed[b] = Pair(b, pa.member_id, (Reason.MANUAL,))
        uow.assignments.set_pairs(proposal_id, changed.values())
        touched = {p.member_id for p in changed.values()} | {current[h].member_id for h in changed}
        params = _scheme(uow, meta.org_path).params
        bounds = bounds_for(params, buildings=False)
        loads = dict.fromkeys(touched, 0) | uow.assignments.loads(proposal_id, touched)
        member_names, _ = uow.assignments.names(loads, ())
        violations = [
            v.named(member_names, {}) for v in load_violations(loads, dict.fromkeys(loads, bounds))
        ]
        report = dict(meta.report)
        kept = [v for v in report.get("violations", []) if v.get("member_id") not in touched]
        report["violations"] = kept + [v.__dict__ for v in violations]
        uow.assignments.set_report(proposal_id, report)
        uow.emit(
            ProposalEdited(
                actor=scope.actor,
                entity_id=proposal_id,
                org_path=meta.org_path,
                at=at,
                after={"moves": [[p.household_id, p.member_id] for p in changed.values()]},
            )
        )
        uow.commit()
        return violations


def _not_draft(status: ProposalStatus) -> Conflict:
    return Conflict(
        "proposal.not_draft",
        f"方案状态为 {PROPOSAL_STATUS_LABELS[status]}，不能发布",
        field="proposal_id",
    )


def publish_proposal(
    uow: UnitOfWork, scope: Scope, proposal_id: int, *, accept_shortfalls: bool, at: datetime
) -> dict[str, int]:
    """Make a draft the active roster. Refused when the roster changed since it was built
    (stale) or, unless accepted, when it leaves households uncovered or loads out of bounds."""
    scope.require(Permission.ASSIGNMENT_WRITE)
    with uow:
        uow.assignments.lock_publishing()
        meta = uow.assignments.proposal(proposal_id, scope)
        if not may_move(meta.status, ProposalStatus.PUBLISHED):
            raise _not_draft(meta.status)
        if uow.assignments.roster(meta.org_path).fingerprint() != meta.fingerprint:
            raise Conflict(
                "proposal.stale",
                "方案生成后党员或农户已有变动，请重新生成或重新规划后再发布",
                field="proposal_id",
            )
        problems = bool(meta.report.get("shortfalls") or meta.report.get("violations"))
        if problems and not accept_shortfalls:
            raise RuleBroken(
                "proposal.has_shortfalls",
                "方案仍有未覆盖的农户或超出负担范围的党员；确认接受后再发布",
                field="accept_shortfalls",
            )
        # Publishes wait for one another (lock_publishing), so a repeat finds the draft
        # published above; the conditional update still claims it, so no two writers ever
        # publish one draft whatever the lock does.
        found = uow.assignments.mark(
            proposal_id, status=ProposalStatus.PUBLISHED, by=scope.actor, at=at
        )
        if found is not ProposalStatus.DRAFT:
            raise _not_draft(found)
        elderly = [(int(c), int(e)) for c, e in meta.report.get("elderly_pairs", [])]
        contacts = {c for c, _ in elderly}
        started, kept = uow.assignments.publish(
            proposal_id, on=local_date(at), at=at, elderly=elderly, contacts=contacts
        )
        uow.emit(
            ProposalPublished(
                actor=scope.actor,
                entity_id=proposal_id,
                org_path=meta.org_path,
                at=at,
                after={"status": ProposalStatus.PUBLISHED.value, "started": started, "kept": kept},
            )
        )
        uow.commit()
        return {"started": started, "kept": kept}


def coverage(uow: UnitOfWork, scope: Scope, org_id: int) -> Coverage:
    """The area's roster as published: uncovered households, members under or over their
    load, vulnerable households without a 两委 cadre, exempt members."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        org = uow.orgs.get(org_id, scope)
        params = _scheme(uow, org.path).params
        roster = uow.assignments.roster(org.path)
        grids = uow.assignments.grid_ids(org.path)
        households = [h for h in roster.households if h.grid_id in grids]
        bounds = bounds_for(params, buildings=False)
        vulnerable = frozenset(params.vulnerable_categories)
        active = roster.active
        by_id = {m.id: m for m in roster.members}
        # A member of a community in 楼栋 mode holds buildings (seeds/huiji-1plus6plusN.txt:
        # 分包联系至少6个楼栋群众): counted and judged in buildings, each member by the figures
        # in force for their own village or community.
        by_village = _village_params(uow, org.path, params, roster)
        in_buildings = {
            g.village_id for g in roster.grids if by_buildings(g, by_village[g.village_id])
        }
        village_of = {g.id: g.village_id for g in roster.grids}
        held: dict[int, set[object]] = {}
        for h in households:
            if h.id in active:
                by_building = village_of[h.grid_id] in in_buildings and h.building
                unit = ("building", h.grid_id, h.building) if by_building else h.id
                held.setdefault(active[h.id], set()).add(unit)
        loads = {m: len(units) for m, units in held.items()}

        def bounds_of(m: MemberRecord) -> Bounds:
            own = by_village.get(m.village_id, params)
            return bounds_for(own, buildings=m.village_id in in_buildings)

        eligible = [
            m
            for m in roster.members
            if m.exemption is None and (m.grid_id is None or m.grid_id in grids)
        ]
        uncovered = [h.id for h in households if h.id not in active]
        weak = [
            h.id
            for h in households
            if h.categories & vulnerable
            and (
                h.id not in active
                or by_id.get(active[h.id]) is None
                or by_id[active[h.id]].role not in CADRE_ROLES
            )
        ]
        under = [m.id for m in eligible if loads.get(m.id, 0) < bounds_of(m).low]
        over = [m.id for m in eligible if loads.get(m.id, 0) > bounds_of(m).high]
        communities = sorted(in_buildings & {village_of[g] for g in grids if g in village_of})
        exempt = [m.id for m in roster.members if m.exemption is not None]
        return Coverage(
            org_id=org.id,
            households=len(households),
            covered=len(households) - len(uncovered),
            members=len(eligible),
            bounds=bounds,
            uncovered=Listed.of(uncovered),
            under_loaded=Listed.of(under),
            over_loaded=Listed.of(over),
            vulnerable_without_cadre=Listed.of(weak),
            exempt_members=Listed.of(exempt),
            building_bounds=bounds_for(params, buildings=True) if communities else None,
            building_communities=Listed.of(communities),
        )


def greedy_distance(villages: Sequence[Village], params: Any) -> int:
    """Total distance of a greedy nearest-member roster (the benchmark's baseline): each
    household in id order to the nearest member with room left."""
    total = 0
    for village in villages:
        bounds = village.bounds_in(params)
        for grid in village.grids:
            room = {m.id: bounds.high - grid.fixed_load.get(m.id, 0) for m in grid.members}
            for unit in grid.units:
                options = [
                    (distance_m(m.location, unit.location) or 0, m.id)
                    for m in grid.members
                    if room[m.id] > 0
                ]
                if options:
                    d, chosen = min(options)
                    room[chosen] -= 1
                    total += d * len(unit.households)
    return total


# ── declarations: a member's own requests and ties (自行申报, 就亲, 志趣相投) ─────────────────


def _member_path(uow: UnitOfWork, scope: Scope, member_id: int) -> str:
    """The org path of a member the caller reaches (NotFound otherwise): where a declaration
    about the member is recorded."""
    return uow.orgs.get(uow.members.get(member_id, scope).org_id, scope).path


def declare_requests(
    uow: UnitOfWork, scope: Scope, member_id: int, household_ids: Sequence[int], *, at: datetime
) -> list[int]:
    """The households a member asks to look after, in place of those asked before; each must be
    one the caller sees. Returns them as now declared."""
    scope.require(Permission.MEMBER_WRITE)
    with uow:
        path = _member_path(uow, scope, member_id)
        for household_id in household_ids:
            uow.households.get(household_id, scope)
        uow.assignments.set_requests(member_id, household_ids, at)
        uow.emit(
            RequestsDeclared(
                actor=scope.actor,
                entity_id=member_id,
                org_path=path,
                at=at,
                after={"household_ids": list(household_ids)},
            )
        )
        uow.commit()
        return uow.assignments.requests_of(member_id)


def declare_tie(
    uow: UnitOfWork, scope: Scope, member_id: int, household_id: int, kind: TieKind, *, at: datetime
) -> list[tuple[int, str]]:
    """A member's tie to a household, which the next proposal counts; returns the member's ties."""
    scope.require(Permission.MEMBER_WRITE)
    with uow:
        path = _member_path(uow, scope, member_id)
        uow.households.get(household_id, scope)
        uow.assignments.add_tie(member_id, household_id, kind)
        uow.emit(
            TieDeclared(
                actor=scope.actor,
                entity_id=member_id,
                org_path=path,
                at=at,
                after={"household_id": household_id, "kind": kind.value},
            )
        )
        uow.commit()
        return uow.assignments.ties_of(member_id)


def remove_tie(
    uow: UnitOfWork, scope: Scope, member_id: int, household_id: int, kind: TieKind, *, at: datetime
) -> None:
    """A tie declared by mistake, or no longer true (the households moved apart); the next
    assignment proposal no longer counts it."""
    scope.require(Permission.MEMBER_WRITE)
    with uow:
        path = _member_path(uow, scope, member_id)
        uow.households.get(household_id, scope)
        if not uow.assignments.remove_tie(member_id, household_id, kind):
            raise NotFound("tie.not_found", "没有这条登记", field="kind")
        uow.emit(
            TieRemoved(
                actor=scope.actor,
                entity_id=member_id,
                org_path=path,
                at=at,
                before={"household_id": household_id, "kind": kind.value},
            )
        )
        uow.commit()


def ties(uow: UnitOfWork, scope: Scope, member_id: int) -> list[tuple[int, str]]:
    """A member's declared ties: (household id, kind)."""
    with uow:
        uow.members.get(member_id, scope)
        return uow.assignments.ties_of(member_id)
