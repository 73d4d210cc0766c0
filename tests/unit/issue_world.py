"""A small world for the issue flow's unit tests: one line of orgs (county → township → village
→ grid), the people acting at each level, the 2026 work calendar, and issues brought to each
status by the shortest legal path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.issues.calendar import WorkCalendar, calendar_from
from domain.issues.model import (
    DEFAULT_CATEGORIES,
    Actor,
    Difficulty,
    Issue,
    OrgRef,
    Rating,
    Source,
    household_ref,
    raise_issue,
)
from domain.issues.rules import Timetable
from domain.kernel.org import OrgLevel

COUNTY = OrgRef(1, OrgLevel.COUNTY, "/1/")
TOWNSHIP = OrgRef(2, OrgLevel.TOWNSHIP, "/1/2/")
VILLAGE = OrgRef(3, OrgLevel.VILLAGE, "/1/2/3/")
GRID = OrgRef(4, OrgLevel.GRID, "/1/2/3/4/")
OTHER_GRID = OrgRef(5, OrgLevel.GRID, "/1/2/3/5/")  # a neighbouring grid of the same village
LINE = (COUNTY, TOWNSHIP, VILLAGE, GRID)

HOUSEHOLD_ID = 7
CONTACT_ID = 11  # the household's contact member (包户党员)
HOUSEHOLD = Actor(household_ref(HOUSEHOLD_ID))  # the household through its contact card
CONTACT = Actor("user:contact", org=GRID, member_id=CONTACT_ID)
GRID_MEMBER = Actor("user:grid", org=GRID, member_id=12)  # another member of the grid
NEIGHBOUR = Actor("user:neighbour", org=OTHER_GRID, member_id=13)
VILLAGE_CADRE = Actor("user:village", org=VILLAGE)
TOWNSHIP_CADRE = Actor("user:township", org=TOWNSHIP)
COUNTY_CADRE = Actor("user:county", org=COUNTY)
ACTING_FOR = {GRID.id: CONTACT, VILLAGE.id: VILLAGE_CADRE, TOWNSHIP.id: TOWNSHIP_CADRE}
ACTING_FOR[COUNTY.id] = COUNTY_CADRE

# Test data, as the State Council's notice on the 2026 public holidays (国务院办公厅关于2026年
# 部分节假日安排的通知) sets them; the chinese-calendar package (1.11.0) holds the same days.
HOLIDAYS_2026 = [
    *(date(2026, 1, d) for d in (1, 2, 3)),  # 元旦
    *(date(2026, 2, d) for d in range(15, 24)),  # 春节
    *(date(2026, 4, d) for d in (4, 5, 6)),  # 清明节
    *(date(2026, 5, d) for d in range(1, 6)),  # 劳动节
    *(date(2026, 6, d) for d in (19, 20, 21)),  # 端午节
    *(date(2026, 9, d) for d in (25, 26, 27)),  # 中秋节
    *(date(2026, 10, d) for d in range(1, 8)),  # 国庆节
]
MAKE_UP_DAYS_2026 = [  # 调休上班
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]
CALENDAR: WorkCalendar = calendar_from(HOLIDAYS_2026, MAKE_UP_DAYS_2026)
TIMETABLE = Timetable(CALENDAR)

AT = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 2 November 2026, 09:00 in China


def later(hours: float) -> datetime:
    return AT + timedelta(hours=hours)


def raised(*, by: Actor | None = None, at: datetime = AT, household: bool = True) -> Issue:
    """A household's matter from its contact card (or, ``household=False``, a grid member's
    own)."""
    by = by or (HOUSEHOLD if household else GRID_MEMBER)
    return raise_issue(
        source=Source.HOUSEHOLD_CARD if household else Source.MEMBER_DIRECT,
        title="路灯不亮",
        text="村口路灯坏了半个月",
        line=LINE,
        by=by,
        at=at,
        timetable=TIMETABLE,
        household_id=HOUSEHOLD_ID if household else None,
        category="infrastructure",
    )


def classified(difficulty: Difficulty = Difficulty.SMALL, *, household: bool = True) -> Issue:
    return raised(household=household).classify(
        category="infrastructure",
        difficulty=difficulty,
        categories=DEFAULT_CATEGORIES,
        by=CONTACT,
        at=later(1),
    )


def assigned(difficulty: Difficulty = Difficulty.SMALL, *, household: bool = True) -> Issue:
    issue = classified(difficulty, household=household)
    return issue.assign(by=CONTACT, at=later(2), timetable=TIMETABLE)


def in_progress(difficulty: Difficulty = Difficulty.SMALL, *, household: bool = True) -> Issue:
    issue = assigned(difficulty, household=household)
    return issue.accept(by=ACTING_FOR[issue.handler.id], at=later(3), timetable=TIMETABLE)


def resolved(difficulty: Difficulty = Difficulty.SMALL, *, household: bool = True) -> Issue:
    issue = in_progress(difficulty, household=household)
    by = ACTING_FOR[issue.handler.id]
    return issue.resolve(answer="已更换灯泡", by=by, at=later(4), timetable=TIMETABLE)


def fed_back() -> Issue:
    return resolved().confirm_told(contact_member_id=CONTACT_ID, by=CONTACT, at=later(5))


def closed() -> Issue:
    return fed_back().close(result="路灯已修复", by=VILLAGE_CADRE, at=later(6))


def rated(rating: Rating, issue: Issue, *, at: datetime, reason: str = "") -> Issue:
    return issue.rate(rating=rating, by=HOUSEHOLD, at=at, timetable=TIMETABLE, reason=reason)
