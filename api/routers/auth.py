"""Login, token refresh, accounts and API keys."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from api.deps import ClockDep, ScopeDep, SessionDep, SettingsDep, require
from api.schemas.auth import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    LoginIn,
    MeOut,
    RefreshIn,
    TokenOut,
    UserIn,
    UserOut,
)
from api.schemas.common import PathId
from api.security import (
    DUMMY_HASH,
    AccessClaims,
    hash_password,
    issue_access_token,
    new_api_key,
    new_refresh_token,
    sha256,
    verify_password,
)
from api.settings import Settings
from domain.access import Permission, Role, Scope
from domain.audit import AuditAction
from domain.errors import Forbidden
from domain.services.audit_trail import record
from persistence import accounts
from persistence.repositories import SqlAuditRepository, SqlMemberRepository, SqlOrgRepository

router = APIRouter(tags=["auth"])


def _tokens(
    session: SessionDep, settings: Settings, account: accounts.Account, now_: object
) -> TokenOut:
    from datetime import datetime

    assert isinstance(now_, datetime)
    ttl = timedelta(minutes=settings.access_token_minutes)
    access = issue_access_token(
        AccessClaims(
            account.id, account.username, account.role, account.org_path, account.member_id
        ),
        secret=settings.secret_key,
        at=now_,
        ttl=ttl,
    )
    refresh = new_refresh_token()
    accounts.store_refresh_token(
        session,
        user_id=account.id,
        token_hash=sha256(refresh),
        at=now_,
        ttl=timedelta(days=settings.refresh_token_days),
    )
    session.commit()
    return TokenOut(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(ttl.total_seconds()),
        role=account.role,
        org_id=account.org_id,
        member_id=account.member_id,
    )


@router.post("/auth/login", response_model=TokenOut, summary="登录")
def login(
    body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenOut:
    now = clock()

    def verify(password_hash: str | None) -> bool:
        return verify_password(password_hash or DUMMY_HASH, body.password) and bool(password_hash)

    account = accounts.check_login(
        session,
        username=body.username,
        verify=verify,
        at=now,
        request_id=getattr(request.state, "request_id", None),
    )
    return _tokens(session, settings, account, now)


@router.post("/auth/refresh", response_model=TokenOut, summary="刷新令牌")
def refresh(
    body: RefreshIn, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenOut:
    now = clock()
    account = accounts.use_refresh_token(session, token_hash=sha256(body.refresh_token), at=now)
    return _tokens(session, settings, account, now)


@router.post("/auth/logout", status_code=204, summary="退出登录（吊销刷新令牌）")
def logout(body: RefreshIn, session: SessionDep, clock: ClockDep) -> Response:
    try:
        account = accounts.use_refresh_token(
            session, token_hash=sha256(body.refresh_token), at=clock()
        )
        accounts.revoke_refresh_tokens(session, user_id=account.id, at=clock())
        session.commit()
    except Exception:
        session.rollback()
    return Response(status_code=204)


@router.get("/auth/me", response_model=MeOut, summary="当前调用者")
def me(scope: ScopeDep) -> MeOut:
    return MeOut(
        actor=scope.actor,
        org_path=scope.org_path,
        permissions=sorted(scope.permissions),
        member_id=scope.member_id,
    )


def _org_in_scope(session: SessionDep, scope: Scope, org_id: int) -> str:
    return SqlOrgRepository(session).get(org_id, scope).path


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    summary="创建账户",
    dependencies=[require(Permission.USER_ADMIN)],
)
def create_user(body: UserIn, scope: ScopeDep, session: SessionDep, clock: ClockDep) -> UserOut:
    path = _org_in_scope(session, scope, body.org_id)
    if body.role is Role.ADMIN and scope.org_path != "/":
        raise Forbidden("user.admin_requires_admin", "只有系统管理员能创建管理员")
    if body.member_id is not None:
        SqlMemberRepository(session).get(body.member_id, scope)
    account = accounts.create_user(
        session,
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        org_id=body.org_id,
        member_id=body.member_id,
        at=clock(),
    )
    _audit(
        session,
        scope,
        AuditAction.CREATE,
        "user",
        account.id,
        path,
        clock,
        after={
            "username": account.username,
            "role": account.role.value,
            "org_id": account.org_id,
            "member_id": account.member_id,
        },
    )
    session.commit()
    return UserOut(
        id=account.id,
        username=account.username,
        role=account.role,
        org_id=account.org_id,
        member_id=account.member_id,
    )


def _audit(
    session: SessionDep,
    scope: Scope,
    action: AuditAction,
    entity: str,
    entity_id: int,
    path: str,
    clock: ClockDep,
    **snapshots: object,
) -> None:
    record(
        SqlAuditRepository(session),
        scope,
        action=action,
        entity=entity,
        entity_id=entity_id,
        org_path=path,
        at=clock(),
        **snapshots,
    )


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
    body: ApiKeyIn, scope: ScopeDep, session: SessionDep, clock: ClockDep
) -> ApiKeyCreatedOut:
    path = _org_in_scope(session, scope, body.org_id)
    wanted = frozenset(body.permissions)
    if not wanted <= scope.permissions:
        raise Forbidden(
            "api_key.permission_escalation",
            "不能授予自己没有的权限",
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
        at=clock(),
    )
    _audit(
        session,
        scope,
        AuditAction.KEY_CREATE,
        "api_key",
        key.id,
        path,
        clock,
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
    _audit(
        session,
        scope,
        AuditAction.KEY_REVOKE,
        "api_key",
        key.id,
        key.org_path,
        clock,
        before={"prefix": key.prefix},
    )
    session.commit()
    return _key_out(key)
