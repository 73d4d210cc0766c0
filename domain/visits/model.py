"""Visits (走访 / 民情日志): what a member logs after seeing a household, and the cadence rules.

* Only the household's contact member, or someone the branch allows (a caller who may write
  members: the branch secretary), logs a visit to it.
* A visit can be edited for 24 hours; after that only an amendment, which keeps the original.
* Times: not in the future, and not older than a year — members in Mohe sync months later, so
  a year is allowed; older is a typing error.
* Cadence from the scheme (1+6+N: every 14 days, seeds/huiji-1plus6plusN.txt): a household is
  due when its last visit is older than the cadence; the due list puts overdue households first,
  vulnerable ones before others, then the longest unvisited.
* The 四个必记 of the 民情日志 (seeds/jiaxing-yilian-sanhui.txt): suggestion, difficulty, neighbour
  dispute, family disaster or accident, each with its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, NamedTuple

from domain.kernel.errors import Conflict, Invalid
from domain.kernel.time import check_in_range, local_date
from domain.registers.member import Location

EDIT_WINDOW: Final = timedelta(hours=24)
MAX_AGE: Final = timedelta(days=366)
CLOCK_SKEW: Final = timedelta(minutes=10)


class VisitMode(StrEnum):
    HOME = "home"
    PHONE = "phone"
    WECHAT = "wechat"
    MEETING = "meeting"


VISIT_MODE_LABELS: Final = {
    VisitMode.HOME: "入户走访",
    VisitMode.PHONE: "电话联系",
    VisitMode.WECHAT: "微信联系",
    VisitMode.MEETING: "会议见面",
}


class FlagKind(StrEnum):
    """四个必记."""

    SUGGESTION = "suggestion"
    DIFFICULTY = "difficulty"
    DISPUTE = "dispute"
    DISASTER = "disaster"


FLAG_LABELS: Final = {
    FlagKind.SUGGESTION: "意见建议",
    FlagKind.DIFFICULTY: "困难问题",
    FlagKind.DISPUTE: "邻里纠纷",
    FlagKind.DISASTER: "家庭灾害事故",
}
# A scheme's visit_log_flags name the 必记 by their labels; the four keep their codes, and a
# label a county adds (安全隐患) is its own code. The label this product once gave the fourth
# still means it, in lists stored then.
_KIND_OF_LABEL: Final[dict[str, str]] = {label: kind.value for kind, label in FLAG_LABELS.items()}
_KIND_OF_LABEL["家庭变故或意外"] = FlagKind.DISASTER.value


def flag_label(kind: str) -> str:
    """One of the four's label, or a county's own 必记, named by itself."""
    try:
        return FLAG_LABELS[FlagKind(kind)]
    except ValueError:
        return kind


def flags_in_force(labels: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) of each 必记 a scheme's ``visit_log_flags`` lists, in its order."""
    out: dict[str, str] = {}
    for label in labels:
        kind = _KIND_OF_LABEL.get(label, label)
        out.setdefault(kind, flag_label(kind))
    return list(out.items())


@dataclass(frozen=True)
class Flag:
    kind: str  # a FlagKind, or a county's own 必记 (its label)
    text: str


def check_flags(flags: Iterable[Flag], labels: Iterable[str]) -> None:
    """A visit records only the 必记 in force for its household's level."""
    known = {kind for kind, _ in flags_in_force(labels)}
    unknown = [f.kind for f in flags if f.kind not in known]
    if unknown:
        raise Invalid(
            "visit.unknown_flag",
            f"本地民情日志的必记事项中没有“{flag_label(unknown[0])}”",
            field="flags",
        )


@dataclass(frozen=True)
class Visit:
    id: int
    member_id: int
    household_id: int
    visited_at: datetime
    mode: VisitMode
    notes: str = ""
    flags: tuple[Flag, ...] = ()
    checklist: tuple[str, ...] = ()
    location: Location | None = None
    created_at: datetime | None = None
    amends_id: int | None = None
    sync_note: str | None = None


class VisitFacts(NamedTuple):
    """What the rules on logging a visit need to know of its household and member, read for
    any number of visits in two statements; who may see them is the caller's ``Scope``'s to
    say (``sees_household``, ``sees_member``)."""

    household_path: str | None  # None: no such household at all
    member_path: str | None  # the member's org unit's path; None: no such member
    contact_id: int | None  # the household's contact member today
    was_contact: bool  # the member looked after it on the visit's day (offline visits)
    contact_name: str | None = None  # the contact member's name (a sync note names them)


def check_time(visited_at: datetime, *, now: datetime) -> None:
    """Refuse a visit in the future or from more than a year ago."""
    if visited_at > now + CLOCK_SKEW:
        raise Invalid("visit.in_future", "走访时间不能晚于现在", field="visited_at")
    if visited_at < now - MAX_AGE:
        raise Invalid("visit.too_old", "走访时间早于一年前，请核对", field="visited_at")


def check_checklist(items: Iterable[str], template: Sequence[str]) -> None:
    unknown = [i for i in items if i not in template]
    if unknown:
        raise Invalid(
            "visit.unknown_checklist_item", f"清单中没有“{unknown[0]}”", field="checklist"
        )


