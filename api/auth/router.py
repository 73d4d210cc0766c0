"""Login, token refresh, logout, who am I."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response

from api.auth.schemas import LoginIn, MeOut, PasswordChangeIn, RefreshIn, TokenOut
from api.deps import ClaimsDep, ClockDep, ScopeDep, SessionDep, SettingsDep, account_states
from api.security import (
    DUMMY_HASH,
    AccessClaims,
    hash_password,
    issue_access_token,
    new_refresh_token,
    sha256,
    verify_password,
)
from api.settings import Settings
from domain.accounts.events import PasswordChanged
from domain.accounts.rules import password_problem
from domain.audit.model import AuditAction
from domain.kernel.errors import DomainError, Invalid, Unauthenticated
from persistence.accounts import store as accounts
from persistence.accounts.names import actor_name
from persistence.unit_of_work import record_on

router = APIRouter(tags=["auth"])


def _tokens(
    session: SessionDep,
    settings: Settings,
    account: accounts.Account,
    now_: datetime,
    *,
    family: str | None = None,
) -> TokenOut:
    """An access token and a refresh token, committed with whatever the session holds. A login
    starts a new family of refresh tokens; a refresh continues its token's."""
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
        family=family or secrets.token_hex(8),
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


def _client(request: Request) -> str:
    """The address a login comes from, for the lockout's per-address counter."""
    return (request.client.host if request.client else "")[:64] or "unknown"


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def check_password(
    session: SessionDep,
    request: Request,
    settings: Settings,
    *,
    username: str,
    password: str,
    at: datetime,
    audited_as: AuditAction | None = AuditAction.LOGIN,
) -> accounts.Account:
    """The lockout rule around one password check (domain.accounts.LockoutPolicy): an attempt
    is claimed first, so parallel guesses cannot outrun the lock; an unknown username is
    counted and refused exactly as a wrong password is, so the answers do not tell which
    usernames exist. Leaves the successful login uncommitted."""
    policy = settings.lockout_policy
    client = _client(request)
    accounts.claim_login_attempt(session, username=username, client=client, at=at, policy=policy)
    stored = accounts.password_hash_of(session, username)
    # the same work for an unknown username as for a real check (timing)
    if not verify_password(stored or DUMMY_HASH, password) or stored is None:
        accounts.login_failed(
            session,
            username=username,
            client=client,
            at=at,
            policy=policy,
            request_id=_request_id(request),
        )
    return accounts.login_succeeded(
        session,
        username=username,
        client=client,
        at=at,
        request_id=_request_id(request),
        audited_as=audited_as,
    )


@router.post(
    "/auth/login",
    response_model=TokenOut,
    summary="登录",
    description="同一地址连续失败 5 次（所有地址合计 20 次）后锁定 15 分钟（429，Retry-After）；"
    "管理员可解除锁定（POST /users/{id}/unlock，或命令 lianhu unlock）。",
)
def login(
    body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenOut:
    now = clock()
    account = check_password(
        session, request, settings, username=body.username, password=body.password, at=now
    )
    return _tokens(session, settings, account, now)


@router.post("/auth/refresh", response_model=TokenOut, summary="刷新令牌")
def refresh(
    body: RefreshIn, request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> TokenOut:
    now = clock()
    rotation = accounts.use_refresh_token(
        session, token_hash=sha256(body.refresh_token), at=now, request_id=_request_id(request)
    )
    return _tokens(session, settings, rotation.account, now, family=rotation.family)


@router.post("/auth/logout", status_code=204, summary="退出登录（吊销刷新令牌）")
def logout(body: RefreshIn, request: Request, session: SessionDep, clock: ClockDep) -> Response:
    try:
        rotation = accounts.use_refresh_token(
            session, token_hash=sha256(body.refresh_token), at=clock(), request_id=None
        )
        accounts.revoke_refresh_tokens(session, user_id=rotation.account.id, at=clock())
        session.commit()
    except DomainError:
        session.rollback()
    return Response(status_code=204)


@router.post(
    "/auth/password",
    response_model=TokenOut,
    summary="修改自己的密码",
    description="须提供当前密码（与登录同样计入失败次数）；新密码须符合密码规则。"
    "成功后其他会话全部失效，返回新的令牌。",
)
def change_password(
    body: PasswordChangeIn,
    request: Request,
    claims: ClaimsDep,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> TokenOut:
    now = clock()
    problem = password_problem(body.new_password, claims.username)
    if problem is not None:
        raise Invalid("user.weak_password", problem, field="new_password")
    if body.new_password == body.current_password:
        raise Invalid("user.same_password", "新密码不能与当前密码相同", field="new_password")
    try:
        account = check_password(
            session,
            request,
            settings,
            username=claims.username,
            password=body.current_password,
            at=now,
            audited_as=None,  # audited below as the change it is
        )
    except Unauthenticated:
        raise Invalid("auth.wrong_password", "当前密码不正确", field="current_password") from None
    row = accounts.set_password(session, account.id, hash_password(body.new_password), at=now)
    account_states(request).forget(row.id)
    record_on(
        session,
        PasswordChanged(
            actor=f"user:{account.username}",
            at=now,
            entity_id=account.id,
            org_path=account.org_path,
            request_id=_request_id(request),
        ),
    )
    return _tokens(session, settings, account, now)


@router.get("/auth/me", response_model=MeOut, summary="当前调用者")
def me(scope: ScopeDep, session: SessionDep) -> MeOut:
    return MeOut(
        actor=scope.actor,
        display_name=actor_name(session, scope.actor),
        org_path=scope.org_path,
        permissions=sorted(scope.permissions),
        member_id=scope.member_id,
    )
