"""五必到: must-attend events, members' tasks, attendance, the branch's view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.schemas.common import Offset, PathId, StrictIn, Text
from api.schemas.visits import VisitIn
from domain.kernel.access import Permission, Scope
from domain.must_attend import services as must_attend
from domain.must_attend.model import EVENT_STATUS_LABELS, EventStatus, MustAttendEvent
from persistence.accounts.names import actor_names
from persistence.must_attend.store import EventNames, SqlEventStore, event_names
from persistence.org.store import SqlOrgRepository
from persistence.registers.store import SqlHouseholdRepository, SqlMemberRepository

router = APIRouter(tags=["must-attend"])


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


@router.post(
    "/households/{household_id}/events",
    response_model=EventOut,
    status_code=201,
    summary="报告必到事项（五必到）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def report_event(
    household_id: PathId,
    body: EventIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> EventOut:
    now = clock()
    event = must_attend.report_event(
        uow, scope, household_id, kind=body.kind, note=body.note, at=now
    )
    return _out(session, [event], now)[0]


@router.post(
    "/events/{event_id}/attendance",
    response_model=EventOut,
    status_code=201,
    summary="记录到场（作为一次走访）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def attend_event(
    event_id: PathId,
    body: VisitIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> EventOut:
    now = clock()
    event = must_attend.attend_event(
        uow, scope, event_id, body.to_domain(), client_uuid=body.client_uuid, at=now
    )
    return _out(session, [event], now)[0]


@router.post(
    "/events/{event_id}/cancel",
    response_model=EventOut,
    summary="撤销必到事项（误报）：支部及以上，须写明原因，记入操作日志；撤销后不再是党员的待办",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def cancel_event(
    event_id: PathId,
    body: CancelIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> EventOut:
    now = clock()
    event = must_attend.cancel_event(uow, scope, event_id, reason=body.reason, at=now)
    return _out(session, [event], now)[0]


@router.get(
    "/members/{member_id}/tasks",
    response_model=list[EventOut],
    summary="党员待到场的必到事项（按截止时间）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def member_tasks(
    member_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> list[EventOut]:
    SqlMemberRepository(session).get(member_id, scope)
    return tasks_of(session, scope, member_id, clock())


def tasks_of(session: Session, scope: Scope, member_id: int, now: datetime) -> list[EventOut]:
    """A member's open tasks, soonest deadline first (also carried by the sync pull)."""
    return _out(session, SqlEventStore(session).of_member(member_id, scope), now)


@router.get(
    "/org-units/{org_id}/events",
    response_model=list[EventOut],
    summary="区域内的必到事项（含迟到、逾期未到），报告时间新的在前；用 offset 翻页",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def area_events(
    org_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    clock: ClockDep,
    status: EventStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[EventOut]:
    org = SqlOrgRepository(session).get(org_id, scope)
    now = clock()
    found = SqlEventStore(session).in_area(
        org.path, scope, limit=limit, offset=offset, status=status, now=now
    )
    return _out(session, found, now)


@router.get(
    "/households/{household_id}/events",
    response_model=list[EventOut],
    summary="农户的必到事项（全部，新的在前）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_events(
    household_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> list[EventOut]:
    SqlHouseholdRepository(session).get(household_id, scope)
    now = clock()
    return _out(session, SqlEventStore(session).of_household(household_id), now)


def _out(session: Session, events: Sequence[MustAttendEvent], now: datetime) -> list[EventOut]:
    names = event_names(session, events)
    people = actor_names(session, [e.reported_by for e in events])
    return [EventOut.from_domain(e, now, names[e.id], people) for e in events]
