"""会议: meetings that take the area's issues in (民情分析会, 民事交办会, 民主评议会, the
monthly 对账 and the weekly 民情碰头会), their agenda, attendance, minutes and ratings, the
tasks (交办事项) they assign, and the minutes as DOCX or PDF."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Response

from api.common import IsoDate, Label, PathId, QueryBool, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, SettingsDep, UowDep, require
from api.meetings.minutes import FontMissing, Minutes, compose, to_docx, to_pdf
from api.meetings.schemas import (
    AgendaIn,
    AttendanceIn,
    CancelIn,
    MeetingIn,
    MeetingItemOut,
    MeetingOut,
    MeetingPage,
    MeetingUpdateIn,
    MeetingVocabularyOut,
    MeetingWindow,
    MinutesIn,
    RatingIn,
    TaskDoneIn,
    TaskIn,
    TaskOut,
    TaskPage,
    TaskWindow,
)
from domain.kernel.access import Permission, Scope
from domain.kernel.time import local_date
from domain.meetings import services as meetings
from domain.meetings.model import (
    AGENDA_KIND_LABELS,
    RATING_TARGET_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    AgendaItem,
    Meeting,
    MeetingStatus,
    MeetingType,
    RatingTarget,
    Task,
    TaskStatus,
)
from persistence.meetings.queries import (
    TaskFilter,
    list_meetings,
    list_tasks,
    member_contacts,
    task_titles,
)

router = APIRouter(tags=["meetings"])

DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA = "application/pdf"


def _out(meeting: Meeting, tasks: list[Task], today: date) -> MeetingOut:
    return MeetingOut.from_domain(meeting, tasks, today=today)


def _whole(uow: UowDep, scope: Scope, meeting_id: int, today: date) -> MeetingOut:
    meeting, tasks = meetings.get(uow, scope, meeting_id)
    return _out(meeting, tasks, today)


@router.get(
    "/meeting-vocabulary",
    response_model=MeetingVocabularyOut,
    summary="会议类型、状态、议程类别、评议等级的代码与名称",
    dependencies=[require(Permission.MEETING_READ)],
)
def vocabulary() -> MeetingVocabularyOut:
    def labels(table: dict[str, str]) -> list[Label]:
        return [Label(code=code, label=label) for code, label in table.items()]

    return MeetingVocabularyOut(
        types=labels(TYPE_LABELS),  # type: ignore[arg-type]
        statuses=labels(STATUS_LABELS),  # type: ignore[arg-type]
        agenda_kinds=labels(AGENDA_KIND_LABELS),  # type: ignore[arg-type]
        satisfaction=labels(SATISFACTION_LABELS),  # type: ignore[arg-type]
        rating_targets=labels(RATING_TARGET_LABELS),  # type: ignore[arg-type]
    )


@router.post(
    "/meetings",
    response_model=MeetingOut,
    status_code=201,
    summary="计划召开一次会议",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def plan_meeting(body: MeetingIn, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> MeetingOut:
    at = clock()
    meeting = meetings.plan(
        uow,
        scope,
        type=body.type,
        org_id=body.org_id,
        title=body.title,
        held_on=body.held_on,
        place=body.place,
        at=at,
    )
    return _out(meeting, [], local_date(at))


@router.get(
    "/meetings",
    response_model=MeetingPage,
    summary="会议列表（本组织及下级，及所在村/社区的会议）",
    dependencies=[require(Permission.MEETING_READ)],
)
def list_all(
    scope: ScopeDep,
    session: SessionDep,
    window: MeetingWindow,
    org_id: Annotated[int | None, query_id("只列此组织子树内的会议")] = None,
    type: Annotated[MeetingType | None, Query(description="会议类型")] = None,
    status: Annotated[MeetingStatus | None, Query()] = None,
    since: Annotated[IsoDate | None, Query(description="会议日期不早于")] = None,
    until: Annotated[IsoDate | None, Query(description="会议日期不晚于")] = None,
) -> MeetingPage:
    page = list_meetings(
        session, scope, window, under=org_id, type=type, status=status, since=since, until=until
    )
    return MeetingPage(
        data=[MeetingItemOut.from_summary(m) for m in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/meetings/{meeting_id}",
    response_model=MeetingOut,
    summary="会议：议程、出席、纪要、交办事项、评议",
    dependencies=[require(Permission.MEETING_READ)],
)
def get_meeting(meeting_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> MeetingOut:
    return _whole(uow, scope, meeting_id, local_date(clock()))


@router.patch(
    "/meetings/{meeting_id}",
    response_model=MeetingOut,
    summary="修改会议名称、日期、地点",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def edit_meeting(
    meeting_id: PathId, body: MeetingUpdateIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MeetingOut:
    at = clock()
    meetings.edit(
        uow, scope, meeting_id, title=body.title, held_on=body.held_on, place=body.place, at=at
    )
    return _whole(uow, scope, meeting_id, local_date(at))


@router.post(
    "/meetings/{meeting_id}/agenda/draw",
    response_model=MeetingOut,
    summary="从本片待办问题、超期事项和到期复查的台账生成议程建议（替换现有议程）",
    dependencies=[require(Permission.MEETING_WRITE, Permission.ISSUE_READ)],
)
def draw_agenda(meeting_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> MeetingOut:
    at = clock()
    meetings.draw_agenda(uow, scope, meeting_id, at=at)
    return _whole(uow, scope, meeting_id, local_date(at))


@router.put(
    "/meetings/{meeting_id}/agenda",
    response_model=MeetingOut,
    summary="编辑议程（增删、调整顺序）",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def set_agenda(
    meeting_id: PathId, body: AgendaIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MeetingOut:
    at = clock()
    items = [AgendaItem(0, i.kind, i.title, i.issue_id) for i in body.items]
    meetings.set_agenda(uow, scope, meeting_id, items, at=at)
    return _whole(uow, scope, meeting_id, local_date(at))


@router.put(
    "/meetings/{meeting_id}/attendance",
    response_model=MeetingOut,
    summary="登记出席情况（会议即为已召开）",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def record_attendance(
    meeting_id: PathId, body: AttendanceIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MeetingOut:
    at = clock()
    meetings.record_attendance(
        uow,
        scope,
        meeting_id,
        members=[meetings.Presence(p.member_id, p.present, p.absence_reason) for p in body.members],
        representatives=body.representatives,
        at=at,
    )
    return _whole(uow, scope, meeting_id, local_date(at))


@router.put(
    "/meetings/{meeting_id}/minutes",
    response_model=MeetingOut,
    summary="记录会议纪要：小结、各议程纪要、会议决定、党员对账汇报",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def record_minutes(
    meeting_id: PathId, body: MinutesIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MeetingOut:
    at = clock()
    meetings.record_minutes(
        uow,
        scope,
        meeting_id,
        summary=body.summary,
        decisions=body.decisions,
        item_minutes={i.seq: i.minutes for i in body.items},
        reports={r.member_id: r.report for r in body.reports},
        at=at,
    )
    return _whole(uow, scope, meeting_id, local_date(at))


@router.post(
    "/meetings/{meeting_id}/finalise",
    response_model=MeetingOut,
    summary="纪要定稿（民事交办会的交办事项随之公示）",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def finalise(meeting_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> MeetingOut:
    at = clock()
    meetings.finalise(uow, scope, meeting_id, at=at)
    return _whole(uow, scope, meeting_id, local_date(at))


@router.post(
    "/meetings/{meeting_id}/cancel",
    response_model=MeetingOut,
    summary="取消计划中的会议",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def cancel(
    meeting_id: PathId, body: CancelIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MeetingOut:
    at = clock()
    meetings.cancel(uow, scope, meeting_id, reason=body.reason, at=at)
    return _whole(uow, scope, meeting_id, local_date(at))


@router.post(
    "/meetings/{meeting_id}/tasks",
    response_model=TaskOut,
    status_code=201,
    summary="民事交办会交办一项事项：责任人、目标任务、具体措施、完成时限",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def add_task(
    meeting_id: PathId, body: TaskIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> TaskOut:
    at = clock()
    task = meetings.add_task(
        uow,
        scope,
        meeting_id,
        title=body.title,
        owner_member_id=body.owner_member_id,
        target=body.target,
        measures=body.measures,
        deadline=body.deadline,
        issue_id=body.issue_id,
        at=at,
    )
    return TaskOut.from_domain(task, today=local_date(at))


@router.post(
    "/meetings/{meeting_id}/ratings",
    response_model=MeetingOut,
    summary="民主评议会：群众代表评议党员或交办事项（同一代表再评即替换）",
    dependencies=[require(Permission.MEETING_WRITE)],
)
def rate(
    meeting_id: PathId, body: RatingIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MeetingOut:
    at = clock()
    meetings.rate(
        uow,
        scope,
        meeting_id,
        household_id=body.household_id,
        target=body.target,
        target_id=body.target_id,
        level=body.level,
        at=at,
    )
    return _whole(uow, scope, meeting_id, local_date(at))


def _minutes(
    meeting_id: int, scope: Scope, uow: UowDep, session: SessionDep
) -> tuple[Meeting, Minutes]:
    meeting, tasks = meetings.get(uow, scope, meeting_id)
    members = [t.owner_member_id for t in tasks] + [
        r.target_id for r in meeting.ratings if r.target is RatingTarget.MEMBER
    ]
    rated_tasks = [r.target_id for r in meeting.ratings if r.target is RatingTarget.TASK]
    doc = compose(
        meeting,
        tasks,
        contacts=member_contacts(session, members),
        task_titles=task_titles(session, rated_tasks),
        personal=scope.sees_personal_data,
    )
    return meeting, doc


def _attachment(meeting: Meeting, suffix: str) -> dict[str, str]:
    chinese = quote(f"{meeting.org_name}{TYPE_LABELS[meeting.type]}纪要-{meeting.held_on}.{suffix}")
    return {
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-minutes.{suffix}"; '
        f"filename*=UTF-8''{chinese}"
    }


@router.get(
    "/meetings/{meeting_id}/minutes.docx",
    summary="导出会议纪要（Word）",
    dependencies=[require(Permission.MEETING_READ)],
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA: {}}}},
)
def minutes_docx(meeting_id: PathId, scope: ScopeDep, uow: UowDep, session: SessionDep) -> Response:
    meeting, doc = _minutes(meeting_id, scope, uow, session)
    return Response(
        to_docx(doc),
        media_type=DOCX_MEDIA,
        headers=_attachment(meeting, "docx"),
    )


@router.get(
    "/meetings/{meeting_id}/minutes.pdf",
    summary="导出会议纪要（PDF）",
    dependencies=[require(Permission.MEETING_READ)],
    response_class=Response,
    responses={200: {"content": {PDF_MEDIA: {}}}},
)
def minutes_pdf(
    meeting_id: PathId,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    meeting, doc = _minutes(meeting_id, scope, uow, session)
    try:
        content = to_pdf(doc, font=settings.pdf_font)
    except FontMissing:
        raise HTTPException(503, "服务器未安装中文字体，暂不能导出 PDF（可导出 Word）") from None
    return Response(content, media_type=PDF_MEDIA, headers=_attachment(meeting, "pdf"))


# ── tasks ──


@router.get(
    "/meeting-tasks",
    response_model=TaskPage,
    summary="交办事项（本组织及下级；可只看已公示、超期）",
    dependencies=[require(Permission.MEETING_READ)],
)
def tasks(
    scope: ScopeDep,
    session: SessionDep,
    window: TaskWindow,
    clock: ClockDep,
    org_id: Annotated[int | None, query_id("只列此组织子树内的事项")] = None,
    meeting_id: Annotated[int | None, query_id("只列此会议交办的事项")] = None,
    status: Annotated[TaskStatus | None, Query()] = None,
    overdue: Annotated[QueryBool | None, Query(description="只列超期（或未超期）的")] = None,
    published: Annotated[QueryBool | None, Query(description="只列已公示（或未公示）的")] = None,
) -> TaskPage:
    return _task_page(
        session,
        scope,
        window,
        TaskFilter(
            today=local_date(clock()),
            under=org_id,
            meeting_id=meeting_id,
            status=status,
            overdue=overdue,
            published=published,
        ),
    )


@router.get(
    "/meeting-tasks/mine",
    response_model=TaskPage,
    summary="我的会议任务（本人为责任人的交办事项）",
    dependencies=[require(Permission.MEETING_READ)],
)
def my_tasks(
    scope: ScopeDep,
    session: SessionDep,
    window: TaskWindow,
    clock: ClockDep,
    status: Annotated[TaskStatus | None, Query()] = None,
) -> TaskPage:
    wanted = TaskFilter(today=local_date(clock()), mine=True, status=status, published=True)
    return _task_page(session, scope, window, wanted)


def _task_page(
    session: SessionDep, scope: Scope, window: TaskWindow, wanted: TaskFilter
) -> TaskPage:
    page = list_tasks(session, scope, window, wanted)
    return TaskPage(
        data=[TaskOut.from_domain(t, today=wanted.today) for t in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/meeting-tasks/{task_id}",
    response_model=TaskOut,
    summary="交办事项及其办理记录",
    dependencies=[require(Permission.MEETING_READ)],
)
def get_task(task_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> TaskOut:
    return TaskOut.from_domain(meetings.get_task(uow, scope, task_id), today=local_date(clock()))


@router.post(
    "/meeting-tasks/{task_id}/done",
    response_model=TaskOut,
    summary="办结交办事项（责任人或支部），填写办结情况",
    dependencies=[require(Permission.MEETING_READ)],
)
def mark_done(
    task_id: PathId, body: TaskDoneIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> TaskOut:
    at = clock()
    task = meetings.mark_done(uow, scope, task_id, note=body.note, at=at)
    return TaskOut.from_domain(task, today=local_date(at))
