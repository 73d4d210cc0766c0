"""离线同步: a batch of operations made offline, each answered on its own, and a delta pull."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.schemas.common import StrictIn
from api.schemas.households import HouseholdOut
from api.schemas.visits import DueListOut, DueOut, VisitIn, VisitOut
from domain.access import Permission
from domain.errors import DomainError
from domain.services import visits
from persistence.repositories import SqlHouseholdRepository
from persistence.visits import SqlVisitStore

router = APIRouter(prefix="/sync", tags=["sync"])
UUID = r"^[0-9a-fA-F-]{32,36}$"
SUPPORTED = ("visit",)


class SyncBatchIn(StrictIn):
    operations: list[dict[str, Any]] = Field(
        max_length=500,
        description="每项 {uuid, kind, payload}；kind 目前为 visit（含清单勾选）",
    )


class SyncResult(BaseModel):
    index: int
    uuid: str | None
    status: Literal["applied", "duplicate", "rejected"]
    id: int | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None
    note: str | None = None


class SyncBatchOut(BaseModel):
    applied: int
    duplicate: int
    rejected: int
    results: list[SyncResult]


def _rejected(
    index: int, uuid: str | None, code: str, message: str, field: str | None = None
) -> SyncResult:
    return SyncResult(
        index=index, uuid=uuid, status="rejected", code=code, message=message, field=field
    )


@router.post(
    "/batch",
    response_model=SyncBatchOut,
    summary="提交离线操作（逐项返回结果）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def sync_batch(body: SyncBatchIn, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> SyncBatchOut:
    """Each operation in its own transaction: good ones are kept when others are refused, and a
    replayed operation (same uuid) is a duplicate, never a second record."""
    results: list[SyncResult] = []
    for index, op in enumerate(body.operations):
        uuid = op.get("uuid") if isinstance(op.get("uuid"), str) else None
        results.append(_apply(index, uuid, op, scope, uow, clock()))
    counts = {s: sum(r.status == s for r in results) for s in ("applied", "duplicate", "rejected")}
    return SyncBatchOut(**counts, results=results)


def _apply(
    index: int, uuid: str | None, op: dict[str, Any], scope: ScopeDep, uow: UowDep, now: datetime
) -> SyncResult:
    if uuid is None or not re.match(UUID, uuid):
        return _rejected(index, uuid, "sync.bad_uuid", "每项操作须带客户端生成的 UUID", "uuid")
    if op.get("kind") not in SUPPORTED:
        return _rejected(
            index, uuid, "sync.unsupported_kind", f"不支持的操作类型：{op.get('kind')}", "kind"
        )
    payload = op.get("payload")
    if not isinstance(payload, dict):
        return _rejected(index, uuid, "sync.bad_payload", "payload 须为对象", "payload")
    try:
        visit = VisitIn.model_validate({**payload, "client_uuid": uuid})
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        return _rejected(index, uuid, "request.validation", str(first.get("msg")), field)
    try:
        logged = visits.sync_visit(uow, scope, visit.to_domain(), client_uuid=uuid, at=now)
    except DomainError as err:
        return _rejected(index, uuid, err.code, err.message, err.field)
    return SyncResult(
        index=index,
        uuid=uuid,
        status="duplicate" if logged.duplicate else "applied",
        id=logged.visit.id,
        note=logged.visit.sync_note,
    )


class PullOut(BaseModel):
    cursor: datetime = Field(description="下次拉取时作为 since 传回")
    households: list[HouseholdOut]
    visits: list[VisitOut]
    due: DueListOut | None


@router.get(
    "/pull",
    response_model=PullOut,
    summary="拉取自上次以来的变化（本人的联系户）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def pull(
    scope: ScopeDep,
    session: SessionDep,
    uow: UowDep,
    clock: ClockDep,
    since: Annotated[AwareDatetime | None, Query(description="上次返回的 cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 2000,
) -> PullOut:
    now = clock()
    start = since or datetime(1970, 1, 1, tzinfo=now.tzinfo)
    household_ids, changed = SqlVisitStore(session).changed_since(scope, start, limit=limit)
    repo = SqlHouseholdRepository(session)
    households = [HouseholdOut.from_domain(repo.get(h, scope), scope) for h in household_ids]
    due = None
    if scope.member_id is not None:
        cadence, items = visits.due_for_member(uow, scope, scope.member_id, at=now)
        due = DueListOut(cadence_days=cadence, data=[DueOut.from_domain(i, now) for i in items])
    return PullOut(
        cursor=now,
        households=households,
        visits=[VisitOut.from_domain(v) for v in changed],
        due=due,
    )
