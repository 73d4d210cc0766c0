"""Member (党员) and household (农户) registers: create, change, delete, each audited and scoped."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Forbidden, Invalid
from domain.kernel.org import HOUSEHOLD_LEVELS, LEVEL_LABELS, OrgLevel, OrgUnit
from domain.kernel.time import local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.registers.events import (
    CategoryAdded,
    HouseholdCreated,
    HouseholdDeleted,
    HouseholdMoved,
    HouseholdUpdated,
    MemberCreated,
    MemberDeleted,
    MemberUpdated,
)
from domain.registers.household import (
    CategoryCatalog,
    EndedAssignment,
    Household,
    PersonalFields,
    check_status_move,
    unseen_changes,
    with_hidden_categories,
)
from domain.registers.member import Member, check_birth_date


def _household_org(uow: UnitOfWork, scope: Scope, org_id: int) -> OrgUnit:
    org = uow.orgs.get(org_id, scope)
    if org.level not in HOUSEHOLD_LEVELS:
        raise Invalid(
            "household.org_not_grid",
            f"农户须归属网格，不能直接归属{LEVEL_LABELS[org.level]}",
            field="org_id",
        )
    return org


def _check_reported_community(uow: UnitOfWork, scope: Scope, member: Member) -> None:
    if member.reported_community_id is None:
        return
    org = uow.orgs.get(member.reported_community_id, scope)
    if org.level not in (OrgLevel.COMMUNITY, OrgLevel.VILLAGE):
        raise Invalid(
            "member.reported_not_community",
            "在职党员须报到到社区或村",
            field="reported_community_id",
        )


def _with_category_codes(uow: UnitOfWork, household: Household) -> Household:
    """Categories as codes; a Chinese label (低保) is accepted for its code, unknown refused."""
    catalog = CategoryCatalog.with_extras(uow.households.known_categories())
    return dataclasses.replace(household, categories=catalog.resolve_all(household.categories))


def _check_birth_date(member: Member, at: datetime) -> None:
    if member.birth_date is not None:
        check_birth_date(member.birth_date, today=local_date(at), code="member", field="birth_date")


def create_member(uow: UnitOfWork, scope: Scope, member: Member, *, at: datetime) -> Member:
    scope.require(Permission.MEMBER_WRITE)
    _check_birth_date(member, at)
    with uow:
        org = uow.orgs.get(member.org_id, scope)
        _check_reported_community(uow, scope, member)
        created = uow.members.add(member, at=at)
        uow.emit(
            MemberCreated(
                actor=scope.actor,
                entity_id=created.id,
                org_path=org.path,
                at=at,
                after=created,
            )
        )
        uow.commit()
        return created


def update_member(
    uow: UnitOfWork, scope: Scope, member_id: int, changes: Mapping[str, Any], *, at: datetime
) -> Member:
    """Apply field changes (including exemption 免除联户 and its withdrawal)."""
    scope.require(Permission.MEMBER_WRITE)
    with uow:
        before = uow.members.get(member_id, scope)
        after = dataclasses.replace(before, **changes)
        if "birth_date" in changes:  # one stored before the rule does not block other changes
            _check_birth_date(after, at)
        org = uow.orgs.get(after.org_id, scope)
        _check_reported_community(uow, scope, after)
        uow.members.update(after, at=at)
        left = None if after.org_id == before.org_id else uow.orgs.get(before.org_id, scope).path
        uow.emit(
            MemberUpdated(
                actor=scope.actor,
                entity_id=member_id,
                org_path=org.path,
                left_path=left,
                at=at,
                before=before,
                after=after,
            )
        )
        uow.commit()
        return after


def delete_member(uow: UnitOfWork, scope: Scope, member_id: int, *, at: datetime) -> None:
    scope.require(Permission.MEMBER_WRITE)
    with uow:
        member = uow.members.get(member_id, scope)
        org = uow.orgs.get(member.org_id, scope)
        if reason := uow.members.in_use(member):
            raise Conflict("member.in_use", f"不能删除党员 {member.name}：{reason}")
        uow.emit(  # before the deletion: the tombstone names the version it ends
            MemberDeleted(
                actor=scope.actor,
                entity_id=member_id,
                org_path=org.path,
                at=at,
                before=member,
            )
        )
        uow.members.delete(member)
        uow.commit()


def create_household(
    uow: UnitOfWork, scope: Scope, household: Household, *, at: datetime
) -> Household:
    scope.require(Permission.HOUSEHOLD_WRITE)
    with uow:
        org = _household_org(uow, scope, household.org_id)
        created = uow.households.add(_with_category_codes(uow, household), at=at)
        uow.emit(
            HouseholdCreated(
                actor=scope.actor,
                entity_id=created.id,
                household_id=created.id,
                org_path=org.path,
                at=at,
                after=created,
            )
        )
        uow.commit()
        return created


@dataclasses.dataclass(frozen=True)
class HouseholdChanged:
    household: Household
    # The contact member the change took the household from: moved to another village (where
    # no roster of the old one reaches and its member cannot see it), moved out or archived.
    ended_assignment: EndedAssignment | None = None


def update_household(
    uow: UnitOfWork, scope: Scope, household_id: int, changes: Mapping[str, Any], *, at: datetime
) -> HouseholdChanged:
    scope.require(Permission.HOUSEHOLD_WRITE)
    with uow:
        before = uow.households.get(household_id, scope)
        after = _with_category_codes(uow, dataclasses.replace(before, **changes))
        check_status_move(before.status, after.status)
        if not scope.sees_personal_data:
            after = unseen_kept(before, after)
        org = _household_org(uow, scope, after.org_id)
        uow.households.update(after, at=at)
        ended = None
        if _leaves_its_contact(uow, scope, before, after, org):
            ended = uow.households.end_assignment(household_id, on=local_date(at), at=at)
        moved = after.org_id != before.org_id
        uow.emit(
            (HouseholdMoved if moved else HouseholdUpdated)(
                actor=scope.actor,
                entity_id=household_id,
                household_id=household_id,
                org_path=org.path,
                # for the grid (village, township) it left, the household is gone
                left_path=uow.orgs.get(before.org_id, scope).path if moved else None,
                at=at,
                before=before,
                after=after,
            )
        )
        uow.commit()
        return HouseholdChanged(after, ended)


def _leaves_its_contact(
    uow: UnitOfWork, scope: Scope, before: Household, after: Household, org: OrgUnit
) -> bool:
    """Whether the change ends the household's assignment: it leaves the register (moved out,
    archived), or it moves to a grid of another village — rosters are made village by village
    and its member's village no longer holds it, so nobody would be answerable for it."""
    if before.active and not after.active:
        return True
    if after.org_id == before.org_id:
        return False
    return uow.orgs.get(before.org_id, scope).parent_id != org.parent_id


