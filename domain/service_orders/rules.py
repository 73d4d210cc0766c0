"""Service orders' rules: time limits in working days, and whom to suggest for an order.

Time limits. The seed (seeds/xiangtan-wuge-daohu.txt) gives none; the figures below are **ours**:
an order is to be taken (接单) within one working day of being placed or dispatched, as a grid
accepts an issue (domain.issues.rules.DEFAULT_DAYS: 受理 at the grid, one day), and done within
a few working days by kind (an errand two, paperwork five, the rest three). They are counted on the
issue flow's work calendar (domain.issues.calendar: public holidays and 调休 make-up days) with its
``deadline``; a county's own figures are for its scheme to carry.

Suggestions (网格下单: the grid picks the member). A member of the order's village (or community)
who is not exempt from contact duty; ranked: a declared skill (特长/技能) matching the kind first,
then the distance from the member's home to the household (nearest first; a member or household
without a location after those with one), then the fewest orders he holds now, then the id. A
member's location is his own home location (``Member.location``, 居住相近 as the assignment engine
reads it); members have no separate work location.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from domain.assignment.model import distance_m
from domain.issues.calendar import WorkCalendar
from domain.issues.rules import deadline
from domain.kernel.errors import Invalid
from domain.registers.member import Location
from domain.service_orders.model import (
    KIND_LABELS,
    OrderClock,
    OrderStep,
    ServiceKind,
)

TAKE_DAYS: Final = 1  # ours: as a grid's 受理 of an issue
SERVE_DAYS: Final[Mapping[ServiceKind, int]] = {  # ours
    ServiceKind.ERRANDS: 2,
    ServiceKind.REPAIR: 3,
    ServiceKind.MEDICAL_ESCORT: 3,
    ServiceKind.PAPERWORK: 5,
    ServiceKind.CARE: 3,
    ServiceKind.OTHER: 3,
}
MAX_DAYS: Final = 60


@dataclass(frozen=True)
class OrderLimits:
    """Working days to take an order, and to do it by kind."""

    take_days: int = TAKE_DAYS
    serve_days: Mapping[ServiceKind, int] = field(default_factory=lambda: dict(SERVE_DAYS))

    def __post_init__(self) -> None:
        missing = [k for k in ServiceKind if k not in self.serve_days]
        if missing:
            raise Invalid(
                "service_order.limit_missing",
                f"缺少服务时限：{'、'.join(KIND_LABELS[k] for k in missing)}",
                field="serve_days",
            )
        for days in (self.take_days, *self.serve_days.values()):
            if not 1 <= days <= MAX_DAYS:
                raise Invalid(
                    "service_order.limit_out_of_range",
                    f"时限须为 1 至 {MAX_DAYS} 个工作日",
                    field="serve_days",
                )

    def days_for(self, step: OrderStep, kind: ServiceKind) -> int:
        return self.take_days if step is OrderStep.TAKE else self.serve_days[kind]


@dataclass(frozen=True)
class OrderTimetable:
    """The limits counted on the work calendar (the model's ``Timetable``)."""

    calendar: WorkCalendar
    limits: OrderLimits = field(default_factory=OrderLimits)

    def clock(self, step: OrderStep, *, kind: ServiceKind, start: datetime) -> OrderClock:
        due = deadline(start, self.limits.days_for(step, kind), self.calendar)
        return OrderClock(step=step, started_at=start, due=due)


# ── suggestions ───────────────────────────────────────────────────────────────────────────────

# The words in a declared skill that say it fits a kind of service (ours: members declare their
# skills in their own words, 、-separated, e.g. “水电维修、驾驶”).
SKILL_WORDS: Final[Mapping[ServiceKind, tuple[str, ...]]] = {
    ServiceKind.ERRANDS: ("代办", "代购", "跑腿", "驾驶", "开车", "购物"),
    ServiceKind.REPAIR: ("维修", "修理", "水电", "电工", "木工", "泥瓦", "家电", "水管"),
    ServiceKind.MEDICAL_ESCORT: ("陪诊", "医", "护理", "卫生", "驾驶", "开车"),
    ServiceKind.PAPERWORK: ("政策", "代办", "法律", "社保", "医保", "文书", "会计"),
    ServiceKind.CARE: ("助老", "助残", "护理", "照料", "养老", "陪护", "心理"),
    ServiceKind.OTHER: (),
}


def skill_matches(kind: ServiceKind, skills: Iterable[str]) -> tuple[str, ...]:
    """The member's declared skills that fit the kind (a skill naming the kind's own label
    fits too)."""
    words = (*SKILL_WORDS[kind], KIND_LABELS[kind])
    return tuple(s for s in skills if any(w in s for w in words))


@dataclass(frozen=True)
class Candidate:
    """A member who could do an order: where he lives, what he can do, what he holds now."""

    member_id: int
    name: str
    org_id: int
    skills: tuple[str, ...]
    location: Location | None
    load: int  # orders dispatched to him or taken by him, not yet done


@dataclass(frozen=True)
class Suggestion:
    member_id: int
    name: str
    org_id: int
    matching_skills: tuple[str, ...]
    distance_m: int | None
    load: int


def suggest(
    kind: ServiceKind, household: Location | None, candidates: Sequence[Candidate]
) -> list[Suggestion]:
    """The candidates ranked for the order (see the module's docstring)."""
    ranked = [
        Suggestion(
            member_id=c.member_id,
            name=c.name,
            org_id=c.org_id,
            matching_skills=skill_matches(kind, c.skills),
            distance_m=distance_m(c.location, household),
            load=c.load,
        )
        for c in candidates
    ]
    ranked.sort(
        key=lambda s: (
            not s.matching_skills,
            s.distance_m is None,
            s.distance_m or 0,
            s.load,
            s.member_id,
        )
    )
    return ranked
