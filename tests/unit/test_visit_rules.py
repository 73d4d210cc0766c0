from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.kernel.errors import Conflict, Invalid
from domain.kernel.time import CHINA, local_date
from domain.visits.model import (
    CLOCK_SKEW,
    FLAG_LABELS,
    VISIT_MODE_LABELS,
    CadenceCoverage,
    CadenceInForce,
    Compliance,
    DueItem,
    Flag,
    FlagKind,
    IdleMember,
    Period,
    Visit,
    VisitMode,
    check_checklist,
    check_editable,
    check_recorded_at,
    check_time,
    checklist_status,
    due_list,
    flags_in_force,
    month_start,
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
    assert (period.start, period.end) == (
        datetime(2026, 11, 1, tzinfo=CHINA),
        datetime(2026, 12, 1, tzinfo=CHINA),  # November's ends in the same year
    )


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


# ── The limits at their edges (each side of each bound) ──────────────────────────────────────

SECOND = timedelta(seconds=1)


def test_a_visit_up_to_ten_minutes_ahead_is_clock_skew_and_a_second_more_is_the_future() -> None:
    check_time(NOW + CLOCK_SKEW, now=NOW)
    check_time(NOW + timedelta(minutes=10), now=NOW)
    with pytest.raises(Invalid) as refused:
        check_time(NOW + timedelta(minutes=10) + SECOND, now=NOW)
    assert (refused.value.code, refused.value.field) == ("visit.in_future", "visited_at")


def test_a_visit_366_days_old_is_taken_and_a_second_older_is_refused() -> None:
    check_time(NOW - timedelta(days=365), now=NOW)
    check_time(NOW - timedelta(days=366), now=NOW)
    with pytest.raises(Invalid) as refused:
        check_time(NOW - timedelta(days=366) - SECOND, now=NOW)
    assert (refused.value.code, refused.value.field) == ("visit.too_old", "visited_at")


def test_a_visit_is_editable_for_exactly_24_hours_after_it_was_logged() -> None:
    visit = Visit(1, 1, 1, NOW, VisitMode.HOME, created_at=NOW)
    check_editable(visit, now=NOW + timedelta(hours=23))
    check_editable(visit, now=NOW + timedelta(hours=23, minutes=59))
    check_editable(visit, now=NOW + timedelta(hours=24))
    with pytest.raises(Conflict) as refused:
        check_editable(visit, now=NOW + timedelta(hours=24) + SECOND)
    assert (refused.value.code, refused.value.field) == ("visit.edit_window_closed", "visit_id")


def test_a_visit_not_yet_stored_is_always_editable() -> None:
    check_editable(Visit(1, 1, 1, NOW, VisitMode.HOME), now=NOW + timedelta(days=999))


def test_a_change_recorded_offline_is_neither_in_the_future_nor_before_the_visit() -> None:
    visit = Visit(1, 1, 1, NOW - timedelta(days=2), VisitMode.HOME)
    check_recorded_at(NOW + CLOCK_SKEW, visit, now=NOW)
    check_recorded_at(visit.visited_at - CLOCK_SKEW, visit, now=NOW)
    with pytest.raises(Invalid) as ahead:
        check_recorded_at(NOW + CLOCK_SKEW + SECOND, visit, now=NOW)
    assert (ahead.value.code, ahead.value.field) == ("visit.recorded_in_future", "recorded_at")
    with pytest.raises(Invalid) as before:
        check_recorded_at(visit.visited_at - CLOCK_SKEW - SECOND, visit, now=NOW)
    assert (before.value.code, before.value.field) == (
        "visit.recorded_before_visit",
        "recorded_at",
    )


def test_a_checklist_item_not_in_the_schemes_template_is_refused_by_name() -> None:
    check_checklist(["A", "B"], ["A", "B", "C"])
    check_checklist([], ["A"])
    with pytest.raises(Invalid) as refused:
        check_checklist(["A", "X", "Y"], ["A", "B"])
    assert (refused.value.code, refused.value.field) == (
        "visit.unknown_checklist_item",
        "checklist",
    )
    assert "X" in refused.value.message


# ── The due list ──────────────────────────────────────────────────────────────────────────────


def order(
    households: list[tuple[int, bool]],
    last: dict[int, datetime],
    cadences: dict[int, int] | None = None,
) -> list[int]:
    return [
        d.household_id
        for d in due_list(households, last, cadence_days=14, cadences=cadences, now=NOW)
    ]


def test_never_visited_vulnerable_households_come_first_among_several_never_visited() -> None:
    households = [(5, False), (3, False), (9, True), (1, False), (7, True)]
    assert order(households, {}) == [7, 9, 1, 3, 5]


def test_never_visited_come_before_the_most_overdue_whatever_their_vulnerability() -> None:
    last = {1: NOW - timedelta(days=400)}
    assert order([(1, True), (2, False)], last) == [2, 1]


def test_overdue_households_come_most_overdue_first_vulnerable_before_others() -> None:
    last = {
        1: NOW - timedelta(days=20),  # 6 days overdue
        2: NOW - timedelta(days=30),  # 16 days overdue
        3: NOW - timedelta(days=15),  # 1 day overdue, vulnerable
        4: NOW - timedelta(days=40),  # 26 days overdue, vulnerable
    }
    assert order([(1, False), (2, False), (3, True), (4, True)], last) == [4, 3, 2, 1]


def test_a_household_due_this_very_moment_is_overdue_not_upcoming() -> None:
    last = {1: NOW - timedelta(days=14), 2: NOW - timedelta(days=14) + SECOND}
    items = due_list([(2, True), (1, False)], last, cadence_days=14, now=NOW)
    assert [i.household_id for i in items] == [1, 2]  # 1 is due now, 2 a second later
    assert items[0].overdue_days(NOW) == 0


def test_households_not_yet_due_come_vulnerable_first_then_the_soonest_due() -> None:
    last = {
        1: NOW - timedelta(days=3),
        2: NOW - timedelta(days=10),
        3: NOW - timedelta(days=1),
        4: NOW - timedelta(days=5),
    }
    assert order([(1, False), (2, False), (3, True), (4, True)], last) == [4, 3, 2, 1]


def test_equally_urgent_households_are_listed_by_id() -> None:
    same = NOW - timedelta(days=20)
    assert order([(8, False), (2, False), (5, False)], {8: same, 2: same, 5: same}) == [2, 5, 8]


def test_a_households_own_cadence_decides_when_it_is_due() -> None:
    last = {1: NOW - timedelta(days=10), 2: NOW - timedelta(days=10)}
    items = due_list([(1, False), (2, False)], last, cadence_days=14, cadences={2: 7}, now=NOW)
    by_id = {i.household_id: i for i in items}
    assert by_id[1].due_at == last[1] + timedelta(days=14)
    assert by_id[2].due_at == last[2] + timedelta(days=7)
    assert [i.household_id for i in items] == [2, 1]  # 2 is overdue on its weekly cadence
    assert by_id[2].overdue_days(NOW) == 3
    assert by_id[1].overdue_days(NOW) == -4
    assert by_id[1].last_visit == last[1] and by_id[1].vulnerable is False


def test_a_never_visited_household_is_due_at_once_with_no_overdue_days() -> None:
    [item] = due_list([(1, True)], {}, cadence_days=14, now=NOW)
    assert (item.due_at, item.last_visit, item.overdue_days(NOW)) == (None, None, None)
    assert item.vulnerable is True


# ── Months and periods in China Standard Time ────────────────────────────────────────────────


def test_a_month_starts_on_the_first_in_china_standard_time() -> None:
    # 30 November 17:00 UTC is already 1 December in Shanghai.
    assert month_start(datetime(2026, 11, 30, 17, tzinfo=UTC)) == datetime(
        2026, 12, 1, tzinfo=CHINA
    )
    assert month_start(datetime(2026, 11, 30, 15, tzinfo=UTC)) == datetime(
        2026, 11, 1, tzinfo=CHINA
    )


@pytest.mark.parametrize(
    ("months", "start", "end"),
    [
        (1, datetime(2026, 12, 1, tzinfo=CHINA), datetime(2027, 1, 1, tzinfo=CHINA)),
        (2, datetime(2026, 11, 1, tzinfo=CHINA), datetime(2027, 1, 1, tzinfo=CHINA)),
        (3, datetime(2026, 10, 1, tzinfo=CHINA), datetime(2027, 1, 1, tzinfo=CHINA)),
        (6, datetime(2026, 7, 1, tzinfo=CHINA), datetime(2027, 1, 1, tzinfo=CHINA)),
        (12, datetime(2026, 1, 1, tzinfo=CHINA), datetime(2027, 1, 1, tzinfo=CHINA)),
    ],
)
def test_a_december_period_rolls_over_into_january_of_the_next_year(
    months: int, start: datetime, end: datetime
) -> None:
    period = period_of(datetime(2026, 12, 31, 15, 59, tzinfo=UTC), months)  # 23:59 in China
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("months", "start", "end"),
    [
        (1, datetime(2027, 1, 1, tzinfo=CHINA), datetime(2027, 2, 1, tzinfo=CHINA)),
        (3, datetime(2027, 1, 1, tzinfo=CHINA), datetime(2027, 4, 1, tzinfo=CHINA)),
        (6, datetime(2027, 1, 1, tzinfo=CHINA), datetime(2027, 7, 1, tzinfo=CHINA)),
        (12, datetime(2027, 1, 1, tzinfo=CHINA), datetime(2028, 1, 1, tzinfo=CHINA)),
    ],
)
def test_the_first_period_of_a_year_starts_on_the_first_of_january(
    months: int, start: datetime, end: datetime
) -> None:
    period = period_of(datetime(2026, 12, 31, 16, tzinfo=UTC), months)  # 00:00 on 1 January
    assert (period.start, period.end) == (start, end)


