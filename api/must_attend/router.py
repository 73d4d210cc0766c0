"""五必到: must-attend events, members' tasks, attendance, the branch's view."""

from __future__ import annotations

from fastapi import APIRouter

from api.common import PathId
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.must_attend.schemas import CancelIn, EventIn, EventOut, EventPage
from api.must_attend.shown import shown
from api.paging import EventWindow
from api.visits.schemas import VisitIn
from domain.kernel.access import Permission
from domain.must_attend import services as must_attend
from domain.must_attend.model import EventStatus
from persistence.must_attend import queries as events

router = APIRouter(tags=["must-attend"])


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
    return shown(session, [event], now)[0]


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
    return shown(session, [event], now)[0]


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
    return shown(session, [event], now)[0]


@router.get(
    "/members/{member_id}/tasks",
    response_model=list[EventOut],
    summary="党员待到场的必到事项（按截止时间）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def member_tasks(
    member_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> list[EventOut]:
    return shown(session, events.member_tasks(session, scope, member_id), clock())


@router.get(
    "/org-units/{org_id}/events",
    response_model=EventPage,
    summary="区域内的必到事项（含迟到、逾期未到），报告时间新的在前；用 offset 翻页",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def area_events(
    org_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    window: EventWindow,
    clock: ClockDep,
    status: EventStatus | None = None,
) -> EventPage:
    now = clock()
    page = events.area_events(session, scope, org_id, window, status=status, now=now)
    return EventPage(
        data=shown(session, page.items, now),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/households/{household_id}/events",
    response_model=list[EventOut],
    summary="农户的必到事项（全部，新的在前）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_events(
    household_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> list[EventOut]:
    return shown(session, events.household_events(session, scope, household_id), clock())
