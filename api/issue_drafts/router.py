"""问题草稿: a flagged item of a visit (四个必记) raised for the issue flow with one call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.common import PathId, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.issue_drafts.schemas import DraftIn, DraftItemOut, DraftOut, DraftPage
from api.paging import IssueDraftWindow
from domain.issue_drafts import services as issue_drafts
from domain.issue_drafts.model import DraftStatus
from domain.kernel.access import Permission
from persistence.accounts.names import actor_names
from persistence.issue_drafts.queries import draft_names, list_issue_drafts

router = APIRouter(tags=["issue-drafts"])


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
