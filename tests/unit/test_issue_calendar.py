"""The work calendar (工作日历): weekends off, public holidays off, 调休 make-up days on.

The 2026 dates are test data as the State Council's notice on the 2026 public holidays sets
them (国务院办公厅关于2026年部分节假日安排的通知; tests/unit/issue_world.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.issues.calendar import WorkCalendar, calendar_from
from domain.kernel.errors import Invalid
from tests.unit.issue_world import CALENDAR


def test_without_holidays_weekdays_work_and_weekends_rest() -> None:
    plain = WorkCalendar()
    week = [date(2026, 11, 2) + timedelta(days=i) for i in range(7)]  # Monday to Sunday
    assert [plain.is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_national_day_2026_is_off_and_its_make_up_weekend_days_work() -> None:
    """国庆节：10月1日（周四）至7日（周三）放假调休，共7天；9月20日（周日）、10月10日（周六）上班."""
    assert not any(CALENDAR.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert CALENDAR.is_working_day(date(2026, 9, 20)) and CALENDAR.is_working_day(
        date(2026, 10, 10)
    )
    assert CALENDAR.is_working_day(date(2026, 10, 8))


def test_spring_festival_2026_is_nine_days_off_with_two_saturdays_worked() -> None:
    """春节：2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班."""
    off = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert not any(CALENDAR.is_working_day(d) for d in off)
    assert CALENDAR.is_working_day(date(2026, 2, 14)) and CALENDAR.is_working_day(date(2026, 2, 28))


def test_a_working_day_after_the_eve_of_national_day_is_after_the_holiday() -> None:
    assert CALENDAR.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CALENDAR.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # 调休 Saturday
    assert CALENDAR.add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)


def test_a_make_up_sunday_counts_as_a_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_counting_working_days_across_national_day() -> None:
    # (30 Sep, 12 Oct]: 8, 9, 10 (调休), 12 October
    assert CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    # back from 12 Oct to 30 Sep: 10 (调休), 9, 8 October and 30 September
    assert CALENDAR.working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    assert CALENDAR.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_a_day_cannot_be_both_a_holiday_and_a_make_up_day() -> None:
    with pytest.raises(Invalid) as refused:
        calendar_from([date(2026, 10, 10)], [date(2026, 10, 10)])
    assert (refused.value.code, refused.value.field) == ("calendar.day_off_and_on", "workdays")


def test_backwards_counts_the_working_days_before() -> None:
    assert CALENDAR.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert CALENDAR.add_working_days(date(2026, 10, 8), 0) == date(2026, 10, 8)


DAYS = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31))


def _counted(calendar: WorkCalendar, a: date, b: date) -> int:
    """Working days stepped on from ``a`` to ``b``, one by one (``a`` itself not)."""
    step = 1 if b >= a else -1
    days = (a + timedelta(days=step * i) for i in range(1, abs((b - a).days) + 1))
    return step * sum(calendar.is_working_day(d) for d in days)


@settings(max_examples=100, deadline=None)
@given(a=DAYS, b=DAYS)
def test_the_count_is_the_days_counted_one_by_one(a: date, b: date) -> None:
    assert CALENDAR.working_days_between(a, b) == _counted(CALENDAR, a, b)


@settings(max_examples=100, deadline=None)
@given(start=DAYS, n=st.integers(min_value=-40, max_value=40))
def test_adding_working_days_lands_on_one_and_counting_undoes_it(start: date, n: int) -> None:
    end = CALENDAR.add_working_days(start, n)
    assert CALENDAR.working_days_between(start, end) == n
    if n:
        assert CALENDAR.is_working_day(end)
