"""问题草稿: a flagged item of a visit (四个必记) raised for the issue flow with one call."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.paging import IssueDraftWindow
from api.schemas.common import PathId, StrictIn, Text, query_id
from domain.access import Permission
from domain.issue_draft import DRAFT_STATUS_LABELS, DraftStatus, IssueDraft
from domain.services import issue_drafts
from domain.visit import flag_label
from persistence.people import actor_names
from persistence.queries import DraftNames, draft_names, list_issue_drafts

router = APIRouter(tags=["issue-drafts"])


class DraftIn(StrictIn):
    kind: Text = Field(
        min_length=1, max_length=20, description="要上报的那一项必记（走访记录中的 kind）"
    )


class DraftOut(BaseModel):
    id: int
    visit_id: int
    household_id: int
    member_id: int
    kind: str
    kind_label: str
    title: str
    text: str
    status: DraftStatus
    status_label: str
    created_by: str
    created_at: datetime
    duplicate: bool = False

    @classmethod
    def from_domain(cls, d: IssueDraft, *, duplicate: bool = False) -> DraftOut:
        return cls(
            id=d.id,
            visit_id=d.visit_id,
            household_id=d.household_id,
            member_id=d.member_id,
            kind=d.flag_kind,
            kind_label=flag_label(d.flag_kind),
            title=d.title,
            text=d.text,
            status=d.status,
            status_label=DRAFT_STATUS_LABELS[d.status],
            created_by=d.created_by,
            created_at=d.created_at,
            duplicate=duplicate,
        )


class DraftItemOut(DraftOut):
    """A draft in a list, with the names a reader looks for."""

    head_name: str = Field(description="户主姓名")
    member_name: str = Field(description="走访党员")
    created_by_name: str = Field(description="上报人的姓名（persistence/people.py）")

    @classmethod
    def named(cls, d: IssueDraft, names: DraftNames, created_by_name: str) -> DraftItemOut:
        return cls(
            **DraftOut.from_domain(d).model_dump(),
            head_name=names.head_name,
            member_name=names.member_name,
            created_by_name=created_by_name,
        )


class DraftPage(BaseModel):
    data: list[DraftItemOut]
    total: int
    limit: int
    offset: int


@router.post(
    "/visits/{visit_id}/issue-drafts",
    response_model=DraftOut,
    status_code=201,
    summary="把走访中记录的一项问题上报为问题草稿",
    responses={200: {"model": DraftOut, "description": "该项已上报过：返回原草稿"}},
    dependencies=[require(Permission.VISIT_WRITE)],
)
def raise_draft(
    visit_id: PathId,
    body: DraftIn,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
) -> DraftOut:
    raised = issue_drafts.raise_draft(uow, scope, visit_id, body.kind, at=clock())
    if not raised.created:
        response.status_code = 200
    return DraftOut.from_domain(raised.draft, duplicate=not raised.created)


@router.get(
    "/issue-drafts",
    response_model=DraftPage,
    summary="问题草稿（管辖范围内）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def list_drafts(
    scope: ScopeDep,
    session: SessionDep,
    window: IssueDraftWindow,
    org_id: Annotated[int | None, query_id("只列此组织子树内的草稿")] = None,
    household_id: Annotated[int | None, query_id("只列此户的草稿")] = None,
    status: Annotated[DraftStatus | None, Query()] = None,
) -> DraftPage:
    page = list_issue_drafts(
        session,
        scope,
        window,
        under=org_id,
        status=status.value if status else None,
        household_id=household_id,
    )
    names = draft_names(session, page.items)
    people = actor_names(session, [d.created_by for d in page.items])
    return DraftPage(
        data=[DraftItemOut.named(d, names[d.id], people[d.created_by]) for d in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/issue-drafts/{draft_id}",
    response_model=DraftOut,
    summary="问题草稿",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def get_draft(draft_id: PathId, scope: ScopeDep, uow: UowDep) -> DraftOut:
    return DraftOut.from_domain(issue_drafts.get_draft(uow, scope, draft_id))
