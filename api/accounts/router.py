"""账户与 API 密钥: user accounts and platform keys, administered within the caller's subtree."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth.passwords import PASSWORDS
from api.auth.schemas import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    UserIn,
    UserOut,
    UserPage,
    UserUpdate,
)
from api.common import PathId
from api.deps import ClaimsDep, ClockDep, ScopeDep, SessionDep, UowDep, account_states, require
from api.paging import UserWindow
from api.security import new_api_key
from domain.accounts import services as accounts
from domain.accounts.model import NewApiKey
from domain.kernel.access import Permission
from persistence.accounts.queries import list_api_keys as api_keys_in_scope
from persistence.accounts.queries import list_users as users_in_scope

router = APIRouter(tags=["accounts"])


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    summary="创建账户",
    dependencies=[require(Permission.USER_ADMIN)],
)
def create_user(body: UserIn, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> UserOut:
    account = accounts.create_user(
        uow, scope, body.to_domain(), password=body.password, passwords=PASSWORDS, at=clock()
    )
    return UserOut.of(account)


@router.get(
    "/users",
    response_model=UserPage,
    summary="账户列表",
    dependencies=[require(Permission.USER_ADMIN)],
)
def list_users(
    scope: ScopeDep, session: SessionDep, window: UserWindow, clock: ClockDep
) -> UserPage:
    page = users_in_scope(session, scope, window, at=clock())
    return UserPage(
        data=[UserOut.of(u.account, u.locked_until) for u in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
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
    uow: UowDep,
    clock: ClockDep,
) -> UserOut:
    account = accounts.update_user(
        uow,
        scope,
        user_id,
        body.changes(),
        password=body.password,
        passwords=PASSWORDS,
        at=clock(),
    )
    account_states(request).forget(account.id)  # this process refuses old tokens at once
    return UserOut.of(account)


@router.post(
    "/users/{user_id}/unlock",
    response_model=UserOut,
    summary="解除账户的登录锁定",
    description="清除该账户在所有地址上的登录失败次数与锁定。",
    dependencies=[require(Permission.USER_ADMIN)],
)
def unlock_user(user_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> UserOut:
    return UserOut.of(accounts.unlock_user(uow, scope, user_id, at=clock()).account)


@router.post(
    "/api-keys",
    response_model=ApiKeyCreatedOut,
    status_code=201,
    summary="为对接平台创建 API 密钥",
    dependencies=[require(Permission.USER_ADMIN)],
)
def create_api_key(
    body: ApiKeyIn, claims: ClaimsDep, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> ApiKeyCreatedOut:
    """Only a signed-in user makes keys (a key cannot make keys that outlive it), and a key
    dies with its maker's account (api.deps)."""
    full, prefix, secret_hash = new_api_key()
    key = accounts.create_api_key(
        uow,
        scope,
        NewApiKey(
            name=body.name,
            prefix=prefix,
            secret_hash=secret_hash,
            org_id=body.org_id,
            permissions=frozenset(body.permissions),
        ),
        made_by_user_id=claims.user_id,
        at=clock(),
    )
    return ApiKeyCreatedOut(**ApiKeyOut.of(key).model_dump(), key=full)


@router.get(
    "/api-keys",
    response_model=list[ApiKeyOut],
    summary="API 密钥列表",
    dependencies=[require(Permission.USER_ADMIN)],
)
def list_api_keys(scope: ScopeDep, session: SessionDep) -> list[ApiKeyOut]:
    return [ApiKeyOut.of(k) for k in api_keys_in_scope(session, scope)]


@router.delete(
    "/api-keys/{key_id}",
    response_model=ApiKeyOut,
    summary="吊销 API 密钥",
    dependencies=[require(Permission.USER_ADMIN)],
)
def revoke_api_key(key_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> ApiKeyOut:
    return ApiKeyOut.of(accounts.revoke_api_key(uow, scope, key_id, at=clock()))
