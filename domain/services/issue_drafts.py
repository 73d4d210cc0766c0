"""Raise a flagged item of a visit as an issue draft, in one call (and the same from sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.access import Permission, Scope
from domain.audit import AuditAction
from domain.issue_draft import IssueDraft, draft_from_flag
from domain.ports import UnitOfWork
from domain.services.audit_trail import record
from domain.services.visits import own_only
from domain.visit import FlagKind


@dataclass(frozen=True)
class Raised:
    draft: IssueDraft
    created: bool  # False: the flag had been raised before, this is that draft


def raise_draft(
    uow: UnitOfWork, scope: Scope, visit_id: int, kind: FlagKind, *, at: datetime
) -> Raised:
    """Whoever may write the visit (its member, or the branch) raises its flag as a draft;
    asking again returns the draft already raised."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        visit = uow.visits.get(visit_id, scope)
        own_only(scope, visit.member_id, "只能上报本人走访中记录的问题", "visit_id")
        if (seen := uow.issue_drafts.by_flag(visit.id, kind)) is not None:
            return Raised(seen, created=False)
        draft = uow.issue_drafts.add(draft_from_flag(visit, kind, actor=scope.actor, at=at))
        record(
            uow.audit,
            scope,
            action=AuditAction.CREATE,
            entity="issue_draft",
            entity_id=draft.id,
            org_path=uow.visits.household_path(visit.household_id),
            at=at,
            after=draft,
        )
        uow.commit()
        return Raised(draft, created=True)


def get_draft(uow: UnitOfWork, scope: Scope, draft_id: int) -> IssueDraft:
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        return uow.issue_drafts.get(draft_id, scope)
