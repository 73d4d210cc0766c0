from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.errors import Conflict, Invalid
from domain.time import CHINA, local_date
from domain.visit import (
    Visit,
    VisitMode,
    check_editable,
    check_time,
    checklist_status,
    due_list,
    flags_in_force,
    period_of,
)

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)


def test_a_quarter_is_counted_in_china_standard_time() -> None:
    # 2026-09-30 17:00 UTC is already 1 October in Shanghai: the fourth quarter.
    period = period_of(datetime(2026, 9, 30, 17, tzinfo=UTC), 3)
    assert (period.start, period.end) == (
        datetime(2026, 10, 1, tzinfo=CHINA),
        datetime(2027, 1, 1, tzinfo=CHINA),
    )


def test_a_month_period_ends_on_the_first_of_the_next_month() -> None:
    period = period_of(NOW, 1)
    assert (period.start.month, period.end.month) == (11, 12)


def test_checklist_items_carry_the_visits_that_ticked_them() -> None:
    status = checklist_status(["A", "B"], [("A", 7), ("A", 9), ("X", 3), ("A", 7)])
    assert status == {"A": [7, 9], "B": []}


def test_a_visit_cannot_be_in_the_future_or_over_a_year_old() -> None:
    check_time(NOW - timedelta(days=300), now=NOW)  # a winter offline in Mohe is fine
    with pytest.raises(Invalid):
        check_time(NOW + timedelta(hours=1), now=NOW)
    with pytest.raises(Invalid):
        check_time(NOW - timedelta(days=400), now=NOW)


def test_edits_close_after_24_hours() -> None:
    visit = Visit(1, 1, 1, NOW, VisitMode.HOME, created_at=NOW)
    check_editable(visit, now=NOW + timedelta(hours=23))
    with pytest.raises(Conflict):
        check_editable(visit, now=NOW + timedelta(hours=25))


def test_never_visited_households_come_before_overdue_and_vulnerable_first_within() -> None:
    last = {2: NOW - timedelta(days=30), 3: NOW - timedelta(days=1), 4: NOW - timedelta(days=20)}
    order = [
        d.household_id
        for d in due_list(
            [(1, False), (2, False), (3, True), (4, True)], last, cadence_days=14, now=NOW
        )
    ]
    assert order == [1, 4, 2, 3]


def test_the_ends_of_the_calendar_are_refused_not_crashed_on() -> None:
    far = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)  # already the year 10000 in Shanghai
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))  # still the year 0 there
    with pytest.raises(Invalid) as future:
        check_time(far, now=NOW)
    with pytest.raises(Invalid) as old:
        check_time(early, now=NOW)
    assert (future.value.code, old.value.code) == ("visit.in_future", "visit.too_old")
    for at in (far, early):
        with pytest.raises(Invalid) as no_date:
            local_date(at)  # the net under any caller that did not check first
        assert no_date.value.code == "time.out_of_range"


@pytest.mark.parametrize(
    "at",
    [
        datetime(9999, 12, 31, 4, tzinfo=UTC),
        datetime(9999, 11, 30, 4, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(1999, 12, 31, 15, 59, 59, tzinfo=UTC),  # 23:59:59 in Shanghai
        datetime(2099, 12, 31, 16, tzinfo=UTC),  # 2100-01-01 in Shanghai
    ],
)
def test_a_period_is_reckoned_only_from_2000_to_2099(at: datetime) -> None:
    with pytest.raises(Invalid) as refused:
        period_of(at, 12)
    assert (refused.value.code, refused.value.field) == ("time.out_of_range", "at")


def test_the_last_period_in_range_ends_in_2100() -> None:
    period = period_of(datetime(2099, 12, 31, 15, 59, tzinfo=UTC), 12)
    assert (period.start, period.end) == (
        datetime(2099, 1, 1, tzinfo=CHINA),
        datetime(2100, 1, 1, tzinfo=CHINA),
    )
    assert period_of(datetime(1999, 12, 31, 16, tzinfo=UTC), 1).start == datetime(
        2000, 1, 1, tzinfo=CHINA
    )


def test_a_schemes_must_records_keep_the_four_codes_and_name_a_countys_own_by_its_label() -> None:
    # seeds/jiaxing-yilian-sanhui.txt “四个必记”; a list stored with the fourth's former label
    # (家庭变故或意外) still means 家庭灾害事故.
    found = flags_in_force(["意见建议", "家庭变故或意外", "安全隐患", "家庭灾害事故"])
    assert found == [
        ("suggestion", "意见建议"),
        ("disaster", "家庭灾害事故"),
        ("安全隐患", "安全隐患"),
    ]
