"""The access rules (domain/kernel/access.py) held at their edges: each role's grants as the access
matrix expects them (tests/grants.py), ``Scope.require`` refusing what is not held, the subtree
by whole segments, an ordinary member narrowed to their own, personal data by permission."""

from __future__ import annotations

import dataclasses

import pytest

from domain.kernel.access import (
    PERMISSION_LABELS,
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    Scope,
)
from domain.kernel.errors import Forbidden
from tests.grants import GRANTS


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_granted_exactly_what_the_access_matrix_expects(role: Role) -> None:
    assert {p.value for p in ROLE_PERMISSIONS[role]} == GRANTS[role]


def test_a_village_cadre_logs_visits_and_a_branch_secretary_writes_rosters() -> None:
    assert Permission.VISIT_WRITE in ROLE_PERMISSIONS[Role.VILLAGE_CADRE]
    assert Permission.ASSIGNMENT_WRITE in ROLE_PERMISSIONS[Role.BRANCH_SECRETARY]


def test_every_role_and_permission_has_a_chinese_label() -> None:
    assert set(ROLE_LABELS) == set(Role) and all(ROLE_LABELS.values())
    assert set(PERMISSION_LABELS) == set(Permission) and all(PERMISSION_LABELS.values())


def scope(role: Role, path: str = "/1/7/", member_id: int | None = None) -> Scope:
    return Scope.for_role(role=role, org_path=path, actor="test", member_id=member_id)


@pytest.mark.parametrize("role", list(Role))
def test_scope_require_refuses_every_permission_the_role_lacks_and_passes_the_rest(
    role: Role,
) -> None:
    s = scope(role)
    for permission in Permission:
        if permission.value in GRANTS[role]:
            s.require(permission)
            assert s.can(permission)
        else:
            with pytest.raises(Forbidden) as refused:
                s.require(permission)
            assert refused.value.code == "auth.permission_denied"
            assert permission.value in refused.value.message
            assert not s.can(permission)


def test_a_scope_covers_its_subtree_by_whole_segments() -> None:
    s = scope(Role.TOWNSHIP_CADRE, "/1/7/")
    assert s.covers("/1/7/")
    assert s.covers("/1/7/42/")
    assert not s.covers("/1/70/")  # a sibling whose id starts alike
    assert not s.covers("/1/")
    assert not s.covers("/2/7/")


def test_only_an_ordinary_member_is_narrowed_to_their_own_households() -> None:
    for role in Role:
        assert scope(role).own_households_only is (role is Role.MEMBER)


def test_an_ordinary_member_sees_only_the_households_they_look_after_today() -> None:
    s = scope(Role.MEMBER, "/1/7/", member_id=5)
    assert s.sees_household("/1/7/42/", 5)
    assert not s.sees_household("/1/7/42/", 6)
    assert not s.sees_household("/1/7/42/", None)
    assert not s.sees_household("/1/8/", 5)  # their own, but outside their subtree


def test_anyone_else_sees_every_household_of_their_subtree_whoever_looks_after_it() -> None:
    s = scope(Role.BRANCH_SECRETARY, "/1/7/")
    assert s.sees_household("/1/7/42/", 6)
    assert s.sees_household("/1/7/42/", None)
    assert not s.sees_household("/1/8/", 6)


def test_an_ordinary_member_sees_only_themself_among_members() -> None:
    s = scope(Role.MEMBER, "/1/7/", member_id=5)
    assert s.sees_member("/1/7/", 5)
    assert not s.sees_member("/1/7/", 6)
    assert not s.sees_member("/1/8/", 5)
    other = scope(Role.GROUP_LEADER, "/1/7/")
    assert other.sees_member("/1/7/42/", 6)
    assert not other.sees_member("/1/8/", 6)


@pytest.mark.parametrize("role", list(Role))
def test_personal_data_is_seen_with_personal_read_only(role: Role) -> None:
    assert scope(role).sees_personal_data is ("personal:read" in GRANTS[role])


def test_a_scope_keeps_the_caller_it_was_made_for() -> None:
    s = Scope.for_role(role=Role.MEMBER, org_path="/1/", actor="user:m", member_id=3)
    assert (s.org_path, s.actor, s.member_id) == ("/1/", "user:m", 3)
    assert s.permissions == ROLE_PERMISSIONS[Role.MEMBER]


def test_a_scope_made_directly_as_for_an_api_key_is_not_narrowed_to_own_households() -> None:
    s = Scope(org_path="/1/", permissions=frozenset({Permission.HOUSEHOLD_READ}), actor="key:k")
    assert s.own_households_only is False and s.member_id is None
    assert s.sees_household("/1/7/", 9)


def test_a_scope_cannot_be_changed_once_made() -> None:
    s = scope(Role.MEMBER, member_id=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.org_path = "/"  # type: ignore[misc]
