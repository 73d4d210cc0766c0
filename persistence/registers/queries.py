"""Read side: member and household lists, and one member or household in the caller's reach."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.registers.household import Household
from domain.registers.member import Member
from persistence.paging import Page, Window, _area_path, _order, _page, _text
from persistence.registers.store import (
    SqlHouseholdRepository,
    SqlMemberRepository,
    household_to_domain,
    member_to_domain,
)
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import household_scope, member_scope

# What a household list sorts by (api.paging.HouseholdWindow and MatchWindow name the same).
HOUSEHOLD_SORT: dict[str, Any] = {
    "head_name": HouseholdRow.head_name,
    "id": HouseholdRow.id,
    "size": HouseholdRow.size,
    "updated_at": HouseholdRow.updated_at,
}


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
    rows, total = _page(session, stmt, window, _order(window, HOUSEHOLD_SORT, HouseholdRow.id))
    return Page([household_to_domain(r) for r in rows], total, window.limit, window.offset)


def households_among(
    session: Session, scope: Scope, area_path: str, ids: Collection[int], window: Window
) -> Page[Household]:
    """A page of the households of ``ids`` (chosen by a rule the database cannot run, as a
    policy's matches) that the caller sees in the area at ``area_path``, paged as the household
    list: ``q`` searches the head's name, ``sort`` by the same fields, by id unless asked."""
    if not ids:
        return Page([], 0, window.limit, window.offset)
    stmt = select(HouseholdRow.id).where(household_scope(scope, area_path))
    if (clause := _text(HouseholdRow.head_name, window.q)) is not None:
        stmt = stmt.where(clause)
    wanted = set(ids)
    listed = [
        h
        for h in session.scalars(stmt.order_by(*_order(window, HOUSEHOLD_SORT, HouseholdRow.id)))
        if h in wanted
    ]
    page = listed[window.offset : window.offset + window.limit]
    return Page(households_by_id(session, scope, page), len(listed), window.limit, window.offset)


def get_member(session: Session, scope: Scope, member_id: int) -> Member:
    """The member, or ``member.not_found`` when outside the caller's reach."""
    return SqlMemberRepository(session).get(member_id, scope)


def get_household(session: Session, scope: Scope, household_id: int) -> Household:
    """The household, or ``household.not_found`` when outside the caller's reach."""
    return SqlHouseholdRepository(session).get(household_id, scope)


def households_by_id(session: Session, scope: Scope, ids: Sequence[int]) -> list[Household]:
    """The households of ``ids`` the caller may see, in the order of ``ids``: a page's worth
    in one query, not one each."""
    if not ids:
        return []
    rows = session.scalars(
        select(HouseholdRow).where(HouseholdRow.id.in_(list(ids)), household_scope(scope))
    )
    found = {r.id: household_to_domain(r) for r in rows}
    return [found[i] for i in ids if i in found]
