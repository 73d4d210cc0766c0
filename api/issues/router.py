"""问题办理: the five-step issue flow (收集 → 分类 → 流转 → 督办 → 反馈 → 销号), the inbox and the
ledger, statistics per handling org, the work calendar, and the household's matters on its card.

Every action is one ``POST /issues/{id}/actions`` with a body told apart by ``action``: an
action the issue's status does not allow is 409 ``issue.action_not_allowed`` with the actions
that are (``errors``: one per action code with its label)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.common import ClientUuid, IsoDate, Label, PathId, QueryBool, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, SettingsDep, UowDep, require
from api.disclosure.card import card_uow, no_store
from api.issues.schemas import (
    AcceptIn,
    ActionIn,
    ApproveExtensionIn,
    AssignIn,
    CalendarDayIn,
    CalendarDayOut,
    CalendarOut,
    CardIssueIn,
    CardIssueOut,
    CardIssuesOut,
    CardRatingIn,
    ClassifyIn,
    CloseIn,
    ConfirmToldIn,
    EscalateIn,
    FromDraftIn,
    IssueIn,
    IssueItemOut,
    IssueOut,
    IssuePage,
    IssuePhotoOut,
    IssueStatsOut,
    IssueVocabularyOut,
    OrgIssueStatsOut,
    PutOnLedgerIn,
    RateIn,
    RefuseExtensionIn,
    ReopenIn,
    RequestExtensionIn,
    ResolveIn,
    SendBackIn,
    SolveOnSpotIn,
    UrgeIn,
)
from api.paging import IssueWindow
from api.photos.upload import PHOTO_BODY, StorageDep, image_upload
from api.problems import PROBLEM_JSON, Problem
from domain.issues import services as issues
from domain.issues.model import (
    ACTION_LABELS,
    DIFFICULTY_LABELS,
    RATING_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    SUPERVISION_LABELS,
    SYSTEM_ACTIONS,
    TIER_LABELS,
    Issue,
    IssueStatus,
    Supervision,
)
from domain.kernel.access import Permission
from domain.kernel.errors import Invalid
from domain.kernel.time import CHINA
from domain.kernel.unit_of_work import UnitOfWork
from persistence.accounts.names import actor_names
from persistence.issues.queries import (
    IssueFilter,
    calendar_day,
    calendar_days,
    issue_names,
    list_issues,
    org_statistics,
)
from persistence.photos.media import clean_photo

router = APIRouter(tags=["issues"])
public_router = APIRouter(prefix="/public", tags=["issues"])


def _labels(mapping: Any) -> list[Label]:
    return [Label(code=str(k), label=v) for k, v in mapping.items()]


def _shown(
    issue: Issue, session: SessionDep, uow: UnitOfWork, now: datetime, *, duplicate: bool = False
) -> IssueOut:
    """The issue with the names of its orgs, household and actors."""
    orgs = [o.id for o in issue.line] + [e.from_org for e in issue.timeline]
    names = issue_names(session, orgs, [issue.household_id])
    people = actor_names(session, [issue.raiser, *(e.actor for e in issue.timeline)])
    return IssueOut.of(
        issue,
        names=names,
        people=people,
        categories=issues.category_labels(),
        now=now,
        duplicate=duplicate,
    )


@router.get(
    "/issues/vocabulary",
    response_model=IssueVocabularyOut,
    summary="问题办理的代码与中文名称（类别、难度、状态、操作……）",
    dependencies=[require(Permission.ISSUE_READ)],
)
def vocabulary(
    uow: UowDep,
    scope: ScopeDep,
    org_id: Annotated[int | None, query_id("类别按此组织的联户模式（默认本人所在组织）")] = None,
) -> IssueVocabularyOut:
    return IssueVocabularyOut(
        categories=_labels(issues.offered_categories(uow, scope, org_id)),
        difficulties=_labels(DIFFICULTY_LABELS),
        statuses=_labels(STATUS_LABELS),
        actions=_labels({a: v for a, v in ACTION_LABELS.items() if a not in SYSTEM_ACTIONS}),
        sources=_labels(SOURCE_LABELS),
        supervision_levels=_labels(SUPERVISION_LABELS),
        tiers=_labels(TIER_LABELS),
        ratings=_labels(RATING_LABELS),
        steps=_labels(STEP_LABELS),
        card_issues_a_day=issues.CARD_ISSUES_A_DAY,
    )


# ── 收集 ──────────────────────────────────────────────────────────────────────────────────────


@router.post(
    "/issues",
    response_model=IssueOut,
    status_code=201,
    summary="提出问题（党员直报，或支部及以上提出）",
    description="A household's matter (`household_id`, one the caller may reach) or one of a "
    "place (`org_id`, by default the caller's own org). Its first receiver is the caller's own "
    "org when it lies on the issue's line (首问负责). With `client_ref` a request sent again "
    "answers 200 with the issue created the first time (`duplicate`).",
    responses={200: {"model": IssueOut, "description": "同一 client_ref 已提出过：返回原问题"}},
    dependencies=[require(Permission.ISSUE_WRITE)],
)
def raise_issue(
    body: IssueIn,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> IssueOut:
    now = clock()
    raised = issues.raise_issue(
        uow,
        scope,
        title=body.title,
        text=body.text,
        at=now,
        household_id=body.household_id,
        org_id=body.org_id,
        category=body.category,
        client_ref=body.client_ref,
    )
    if not raised.created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/issues/{raised.issue.id}"
    return _shown(raised.issue, session, uow, now, duplicate=not raised.created)


@router.post(
    "/issue-drafts/{draft_id}/issue",
    response_model=IssueOut,
    status_code=201,
    summary="把走访中的问题草稿转为问题办理",
    responses={200: {"model": IssueOut, "description": "该草稿已转为问题：返回该问题"}},
    dependencies=[require(Permission.ISSUE_WRITE)],
)
def raise_from_draft(
    draft_id: PathId,
    body: FromDraftIn,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> IssueOut:
    now = clock()
    raised = issues.raise_from_draft(uow, scope, draft_id, at=now, category=body.category)
    if not raised.created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/issues/{raised.issue.id}"
    return _shown(raised.issue, session, uow, now, duplicate=not raised.created)


# ── the inbox, the ledger, statistics ─────────────────────────────────────────────────────────


@router.get(
    "/issues",
    response_model=IssuePage,
    summary="问题列表：待办、超期、黄牌红牌、台账（按办理组织子树）",
    description="Issues handled in the caller's subtree (or `org_id`'s in it), soonest "
    "deadline first. `status` may be given several times. `overdue` is judged now, whether or "
    "not the sweep has marked it yet. `mine`: the issues the caller sent.",
    dependencies=[require(Permission.ISSUE_READ)],
)
def list_all(
    scope: ScopeDep,
    session: SessionDep,
    uow: UowDep,
    clock: ClockDep,
    window: IssueWindow,
    org_id: Annotated[int | None, query_id("办理组织在此组织子树内")] = None,
    origin_org_id: Annotated[int | None, query_id("问题所在地在此组织子树内")] = None,
    status: Annotated[list[IssueStatus] | None, Query(description="状态（可多选）")] = None,
    supervision: Annotated[Supervision | None, Query(description="督办等级")] = None,
    overdue: Annotated[QueryBool | None, Query(description="是否超期")] = None,
    category: Annotated[str | None, Query(pattern=r"^[a-z_]{1,30}$", description="类别")] = None,
    household_id: Annotated[int | None, query_id("所涉农户")] = None,
    mine: Annotated[QueryBool, Query(description="只看本人提出的")] = False,
) -> IssuePage:
    wanted = IssueFilter(
        now=clock(),
        under=org_id,
        origin_under=origin_org_id,
        statuses=tuple(status or ()),
        supervision=supervision,
        overdue=overdue,
        category=category,
        household_id=household_id,
        raised_by=scope.actor if mine else None,
    )
    page = list_issues(session, scope, window, wanted)
    names = issue_names(
        session,
        [i.handler_org_id for i in page.items] + [i.origin_org_id for i in page.items],
        [i.household_id for i in page.items],
    )
    categories = issues.category_labels()
    return IssuePage(
        data=[IssueItemOut.of(i, names, categories) for i in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/issues/statistics",
    response_model=IssueStatsOut,
    summary="各办理组织的问题统计：受理、办结、按时、超期、满意率、平均办结天数",
    dependencies=[require(Permission.ISSUE_READ)],
)
def statistics(
    scope: ScopeDep,
    session: SessionDep,
    clock: ClockDep,
    org_id: Annotated[int | None, query_id("统计此组织及其下级（默认本人管辖范围）")] = None,
    since: Annotated[IsoDate | None, Query(description="提出日期自（含）")] = None,
    until: Annotated[IsoDate | None, Query(description="提出日期至（含）")] = None,
) -> IssueStatsOut:
    if since and until and until < since:
        raise Invalid("time.range_reversed", "结束日期不能早于开始日期", field="until")
    figures = org_statistics(
        session,
        scope,
        now=clock(),
        under=org_id,
        since=_start_of(since),
        until=_start_of(until, next_day=True),
    )
    return IssueStatsOut(data=[OrgIssueStatsOut.of(f) for f in figures])


def _start_of(day: date | None, *, next_day: bool = False) -> datetime | None:
    """The instant a day begins in China (or the next day does: an "until" date is included)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if next_day else day, time(), CHINA)