def test_a_period_of_three_months_is_a_calendar_quarter() -> None:
    assert period_of(datetime(2026, 5, 15, tzinfo=UTC), 3) == Period(
        datetime(2026, 4, 1, tzinfo=CHINA), datetime(2026, 7, 1, tzinfo=CHINA)
    )
    assert period_of(datetime(2026, 3, 31, 15, tzinfo=UTC), 3).start == datetime(
        2026, 1, 1, tzinfo=CHINA
    )


# ── Rates ─────────────────────────────────────────────────────────────────────────────────────


def test_compliance_rates_are_shares_and_zero_for_an_empty_area() -> None:
    c = Compliance(households=8, visited_within_cadence=2, members=4, members_visiting_this_month=3)
    assert (c.coverage_rate, c.participation_rate) == (0.25, 0.75)
    empty = Compliance(0, 0, 0, 0)
    assert (empty.coverage_rate, empty.participation_rate) == (0.0, 0.0)


def test_every_visit_mode_and_must_record_has_a_chinese_label() -> None:
    assert set(VISIT_MODE_LABELS) == set(VisitMode) and all(VISIT_MODE_LABELS.values())
    assert set(FLAG_LABELS) == set(FlagKind) and all(FLAG_LABELS.values())


def test_a_visit_and_its_must_records_cannot_be_changed_in_place() -> None:
    """A visit is a record: a change makes a new one (an edit, an amendment)."""
    visit = Visit(1, 1, 1, NOW, VisitMode.HOME, flags=(Flag(FlagKind.DISPUTE, "吵架"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        visit.notes = "改"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        visit.flags[0].text = "改"  # type: ignore[misc]


@pytest.mark.parametrize(
    "value",
    [
        DueItem(1, True, None, None),
        CadenceInForce("/1/", 14, NOW),
        CadenceCoverage(14, 3, 1),
        Compliance(1, 1, 1, 1),
        IdleMember(1, "张三", 2, "李家村", 3, None),
        Period(NOW, NOW),
    ],
    ids=lambda v: type(v).__name__,
)
def test_the_visit_rules_values_cannot_be_changed_in_place(value: object) -> None:
    field = dataclasses.fields(value)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, None)
