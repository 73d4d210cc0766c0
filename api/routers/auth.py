"""Login, token refresh, logout, who am I."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response

from api.deps import ClockDep, ScopeDep, SessionDep, SettingsDep
from api.schemas.auth import (
    LoginIn,
    MeOut,
    RefreshIn,
    TokenOut,
)
from api.security import (
    DUMMY_HASH,
    AccessClaims,
    issue_access_token,
    new_refresh_token,
    sha256,
    verify_password,
)
from api.settings import Settings
from persistence import accounts
from persistence.people import actor_name

router = APIRouter(tags=["auth"])


def _tokens(
    session: SessionDep, settings: Settings, account: accounts.Account, now_: datetime
) -> TokenOut:
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
def me(scope: ScopeDep, session: SessionDep) -> MeOut:
    return MeOut(
        actor=scope.actor,
        display_name=actor_name(session, scope.actor),
        org_path=scope.org_path,
        permissions=sorted(scope.permissions),
        member_id=scope.member_id,
    )