@router.get(
    "/issues/{issue_id}",
    response_model=IssueOut,
    summary="问题详情：流转线路、时限、时间线、可进行的操作",
    dependencies=[require(Permission.ISSUE_READ)],
)
def get_one(
    issue_id: PathId, scope: ScopeDep, uow: UowDep, session: SessionDep, clock: ClockDep
) -> IssueOut:
    return _shown(issues.get_issue(uow, scope, issue_id), session, uow, clock())


# ── the actions ───────────────────────────────────────────────────────────────────────────────

Act = Callable[[Any, UnitOfWork, Any, int, datetime], Issue]

ACTIONS: dict[type, Act] = {
    ClassifyIn: lambda b, u, s, i, at: issues.classify(
        u, s, i, category=b.category, difficulty=b.difficulty, at=at, note=b.note
    ),
    SolveOnSpotIn: lambda b, u, s, i, at: issues.solve_on_spot(u, s, i, answer=b.answer, at=at),
    AssignIn: lambda b, u, s, i, at: issues.assign(u, s, i, at=at, note=b.note),
    AcceptIn: lambda b, u, s, i, at: issues.accept(u, s, i, at=at, note=b.note),
    EscalateIn: lambda b, u, s, i, at: issues.escalate(u, s, i, reason=b.reason, at=at),
    SendBackIn: lambda b, u, s, i, at: issues.send_back(u, s, i, reason=b.reason, at=at),
    RequestExtensionIn: lambda b, u, s, i, at: issues.request_extension(
        u, s, i, until=b.until, reason=b.reason, at=at
    ),
    ApproveExtensionIn: lambda b, u, s, i, at: issues.approve_extension(
        u, s, i, at=at, note=b.note
    ),
    RefuseExtensionIn: lambda b, u, s, i, at: issues.refuse_extension(
        u, s, i, reason=b.reason, at=at
    ),
    UrgeIn: lambda b, u, s, i, at: issues.urge(u, s, i, at=at, note=b.note),
    ResolveIn: lambda b, u, s, i, at: issues.resolve(u, s, i, answer=b.answer, at=at),
    ConfirmToldIn: lambda b, u, s, i, at: issues.confirm_told(u, s, i, at=at, note=b.note),
    RateIn: lambda b, u, s, i, at: issues.rate(u, s, i, rating=b.rating, at=at, reason=b.reason),
    CloseIn: lambda b, u, s, i, at: issues.close(u, s, i, result=b.result, at=at),
    PutOnLedgerIn: lambda b, u, s, i, at: issues.put_on_ledger(
        u, s, i, plan=b.plan, owner=b.owner, review_on=b.review_on, at=at
    ),
    ReopenIn: lambda b, u, s, i, at: issues.reopen(u, s, i, reason=b.reason, at=at),
}


