"""Must-attend events (五必到): 红白大事、邻里纠纷、生病住院、代办事项、思想波动
(seeds/huiji-1plus6plusN.txt).
When one is reported on a household, its contact member must attend within the scheme's
deadline; the attendance is a visit, and late or missed attendance is visible to the branch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from domain.kernel.errors import Invalid
from domain.kernel.time import CHINA
from domain.visits.model import CLOCK_SKEW, VisitMode


class EventStatus(StrEnum):
    OPEN = "open"  # not attended, deadline ahead
    MISSED = "missed"  # not attended, deadline passed
    ATTENDED = "attended"  # attended by the deadline
    LATE = "late"  # attended after the deadline
    CANCELLED = "cancelled"  # withdrawn by the branch (a wrong report): no one's task


EVENT_STATUS_LABELS: Final = {
    EventStatus.OPEN: "待到场",
    EventStatus.MISSED: "逾期未到",
    EventStatus.ATTENDED: "按时到场",
    EventStatus.LATE: "迟到场",
    EventStatus.CANCELLED: "已撤销",
}


@dataclass(frozen=True)
class MustAttendEvent:
    id: int
    household_id: int
    # Whose task it is: while not attended, the household's contact member now — the roster
    # may have changed since the report — or None when nobody looks after it (the branch must
    # arrange one); once attended, the member the attendance visit is credited to.
    member_id: int | None
    kind: str
    note: str
    reported_by: str
    reported_at: datetime
    deadline: datetime
    visit_id: int | None = None
    attended_at: datetime | None = None
    # The contact member when it was reported: who was answerable for the deadline then, kept
    # when the household is given to another before it is attended.
    reported_to: int | None = None
    # Withdrawn by the branch or above (a wrong report), with who did it and why; it leaves
    # the member's tasks and cannot be attended. Kept on record, never deleted.
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    cancel_reason: str = ""

    def status(self, now: datetime) -> EventStatus:
        if self.cancelled_at is not None:
            return EventStatus.CANCELLED
        if self.attended_at is None:
            return EventStatus.OPEN if now <= self.deadline else EventStatus.MISSED
        return EventStatus.ATTENDED if self.attended_at <= self.deadline else EventStatus.LATE


# 必到 means being there: an attendance is a visit in person, at the home or at a meeting; a
# phone call or a WeChat message is contact, not 到场.
ATTENDANCE_MODES: Final = frozenset({VisitMode.HOME, VisitMode.MEETING})


def check_attendance_mode(mode: VisitMode) -> None:
    if mode not in ATTENDANCE_MODES:
        raise Invalid(
            "event.not_in_person",
            "必到事项须本人到场：走访方式应为入户走访或会议见面",
            field="mode",
        )


def check_attendance_time(event: MustAttendEvent, visited_at: datetime) -> None:
    """An attendance is at or after the report: a late one dated back before it would count as
    on time. The time comes from the phone, to the minute (the form's field) and by a clock
    that may be a little behind the server's: the same allowance as for a visit "in the
    future" (``CLOCK_SKEW``), far too little to move an attendance across a deadline."""
    if visited_at < event.reported_at - CLOCK_SKEW:
        reported = event.reported_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
        raise Invalid(
            "event.attended_before_report",
            f"到场时间不能早于事件报告时间（{reported}），请填写实际到场时间",
            field="visited_at",
        )
