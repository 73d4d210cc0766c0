"""走访 / 民情日志: log visits, edit within 24 hours or amend, due lists and compliance."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from api.common import Label, PathId
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.paging import IdleMemberWindow
from api.transfer.tabular import write_csv
from api.visits.group_commit import GroupCommit
from api.visits.schemas import (
    ComplianceOut,
    DueListOut,
    DueOut,
    IdleMemberOut,
    IdleMemberPage,
    VisitChange,
    VisitIn,
    VisitOut,
)
from domain.kernel.access import Permission
from domain.kernel.errors import DomainError
from domain.kernel.time import CHINA, local_date
from domain.visits import services as visits
from domain.visits.model import month_start
from persistence.org.queries import get_org
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from persistence.visits import queries

router = APIRouter(tags=["visits"])

# Visits written together (api.visits.group_commit): one batch at a time per worker, while the next
# gathers. Two or three at once only split the load into smaller batches, each paying its own
# commit: on bench-field (two workers) 1,131 visits/s, p99 85 ms, with one; 831/s, p99 145 ms,
# with two.
CONCURRENT_BATCHES = 1
MAX_BATCH = 100


def visit_log(
    session_factory: sessionmaker[Session], clock: Callable[[], datetime]
) -> GroupCommit[visits.VisitLogging, visits.Logged]:
    """Where ``POST /visits`` sends its visits (app.state.visit_log)."""

    def write(items: list[visits.VisitLogging]) -> list[visits.Logged | DomainError]:
        return visits.log_visits(SqlAlchemyUnitOfWork(session_factory), items, at=clock())

    return GroupCommit(write, concurrency=CONCURRENT_BATCHES, max_batch=MAX_BATCH)


@router.post(
    "/visits",
    response_model=VisitOut,
    status_code=201,
    summary="记录走访（民情日志）",
    dependencies=[require(Permission.VISIT_WRITE)],
    responses={200: {"model": VisitOut, "description": "同一 client_uuid 已记录过"}},
)
async def log_visit(
    body: VisitIn, request: Request, response: Response, scope: ScopeDep
) -> VisitOut:
    """与同一时刻其他党员记录的走访合并写入（组提交），逐条应答，与单独记录时相同。"""
    log: GroupCommit[visits.VisitLogging, visits.Logged] = request.app.state.visit_log
    logged = await log.submit(
        visits.VisitLogging(
            scope,
            body.to_domain(),
            client_uuid=body.client_uuid,
            request_id=getattr(request.state, "request_id", None),
        )
    )
    if logged.duplicate:
        response.status_code = 200
    return VisitOut.from_domain(logged.visit, duplicate=logged.duplicate)


@router.patch(
    "/visits/{visit_id}",
    response_model=VisitOut,
    summary="修改走访（24 小时内）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def edit_visit(
    visit_id: PathId, body: VisitChange, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> VisitOut:
    return VisitOut.from_domain(visits.edit_visit(uow, scope, visit_id, body.changes(), at=clock()))


@router.post(
    "/visits/{visit_id}/amendments",
    response_model=VisitOut,
    status_code=201,
    summary="补充更正（保留原记录）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def amend_visit(
    visit_id: PathId, body: VisitChange, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> VisitOut:
    return VisitOut.from_domain(
        visits.amend_visit(uow, scope, visit_id, body.changes(), at=clock())
    )


@router.get(
    "/households/{household_id}/visits",
    response_model=list[VisitOut],
    summary="农户的走访记录（新的在前）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_visits(
    household_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[VisitOut]:
    return [
        VisitOut.from_domain(v)
        for v in queries.household_visits(session, scope, household_id, limit=limit)
    ]


@router.get(
    "/households/{household_id}/visit-flags",
    response_model=list[Label],
    summary="走访该户时可记的必记事项（该户所在层级的联户模式）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_visit_flags(household_id: PathId, scope: ScopeDep, uow: UowDep) -> list[Label]:
    """The visit form's 必记: the scheme's visit_log_flags in force for the household's level
    (the four of seeds/jiaxing-yilian-sanhui.txt unless a level set its own), each with the
    code a visit's ``flags[].kind`` takes."""
    return [
        Label(code=code, label=label)
        for code, label in visits.visit_flags_for(uow, scope, household_id)
    ]


@router.get(
    "/members/{member_id}/due",
    response_model=DueListOut,
    summary="党员的待走访清单（逾期、困难户在前）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def due(member_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> DueListOut:
    now = clock()
    cadence, items = visits.due_for_member(uow, scope, member_id, at=now)
    return DueListOut(cadence_days=cadence, data=[DueOut.from_domain(i, now) for i in items])


@router.get(
    "/org-units/{org_id}/compliance",
    response_model=ComplianceOut,
    summary="走访达标率与党员参与率",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def compliance(org_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> ComplianceOut:
    cadence, result = visits.compliance(uow, scope, org_id, at=clock())
    return ComplianceOut.from_domain(cadence, result)


@router.get(
    "/org-units/{org_id}/compliance/idle-members",
    response_model=IdleMemberPage,
    summary="本月未走访的联户党员（从未走访的在前）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def idle_members(
    org_id: PathId, scope: ScopeDep, session: SessionDep, window: IdleMemberWindow, clock: ClockDep
) -> IdleMemberPage:
    """与走访达标率中的党员参与率同一口径（有联系户、本月（北京时间）没有走访），列出的总数即
    members − members_visiting_this_month，供提醒；只列调用者范围内的党员。"""
    page = queries.idle_members(
        session, scope, org_id, since_month=month_start(clock()), window=window
    )
    return IdleMemberPage(
        data=[IdleMemberOut.from_domain(m) for m in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


IDLE_HEADER = ["党员", "所在组织", "联系农户数", "最近一次走访"]


@router.get(
    "/org-units/{org_id}/compliance/idle-members.csv",
    summary="导出本月未走访的联户党员（CSV，全部，口径同 idle-members）",
    dependencies=[require(Permission.HOUSEHOLD_READ), require(Permission.EXPORT)],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def idle_members_csv(
    org_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> Response:
    org = get_org(session, scope, org_id)
    rows: list[list[object]] = [
        [
            m.name,
            m.org_name,
            m.households,
            m.last_visit.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
            if m.last_visit
            else "从未走访",
        ]
        for m in queries.every_idle_member(session, scope, org_id, since_month=month_start(clock()))
    ]
    out = io.StringIO()
    write_csv(out, IDLE_HEADER, rows)
    name = f"本月未走访党员-{org.name}-{local_date(clock()).isoformat()}.csv"
    return Response(
        content=("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"idle-members.csv\"; filename*=UTF-8''{quote(name)}"
            ),
        },
    )
