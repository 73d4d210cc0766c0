"""The work calendar (工作日历): the days an issue's time limits count (督办 counts working days).

Weekends are off, except the make-up working days (调休上班) of the State Council's yearly notice
on public holidays; the holidays themselves (法定节假日 and the days taken off around them) are
off whatever the weekday. The calendar is data: seeded from the ``chinese-calendar`` package in
persistence and edited by an admin; here it is a plain value with the day arithmetic.

Days are counted after the start: ``add_working_days(d, 1)`` is the first working day after
``d`` (a step begun on a Friday evening has Monday as its first day), and
``working_days_between(a, b)`` counts the working days in ``(a, b]``, so that the one undoes the
other: ``working_days_between(a, add_working_days(a, n)) == n`` (for ``n`` < 0 too).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from domain.kernel.errors import Invalid

_DAY: Final = timedelta(days=1)
_SATURDAY: Final = 5  # date.weekday(): Monday 0 … Sunday 6


def _is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


def _weekdays_upto(day: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday, ordinal 1) up to ``day`` inclusive."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days. ``holidays``: days off (a holiday on a weekend changes
    nothing); ``workdays``: make-up working days (调休上班; one on a weekday changes nothing). A
    day cannot be both."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    # The days that change the Monday-to-Friday count, sorted for range counts by bisection.
    _off: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _on: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            shown = "、".join(d.isoformat() for d in sorted(both))
            raise Invalid(
                "calendar.day_off_and_on", f"同一天不能既放假又上班：{shown}", field="workdays"
            )
        object.__setattr__(
            self, "_off", tuple(sorted(d for d in self.holidays if not _is_weekend(d)))
        )
        object.__setattr__(self, "_on", tuple(sorted(d for d in self.workdays if _is_weekend(d))))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return not _is_weekend(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n`` < 0: before it; 0: ``start`` itself,
        working day or not)."""
        step = _DAY if n >= 0 else -_DAY
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """The working days in ``(a, b]``: the days stepped on going from ``a`` to ``b``. Going
        back (``b`` < ``a``), minus those in ``[b, a)``: the inverse of ``add_working_days``
        either way."""
        if b < a:
            return -self.working_days_between(b - _DAY, a - _DAY)
        weekdays = _weekdays_upto(b) - _weekdays_upto(a)
        return weekdays - _count_in(self._off, a, b) + _count_in(self._on, a, b)

    def next_working_day(self, day: date) -> date:
        return self.add_working_days(day, 1)


def _count_in(days: tuple[date, ...], a: date, b: date) -> int:
    """How many of the sorted ``days`` lie in ``(a, b]``."""
    return bisect_right(days, b) - bisect_right(days, a)


def calendar_from(holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> WorkCalendar:
    """A calendar from plain lists of dates (as persistence or an admin's edit hands them)."""
    return WorkCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays))


class DayKind(StrEnum):
    """What an admin says a day is (工作日历的调整), overriding the published holidays."""

    HOLIDAY = "holiday"  # 放假, whatever the weekday
    WORKDAY = "workday"  # 调休上班, whatever the weekday
    REGULAR = "regular"  # as the weekday says: Monday to Friday at work, the weekend off


DAY_KIND_LABELS: Final[dict[DayKind, str]] = {
    DayKind.HOLIDAY: "放假",
    DayKind.WORKDAY: "调休上班",
    DayKind.REGULAR: "按平常（周一至周五上班）",
}


def with_edits(base: WorkCalendar, edits: Mapping[date, DayKind]) -> WorkCalendar:
    """The published calendar (``base``: the State Council's notices, as the chinese-calendar
    package holds them) with an admin's edits over it: an edited day is what the edit says,
    whatever the notice said (a county's own day off, a correction, a year the package does not
    know yet)."""
    holidays, workdays = set(base.holidays), set(base.workdays)
    for day, kind in edits.items():
        holidays.discard(day)
        workdays.discard(day)
        if kind is DayKind.HOLIDAY:
            holidays.add(day)
        elif kind is DayKind.WORKDAY:
            workdays.add(day)
    return WorkCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays))


@dataclass(frozen=True)
class CalendarDay:
    """A day of the work calendar as an admin set it (``kind``), with why."""

    day: date
    kind: DayKind
    note: str = ""
