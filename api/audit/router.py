"""操作日志: the append-only audit log, for auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit.schemas import AuditOut, AuditPage
from api.common import NO_CONTROL, IsoDateTime, query_id
from api.deps import ScopeDep, SessionDep, require
from api.paging import AuditWindow
from domain.audit.model import AuditAction
from domain.kernel.access import Permission
from persistence.audit.queries import AuditFilter, list_audit

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "",
    response_model=AuditPage,
    summary="查询操作日志",
    dependencies=[require(Permission.AUDIT_READ)],
)
def list_audit_log(
    scope: ScopeDep,
    session: SessionDep,
    window: AuditWindow,
    org_id: Annotated[int | None, query_id("只看此组织子树内的操作")] = None,
    actor: Annotated[str | None, Query(max_length=100, pattern=NO_CONTROL)] = None,
    entity: Annotated[str | None, Query(max_length=30, pattern=NO_CONTROL)] = None,
    entity_id: Annotated[str | None, Query(max_length=64, pattern=NO_CONTROL)] = None,
    action: AuditAction | None = None,
    since: Annotated[IsoDateTime | None, Query(description="自此时起（含）")] = None,
    until: Annotated[IsoDateTime | None, Query(description="到此时为止")] = None,
) -> AuditPage:
    flt = AuditFilter(
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        action=action.value if action else None,
        since=since,
        until=until,
    )
    page = list_audit(session, scope, window, flt, under=org_id)
    return AuditPage(
        data=[AuditOut.from_row(r, scope) for r in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )
