"""Must-attend events (五必到): 红白大事、邻里纠纷、生病住院、代办事项、思想波动
(seeds/huiji-1plus6plusN.txt).
When one is reported on a household, its contact member must attend within the scheme's
deadline; the attendance is a visit, and late or missed attendance is visible to the branch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final


class EventStatus(StrEnum):
    OPEN = "open"  # not attended, deadline ahead
    MISSED = "missed"  # not attended, deadline passed
    ATTENDED = "attended"  # attended by the deadline
    LATE = "late"  # attended after the deadline


EVENT_STATUS_LABELS: Final = {
    EventStatus.OPEN: "待到场",
    EventStatus.MISSED: "逾期未到",
    EventStatus.ATTENDED: "按时到场",
    EventStatus.LATE: "迟到场",
}


@dataclass(frozen=True)
class MustAttendEvent:
    id: int
    household_id: int
    member_id: int | None  # the contact member when reported
    kind: str
    note: str
    reported_by: str
    reported_at: datetime
    deadline: datetime
    visit_id: int | None = None
    attended_at: datetime | None = None

    def status(self, now: datetime) -> EventStatus:
        if self.attended_at is None:
            return EventStatus.OPEN if now <= self.deadline else EventStatus.MISSED
        return EventStatus.ATTENDED if self.attended_at <= self.deadline else EventStatus.LATE
