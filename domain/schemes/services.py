"""Scheme selection (选择联户模式) and parameter overrides along the tree."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Invalid, NotFound
from domain.kernel.unit_of_work import UnitOfWork
from domain.schemes.events import SchemeRemoved, SchemeSet
from domain.schemes.model import (
    EffectiveScheme,
    SchemeBinding,
    SchemeCode,
    SchemeParams,
    check_level_overrides,
    effective_scheme,
    required_scheme,
)
from domain.schemes.ports import SchemeRepository


def effective_for(uow: UnitOfWork, scope: Scope, org_id: int) -> EffectiveScheme:
    scope.require(Permission.SCHEME_READ)
    with uow:
        org = uow.orgs.get(org_id, scope)
        found = effective_scheme(uow.schemes.bindings_on_path(org.path))
        if found is None:
            raise NotFound("scheme.not_selected", "该组织及其上级尚未选择联户模式", field="org_id")
        return found


def unbind(uow: UnitOfWork, scope: Scope, org_id: int, *, at: datetime) -> None:
    """Remove an org unit's own choice and overrides: it inherits from above again."""
    scope.require(Permission.SCHEME_WRITE)
    with uow:
        org = uow.orgs.get(org_id, scope)
        own = [b for b in uow.schemes.bindings_on_path(org.path) if b.org_id == org.id]
        if not own:
            raise NotFound("scheme.no_binding", "该组织没有自己的联户模式设置", field="org_id")
        uow.schemes.remove(org.id)
        check_levels_below(uow, org.path)
        uow.emit(
            SchemeRemoved(
                actor=scope.actor,
                entity_id=org.id,
                org_path=org.path,
                at=at,
                before=own[0],
            )
        )
        uow.commit()


def bind(
    uow: UnitOfWork,
    scope: Scope,
    org_id: int,
    *,
    scheme: SchemeCode | None,
    overrides: Mapping[str, Any],
    at: datetime,
) -> EffectiveScheme:
    """Select a scheme and/or override parameters on one org unit; returns what applies there."""
    scope.require(Permission.SCHEME_WRITE)
    with uow:
        org = uow.orgs.get(org_id, scope)
        check_level_overrides(org.level, overrides)
        binding = SchemeBinding(org_id=org.id, scheme=scheme, overrides=dict(overrides))
        before = [b for b in uow.schemes.bindings_on_path(org.path) if b.org_id == org.id]
        uow.schemes.put(binding, at=at)
        chain = uow.schemes.bindings_on_path(org.path)
        result = required_scheme(chain, field="scheme", strict=True)
        check_levels_below(uow, org.path)
        uow.emit(
            SchemeSet(
                actor=scope.actor,
                entity_id=org.id,
                org_path=org.path,
                at=at,
                before=before[0] if before else None,
                after=binding,
            )
        )
        uow.commit()
        return result


def params_by_level(
    schemes: SchemeRepository, path: str, own: SchemeParams
) -> dict[str, SchemeParams]:
    """The parameters in force for an area (``own``, first) and for each level below it with a
    binding of its own — each org unit follows its nearest (``domain.org.nearest_of``): two
    statements, however many levels, the few that set figures of their own, not every village.
    What an area's figures are judged by, level by level (compliance, the checklist)."""
    below = [p for _, p, _ in schemes.bound_below(path)]
    found = {p: effective_scheme(chain) for p, chain in schemes.bindings_on_paths(below).items()}
    # always found under an area with a scheme: its chain reaches the area's binding
    return {path: own} | {p: s.params for p, s in found.items() if s is not None}


def check_levels_below(uow: UnitOfWork, path: str) -> None:
    """A change on one level must leave every level below that has figures of its own with a
    valid whole: a county raising the least number of households above a village's own most
    would leave the village unreadable (each of its requests a 422). Refused, naming the levels
    to change first, before anything is written (the caller's transaction is not committed)."""
    below = uow.schemes.bound_below(path)
    chains = uow.schemes.bindings_on_paths([p for _, p, _ in below])
    broken: list[dict[str, Any]] = []
    for org_id, child_path, name in below:
        try:
            effective_scheme(chains[child_path], strict=True)
        except Invalid as err:
            broken.append(
                {
                    "org_id": org_id,
                    "org_name": name,
                    "field": err.field,
                    "message": err.message,
                    "code": err.code,
                }
            )
    if broken:
        names = "、".join(b["org_name"] for b in broken[:5]) + ("等" if len(broken) > 5 else "")
        raise Conflict(
            "scheme.conflicts_below",
            f"下级组织（{names}）自己的设置与此冲突：{broken[0]['message']}；请先修改下级的设置",
            field=broken[0]["field"],
            errors=broken,
        )