def unseen_kept(before: Household, after: Household) -> Household:
    """The change of a caller who sees this household masked (no personal:read): a change of
    what they cannot see is refused (``unseen_changes``), the hidden categories are kept."""
    problems = unseen_changes(_personal(before), _personal(after))
    if problems:
        field, why = problems[0]
        tail = "" if field == "categories" else "，不能修改；请由有个人信息权限的人员修改"
        raise Forbidden("household.personal_field", why + tail, field=field)
    return dataclasses.replace(
        after, categories=with_hidden_categories(after.categories, before.categories)
    )


def _personal(h: Household) -> PersonalFields:
    lat, lng = (h.location.lat, h.location.lng) if h.location else (None, None)
    return PersonalFields(h.phone, h.address, lat, lng, h.categories)


def delete_household(uow: UnitOfWork, scope: Scope, household_id: int, *, at: datetime) -> None:
    scope.require(Permission.HOUSEHOLD_WRITE)
    with uow:
        household = uow.households.get(household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        if history := uow.households.history_of(household):
            raise Conflict(
                "household.has_history",
                f"农户 {household.head_name} 有{history}记录（民情日志），不能删除；"
                "请改为标记“已迁出”或“已归档”，记录仍可查阅",
            )
        uow.emit(  # before the deletion: the tombstone names the version it ends
            HouseholdDeleted(
                actor=scope.actor,
                entity_id=household_id,
                household_id=household_id,
                org_path=org.path,
                at=at,
                before=household,
            )
        )
        uow.households.delete(household)
        uow.commit()


def add_category(uow: UnitOfWork, scope: Scope, *, code: str, label: str, at: datetime) -> None:
    """Register a county's own household category (户类可扩展)."""
    scope.require(Permission.SCHEME_WRITE)
    with uow:
        catalog = CategoryCatalog.with_extras(uow.households.known_categories())
        if code in catalog.labels or label in catalog.labels.values():
            raise Invalid("category.duplicate", f"户类 {code}/{label} 已存在", field="code")
        uow.households.add_category(code, label)
        uow.emit(
            CategoryAdded(
                actor=scope.actor,
                entity_id=code,
                org_path=scope.org_path,
                at=at,
                after={"code": code, "label": label},
            )
        )
        uow.commit()
