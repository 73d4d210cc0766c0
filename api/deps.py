"""Dependencies shared by the routers: the caller's Scope, unit of work, clock and session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.security import AccessClaims, read_access_token, same_secret, split_api_key
from api.settings import Settings
from domain.access import Permission, Scope
from domain.errors import Forbidden, Unauthenticated
from persistence.accounts import find_api_key
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
    request.state.actor = f"user:{claims.username}"
    return scope_of(claims)


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
        raise Forbidden("auth.user_required", "只有登录用户可以这样做（API 密钥不行）")
    return read_access_token(
        authorization[7:].strip(), secret=_settings(request).secret_key, at=_clock(request)()
    )


def _scope_of_key(request: Request, presented: str) -> Scope:
    prefix = split_api_key(presented)
    with get_session_factory(request)() as session:
        found = find_api_key(session, prefix)
    if found is None or not same_secret(presented, found[1]):
        raise Unauthenticated("auth.api_key_invalid", "API 密钥无效")
    key = found[0]
    if key.revoked_at is not None:
        raise Unauthenticated("auth.api_key_revoked", "API 密钥已被吊销")
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
