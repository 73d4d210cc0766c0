"""党员: the member register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from api.common import PathId, QueryBool, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.members.schemas import MemberIn, MemberOut, MemberPage, MemberUpdate
from api.paging import MemberWindow
from domain.kernel.access import Permission
from domain.registers import services as registers
from domain.registers.member import MemberRole
from persistence.registers.queries import list_members

router = APIRouter(prefix="/members", tags=["members"])


@router.get(
    "",
    response_model=MemberPage,
    summary="列出党员",
    dependencies=[require(Permission.MEMBER_READ)],
)
def list_member_register(
    scope: ScopeDep,
    session: SessionDep,
    window: MemberWindow,
    org_id: Annotated[int | None, query_id("只列此组织子树内的党员")] = None,
    role: MemberRole | None = None,
    exempt: QueryBool | None = None,
    in_service: QueryBool | None = None,
) -> MemberPage:
    page = list_members(
        session, scope, window, under=org_id, role=role, exempt=exempt, in_service=in_service
    )
    return MemberPage(
        data=[MemberOut.from_domain(m, scope) for m in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "",
    response_model=MemberOut,
    status_code=201,
    summary="新增党员",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def create_member(body: MemberIn, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> MemberOut:
    return MemberOut.from_domain(
        registers.create_member(uow, scope, body.to_domain(), at=clock()), scope
    )


@router.get(
    "/{member_id}",
    response_model=MemberOut,
    summary="查看党员",
    dependencies=[require(Permission.MEMBER_READ)],
)
def get_member(member_id: PathId, scope: ScopeDep, uow: UowDep) -> MemberOut:
    with uow:
        return MemberOut.from_domain(uow.members.get(member_id, scope), scope)


@router.patch(
    "/{member_id}",
    response_model=MemberOut,
    summary="修改党员（含免除联户）",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def update_member(
    member_id: PathId, body: MemberUpdate, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> MemberOut:
    with uow:
        current = uow.members.get(member_id, scope)
    member = registers.update_member(uow, scope, member_id, body.changes(current), at=clock())
    return MemberOut.from_domain(member, scope)


@router.delete(
    "/{member_id}",
    status_code=204,
    summary="删除党员",
    dependencies=[require(Permission.MEMBER_WRITE)],
)
def delete_member(member_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> Response:
    registers.delete_member(uow, scope, member_id, at=clock())
    return Response(status_code=204)