def check_recorded_at(recorded_at: datetime, visit: Visit, *, now: datetime) -> None:
    """When a change to a visit was made on the phone (offline, synced later): not in the
    future, not before the visit itself. The edit window is judged at that time."""
    if recorded_at > now + CLOCK_SKEW:
        raise Invalid("visit.recorded_in_future", "记录时间不能晚于现在", field="recorded_at")
    if recorded_at < visit.visited_at - CLOCK_SKEW:
        raise Invalid(
            "visit.recorded_before_visit", "记录时间不能早于走访时间", field="recorded_at"
        )


def check_editable(visit: Visit, *, now: datetime) -> None:
    """Edits within 24 hours of logging; later, an amendment keeps the original."""
    if visit.created_at is not None and now - visit.created_at > EDIT_WINDOW:
        raise Conflict(
            "visit.edit_window_closed",
            "记录超过 24 小时，不能直接修改；请提交补充更正（amendment）",
            field="visit_id",
        )


@dataclass(frozen=True)
class DueItem:
    household_id: int
    vulnerable: bool
    last_visit: datetime | None
    due_at: datetime | None  # None: never visited, due at once

    def overdue_days(self, now: datetime) -> int | None:
        """Days past due; None when never visited; 0 or less when not yet due."""
        return None if self.due_at is None else (now - self.due_at).days


def due_list(
    households: Iterable[tuple[int, bool]],
    last_visits: Mapping[int, datetime],
    *,
    cadence_days: int,
    cadences: Mapping[int, int] | None = None,
    now: datetime,
) -> list[DueItem]:
    """A member's households by urgency: never visited and overdue first (most overdue first),
    vulnerable before others at each step, then those due soonest. ``cadences`` gives a
    household's own cadence (days) where its level sets one other than ``cadence_days``."""
    days = cadences or {}

    def due_at(h: int) -> datetime | None:
        if h not in last_visits:
            return None
        return last_visits[h] + timedelta(days=days.get(h, cadence_days))

    items = [DueItem(h, weak, last_visits.get(h), due_at(h)) for h, weak in households]

    def urgency(item: DueItem) -> tuple[int, bool, float, int]:
        if item.due_at is None:
            return (0, not item.vulnerable, 0.0, item.household_id)
        waiting = (item.due_at - now).total_seconds()  # negative when overdue
        return (1 if waiting <= 0 else 2, not item.vulnerable, waiting, item.household_id)

    return sorted(items, key=urgency)


@dataclass(frozen=True)
class CadenceInForce:
    """The visit cadence in force from an org unit down, until a level below sets its own (or
    chooses another scheme): each household is judged by the nearest one above it."""

    path: str
    days: int
    since: datetime  # visits from this instant on are within the cadence, at the time asked


@dataclass(frozen=True)
class CadenceCoverage:
    """An area's households judged against one cadence, and those visited within it."""

    cadence_days: int
    households: int
    visited_within_cadence: int


@dataclass(frozen=True)
class Compliance:
    households: int
    visited_within_cadence: int
    members: int
    members_visiting_this_month: int
    # Each cadence applied to some of the households, shortest first: one unless levels below
    # the area set cadences of their own.
    by_cadence: tuple[CadenceCoverage, ...] = ()

    @property
    def coverage_rate(self) -> float:
        return self.visited_within_cadence / self.households if self.households else 0.0

    @property
    def participation_rate(self) -> float:
        """The seeds' 86 %: members who visited at least once this month."""
        return self.members_visiting_this_month / self.members if self.members else 0.0


@dataclass(frozen=True)
class IdleMember:
    """A contact member of an area with no visit this month (China time): the members the
    participation rate leaves out, to be reminded."""

    member_id: int
    name: str
    org_id: int
    org_name: str
    households: int  # looked after today
    last_visit: datetime | None  # None: never visited


def month_start(now: datetime) -> datetime:
    """The first instant of the month in China Standard Time, as an aware datetime."""
    from domain.kernel.time import CHINA

    day = local_date(now)
    return datetime(day.year, day.month, 1, tzinfo=CHINA)


@dataclass(frozen=True)
class Period:
    """A checklist period in China Standard Time: [start, end)."""

    start: datetime
    end: datetime


def period_of(at: datetime, months: int) -> Period:
    """The scheme's checklist period containing ``at`` (months 1, 2, 3, 6 or 12, aligned to
    the calendar year: a quarter is Jan–Mar, Apr–Jun …). ``at`` is the caller's to choose, so
    its range is checked first: near the years 1 and 9999 the period, or its end, has no date."""
    from domain.kernel.time import CHINA

    check_in_range(at, field="at")
    day = local_date(at)
    first = (day.month - 1) // months * months + 1
    start = datetime(day.year, first, 1, tzinfo=CHINA)
    month = first + months
    end = datetime(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=CHINA)
    return Period(start, end)


def checklist_status(
    template: Sequence[str], ticks: Iterable[tuple[str, int]]
) -> dict[str, list[int]]:
    """Each template item with the visits that ticked it (its evidence); unknown items are
    ignored (the template may have changed since the visit)."""
    status: dict[str, list[int]] = {item: [] for item in template}
    for item, visit_id in ticks:
        if item in status and visit_id not in status[item]:
            status[item].append(visit_id)
    return status
