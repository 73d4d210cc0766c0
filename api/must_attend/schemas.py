"""The must-attend feature's request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.common import StrictIn, Text
from api.paging import Page
from domain.must_attend.model import EVENT_STATUS_LABELS, EventStatus, MustAttendEvent
from persistence.must_attend.queries import EventNames


class EventIn(StrictIn):
    kind: Text = Field(min_length=1, max_length=20, description="本模式的必到事项，如 红白大事")
    note: Text = Field(default="", max_length=1000)


class CancelIn(StrictIn):
    reason: Text = Field(min_length=1, max_length=500, description="撤销原因，如：误报")


class EventOut(BaseModel):
    id: int
    household_id: int
    member_id: int | None
    kind: str
    note: str
    reported_by: str
    reported_by_name: str = Field(description="报告人：姓名，或 农户（联心卡）、接口 名称")
    reported_at: datetime
    deadline: datetime
    visit_id: int | None
    attended_at: datetime | None
    status: EventStatus
    status_label: str
    head_name: str = Field(description="户主姓名")
    area_name: str = Field(description="农户所在网格（或村）")
    member_name: str | None = Field(description="联系党员；尚未联户时为空，须支部安排")
    reported_to_member_id: int | None = Field(
        description="报告时的联系党员：此后该户改由他人联系时，仍可查当时由谁负责到场"
    )
    reported_to_name: str | None
    cancelled_at: datetime | None = Field(description="撤销时间；未撤销为空")
    cancelled_by: str | None = Field(description="撤销人")
    cancel_reason: str = Field(description="撤销原因；未撤销为空")

    @classmethod
    def from_domain(
        cls, e: MustAttendEvent, now: datetime, names: EventNames, people: dict[str, str]
    ) -> EventOut:
        status = e.status(now)
        return cls(
            id=e.id,
            household_id=e.household_id,
            member_id=e.member_id,
            head_name=names.head_name,
            area_name=names.area_name,
            member_name=names.member_name,
            reported_to_member_id=e.reported_to,
            reported_to_name=names.reported_to_name,
            kind=e.kind,
            note=e.note,
            reported_by=e.reported_by,
            reported_by_name=people.get(e.reported_by, e.reported_by),
            reported_at=e.reported_at,
            deadline=e.deadline,
            visit_id=e.visit_id,
            attended_at=e.attended_at,
            status=status,
            status_label=EVENT_STATUS_LABELS[status],
            cancelled_at=e.cancelled_at,
            cancelled_by=e.cancelled_by,
            cancel_reason=e.cancel_reason,
        )


class EventPage(Page[EventOut]):
    pass
