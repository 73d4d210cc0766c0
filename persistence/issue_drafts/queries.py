"""Read side: issue draft lists and the names they show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.issue_drafts.model import IssueDraft
from domain.kernel.access import Scope
from persistence.issue_drafts.store import draft_to_domain
from persistence.issue_drafts.tables import IssueDraftRow
from persistence.paging import Page, Window, _area_path, _order, _page, _text
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import household_scope


def list_issue_drafts(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    status: str | None = None,
    household_id: int | None = None,
) -> Page[IssueDraft]:
    stmt = (
        select(IssueDraftRow)
        .join(HouseholdRow, HouseholdRow.id == IssueDraftRow.household_id)
        .where(household_scope(scope, _area_path(session, scope, under)))
    )
    if status is not None:
        stmt = stmt.where(IssueDraftRow.status == status)
    if household_id is not None:
        stmt = stmt.where(IssueDraftRow.household_id == household_id)
    if (clause := _text(IssueDraftRow.text, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {"created_at": IssueDraftRow.created_at, "id": IssueDraftRow.id}
    rows, total = _page(session, stmt, window, _order(window, allowed, IssueDraftRow.id))
    return Page([draft_to_domain(r) for r in rows], total, window.limit, window.offset)


class DraftNames(NamedTuple):
    """Whose problem a draft is and who raised it, as a list shows it."""

    head_name: str
    member_name: str


def draft_names(session: Session, drafts: Sequence[IssueDraft]) -> dict[int, DraftNames]:
    """The names of a page of drafts' households and members in one query, so a list need not
    ask for each household and member one by one."""
    ids = [d.id for d in drafts]
    if not ids:
        return {}
    rows = session.execute(
        select(IssueDraftRow.id, HouseholdRow.head_name, MemberRow.name)
        .join(HouseholdRow, HouseholdRow.id == IssueDraftRow.household_id)
        .join(MemberRow, MemberRow.id == IssueDraftRow.member_id)
        .where(IssueDraftRow.id.in_(ids))
    )
    return {draft_id: DraftNames(head, member) for draft_id, head, member in rows}
