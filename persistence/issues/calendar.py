"""The work calendar (工作日历): the published holidays, with an admin's edits over them.

The published days are the State Council's yearly notices as the ``chinese-calendar`` package
(PyPI ``chinesecalendar``) holds them: its holidays (the days off, 调休 ones included) and its
make-up working days (调休上班). They are the calendar's first layer, read from the package on
first use in a process: nothing to seed or migrate, and a newer package brings the next year's
notice with it. ``work_calendar_days`` holds what an admin said a day is; an edited day is what
the edit says, whatever the package says (``domain.issues.calendar.with_edits``)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Final, cast

from chinese_calendar import constants
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from domain.issues.calendar import (
    CalendarDay,
    DayKind,
    WorkCalendar,
    calendar_from,
    with_edits,
)
from persistence.issues.tables import WorkCalendarDayRow

DAYS: Final = cast(Table, WorkCalendarDayRow.__table__)


@cache
def published() -> WorkCalendar:
    """The public holidays and make-up working days the package knows (2004 to its last
    notice), once per process."""
    return calendar_from(constants.holidays, constants.workdays)


def published_kind(day: date) -> DayKind:
    calendar = published()
    if day in calendar.holidays:
        return DayKind.HOLIDAY
    if day in calendar.workdays:
        return DayKind.WORKDAY
    return DayKind.REGULAR


class SqlWorkCalendarStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> WorkCalendar:
        edits = {
            r.day: DayKind(r.kind) for r in self.session.execute(select(DAYS.c.day, DAYS.c.kind))
        }
        return with_edits(published(), edits) if edits else published()

    def edit_of(self, day: date) -> CalendarDay | None:
        row = self.session.execute(select(DAYS).where(DAYS.c.day == day)).first()
        return CalendarDay(row.day, DayKind(row.kind), row.note) if row else None

    def set_day(self, day: CalendarDay, *, by: str, at: datetime) -> None:
        """The day is what the admin says (one row a day: a second edit replaces the first)."""
        values = {"kind": day.kind.value, "note": day.note, "updated_by": by, "updated_at": at}
        connection = self.session.connection()
        dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(
            dialect_insert(DAYS)
            .values(day=day.day, **values)
            .on_conflict_do_update(index_elements=[DAYS.c.day], set_=values)
        )
