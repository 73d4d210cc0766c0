"""Accounts, refresh tokens and API keys: the login flow's storage and rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.access import Permission, Role, Scope
from domain.accounts import LoginState
from domain.audit import AuditAction, AuditEntry
from domain.errors import Conflict, Locked, NotFound, Unauthenticated
from persistence.repositories import SqlAuditRepository
from persistence.tables import ApiKeyRow, OrgUnitRow, RefreshTokenRow, UserRow


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: Role
    org_id: int | None
    org_path: str
    member_id: int | None
    active: bool = True


def _org_path(session: Session, org_id: int | None) -> str:
    return "/" if org_id is None else session.get_one(OrgUnitRow, org_id).path


def _account(session: Session, row: UserRow) -> Account:
    path = _org_path(session, row.org_id)
    return Account(
        row.id, row.username, Role(row.role), row.org_id, path, row.member_id, row.active
    )


def create_user(
    session: Session,
    *,
    username: str,
    password_hash: str,
    role: Role,
    org_id: int | None,
    member_id: int | None,
    at: datetime,
) -> Account:
    if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise Conflict("user.username_taken", f"用户名 {username} 已存在", field="username")
    row = UserRow(
        username=username,
        password_hash=password_hash,
        role=role.value,
        org_id=org_id,
        member_id=member_id,
        active=True,
        failed_logins=0,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return _account(session, row)


def check_login(
    session: Session,
    *,
    username: str,
    verify: Callable[[str | None], bool],
    at: datetime,
    request_id: str | None,
) -> Account:
    """Verify a password; the fifth failure in a row locks the account (domain.accounts)."""
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None or not row.active:
        verify(None)  # same work as a real check, so timing does not reveal usernames
        raise Unauthenticated("auth.bad_credentials", "用户名或密码错误")
    state = LoginState(row.failed_logins, row.locked_until)
    if state.locked_at(at):
        assert state.locked_until is not None
        seconds = int((state.locked_until - at).total_seconds()) + 1
        raise Locked(
            "auth.account_locked", "登录失败次数过多，账户已临时锁定", retry_after_seconds=seconds
        )
    audit = SqlAuditRepository(session)
    org_path = _org_path(session, row.org_id)
    if not verify(row.password_hash):
        state = state.after_failure(at)
        row.failed_logins, row.locked_until = state.failed_logins, state.locked_until
        audit.add(
            AuditEntry(
                at,
                f"user:{username}",  # the actor as every other entry of this user names it
                AuditAction.LOGIN_FAILED,
                "user",
                str(row.id),
                org_path,
                None,
                None,
                request_id,
            )
        )
        session.commit()
        if state.locked_until is not None:
            raise Locked(
                "auth.account_locked",
                "登录失败次数过多，账户已临时锁定",
                retry_after_seconds=int((state.locked_until - at).total_seconds()),
            )
        raise Unauthenticated("auth.bad_credentials", "用户名或密码错误")
    row.failed_logins, row.locked_until = 0, None
    audit.add(
        AuditEntry(
            at,
            f"user:{username}",
            AuditAction.LOGIN,
            "user",
            str(row.id),
            org_path,
            None,
            None,
            request_id,
        )
    )
    return _account(session, row)


def store_refresh_token(
    session: Session, *, user_id: int, token_hash: str, at: datetime, ttl: timedelta
) -> None:
    session.add(RefreshTokenRow(user_id=user_id, token_hash=token_hash, expires_at=at + ttl))
    session.flush()


def use_refresh_token(session: Session, *, token_hash: str, at: datetime) -> Account:
    """Consume a refresh token (rotation: each is valid once)."""
    row = session.scalar(select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash))
    if row is None or row.revoked_at is not None or row.expires_at <= at:
        raise Unauthenticated("auth.refresh_invalid", "刷新令牌无效或已过期，请重新登录")
    row.revoked_at = at
    user = session.get_one(UserRow, row.user_id)
    if not user.active:
        raise Unauthenticated("auth.refresh_invalid", "刷新令牌无效或已过期，请重新登录")
    return _account(session, user)


def revoke_refresh_tokens(session: Session, *, user_id: int, at: datetime) -> None:
    session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=at)
    )


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    prefix: str
    org_id: int
    org_path: str
    permissions: frozenset[Permission]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


def _key(session: Session, row: ApiKeyRow) -> ApiKey:
    org = session.get_one(OrgUnitRow, row.org_id)
    return ApiKey(
        row.id,
        row.name,
        row.prefix,
        row.org_id,
        org.path,
        frozenset(Permission(p) for p in row.permissions),
        row.created_by,
        row.created_at,
        row.revoked_at,
    )


def add_api_key(
    session: Session,
    *,
    name: str,
    prefix: str,
    secret_hash: str,
    org_id: int,
    permissions: frozenset[Permission],
    created_by: str,
    at: datetime,
) -> ApiKey:
    row = ApiKeyRow(
        name=name,
        prefix=prefix,
        secret_hash=secret_hash,
        org_id=org_id,
        permissions=sorted(p.value for p in permissions),
        created_by=created_by,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return _key(session, row)


def find_api_key(session: Session, prefix: str) -> tuple[ApiKey, str] | None:
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
    if row is None:
        return None
    return _key(session, row), row.secret_hash


def list_api_keys(session: Session, scope: Scope) -> list[ApiKey]:
    from persistence.scoping import in_subtree

    rows = session.scalars(
        select(ApiKeyRow)
        .join(OrgUnitRow, OrgUnitRow.id == ApiKeyRow.org_id)
        .where(in_subtree(OrgUnitRow.path, scope.org_path))
        .order_by(ApiKeyRow.id)
    )
    return [_key(session, r) for r in rows]


def revoke_api_key(session: Session, scope: Scope, key_id: int, *, at: datetime) -> ApiKey:
    row = session.get(ApiKeyRow, key_id)
    if row is None or not scope.covers(session.get_one(OrgUnitRow, row.org_id).path):
        raise NotFound("api_key.not_found", f"API 密钥 {key_id} 不存在", field="key_id")
    row.revoked_at = row.revoked_at or at
    session.flush()
    return _key(session, row)


def list_users(
    session: Session, scope: Scope, *, limit: int, offset: int, q: str | None
) -> tuple[list[Account], int]:
    """Accounts whose home lies in the caller's subtree (whole-installation admins: root only)."""
    from sqlalchemy import func, or_

    from persistence.scoping import in_subtree

    stmt = select(UserRow).outerjoin(OrgUnitRow, OrgUnitRow.id == UserRow.org_id)
    in_scope = in_subtree(OrgUnitRow.path, scope.org_path)
    stmt = stmt.where(
        or_(in_scope, UserRow.org_id.is_(None)) if scope.org_path == "/" else in_scope
    )
    if q:
        stmt = stmt.where(
            or_(
                UserRow.username.contains(q, autoescape=True),
                UserRow.display_name.contains(q, autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(UserRow.id).limit(limit).offset(offset)).all()
    return [_account(session, r) for r in rows], total


def get_user(session: Session, scope: Scope, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None or not scope.covers(_org_path(session, row.org_id)):
        raise NotFound("user.not_found", f"账户 {user_id} 不存在", field="user_id")
    return row


def account_of(session: Session, row: UserRow) -> Account:
    return _account(session, row)