@router.post(
    "/issues/{issue_id}/actions",
    response_model=IssueOut,
    summary="办理问题：分类、当场解决、交办、受理、上报、退回、延期、催办、答复、反馈、评价、销号、台账、重办",
    description="One action, named by `action`, with its own fields. An action the issue's "
    "status does not allow is 409 `issue.action_not_allowed`, whose `errors` list the actions "
    "that are allowed (code and label). Who may act is checked next: the handling org "
    "(受理、上报、退回、答复 …), the level above it (批准延期、督办), the raiser (评价), the "
    "household's contact member (确认已反馈). Approving or refusing an extension and urging "
    "need `issue:supervise`.",
    dependencies=[require(Permission.ISSUE_WRITE)],
)
def act(
    issue_id: PathId,
    body: ActionIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> IssueOut:
    now = clock()
    done = ACTIONS[type(body)](body, uow, scope, issue_id, now)
    return _shown(done, session, uow, now)


# ── photos ────────────────────────────────────────────────────────────────────────────────────


@router.post(
    "/issues/{issue_id}/photos",
    response_model=IssuePhotoOut,
    status_code=201,
    summary="给问题添加照片（JPEG/PNG/WebP；去除 EXIF 位置信息）",
    description="As on visits: the raw image body with its Content-Type or multipart "
    "`file`; at most 9 per issue; `LIANHU_PHOTO_MAX_MB` each; `client_uuid` makes a resend "
    "find the photo stored the first time (200, `duplicate`). Not on a closed issue.",
    dependencies=[require(Permission.ISSUE_WRITE)],
    responses={
        200: {"model": IssuePhotoOut, "description": "同一 client_uuid 已上传过"},
        415: {"model": Problem, "content": {PROBLEM_JSON: {}}},
    },
    openapi_extra=PHOTO_BODY,
)
async def add_photo(
    issue_id: PathId,
    request: Request,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    storage: StorageDep,
    client_uuid: Annotated[
        ClientUuid | None, Query(description="客户端生成的 UUID：重发时不重复保存")
    ] = None,
) -> IssuePhotoOut:
    data, content_type = await image_upload(request)
    photo, duplicate = await run_in_threadpool(
        issues.add_issue_photo,
        uow,
        storage,
        clean_photo,
        scope,
        issue_id,
        data=data,
        content_type=content_type,
        max_bytes=settings.photo_max_bytes,
        at=clock(),
        client_uuid=client_uuid,
    )
    if duplicate:
        response.status_code = 200
    return IssuePhotoOut.of(photo, duplicate=duplicate)


@router.get(
    "/issues/{issue_id}/photos",
    response_model=list[IssuePhotoOut],
    summary="问题的照片",
    dependencies=[require(Permission.ISSUE_READ)],
)
def photos(issue_id: PathId, scope: ScopeDep, uow: UowDep) -> list[IssuePhotoOut]:
    return [IssuePhotoOut.of(p) for p in issues.issue_photos(uow, scope, issue_id)]


@router.get(
    "/issues/{issue_id}/photos/{photo_id}",
    summary="问题照片文件",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
    dependencies=[require(Permission.ISSUE_READ)],
)
def photo_file(
    issue_id: PathId, photo_id: PathId, scope: ScopeDep, uow: UowDep, storage: StorageDep
) -> Response:
    photo, data = issues.issue_photo_bytes(uow, storage, scope, issue_id, photo_id)
    return Response(
        data,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, max-age=86400", "ETag": f'"{photo.sha256}"'},
    )


# ── the work calendar ─────────────────────────────────────────────────────────────────────────


@router.get(
    "/work-calendar",
    response_model=CalendarOut,
    summary="工作日历：一年中的节假日、调休上班日及改动（办理时限按工作日计算）",
    dependencies=[require(Permission.ISSUE_READ)],
)
def work_calendar(
    session: SessionDep,
    clock: ClockDep,
    year: Annotated[int | None, Query(ge=2000, le=2099, description="年份（默认今年）")] = None,
) -> CalendarOut:
    shown = year or clock().astimezone(CHINA).year
    return CalendarOut(
        year=shown, days=[CalendarDayOut.of(d) for d in calendar_days(session, shown)]
    )


@router.put(
    "/work-calendar/{day}",
    response_model=CalendarDayOut,
    summary="设置某天：放假、调休上班，或按国家安排",
    dependencies=[require(Permission.SCHEME_WRITE)],
)
def set_day(
    day: date,
    body: CalendarDayIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> CalendarDayOut:
    issues.set_calendar_day(uow, scope, day=day, kind=body.kind, note=body.note, at=clock())
    return CalendarDayOut.of(calendar_day(session, day))


# ── the household, through its card (no login: the token is the credential) ──────────────────


def _card_view(request: Request, issue: Issue) -> CardIssueOut:
    return CardIssueOut.of(issue, issues.category_labels())


@public_router.get(
    "/cards/{token}/issues",
    response_model=CardIssuesOut,
    summary="联心卡：本户反映的问题及办理进度（扫码，无需登录）",
)
def card_issues(token: str, request: Request, response: Response) -> CardIssuesOut:
    found = issues.card_issues(card_uow(request), token)
    no_store(response)
    return CardIssuesOut(
        data=[CardIssueOut.of(i, issues.category_labels()) for i in found],
        categories=_labels(issues.card_categories(card_uow(request), token)),
        per_day=issues.CARD_ISSUES_A_DAY,
    )


@public_router.post(
    "/cards/{token}/issues",
    response_model=CardIssueOut,
    status_code=201,
    summary="联心卡：农户反映问题（扫码，无需登录；每户每天 3 件）",
    description="The household must choose the kind of matter (`category`): nothing is chosen "
    "for it. Its grid receives it. More than 3 a day (China time) is 429 with Retry-After.",
)
def card_raise(
    token: str, body: CardIssueIn, request: Request, response: Response, clock: ClockDep
) -> CardIssueOut:
    issue = issues.raise_by_card(
        card_uow(request),
        token,
        title=body.title,
        text=body.text,
        category=body.category,
        at=clock(),
    )
    no_store(response)
    return _card_view(request, issue)


@public_router.get(
    "/cards/{token}/issues/{issue_id}",
    response_model=CardIssueOut,
    summary="联心卡：一件问题的办理进度（扫码，无需登录）",
)
def card_issue(token: str, issue_id: PathId, request: Request, response: Response) -> CardIssueOut:
    issue = issues.card_issue(card_uow(request), token, issue_id)
    no_store(response)
    return _card_view(request, issue)


@public_router.post(
    "/cards/{token}/issues/{issue_id}/rating",
    response_model=CardIssueOut,
    summary="联心卡：评价办理结果（满意 / 基本满意 / 不满意；不满意将重新办理）",
)
def card_rate(
    token: str,
    issue_id: PathId,
    body: CardRatingIn,
    request: Request,
    response: Response,
    clock: ClockDep,
) -> CardIssueOut:
    issue = issues.rate_by_card(
        card_uow(request), token, issue_id, rating=body.rating, at=clock(), reason=body.reason
    )
    no_store(response)
    return _card_view(request, issue)
