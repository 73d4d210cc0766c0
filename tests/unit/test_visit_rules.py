from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import Conflict, Invalid
from domain.time import CHINA
from domain.visit import (
    Visit,
    VisitMode,
    check_editable,
    check_time,
    checklist_status,
    due_list,
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
