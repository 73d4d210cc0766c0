"""账户与 API 密钥: user accounts and platform keys, administered within the caller's subtree."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.audit.writes import audit_write
from api.auth.schemas import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    UserIn,
    UserOut,
    UserPage,
    UserUpdate,
)
from api.common import NO_CONTROL, Offset, PathId
from api.deps import ClaimsDep, ClockDep, ScopeDep, SessionDep, account_states, require
from api.security import hash_password, new_api_key
from domain.accounts.rules import password_problem
from domain.audit.model import AuditAction
from domain.kernel.access import ROLE_PERMISSIONS, Permission, Role, Scope
from domain.kernel.errors import Forbidden, Invalid
from persistence.accounts import store as accounts
from persistence.accounts.names import user_names
from persistence.org.store import SqlOrgRepository
from persistence.registers.store import SqlMemberRepository

router = APIRouter(tags=["accounts"])


def _org_in_scope(session: SessionDep, scope: Scope, org_id: int) -> str:
    return SqlOrgRepository(session).get(org_id, scope).path


def _may_grant(scope: Scope, role: Role) -> None:
    """Administrators come from the installation's own administrators; nobody else hands out a
    role that can do more than they can (e.g. read personal data)."""
    if role is Role.ADMIN and scope.org_path != "/":
        raise Forbidden("user.admin_requires_admin", "只有系统管理员能创建管理员", field="role")
    if not ROLE_PERMISSIONS[role] <= scope.permissions:
        raise Forbidden("user.role_escalation", "不能授予比自己权限更大的角色", field="role")


def _acceptable_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise Invalid("user.weak_password", problem, field="password")


def _user_out(session: SessionDep, account: accounts.Account) -> UserOut:
    return _users_out(session, [account])[0]


def _users_out(
    session: SessionDep, found: Sequence[accounts.Account], at: datetime | None = None
) -> list[UserOut]:
    """The accounts as answered; with ``at``, each with its login lock in force then."""
    names = user_names(session, [a.username for a in found])
    locks = accounts.locks_in_force(session, [a.username for a in found], at) if at else {}
    stored = accounts.display_names(session, [a.id for a in found])
    return [
        UserOut(
            id=account.id,
            username=account.username,
            display_name=stored.get(account.id),
            name=names.get(account.username, account.username),
            role=account.role,
            org_id=account.org_id,
            member_id=account.member_id,
            active=account.active,
            locked_until=locks.get(account.username),
        )
        for account in found
    ]


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    summary="创建账户",
    dependencies=[require(Permission.USER_ADMIN)],
)
def create_user(body: UserIn, scope: ScopeDep, session: SessionDep, clock: ClockDep) -> UserOut:
    _acceptable_password(body.password, body.username)
    path = _org_in_scope(session, scope, body.org_id)
    if body.member_id is not None:
        SqlMemberRepository(session).get(body.member_id, scope)
    _may_grant(scope, body.role)
    account = accounts.create_user(
        session,
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        org_id=body.org_id,
        member_id=body.member_id,
        at=clock(),
    )
    if body.display_name is not None and body.display_name.strip():
        accounts.get_user(session, scope, account.id).display_name = body.display_name.strip()
        session.flush()
    out = _user_out(session, account)
    audit_write(
        session,
        scope,
        action=AuditAction.CREATE,
        entity="user",
        entity_id=account.id,
        org_path=path,
        at=clock(),
        after=out.model_dump(mode="json"),
    )
    session.commit()
    return out


@router.get(
    "/users",
    response_model=UserPage,
    summary="账户列表",
    dependencies=[require(Permission.USER_ADMIN)],
)
def list_users(
    scope: ScopeDep,
    session: SessionDep,
    clock: ClockDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=64, pattern=NO_CONTROL)] = None,
) -> UserPage:
    found, total = accounts.list_users(session, scope, limit=limit, offset=offset, q=q)
    return UserPage(
        data=_users_out(session, found, clock()), total=total, limit=limit, offset=offset
    )


@router.patch(
    "/users/{user_id}",
    response_model=UserOut,
    summary="修改账户（角色、组织、停用、重设密码）",
    dependencies=[require(Permission.USER_ADMIN)],
)
def update_user(
    user_id: PathId,
    body: UserUpdate,
    request: Request,
    scope: ScopeDep,
    session: SessionDep,
    clock: ClockDep,
) -> UserOut:
    row = accounts.get_user(session, scope, user_id)
    if body.password is not None:
        _acceptable_password(body.password, row.username)
    before = _user_out(session, accounts.account_of(session, row))
    _may_grant(scope, Role(row.role))  # no one edits an account mightier than their own
    sent = body.model_fields_set
    if body.role is not None:
        _may_grant(scope, body.role)
        row.role = body.role.value
    if body.org_id is not None:
        _org_in_scope(session, scope, body.org_id)
        row.org_id = body.org_id
    if "member_id" in sent:
        if body.member_id is not None:
            SqlMemberRepository(session).get(body.member_id, scope)
        row.member_id = body.member_id
    if "display_name" in sent:
        row.display_name = (body.display_name or "").strip() or None
    if body.active is not None:
        row.active = body.active
    if body.password is not None:
        accounts.set_password(session, row.id, hash_password(body.password), at=clock())
    elif body.active is False:
        accounts.end_sessions(session, row, at=clock())
    session.flush()
    after = _user_out(session, accounts.account_of(session, row))
    path = accounts.account_of(session, row).org_path
    audit_write(
        session,
        scope,
        action=AuditAction.UPDATE,
        entity="user",
        entity_id=row.id,
        org_path=path,
        at=clock(),
        before=before.model_dump(mode="json"),
        after={**after.model_dump(mode="json"), "password_reset": body.password is not None},
    )
    session.commit()
    account_states(request).forget(row.id)  # this process refuses old tokens at once
    return after


@router.post(
    "/users/{user_id}/unlock",
    response_model=UserOut,
    summary="解除账户的登录锁定",
    description="清除该账户在所有地址上的登录失败次数与锁定。",
    dependencies=[require(Permission.USER_ADMIN)],
)
def unlock_user(user_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep) -> UserOut:
    row = accounts.get_user(session, scope, user_id)
    _may_grant(scope, Role(row.role))  # no one acts on an account mightier than their own
    account = accounts.account_of(session, row)
    cleared = accounts.unlock(session, row.username)
    audit_write(
        session,
        scope,
        action=AuditAction.UNLOCK,
        entity="user",
        entity_id=row.id,
        org_path=account.org_path,
        at=clock(),
        after={"cleared": cleared},
    )
    session.commit()
    return _user_out(session, account)


def _key_out(key: accounts.ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        org_id=key.org_id,
        permissions=sorted(key.permissions),
        created_by=key.created_by,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


@router.post(
    "/api-keys",
    response_model=ApiKeyCreatedOut,
    status_code=201,
    summary="为对接平台创建 API 密钥",
    dependencies=[require(Permission.USER_ADMIN)],
)
def create_api_key(
    body: ApiKeyIn, claims: ClaimsDep, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> ApiKeyCreatedOut:
    """Only a signed-in user makes keys (a key cannot make keys that outlive it), and a key
    dies with its maker's account (api.deps)."""
    path = _org_in_scope(session, scope, body.org_id)
    wanted = frozenset(body.permissions)
    if not wanted <= scope.permissions:
        raise Forbidden(
            "api_key.permission_escalation",
            "不能授予自己没有的权限："
            + "、".join(sorted(p.value for p in wanted - scope.permissions)),
            field="permissions",
        )
    full, prefix, secret_hash = new_api_key()
    key = accounts.add_api_key(
        session,
        name=body.name,
        prefix=prefix,
        secret_hash=secret_hash,
        org_id=body.org_id,
        permissions=wanted,
        created_by=scope.actor,
        created_by_user_id=claims.user_id,
        at=clock(),
    )
    audit_write(
        session,
        scope,
        action=AuditAction.KEY_CREATE,
        entity="api_key",
        entity_id=key.id,
        org_path=path,
        at=clock(),
        after={
            "name": key.name,
            "prefix": key.prefix,
            "permissions": sorted(p.value for p in wanted),
        },
    )
    session.commit()
    return ApiKeyCreatedOut(**_key_out(key).model_dump(), key=full)


@router.get(
    "/api-keys",
    response_model=list[ApiKeyOut],
    summary="API 密钥列表",
    dependencies=[require(Permission.USER_ADMIN)],
)
def list_api_keys(scope: ScopeDep, session: SessionDep) -> list[ApiKeyOut]:
    return [_key_out(k) for k in accounts.list_api_keys(session, scope)]


@router.delete(
    "/api-keys/{key_id}",
    response_model=ApiKeyOut,
    summary="吊销 API 密钥",
    dependencies=[require(Permission.USER_ADMIN)],
)
def revoke_api_key(
    key_id: PathId, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> ApiKeyOut:
    key = accounts.revoke_api_key(session, scope, key_id, at=clock())
    audit_write(
        session,
        scope,
        action=AuditAction.KEY_REVOKE,
        entity="api_key",
        entity_id=key.id,
        org_path=key.org_path,
        at=clock(),
        before={"prefix": key.prefix},
    )
    session.commit()
    return _key_out(key)
