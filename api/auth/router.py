"""Login, token refresh, logout, who am I."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response

from api.auth.passwords import PASSWORDS
from api.auth.schemas import LoginIn, MeOut, PasswordChangeIn, RefreshIn, TokenOut
from api.deps import (
    ClaimsDep,
    ClockDep,
    ScopeDep,
    SessionDep,
    SettingsDep,
    UowDep,
    account_states,
)
from api.security import AccessClaims, issue_access_token, new_refresh_token, sha256
from api.settings import Settings
from domain.accounts import services as accounts
from domain.accounts.model import Account, LoginAttempt, RefreshGrant
from persistence.accounts.names import actor_name

router = APIRouter(tags=["auth"])


class _RefreshToken:
    """A new refresh token: the client is given the token, the store only its digest."""

    def __init__(self, settings: Settings, at: datetime) -> None:
        self.token = new_refresh_token()
        self.grant = RefreshGrant(
            token_hash=sha256(self.token),
            expires_at=at + timedelta(days=settings.refresh_token_days),
        )


def _tokens(settings: Settings, account: Account, refresh: _RefreshToken, at: datetime) -> TokenOut:
    """The answer of a sign-in: a signed access token and the refresh token stored with it."""
    ttl = timedelta(minutes=settings.access_token_minutes)
    access = issue_access_token(
        AccessClaims(
            account.id, account.username, account.role, account.org_path, account.member_id
        ),
        secret=settings.secret_key,
        at=at,
        ttl=ttl,
    )
    return TokenOut(
        access_token=access,
        refresh_token=refresh.token,
        expires_in=int(ttl.total_seconds()),
        role=account.role,
        org_id=account.org_id,
        member_id=account.member_id,
    )


def _client(request: Request) -> str:
    """The address a login comes from, for the lockout's per-address counter."""
    return (request.client.host if request.client else "")[:64] or "unknown"


@router.post(
    "/auth/login",
    response_model=TokenOut,
    summary="登录",
    description="同一地址连续失败 5 次（所有地址合计 20 次）后锁定 15 分钟（429，Retry-After）；"
    "管理员可解除锁定（POST /users/{id}/unlock，或命令 lianhu unlock）。",
)
def login(
    body: LoginIn, request: Request, uow: UowDep, settings: SettingsDep, clock: ClockDep
) -> TokenOut:
    now = clock()
    refresh = _RefreshToken(settings, now)
    account = accounts.log_in(
        uow,
        LoginAttempt(body.username, body.password, _client(request)),
        policy=settings.lockout_policy,
        passwords=PASSWORDS,
        grant=refresh.grant,
        at=now,
    )
    return _tokens(settings, account, refresh, now)


@router.post("/auth/refresh", response_model=TokenOut, summary="刷新令牌")
def refresh(body: RefreshIn, uow: UowDep, settings: SettingsDep, clock: ClockDep) -> TokenOut:
    now = clock()
    next_token = _RefreshToken(settings, now)
    account = accounts.refresh(uow, sha256(body.refresh_token), grant=next_token.grant, at=now)
    return _tokens(settings, account, next_token, now)


@router.post("/auth/logout", status_code=204, summary="退出登录（吊销刷新令牌）")
def logout(body: RefreshIn, uow: UowDep, clock: ClockDep) -> Response:
    accounts.log_out(uow, sha256(body.refresh_token), at=clock())
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
    uow: UowDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> TokenOut:
    now = clock()
    refresh = _RefreshToken(settings, now)
    account = accounts.change_password(
        uow,
        LoginAttempt(claims.username, body.current_password, _client(request)),
        new_password=body.new_password,
        policy=settings.lockout_policy,
        passwords=PASSWORDS,
        grant=refresh.grant,
        at=now,
    )
    account_states(request).forget(account.id)  # this process refuses old tokens at once
    return _tokens(settings, account, refresh, now)


@router.get("/auth/me", response_model=MeOut, summary="当前调用者")
def me(scope: ScopeDep, session: SessionDep) -> MeOut:
    return MeOut(
        actor=scope.actor,
        display_name=actor_name(session, scope.actor),
        org_path=scope.org_path,
        permissions=sorted(scope.permissions),
        member_id=scope.member_id,
    )
