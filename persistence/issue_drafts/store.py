"""Issue drafts raised from visits' flagged items, scoped through their household."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.issue_drafts.model import DraftStatus, IssueDraft
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from persistence.insert_or_skip import insert_or_skip
from persistence.issue_drafts.tables import IssueDraftRow
from persistence.registers.tables import HouseholdRow
from persistence.scoping import authored_scope


def draft_to_domain(r: IssueDraftRow) -> IssueDraft:
    return IssueDraft(
        id=r.id,
        visit_id=r.visit_id,
        household_id=r.household_id,
        member_id=r.member_id,
        flag_kind=r.flag_kind,
        text=r.text,
        status=DraftStatus(r.status),
        created_by=r.created_by,
        created_at=r.created_at,
    )


class SqlIssueDraftStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_flag(self, visit_id: int, kind: str) -> IssueDraft | None:
        row = self.session.scalar(
            select(IssueDraftRow).where(
                IssueDraftRow.visit_id == visit_id, IssueDraftRow.flag_kind == kind
            )
        )
        return draft_to_domain(row) if row else None

    def add(self, draft: IssueDraft) -> IssueDraft | None:
        """The draft stored, or None when its visit's flag has one already: nothing written.

        Looking the flag up (``by_flag``) and inserting are two statements, and another request
        may raise the same flag in between (a double tap, a sync batch sent again while its
        first send is still being written), so the insert itself settles it, atomically (ON
        CONFLICT DO NOTHING on the unique (visit, kind)); on PostgreSQL it waits for the other
        transaction, and writes nothing if that commits."""
        connection = self.session.connection()
        unique = (IssueDraftRow.visit_id, IssueDraftRow.flag_kind)
        new_id = connection.scalar(
            insert_or_skip(connection, IssueDraftRow, *unique)
            .values(
                visit_id=draft.visit_id,
                household_id=draft.household_id,
                member_id=draft.member_id,
                flag_kind=draft.flag_kind,
                text=draft.text,
                status=draft.status.value,
                created_by=draft.created_by,
                created_at=draft.created_at,
                updated_at=draft.created_at,
            )
            .returning(IssueDraftRow.id)
        )
        return None if new_id is None else dataclasses.replace(draft, id=new_id)

    def save_status(self, draft: IssueDraft, *, at: datetime) -> None:
        self.session.execute(
            update(IssueDraftRow)
            .where(IssueDraftRow.id == draft.id)
            .values(
                status=draft.status.value,
                updated_at=at,
                version=IssueDraftRow.version + 1,
            )
        )

    def get(self, draft_id: int, scope: Scope) -> IssueDraft:
        row = self.session.scalar(
            select(IssueDraftRow)
            .join(HouseholdRow, HouseholdRow.id == IssueDraftRow.household_id)
            .where(IssueDraftRow.id == draft_id, authored_scope(scope, IssueDraftRow.member_id))
        )
        if row is None:
            raise NotFound("issue_draft.not_found", f"问题草稿 {draft_id} 不存在", field="draft_id")
        return draft_to_domain(row)
