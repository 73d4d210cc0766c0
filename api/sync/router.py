"""离线同步: a batch of operations made offline, each answered on its own, and a delta pull."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ValidationError

from api.common import IsoAwareDateTime, canonical_uuid
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.households.schemas import HouseholdOut
from api.issues.schemas import IssueFields
from api.must_attend.shown import tasks_of
from api.sync.schemas import (
    AttendanceOp,
    ChecklistTickOp,
    IssueDraftOp,
    PullNext,
    PullOut,
    SyncBatchIn,
    SyncBatchOut,
    SyncResult,
)
from api.validation_messages import zh_message
from api.visits.schemas import DueListOut, DueOut, VisitIn, VisitOut
from domain.issue_drafts import services as issue_drafts
from domain.issues import services as issues
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import DomainError
from domain.must_attend import services as must_attend
from domain.visits import services as visits
from persistence.visits.queries import changed_since

router = APIRouter(prefix="/sync", tags=["sync"])


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
    """In order, in one transaction committed at the end (on PostgreSQL): good operations are
    kept when others are refused, a replayed operation (same uuid) is a duplicate, never a
    second record, and if the commit itself fails nothing was written, so the client sends the
    batch again. Consecutive visits are checked one by one and written together; any other
    operation goes in its own savepoint."""
    now = clock()
    parsed = [_parse(index, op) for index, op in enumerate(body.operations)]
    results: list[SyncResult | None] = [r if isinstance(r, SyncResult) else None for r in parsed]
    with uow.batch():
        run: list[tuple[int, str, VisitIn]] = []
        for index, item in enumerate(parsed):
            if isinstance(item, SyncResult):
                continue  # refused before reaching the domain: writes nothing, breaks no run
            kind, sent, payload = item
            if kind == "visit" and isinstance(payload, VisitIn):
                run.append((index, sent, payload))
                continue
            _visits(run, scope, uow, now, results)
            run = []
            results[index] = _apply(index, sent, kind, payload, scope, uow, now)
        _visits(run, scope, uow, now, results)
    done = [r for r in results if r is not None]
    counts = {s: sum(r.status == s for r in done) for s in ("applied", "duplicate", "rejected")}
    return SyncBatchOut(**counts, results=done)


OPERATION_KEYS = frozenset({"uuid", "kind", "payload"})


def _parse(index: int, op: Any) -> SyncResult | tuple[str, str, BaseModel]:
    """An operation's (kind, uuid as sent, payload), or its refusal when it is malformed. The
    payload carries the uuid in its canonical spelling (``canonical_uuid``), the one that is
    stored and compared; the answer names the operation by the uuid as the client sent it."""
    if not isinstance(op, dict):
        return _rejected(
            index, None, "sync.bad_operation", "每项操作须为对象 {uuid, kind, payload}", "operation"
        )
    unknown = sorted(str(k) for k in op if k not in OPERATION_KEYS)
    if unknown:  # a typo (or a field put beside the payload) is not silently ignored
        uuid_sent = op.get("uuid") if isinstance(op.get("uuid"), str) else None
        return _rejected(
            index, uuid_sent, "sync.unknown_key", f"不认识的字段：{unknown[0]}", unknown[0]
        )
    uuid = op.get("uuid") if isinstance(op.get("uuid"), str) else None
    canonical = canonical_uuid(uuid) if uuid is not None else None
    if uuid is None or canonical is None:
        return _rejected(index, uuid, "sync.bad_uuid", "每项操作须带客户端生成的 UUID", "uuid")
    kind = op.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        return _rejected(index, uuid, "sync.unsupported_kind", f"不支持的操作类型：{kind}", "kind")
    payload = op.get("payload")
    if not isinstance(payload, dict):
        return _rejected(index, uuid, "sync.bad_payload", "payload 须为对象", "payload")
    model = KINDS[kind]
    fields = {**payload, "client_uuid": canonical} if issubclass(model, VisitIn) else payload
    try:
        return kind, uuid, model.model_validate(fields)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "payload"
        return _rejected(index, uuid, "request.validation", zh_message(first), field)


def _visits(
    run: list[tuple[int, str, VisitIn]],
    scope: Scope,
    uow: UowDep,
    now: datetime,
    results: list[SyncResult | None],
) -> None:
    """A run of consecutive visits: checked one by one, written in one go."""
    if not run:
        return
    outcomes = visits.sync_visits(
        uow,
        scope,
        [(payload.client_uuid or uuid, payload.to_domain()) for _, uuid, payload in run],
        at=now,
    )
    for (index, uuid, _), outcome in zip(run, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            results[index] = _rejected(index, uuid, outcome.code, outcome.message, outcome.field)
        else:
            results[index] = SyncResult(
                index=index,
                uuid=uuid,
                status="duplicate" if outcome.duplicate else "applied",
                id=outcome.visit.id,
                visit_id=outcome.visit.id,
                note=outcome.visit.sync_note,
            )


# An operation's outcome: (duplicate?, id of what it wrote or found, the visit it belongs to,
# a note for the member)
Outcome = tuple[bool, int, int | None, str | None]


def _attendance(
    payload: AttendanceOp, uuid: str, scope: Scope, uow: UowDep, now: datetime
) -> Outcome:
    event, duplicate = must_attend.attend_offline(
        uow,
        scope,
        payload.event_id,
        payload.to_domain(),
        client_uuid=payload.client_uuid or uuid,  # the canonical spelling (``_parse``)
        at=now,
    )
    return duplicate, event.id, event.visit_id, None


def _tick(payload: ChecklistTickOp, uuid: str, scope: Scope, uow: UowDep, now: datetime) -> Outcome:
    found = visits.find_visit(uow, scope, visit_id=payload.visit_id, visit_uuid=payload.visit_uuid)
    visit, changed = visits.tick_checklist(
        uow, scope, found.id, tuple(payload.items), at=now, recorded_at=payload.recorded_at
    )
    return not changed, visit.id, visit.id, None


def _draft(payload: IssueDraftOp, uuid: str, scope: Scope, uow: UowDep, now: datetime) -> Outcome:
    found = visits.find_visit(uow, scope, visit_id=payload.visit_id, visit_uuid=payload.visit_uuid)
    raised = issue_drafts.raise_draft(uow, scope, found.id, payload.kind, at=now)
    return not raised.created, raised.draft.id, found.id, None


def _issue(payload: IssueFields, uuid: str, scope: Scope, uow: UowDep, now: datetime) -> Outcome:
    """An issue raised offline (党员直报): its operation's uuid is its ``client_ref``, so a batch
    sent again (its answer lost) finds the issue raised the first time."""
    raised = issues.raise_issue(
        uow,
        scope,
        title=payload.title,
        text=payload.text,
        at=now,
        household_id=payload.household_id,
        org_id=payload.org_id,
        category=payload.category,
        client_ref=canonical_uuid(uuid),
    )
    return not raised.created, raised.issue.id, None, None


# Visits are written in runs (``_visits``); every other kind by its handler.
HANDLERS: dict[str, tuple[type[BaseModel], Callable[..., Outcome]]] = {
    "attendance": (AttendanceOp, _attendance),
    "checklist_tick": (ChecklistTickOp, _tick),
    "issue_draft": (IssueDraftOp, _draft),
    "issue": (IssueFields, _issue),
}
KINDS: dict[str, type[BaseModel]] = {"visit": VisitIn} | {k: m for k, (m, _) in HANDLERS.items()}


def _apply(
    index: int,
    uuid: str,
    kind: str,
    payload: BaseModel,
    scope: Scope,
    uow: UowDep,
    now: datetime,
) -> SyncResult:
    _, handle = HANDLERS[kind]
    try:
        duplicate, found_id, visit_id, note = handle(payload, uuid, scope, uow, now)
    except DomainError as err:
        return _rejected(index, uuid, err.code, err.message, err.field)
    return SyncResult(
        index=index,
        uuid=uuid,
        status="duplicate" if duplicate else "applied",
        id=found_id,
        visit_id=visit_id,
        note=note,
    )


# How far back each cursor reaches into the pull it ends: a write made before the pull but
# committed after it (a sync batch, an import of some seconds) carries a time the next pull
# would otherwise start after. What comes twice is the same record, stored again by its id.
PULL_OVERLAP = timedelta(minutes=5)
# The start of a first pull, and the earliest cursor given back (a window ending before it,
# asked for with an absurd ``until``, answers from the beginning next time).
PULL_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
    since: Annotated[IsoAwareDateTime | None, Query(description="上次返回的 cursor")] = None,
    until: Annotated[
        IsoAwareDateTime | None, Query(description="续页：上一页 next.until（第一页不填）")
    ] = None,
    after_household: Annotated[int, Query(ge=0, le=2**63 - 1, description="续页：next 中的值")] = 0,
    after_visit: Annotated[int, Query(ge=0, le=2**63 - 1, description="续页：next 中的值")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 2000,
) -> PullOut:
    """Everything of the caller's households that changed in (since, until], a page of at most
    ``limit`` households and ``limit`` visits at a time: ``more`` says another page follows,
    fetched with ``next``. The window's end is fixed on the first page, so the pages add up to
    one consistent pull; the cursor, for the next pull, is that end less ``PULL_OVERLAP``."""
    now = clock()
    start = since or PULL_EPOCH
    end = min(until, now) if until is not None else now
    households, changed = changed_since(
        session,
        scope,
        start,
        end,
        after_household=after_household,
        after_visit=after_visit,
        limit=limit,
    )
    due, tasks = None, None
    first_page = until is None and after_household == 0 and after_visit == 0
    if scope.member_id is not None and first_page:
        cadence, items = visits.due_for_member(uow, scope, scope.member_id, at=now)
        due = DueListOut(cadence_days=cadence, data=[DueOut.from_domain(i, now) for i in items])
        # Whole, as the due list: a handful, and what the phone must show with no signal.
        tasks = tasks_of(session, scope, scope.member_id, now)
    more = len(households) == limit or len(changed) == limit
    return PullOut(
        cursor=max(end, PULL_EPOCH + PULL_OVERLAP) - PULL_OVERLAP,
        households=[HouseholdOut.from_domain(h, scope) for h in households],
        visits=[VisitOut.from_domain(v) for v in changed],
        due=due,
        tasks=tasks,
        more=more,
        next=PullNext(
            until=end,
            after_household=households[-1].id if households else after_household,
            after_visit=changed[-1].id if changed else after_visit,
        )
        if more
        else None,
    )
