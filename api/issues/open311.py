"""Issues as Open311 GeoReport v2 service requests, for county platforms that speak it
(https://wiki.open311.org/GeoReport_v2): a request's ``service_code`` is the issue's kind of
matter, ``status`` open or closed, ``agency_responsible`` the handling org, ``expected_datetime``
the deadline of the step under way. Read only (issues are raised through ``POST /issues``), in
the caller's scope like every read; no address or position: where a household lives is not the
platform's to see here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.common import IsoAwareDateTime, PathId
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from domain.issues import services as issues
from domain.issues.model import STATUS_LABELS, IssueStatus
from domain.kernel.access import Permission
from domain.kernel.errors import Invalid
from persistence.issues.queries import (
    IssueFilter,
    IssueSummary,
    issue_names,
    issue_summary,
    list_issues,
)
from persistence.paging import Window

router = APIRouter(prefix="/open311/v2", tags=["open311"])

MAX_REQUESTS = 1000  # GeoReport v2: a query answers at most 1000 requests


class ServiceOut(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: Literal["realtime"] = "realtime"
    keywords: str = ""
    group: str = "问题办理"


class ServiceRequestOut(BaseModel):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None = Field(description="办理状态（中文）及答复或销号结果")
    service_name: str | None
    service_code: str | None
    description: str
    agency_responsible: str = Field(description="当前办理组织")
    service_notice: str | None = None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None = Field(description="当前步骤的期限")
    address: None = None
    address_id: None = None
    zipcode: None = None
    lat: None = None
    long: None = None
    media_url: str | None = None

    @classmethod
    def of(cls, s: IssueSummary, agency: str, labels: dict[str, str]) -> ServiceRequestOut:
        notes = STATUS_LABELS[s.status]
        said = s.result or s.answer
        return cls(
            service_request_id=str(s.id),
            status="closed" if s.status is IssueStatus.CLOSED else "open",
            status_notes=f"{notes}：{said}" if said else notes,
            service_name=labels.get(s.category) if s.category else None,
            service_code=s.category,
            description=f"{s.title}\n{s.text}",
            agency_responsible=agency,
            requested_datetime=s.raised_at,
            updated_datetime=s.updated_at,
            expected_datetime=s.due,
        )


@router.get(
    "/services.json",
    response_model=list[ServiceOut],
    summary="Open311：服务类型（问题类别）",
    dependencies=[require(Permission.ISSUE_READ)],
)
def services(uow: UowDep, scope: ScopeDep) -> list[ServiceOut]:
    offered = issues.offered_categories(uow, scope)
    return [
        ServiceOut(service_code=code, service_name=label, description=f"问题类别：{label}")
        for code, label in offered.items()
    ]


def _requests(
    session: SessionDep, scope: ScopeDep, wanted: IssueFilter, limit: int
) -> list[ServiceRequestOut]:
    page = list_issues(session, scope, Window(limit=limit, sort="-raised_at"), wanted)
    names = issue_names(session, [s.handler_org_id for s in page.items], [])
    labels = issues.category_labels()
    return [ServiceRequestOut.of(s, names.org(s.handler_org_id), labels) for s in page.items]


@router.get(
    "/requests.json",
    response_model=list[ServiceRequestOut],
    summary="Open311：服务请求（问题）列表，最近提出的在前，至多 1000 条",
    dependencies=[require(Permission.ISSUE_READ)],
)
def requests(
    session: SessionDep,
    scope: ScopeDep,
    clock: ClockDep,
    service_code: Annotated[str | None, Query(pattern=r"^[a-z_]{1,30}$")] = None,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    start_date: Annotated[IsoAwareDateTime | None, Query(description="提出时间自（含）")] = None,
    end_date: Annotated[IsoAwareDateTime | None, Query(description="提出时间至（不含）")] = None,
) -> list[ServiceRequestOut]:
    if start_date and end_date and end_date < start_date:
        raise Invalid("time.range_reversed", "end_date 不能早于 start_date", field="end_date")
    statuses: tuple[IssueStatus, ...] = ()
    if status == "closed":
        statuses = (IssueStatus.CLOSED,)
    elif status == "open":
        statuses = tuple(s for s in IssueStatus if s is not IssueStatus.CLOSED)
    wanted = IssueFilter(
        now=clock(),
        statuses=statuses,
        category=service_code,
        raised_from=start_date,
        raised_until=end_date,
    )
    return _requests(session, scope, wanted, MAX_REQUESTS)


@router.get(
    "/requests/{issue_id}.json",
    response_model=list[ServiceRequestOut],
    summary="Open311：一个服务请求（问题）",
    dependencies=[require(Permission.ISSUE_READ)],
)
def request(
    issue_id: PathId, session: SessionDep, scope: ScopeDep, clock: ClockDep
) -> list[ServiceRequestOut]:
    """A list of one, as GeoReport v2 answers it."""
    found = issue_summary(session, scope, issue_id, clock())
    names = issue_names(session, [found.handler_org_id], [])
    return [ServiceRequestOut.of(found, names.org(found.handler_org_id), issues.category_labels())]
