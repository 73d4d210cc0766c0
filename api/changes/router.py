"""变更流: the outbox as a change feed that platforms poll (nothing is pushed yet)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.changes.schemas import CURSOR_PATTERN, ChangeOut, ChangePage
from api.deps import ScopeDep, SessionDep
from persistence.outbox.queries import START, Cursor, changes_after

router = APIRouter(prefix="/changes", tags=["changes"])


@router.get(
    "",
    response_model=ChangePage,
    summary="按游标读取变更流",
)
def list_changes(
    scope: ScopeDep,
    session: SessionDep,
    after: Annotated[
        str | None,
        Query(pattern=CURSOR_PATTERN, description="上一页返回的 next；不填则从头开始"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数")] = 100,
) -> ChangePage:
    """Changes in the caller's subtree after the cursor, oldest first: records created,
    changed, deleted (``delete``) or moved out of the subtree (``removed``). No permission of
    its own: each change is of a kind of record, read with the permission that reads that
    record (domain.changes.rules.READ_PERMISSION), and personal fields are masked without
    personal:read."""
    position = Cursor.parse(after) if after is not None else START
    records, more = changes_after(session, scope, after=position, limit=limit)
    return ChangePage(
        data=[ChangeOut.from_record(r, scope) for r in records],
        next=str(records[-1].cursor) if records else str(position),
        has_more=more,
    )
