"""组织架构: the org tree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from api.common import PathId, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.org.schemas import OrgMoveIn, OrgUnitIn, OrgUnitOut, OrgUnitPage, OrgUnitUpdate
from api.paging import OrgUnitWindow
from domain.kernel.access import Permission
from domain.kernel.org import OrgLevel
from domain.org import services as orgs
from persistence.org.queries import list_orgs

router = APIRouter(prefix="/org-units", tags=["org"])


@router.get(
    "", response_model=OrgUnitPage, summary="列出组织", dependencies=[require(Permission.ORG_READ)]
)
def list_org_units(
    scope: ScopeDep,
    session: SessionDep,
    window: OrgUnitWindow,
    under: Annotated[int | None, query_id("只列此组织的子树")] = None,
    parent_id: Annotated[int | None, query_id("只列此组织的直接下级")] = None,
    level: OrgLevel | None = None,
) -> OrgUnitPage:
    page = list_orgs(session, scope, window, under=under, parent_id=parent_id, level=level)
    return OrgUnitPage(
        data=[OrgUnitOut.from_domain(u) for u in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "",
    response_model=OrgUnitOut,
    status_code=201,
    summary="新建组织",
    dependencies=[require(Permission.ORG_WRITE)],
)
def create_org_unit(body: OrgUnitIn, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> OrgUnitOut:
    unit = orgs.create(
        uow,
        scope,
        name=body.name,
        level=body.level,
        parent_id=body.parent_id,
        code=body.code,
        external_id=body.external_id,
        at=clock(),
    )
    return OrgUnitOut.from_domain(unit)


@router.get(
    "/{org_id}",
    response_model=OrgUnitOut,
    summary="查看组织",
    dependencies=[require(Permission.ORG_READ)],
)
def get_org_unit(org_id: PathId, scope: ScopeDep, uow: UowDep) -> OrgUnitOut:
    with uow:
        return OrgUnitOut.from_domain(uow.orgs.get(org_id, scope))


@router.patch(
    "/{org_id}",
    response_model=OrgUnitOut,
    summary="修改组织",
    dependencies=[require(Permission.ORG_WRITE)],
)
def update_org_unit(
    org_id: PathId, body: OrgUnitUpdate, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> OrgUnitOut:
    unit = orgs.update(
        uow, scope, org_id, name=body.name, code=body.code, external_id=body.external_id, at=clock()
    )
    return OrgUnitOut.from_domain(unit)


@router.post(
    "/{org_id}/move",
    response_model=OrgUnitOut,
    summary="移动组织（连同下级）",
    dependencies=[require(Permission.ORG_WRITE)],
)
def move_org_unit(
    org_id: PathId, body: OrgMoveIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> OrgUnitOut:
    return OrgUnitOut.from_domain(
        orgs.move(uow, scope, org_id, parent_id=body.parent_id, at=clock())
    )


@router.delete(
    "/{org_id}", status_code=204, summary="删除空组织", dependencies=[require(Permission.ORG_WRITE)]
)
def delete_org_unit(org_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> Response:
    orgs.delete(uow, scope, org_id, at=clock())
    return Response(status_code=204)
