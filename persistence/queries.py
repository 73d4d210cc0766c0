"""Read side: scoped, filtered, sorted, paginated lists with totals (cosmicpython's views)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from domain.access import Scope
from domain.errors import Invalid, NotFound
from domain.household import Household
from domain.issue_draft import IssueDraft
from domain.member import Member
from domain.org import OrgLevel, OrgUnit
from persistence.issue_drafts import draft_to_domain
from persistence.repositories import household_to_domain, member_to_domain, org_to_domain
from persistence.scoping import household_scope, in_subtree, member_scope
from persistence.tables import (
    AuditRow,
    HouseholdRow,
    IssueDraftRow,
    MemberRow,
    OrgUnitRow,
    ProposalRow,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class Window:
    limit: int = 50
    offset: int = 0
    sort: str | None = None
    q: str | None = None


def _order(window: Window, allowed: dict[str, Any], default: Any) -> list[Any]:
    if not window.sort:
        return [default]
    key = window.sort.lstrip("-")
    if key not in allowed:
        raise Invalid(
            "list.unknown_sort",
            f"不能按 {key} 排序；可选：{', '.join(sorted(allowed))}",
            field="sort",
        )
    column = allowed[key]
    return [column.desc() if window.sort.startswith("-") else column.asc(), default]


def _total(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _page(
    session: Session, stmt: Select[Any], window: Window, order: list[Any]
) -> tuple[list[Any], int]:
    total = _total(session, stmt)
    rows = session.scalars(stmt.order_by(*order).limit(window.limit).offset(window.offset)).all()
    return list(rows), total


def _area_path(session: Session, scope: Scope, org_id: int | None) -> str:
    """The subtree to list: a node inside the caller's scope, or the caller's whole scope."""
    if org_id is None:
        return scope.org_path
    row = session.get(OrgUnitRow, org_id)
    if row is None or not scope.covers(row.path):
        raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
    return row.path


def _text(column: Any, q: str | None) -> ColumnElement[bool] | None:
    return column.contains(q.strip(), autoescape=True) if q and q.strip() else None


def list_orgs(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    parent_id: int | None = None,
    level: OrgLevel | None = None,
) -> Page[OrgUnit]:
    stmt = select(OrgUnitRow).where(in_subtree(OrgUnitRow.path, _area_path(session, scope, under)))
    if parent_id is not None:
        stmt = stmt.where(OrgUnitRow.parent_id == parent_id)
    if level is not None:
        stmt = stmt.where(OrgUnitRow.level == level.value)
    if (clause := _text(OrgUnitRow.name, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {
        "name": OrgUnitRow.name,
        "id": OrgUnitRow.id,
        "path": OrgUnitRow.path,
        "code": OrgUnitRow.code,
    }
    rows, total = _page(session, stmt, window, _order(window, allowed, OrgUnitRow.path))
    return Page([org_to_domain(r) for r in rows], total, window.limit, window.offset)


def list_members(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    role: str | None = None,
    exempt: bool | None = None,
    in_service: bool | None = None,
) -> Page[Member]:
    stmt = select(MemberRow).where(member_scope(scope, _area_path(session, scope, under)))
    if role is not None:
        stmt = stmt.where(MemberRow.role == role)
    if exempt is not None:
        stmt = stmt.where(
            MemberRow.exempt_reason.is_not(None) if exempt else MemberRow.exempt_reason.is_(None)
        )
    if in_service is not None:
        stmt = stmt.where(MemberRow.in_service.is_(in_service))
    if (clause := _text(MemberRow.name, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {
        "name": MemberRow.name,
        "id": MemberRow.id,
        "birth_date": MemberRow.birth_date,
        "role": MemberRow.role,
        "updated_at": MemberRow.updated_at,
    }
    rows, total = _page(session, stmt, window, _order(window, allowed, MemberRow.id))
    return Page([member_to_domain(r) for r in rows], total, window.limit, window.offset)


def list_households(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    category: str | None = None,
    building: str | None = None,
    status: str | None = None,
) -> Page[Household]:
    stmt = select(HouseholdRow).where(household_scope(scope, _area_path(session, scope, under)))
    if status is not None:
        stmt = stmt.where(HouseholdRow.status == status)
    if category is not None:
        stmt = stmt.where(HouseholdRow.categories.contains(f",{category},", autoescape=True))
    if building is not None:
        stmt = stmt.where(HouseholdRow.building == building)
    if (clause := _text(HouseholdRow.head_name, window.q)) is not None:
        stmt = stmt.where(clause)
    allowed = {
        "head_name": HouseholdRow.head_name,
        "id": HouseholdRow.id,
        "size": HouseholdRow.size,
        "updated_at": HouseholdRow.updated_at,
    }
    rows, total = _page(session, stmt, window, _order(window, allowed, HouseholdRow.id))
    return Page([household_to_domain(r) for r in rows], total, window.limit, window.offset)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_audit(
    session: Session, scope: Scope, window: Window, flt: AuditFilter, *, under: int | None = None
) -> Page[AuditRow]:
    path = _area_path(session, scope, under)
    stmt = select(AuditRow).where(in_subtree(AuditRow.org_path, path))
    for column, value in (
        (AuditRow.actor, flt.actor),
        (AuditRow.entity, flt.entity),
        (AuditRow.entity_id, flt.entity_id),
        (AuditRow.action, flt.action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if flt.since is not None:
        stmt = stmt.where(AuditRow.at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditRow.at < flt.until)
    actor, record = _text(AuditRow.actor, window.q), _text(AuditRow.entity_id, window.q)
    if actor is not None and record is not None:  # free text: who did it, or which record
        stmt = stmt.where(or_(actor, record))
    order = _order(window, {"at": AuditRow.at, "id": AuditRow.id}, AuditRow.id.desc())
    rows, total = _page(session, stmt, window, order)
    return Page(rows, total, window.limit, window.offset)


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


@dataclass(frozen=True)
class ProposalSummary:
    id: int
    org_id: int
    org_name: str
    scheme: str
    status: str
    mode: str
    created_by: str
    created_at: datetime
    published_at: datetime | None


def list_proposals(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    status: str | None = None,
) -> Page[ProposalSummary]:
    """Assignment proposals (方案) of areas within the caller's reach, newest first."""
    stmt = (
        select(ProposalRow, OrgUnitRow.name)
        .join(OrgUnitRow, OrgUnitRow.id == ProposalRow.org_id)
        .where(in_subtree(OrgUnitRow.path, _area_path(session, scope, under)))
    )
    if status is not None:
        stmt = stmt.where(ProposalRow.status == status)
    order = _order(
        window, {"created_at": ProposalRow.created_at, "id": ProposalRow.id}, ProposalRow.id.desc()
    )
    total = _total(session, stmt)
    rows = session.execute(stmt.order_by(*order).limit(window.limit).offset(window.offset))
    return Page(
        [
            ProposalSummary(
                r.id,
                r.org_id,
                name,
                r.scheme,
                r.status,
                r.mode,
                r.created_by,
                r.created_at,
                r.published_at,
            )
            for r, name in rows
        ],
        total,
        window.limit,
        window.offset,
    )
