"""包户: assignment proposals (draft → edit → publish), history, coverage, declarations."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api.assignment.schemas import (
    ContactOut,
    CoverageOut,
    EditIn,
    EditOut,
    PairOut,
    PairPage,
    PartnerOut,
    ProposalIn,
    ProposalOut,
    ProposalPage,
    ProposalReportOut,
    ProposalSummaryOut,
    PublishIn,
    PublishOut,
    ReasonOut,
    RequestsIn,
    TieIn,
    TieOut,
    ViolationOut,
)
from api.common import IsoDate, PathId, QueryBool, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.paging import PairWindow, ProposalWindow
from domain.assignment import services as assignments
from domain.assignment.model import REASON_LABELS, TieKind, parse_reasons
from domain.kernel.access import Permission, Scope
from persistence.accounts.names import actor_name, actor_names
from persistence.assignment import queries

router = APIRouter(tags=["assignments"])


def _proposal_out(session: Session, scope: Scope, proposal_id: int) -> ProposalOut:
    meta = queries.get_proposal(session, scope, proposal_id)
    return ProposalOut(
        id=meta.id,
        org_id=meta.org_id,
        scheme=meta.scheme,
        status=meta.status,
        mode=meta.mode,
        created_by=meta.created_by,
        created_by_name=actor_name(session, meta.created_by),
        report=ProposalReportOut.model_validate(meta.report),
    )


@router.post(
    "/assignment-proposals",
    response_model=ProposalOut,
    status_code=201,
    summary="生成包户方案草案（全新或重新规划）",
    dependencies=[require(Permission.ASSIGNMENT_WRITE)],
)
def create_proposal(
    body: ProposalIn, scope: ScopeDep, uow: UowDep, session: SessionDep, clock: ClockDep
) -> ProposalOut:
    made = assignments.create_proposal(uow, scope, body.org_id, mode=body.mode, at=clock())
    return _proposal_out(session, scope, made.proposal_id)


@router.get(
    "/assignment-proposals",
    response_model=ProposalPage,
    summary="包户方案列表（新的在前）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def list_proposal_history(
    scope: ScopeDep,
    session: SessionDep,
    window: ProposalWindow,
    org_id: Annotated[int | None, query_id("只列此组织子树内的方案")] = None,
    status: Annotated[Literal["draft", "published"] | None, Query(description="方案状态")] = None,
) -> ProposalPage:
    page = queries.list_proposals(session, scope, window, under=org_id, status=status)
    people = actor_names(session, [p.created_by for p in page.items])
    return ProposalPage(
        data=[
            ProposalSummaryOut(**dataclasses.asdict(p), created_by_name=people[p.created_by])
            for p in page.items
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/assignment-proposals/{proposal_id}",
    response_model=ProposalOut,
    summary="查看方案（含不可行说明、未满足的申报）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def get_proposal(proposal_id: PathId, scope: ScopeDep, session: SessionDep) -> ProposalOut:
    return _proposal_out(session, scope, proposal_id)


@router.get(
    "/assignment-proposals/{proposal_id}/pairs",
    response_model=PairPage,
    summary="方案中的联系对（每对附理由）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def list_pairs(
    proposal_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    window: PairWindow,
    member_id: Annotated[int | None, query_id("只看此党员")] = None,
    changed_only: Annotated[
        QueryBool,
        Query(description="只看有变化的联系对：与现行联系不同（新建立或改换党员）的农户"),
    ] = False,
) -> PairPage:
    page = queries.list_pairs(
        session, scope, proposal_id, window, member_id=member_id, changed_only=changed_only
    )
    return PairPage(
        data=[PairOut.from_domain(p, m, h) for p, m, h in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "/assignment-proposals/{proposal_id}/edits",
    response_model=EditOut,
    summary="调整草案：移交或互换农户，立即校验规则",
    dependencies=[require(Permission.ASSIGNMENT_WRITE)],
)
def edit_proposal(
    proposal_id: PathId, body: EditIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> EditOut:
    moves = [assignments.Move(m.household_id, m.member_id) for m in body.moves]
    found = assignments.edit_proposal(
        uow, scope, proposal_id, moves=moves, swaps=[(a, b) for a, b in body.swaps], at=clock()
    )
    return EditOut(violations=[ViolationOut(**dataclasses.asdict(v)) for v in found])


@router.post(
    "/assignment-proposals/{proposal_id}/publish",
    response_model=PublishOut,
    summary="发布方案（原联系关系于发布当日结束，历史可查）",
    dependencies=[require(Permission.ASSIGNMENT_WRITE)],
)
def publish_proposal(
    proposal_id: PathId, body: PublishIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> PublishOut:
    result = assignments.publish_proposal(
        uow, scope, proposal_id, accept_shortfalls=body.accept_shortfalls, at=clock()
    )
    return PublishOut(**result)


@router.get(
    "/org-units/{org_id}/coverage",
    response_model=CoverageOut,
    summary="覆盖与负担报告：未覆盖农户、负担不足或超限、困难户无两委联系、免除党员",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def coverage(org_id: PathId, scope: ScopeDep, uow: UowDep) -> CoverageOut:
    return CoverageOut.from_domain(assignments.coverage(uow, scope, org_id))


@router.get(
    "/households/{household_id}/contacts",
    response_model=list[ContactOut],
    summary="农户的联系党员历史；带 on 日期时为当日的联系党员",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_contacts(
    household_id: PathId,
    scope: ScopeDep,
    session: SessionDep,
    on: Annotated[IsoDate | None, Query(description="只看这一天的联系党员；不填为全部历史")] = None,
) -> list[ContactOut]:
    rows = queries.contact_history(session, scope, household_id, on=on)
    return [
        ContactOut(
            member_id=m,
            member_name=n,
            started_on=s,
            ended_on=e,
            reasons=[ReasonOut(code=r, label=REASON_LABELS[r]) for r in parse_reasons(why)],
        )
        for m, n, s, e, why in rows
    ]


@router.get(
    "/members/{member_id}/elderly-partners",
    response_model=list[PartnerOut],
    summary="1+6+N 结对：联系党员与老党员的结对关系",
    dependencies=[require(Permission.MEMBER_READ)],
)
def elderly_partners(member_id: PathId, scope: ScopeDep, session: SessionDep) -> list[PartnerOut]:
    return [
        PartnerOut(member_id=m, name=n, side=side, since=d)
        for m, n, side, d in queries.elderly_partners(session, scope, member_id)
    ]


@router.get(
    "/members/{member_id}/requests",
    response_model=list[int],
    summary="党员申报希望联系的农户",
    dependencies=[require(Permission.MEMBER_READ)],
)
def get_requests(member_id: PathId, scope: ScopeDep, session: SessionDep) -> list[int]:
    return queries.member_requests(session, scope, member_id)


@router.get(
    "/members/{member_id}/ties",
    response_model=list[TieOut],
    summary="党员与农户的亲缘或共同兴趣",
    dependencies=[require(Permission.MEMBER_READ)],
)
def get_ties(member_id: PathId, scope: ScopeDep, uow: UowDep) -> list[TieOut]:
    return _ties(assignments.ties(uow, scope, member_id))


@router.put(
    "/members/{member_id}/requests",
    response_model=list[int],
    summary="党员自行申报希望联系的农户",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def set_requests(
    member_id: PathId, body: RequestsIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> list[int]:
    return assignments.declare_requests(uow, scope, member_id, body.household_ids, at=clock())


@router.post(
    "/members/{member_id}/ties",
    response_model=list[TieOut],
    status_code=201,
    summary="登记党员与农户的亲缘或共同兴趣（就亲、志趣相投）",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def add_tie(
    member_id: PathId, body: TieIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> list[TieOut]:
    found = assignments.declare_tie(uow, scope, member_id, body.household_id, body.kind, at=clock())
    return _ties(found)


@router.delete(
    "/members/{member_id}/ties/{household_id}/{kind}",
    status_code=204,
    summary="删除党员与农户的亲缘或共同兴趣登记",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def remove_tie(
    member_id: PathId,
    household_id: PathId,
    kind: TieKind,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
) -> Response:
    """A tie declared by mistake, or no longer true (the households moved apart); the next
    assignment proposal no longer counts it."""
    assignments.remove_tie(uow, scope, member_id, household_id, kind, at=clock())
    return Response(status_code=204)


def _ties(found: list[tuple[int, str]]) -> list[TieOut]:
    return [TieOut(household_id=h, kind=k) for h, k in found]
