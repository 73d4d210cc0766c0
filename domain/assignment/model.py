"""Assignment (包户): who looks after which household, and the rules a roster must keep.

A roster pairs each household (or, in a community's 楼栋 mode, each building) of an area with one
contact member. The rules come from the area's scheme (``SchemeParams``):

* coverage (全覆盖): every household has exactly one active contact member;
* load: every non-exempt member has between the scheme's minimum and maximum; exempt members none;
* 两委 cadres take the vulnerable households first, as far as their capacity allows;
* preferences 居住相近、血缘相通、志趣相投: distance is a cost, a declared kinship or a shared
  interest a bonus (weights in the scheme); a member's own request (自行申报) is honoured where
  the rules allow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from math import cos, radians, sqrt
from typing import Final, NamedTuple

from domain.registers.member import Location

EARTH_RADIUS_M: Final = 6_371_000


class Reason(StrEnum):
    """Why a pair is in a roster; each pair carries its reasons (the review shows them)."""

    DISTANCE = "distance"  # the nearest arrangement (居住相近)
    KINSHIP = "kinship"  # a declared kinship (血缘相通)
    INTEREST = "interest"  # a shared interest or skill (志趣相投)
    REQUEST = "request"  # the member asked for it (自行申报)
    VULNERABLE_FIRST = "vulnerable_first"  # a 两委 cadre takes a vulnerable household
    KEPT = "kept"  # unchanged in a re-plan
    BORROWED = "borrowed"  # a member of a neighbouring grid of the same village
    MANUAL = "manual"  # moved or swapped by hand in review
    NO_LOCATION = "no_location"  # a location is missing: distance counted as zero


REASON_LABELS: Final[dict[Reason, str]] = {
    Reason.DISTANCE: "居住相近",
    Reason.KINSHIP: "血缘相通",
    Reason.INTEREST: "志趣相投",
    Reason.REQUEST: "本人申报",
    Reason.VULNERABLE_FIRST: "两委干部优先联系困难户",
    Reason.KEPT: "保持原联系",
    Reason.BORROWED: "邻近网格党员支援",
    Reason.MANUAL: "人工调整",
    Reason.NO_LOCATION: "缺少位置，按距离为零计",
}


class ProposalStatus(StrEnum):
    """A roster proposal's lifecycle (联户调整方案): built as a draft (草案), edited, then published
    (已发布) as the roster in force. A published proposal is history: it never changes again."""

    DRAFT = "draft"
    PUBLISHED = "published"


PROPOSAL_STATUS_LABELS: Final[dict[ProposalStatus, str]] = {
    ProposalStatus.DRAFT: "草案",
    ProposalStatus.PUBLISHED: "已发布",
}

# The lifecycle as a table: the statuses each may move to. Editing is allowed only where a
# status may still move (a draft).
PROPOSAL_TRANSITIONS: Final[Mapping[ProposalStatus, frozenset[ProposalStatus]]] = {
    ProposalStatus.DRAFT: frozenset({ProposalStatus.PUBLISHED}),
    ProposalStatus.PUBLISHED: frozenset(),
}


def may_move(current: ProposalStatus, to: ProposalStatus) -> bool:
    """Whether a proposal in ``current`` may become ``to``."""
    return to in PROPOSAL_TRANSITIONS[current]


class TieKind(StrEnum):
    KINSHIP = "kinship"
    INTEREST = "interest"


class Candidate(NamedTuple):
    """A member as the engine sees them: eligible (not exempt), with their home grid. Tuples
    sort by id, which the solver relies on for determinism."""

    id: int
    grid_id: int
    location: Location | None = None
    cadre: bool = False  # 村两委 (branch secretary or village committee member)
    name: str = ""


class Unit(NamedTuple):
    """What is assigned: one household, or one building (楼栋) and all its households."""

    id: int  # the household id, or the smallest household id of the building
    grid_id: int
    households: tuple[int, ...]
    location: Location | None = None
    vulnerable: bool = False
    building: str | None = None


class Pair(NamedTuple):
    """One household and its member (a tuple: a city's proposal makes half a million)."""

    household_id: int
    member_id: int
    reasons: tuple[Reason, ...]
    distance_m: int | None = None


@dataclass(frozen=True)
class Preferences:
    """Declared ties and requests, by (member id, household id)."""

    ties: frozenset[tuple[int, int, TieKind]] = frozenset()
    requests: frozenset[tuple[int, int]] = frozenset()

    def kinds(self) -> dict[tuple[int, int], set[TieKind]]:
        out: dict[tuple[int, int], set[TieKind]] = {}
        for member, household, kind in self.ties:
            out.setdefault((member, household), set()).add(kind)
        return out


@dataclass(frozen=True)
class Bounds:
    """Load bounds in units (households, or buildings in 楼栋 mode)."""

    low: int
    high: int


@dataclass(frozen=True)
class GridShortfall:
    """A grid the rules cannot fully satisfy, said precisely, with the ways out."""

    grid_id: int
    units: int  # units to place (a re-plan: those not kept)
    members: int
    low: int
    high: int
    uncovered: tuple[int, ...]  # unit ids left without a member
    under_loaded: tuple[int, ...]  # member ids below the minimum
    options: tuple[str, ...]
    grid_name: str = ""
    kept: int = 0  # units of the grid kept with their member (a re-plan)
    unit: str = "户"  # what a unit is: a household, or a building (栋) in 楼栋 mode
    under_loaded_named: tuple[str, ...] = ()  # "张三（4 户）", in the order of under_loaded

    @property
    def message(self) -> str:
        name, u = self.grid_name or f"网格 {self.grid_id}", self.unit
        total = self.units + self.kept
        held = f"（其中 {self.kept} {u}保持原联系）" if self.kept else ""
        if self.uncovered:
            return (
                f"{name}：共 {total} {u}{held}，{self.members} 名可联户党员每人至多 "
                f"{self.high} {u}，共可联系 {self.members * self.high} {u}；"
                f"{len(self.uncovered)} {u}未覆盖"
            )
        who = "、".join(self.under_loaded_named)
        return (
            f"{name}：{self.members} 名党员每人至少 {self.low} {u}，共需 "
            f"{self.members * self.low} {u}，而本网格只有 {total} {u}{held}；"
            f"{len(self.under_loaded)} 名党员低于下限" + (f"：{who}" if who else "")
        )


@dataclass(frozen=True)
class UnhonouredRequest:
    member_id: int
    household_id: int
    why: str


@dataclass
class Plan:
    """A proposal's content: the pairs, and everything the reviewer must know."""

    pairs: list[Pair] = field(default_factory=list)
    shortfalls: list[GridShortfall] = field(default_factory=list)
    unhonoured: list[UnhonouredRequest] = field(default_factory=list)
    no_location_members: list[int] = field(default_factory=list)
    no_location_households: list[int] = field(default_factory=list)
    elderly_pairs: list[tuple[int, int]] = field(default_factory=list)  # (contact, elderly)
    cost: int = 0

    @property
    def feasible(self) -> bool:
        return not self.shortfalls


def distance_m(a: Location | None, b: Location | None) -> int | None:
    """Metres between two homes (equirectangular: exact enough within a township)."""
    if a is None or b is None:
        return None
    x = radians(b.lng - a.lng) * cos(radians((a.lat + b.lat) / 2))
    y = radians(b.lat - a.lat)
    return round(sqrt(x * x + y * y) * EARTH_RADIUS_M)


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    member_id: int | None = None
    household_id: int | None = None
    member_name: str | None = None
    household_name: str | None = None

    def named(self, members: Mapping[int, str], households: Mapping[int, str]) -> Violation:
        """The same violation saying whom it is about ("党员 张三：联系 25 户，超过上限 20 户"):
        a reviewer reads a list of them, not a list of ids."""
        member = members.get(self.member_id) if self.member_id is not None else None
        household = households.get(self.household_id) if self.household_id is not None else None
        who = "，".join(
            part
            for part in (
                f"党员 {member}" if member else "",
                f"农户 {household}" if household else "",
            )
            if part
        )
        return replace(
            self,
            message=f"{who}：{self.message}" if who else self.message,
            member_name=member,
            household_name=household,
        )


def check_roster(
    pairs: Iterable[Pair],
    *,
    households: Iterable[int],
    members: Mapping[int, Bounds],
    exempt: Iterable[int] = (),
    unit_of: Mapping[int, int] | None = None,
) -> list[Violation]:
    """Every way a roster breaks the rules: uncovered or doubly covered households, exempt
    members with households, loads outside the bounds. ``unit_of`` maps households to their
    building unit, so loads count buildings in 楼栋 mode."""
    pairs = list(pairs)
    expected = set(households)
    out: list[Violation] = []
    per_household = Counter(p.household_id for p in pairs)
    for household in sorted(expected - set(per_household)):
        out.append(Violation("assignment.uncovered", "该户没有联系党员", household_id=household))
    for household, n in sorted(per_household.items()):
        if n > 1:
            out.append(
                Violation("assignment.double", f"该户有 {n} 名联系党员", household_id=household)
            )
    exempt_set = set(exempt)
    units: dict[int, set[int]] = {}
    for p in pairs:
        units.setdefault(p.member_id, set()).add(
            unit_of.get(p.household_id, p.household_id) if unit_of else p.household_id
        )
        if p.member_id in exempt_set:
            out.append(
                Violation(
                    "assignment.exempt_member",
                    "免除联户的党员不应联系农户",
                    member_id=p.member_id,
                    household_id=p.household_id,
                )
            )
    loads = {member: len(units.get(member, ())) for member in members}
    return out + load_violations(loads, members)


def reasons_text(reasons: Sequence[Reason]) -> str:
    return ",".join(r.value for r in reasons)


def parse_reasons(text: str) -> tuple[Reason, ...]:
    return tuple(Reason(r) for r in text.split(",") if r)


def load_violations(
    loads: Mapping[int, int], bounds_of: Mapping[int, Bounds], *, unit: str = "户"
) -> list[Violation]:
    """Members whose load leaves their bounds (also the live check of a hand edit); ``unit``
    is what the load counts (户, or 栋 in 楼栋 mode)."""
    out: list[Violation] = []
    for member, load in sorted(loads.items()):
        bounds = bounds_of[member]
        if load > bounds.high:
            out.append(
                Violation(
                    "assignment.load_above_max",
                    f"联系 {load} {unit}，超过上限 {bounds.high} {unit}",
                    member_id=member,
                )
            )
        elif load < bounds.low:
            out.append(
                Violation(
                    "assignment.load_below_min",
                    f"联系 {load} {unit}，低于下限 {bounds.low} {unit}",
                    member_id=member,
                )
            )
    return out
