"""Raise a flagged item of a visit as an issue draft, in one call (and the same from sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.issue_drafts.events import IssueDraftRaised
from domain.issue_drafts.model import IssueDraft, draft_from_flag
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import NotFound
from domain.kernel.unit_of_work import UnitOfWork
from domain.visits.services import own_only


@dataclass(frozen=True)
class Raised:
    draft: IssueDraft
    created: bool  # False: the flag had been raised before, this is that draft


def raise_draft(uow: UnitOfWork, scope: Scope, visit_id: int, kind: str, *, at: datetime) -> Raised:
    """Whoever may write the visit (its member, or the branch) raises its flag as a draft;
    asking again returns the draft already raised.

    Two asking at once both find no draft: the insert writes only the first
    (``issue_drafts.add``), and the other is answered as a repeat a moment later would be."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        visit = uow.visits.get(visit_id, scope)
        own_only(scope, visit.member_id, "只能上报本人走访中记录的问题", "visit_id")
        if (seen := uow.issue_drafts.by_flag(visit.id, kind)) is not None:
            return Raised(seen, created=False)
        draft = uow.issue_drafts.add(draft_from_flag(visit, kind, actor=scope.actor, at=at))
        if draft is None:  # raised by another request since it was looked for
            return Raised(_raised_meanwhile(uow, visit.id, kind), created=False)
        uow.emit(
            IssueDraftRaised(
                actor=scope.actor,
                entity_id=draft.id,
                household_id=visit.household_id,
                org_path=uow.visits.household_path(visit.household_id),
                at=at,
                after=draft,
            )
        )
        uow.commit()
        return Raised(draft, created=True)


def _raised_meanwhile(uow: UnitOfWork, visit_id: int, kind: str) -> IssueDraft:
    seen = uow.issue_drafts.by_flag(visit_id, kind)
    if seen is None:
        # Gone again although it blocked the insert: a draft goes only with its visit (its
        # household deleted meanwhile), so the answer a repeat would get now.
        raise NotFound("visit.not_found", f"走访记录 {visit_id} 不存在", field="visit_id")
    return seen


def get_draft(uow: UnitOfWork, scope: Scope, draft_id: int) -> IssueDraft:
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        return uow.issue_drafts.get(draft_id, scope)
