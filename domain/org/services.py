"""Org tree use cases: create, rename, move (refusing cycles), delete when empty."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Forbidden
from domain.kernel.org import OrgLevel, OrgUnit
from domain.kernel.unit_of_work import UnitOfWork
from domain.org.events import OrgUnitCreated, OrgUnitDeleted, OrgUnitMoved, OrgUnitUpdated


def _writable_parent(uow: UnitOfWork, scope: Scope, parent_id: int | None) -> OrgUnit | None:
    if parent_id is None:
        if scope.org_path != "/":
            raise Forbidden("org.root_outside_scope", "只有系统管理员可以创建顶级组织")
        return None
    return uow.orgs.get(parent_id, scope)


def create(
    uow: UnitOfWork,
    scope: Scope,
    *,
    name: str,
    level: OrgLevel,
    parent_id: int | None,
    code: str | None,
    external_id: str | None,
    at: datetime,
) -> OrgUnit:
    scope.require(Permission.ORG_WRITE)
    with uow:
        uow.orgs.lock_tree()  # the parent's path must not move before the child is written
        parent = _writable_parent(uow, scope, parent_id)
        OrgUnit(0, name, level, parent_id, "/0/").check_parent(parent)
        unit = uow.orgs.add(
            name=name, level=level, parent=parent, code=code, external_id=external_id, at=at
        )
        uow.emit(
            OrgUnitCreated(
                actor=scope.actor,
                entity_id=unit.id,
                org_path=unit.path,
                at=at,
                after=unit,
            )
        )
        uow.commit()
        return unit


def update(
    uow: UnitOfWork,
    scope: Scope,
    org_id: int,
    *,
    name: str | None,
    code: str | None,
    external_id: str | None,
    at: datetime,
) -> OrgUnit:
    scope.require(Permission.ORG_WRITE)
    with uow:
        unit = uow.orgs.get(org_id, scope)
        changed = replace(
            unit,
            name=name if name is not None else unit.name,
            code=code if code is not None else unit.code,
            external_id=external_id if external_id is not None else unit.external_id,
        )
        uow.orgs.update(changed, at=at)
        uow.emit(
            OrgUnitUpdated(
                actor=scope.actor,
                entity_id=org_id,
                org_path=changed.path,
                at=at,
                before=unit,
                after=changed,
            )
        )
        uow.commit()
        return changed


def move(uow: UnitOfWork, scope: Scope, org_id: int, *, parent_id: int, at: datetime) -> OrgUnit:
    """Move (移动) a node and its subtree under another parent; a cycle is refused."""
    scope.require(Permission.ORG_WRITE)
    with uow:
        # Moves one at a time, each reading the paths the one before it wrote: two units
        # moved under each other at once would both pass the cycle check on the old paths.
        uow.orgs.lock_tree()
        unit = uow.orgs.get(org_id, scope)
        if unit.path == scope.org_path:
            raise Forbidden("org.cannot_move_own_root", "不能移动自己所在的组织")
        parent = uow.orgs.get(parent_id, scope)
        moved = unit.moved_under(parent)
        uow.orgs.move_subtree(unit, moved, at=at)
        uow.emit(
            OrgUnitMoved(
                actor=scope.actor,
                entity_id=org_id,
                org_path=moved.path,
                left_path=unit.path,
                at=at,
                before=unit,
                after=moved,
            )
        )
        uow.commit()
        return moved


def delete(uow: UnitOfWork, scope: Scope, org_id: int, *, at: datetime) -> None:
    scope.require(Permission.ORG_WRITE)
    with uow:
        unit = uow.orgs.get(org_id, scope)
        if unit.path == scope.org_path:
            raise Forbidden("org.cannot_delete_own_root", "不能删除自己所在的组织")
        if not uow.orgs.is_empty(unit):
            raise Conflict("org.not_empty", "组织下还有下级组织、党员、农户或问题诉求，不能删除")
        uow.emit(  # before the deletion: the tombstone names the version it ends
            OrgUnitDeleted(
                actor=scope.actor,
                entity_id=org_id,
                org_path=unit.path,
                at=at,
                before=unit,
            )
        )
        uow.orgs.delete(unit)
        uow.commit()
