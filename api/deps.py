"""Dependencies shared by the routers: the caller's Scope, unit of work, clock and session."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.security import AccessClaims, read_access_token, same_secret, split_api_key
from api.settings import Settings
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Forbidden, Unauthenticated
from persistence.accounts.store import AccountState, account_state, find_api_key
from persistence.unit_of_work import SqlAlchemyUnitOfWork

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# Dependencies are async where they never wait: a sync one costs a thread hop per request.
def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Clock:
    return _clock(request)


async def get_settings_dep(request: Request) -> Settings:
    return _settings(request)


def get_session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A plain session for the read side; rolled back and closed after the request."""
    session = get_session_factory(request)()
    try:
        yield session
    finally:
        session.close()


async def get_uow(request: Request) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(
        get_session_factory(request), request_id=getattr(request.state, "request_id", None)
    )


ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
UowDep = Annotated[SqlAlchemyUnitOfWork, Depends(get_uow)]


async def get_scope(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Scope:
    """Who is calling: a bearer access token (users) or an X-API-Key (platform clients)."""
    settings = _settings(request)
    now = _clock(request)()
    if x_api_key:
        return await run_in_threadpool(_scope_of_key, request, x_api_key)  # a database read
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated(
            "auth.required", "请先登录（Authorization: Bearer …）或提供 X-API-Key"
        )
    claims = read_access_token(authorization[7:].strip(), secret=settings.secret_key, at=now)
    await _still_valid(request, claims)
    request.state.actor = f"user:{claims.username}"
    return scope_of(claims)


class AccountStates:
    """Whether signed-in users' accounts still stand (active, tokens not revoked by a password
    change), read at most every ``ttl`` seconds per account and process: an access token lives
    15 minutes, a deactivation or password reset takes effect within seconds instead. The
    process that makes the change forgets its copy at once."""

    def __init__(self, factory: sessionmaker[Session], ttl: float = 5.0) -> None:
        self._factory = factory
        self._ttl = ttl
        self._seen: dict[int, tuple[float, AccountState | None]] = {}

    def cached(self, user_id: int) -> tuple[bool, AccountState | None]:
        hit = self._seen.get(user_id)
        if hit is None or time.monotonic() - hit[0] > self._ttl:
            return False, None
        return True, hit[1]

    def load(self, user_id: int) -> AccountState | None:
        with self._factory() as session:
            state = account_state(session, user_id)
        self._seen[user_id] = (time.monotonic(), state)
        return state

    def forget(self, user_id: int) -> None:
        self._seen.pop(user_id, None)


def account_states(request: Request) -> AccountStates:
    states: AccountStates = request.app.state.account_states
    return states


async def _still_valid(request: Request, claims: AccessClaims) -> None:
    states = account_states(request)
    known, state = states.cached(claims.user_id)
    if not known:
        state = await run_in_threadpool(states.load, claims.user_id)  # a database read
    if state is None or not state.active:
        raise Unauthenticated("auth.account_disabled", "账户已停用或不存在，请联系管理员")
    valid_after = state.tokens_valid_after
    if valid_after is not None and claims.issued_at < int(valid_after.timestamp()):
        raise Unauthenticated("auth.token_revoked", "密码已修改，请重新登录")


def scope_of(claims: AccessClaims) -> Scope:
    """A signed-in user's reach, from their token's claims."""
    return Scope.for_role(
        role=claims.role,
        org_path=claims.org_path,
        actor=f"user:{claims.username}",
        member_id=claims.member_id,
    )


async def get_claims(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> AccessClaims:
    """The signed-in user's claims, for what only a user (not an API key) may be given."""
    if not authorization or not authorization.lower().startswith("bearer "):
        if request.headers.get("x-api-key"):
            raise Forbidden("auth.user_required", "只有登录用户可以这样做（API 密钥不行）")
        raise Unauthenticated("auth.required", "请先登录（Authorization: Bearer …）")
    claims = read_access_token(
        authorization[7:].strip(), secret=_settings(request).secret_key, at=_clock(request)()
    )
    await _still_valid(request, claims)
    return claims


def _scope_of_key(request: Request, presented: str) -> Scope:
    prefix = split_api_key(presented)
    with get_session_factory(request)() as session:
        found = find_api_key(session, prefix)
    if found is None or not same_secret(presented, found[1]):
        raise Unauthenticated("auth.api_key_invalid", "API 密钥无效")
    key = found[0]
    if key.revoked_at is not None:
        raise Unauthenticated("auth.api_key_revoked", "API 密钥已被吊销")
    if not found[2]:
        raise Unauthenticated("auth.api_key_revoked", "创建该密钥的账户已停用，密钥随之失效")
    request.state.actor = f"key:{key.prefix}"
    return Scope(org_path=key.org_path, permissions=key.permissions, actor=f"key:{key.prefix}")


ScopeDep = Annotated[Scope, Depends(get_scope)]
ClaimsDep = Annotated[AccessClaims, Depends(get_claims)]


def require(*permissions: Permission) -> Any:
    """A route dependency stating the permissions the route needs, checked before the handler."""

    async def check(scope: ScopeDep) -> None:
        missing = [p for p in permissions if not scope.can(p)]
        if missing:
            raise Forbidden(
                "auth.permission_denied", "缺少权限：" + "、".join(p.value for p in missing)
            )

    return Depends(check)
