"""Accounts, refresh tokens and API keys: the login flow's storage and rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from domain.accounts.events import USER_EVENTS, LoginFailed, RefreshTokenReused
from domain.accounts.rules import ANY_CLIENT, LockoutPolicy, lock_message
from domain.audit.model import AuditAction
from domain.kernel.access import Permission, Role, Scope
from domain.kernel.errors import Conflict, Locked, NotFound, Unauthenticated
from persistence.accounts.tables import ApiKeyRow, LoginThrottleRow, RefreshTokenRow, UserRow
from persistence.insert_or_skip import insert_or_skip
from persistence.org.tables import OrgUnitRow
from persistence.unit_of_work import record_on


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
        created_at=at,
    )
    session.add(row)
    session.flush()
    return _account(session, row)


def claim_login_attempt(
    session: Session, *, username: str, client: str, at: datetime, policy: LockoutPolicy
) -> None:
    """Claim one password check for ``username`` from ``client`` before checking it, or raise
    Locked. Each counter (this address, every address) is claimed by one conditional UPDATE:
    on PostgreSQL a concurrent claim waits on the row's lock and then reads the new count, on
    SQLite writers take turns; so however many guesses arrive at once, at most the policy's
    number are ever checked before the lock holds. Committed at once: the claim stands whatever
    the check finds, a success gives it back (``login_succeeded``)."""
    for key, allowed in policy.limits(client):
        session.execute(
            insert_or_skip(
                session.connection(),
                LoginThrottleRow,
                LoginThrottleRow.username,
                LoginThrottleRow.client,
            ).values(username=username, client=key, failures=0, updated_at=at)
        )
        expired = and_(
            LoginThrottleRow.locked_until.is_not(None), LoginThrottleRow.locked_until <= at
        )
        claimed = session.execute(
            update(LoginThrottleRow)
            .where(
                LoginThrottleRow.username == username,
                LoginThrottleRow.client == key,
                or_(
                    and_(
                        LoginThrottleRow.locked_until.is_(None),
                        LoginThrottleRow.failures < allowed,
                    ),
                    expired,
                ),
            )
            .values(
                failures=case((expired, 1), else_=LoginThrottleRow.failures + 1),
                locked_until=case((expired, None), else_=LoginThrottleRow.locked_until),
                updated_at=at,
            )
            .returning(LoginThrottleRow.id)
        ).first()
        if claimed is None:
            until = session.scalar(
                select(LoginThrottleRow.locked_until).where(
                    LoginThrottleRow.username == username, LoginThrottleRow.client == key
                )
            )
            session.rollback()
            # No lock yet: the last attempts allowed are being checked right now.
            wait = (until - at) if until is not None else policy.lock_for
            raise _locked(max(1, math.ceil(wait.total_seconds())))
    session.commit()


def _locked(retry_after_seconds: int) -> Locked:
    return Locked(
        "auth.account_locked",
        lock_message(retry_after_seconds),
        retry_after_seconds=retry_after_seconds,
    )


def login_failed(
    session: Session,
    *,
    username: str,
    client: str,
    at: datetime,
    policy: LockoutPolicy,
    request_id: str | None,
) -> None:
    """A checked password was wrong (or the username unknown): the claim stays a failure, and
    a counter that has used up its attempts locks; audited for a known account. Raises the
    answer: 429 when this failure locked the login from ``client``, else 401."""
    locked = False
    for key, allowed in policy.limits(client):
        hit = session.execute(
            update(LoginThrottleRow)
            .where(
                LoginThrottleRow.username == username,
                LoginThrottleRow.client == key,
                LoginThrottleRow.failures >= allowed,
                LoginThrottleRow.locked_until.is_(None),
            )
            .values(locked_until=at + policy.lock_for, updated_at=at)
            .returning(LoginThrottleRow.id)
        ).first()
        locked = locked or hit is not None
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is not None:
        record_on(
            session,
            LoginFailed(
                # the actor as every other entry of this user names it
                actor=f"user:{username}",
                at=at,
                entity_id=row.id,
                org_path=_org_path(session, row.org_id),
                after={"client": client, "locked": locked} if locked else {"client": client},
                request_id=request_id,
            ),
        )
    session.commit()
    if locked:
        raise _locked(int(policy.lock_for.total_seconds()))
    raise Unauthenticated("auth.bad_credentials", "用户名或密码错误")


def login_succeeded(
    session: Session,
    *,
    username: str,
    client: str,
    at: datetime,
    request_id: str | None,
    audited_as: AuditAction | None = AuditAction.LOGIN,
) -> Account:
    """The password was right: the failures from this address and the count from everywhere
    start again; audited as ``audited_as``. Not committed (the tokens are stored with it)."""
    session.execute(
        update(LoginThrottleRow)
        .where(
            LoginThrottleRow.username == username,
            LoginThrottleRow.client.in_((client, ANY_CLIENT)),
        )
        .values(failures=0, locked_until=None, updated_at=at)
    )
    row = session.scalars(select(UserRow).where(UserRow.username == username)).one()
    account = _account(session, row)
    if audited_as is None:
        return account
    record_on(
        session,
        USER_EVENTS[audited_as](
            actor=f"user:{username}",
            at=at,
            entity_id=row.id,
            org_path=account.org_path,
            after={"client": client},
            request_id=request_id,
        ),
    )
    return account


def password_hash_of(session: Session, username: str) -> str | None:
    """The hash to check a login against: None for an unknown or deactivated account."""
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    return row.password_hash if row is not None and row.active else None


def unlock(session: Session, username: str) -> int:
    """Lift every lock and failure count of ``username``; how many counters were cleared."""
    result = session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.username == username))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def locks_in_force(session: Session, usernames: list[str], at: datetime) -> dict[str, datetime]:
    """The latest lock in force (from any address) of each of ``usernames`` that has one."""
    rows = session.execute(
        select(LoginThrottleRow.username, func.max(LoginThrottleRow.locked_until))
        .where(LoginThrottleRow.username.in_(usernames), LoginThrottleRow.locked_until > at)
        .group_by(LoginThrottleRow.username)
    )
    return {name: until for name, until in rows if until is not None}


def display_names(session: Session, user_ids: list[int]) -> dict[int, str | None]:
    """The display name each of these accounts was given (None where none was)."""
    rows = session.execute(select(UserRow.id, UserRow.display_name).where(UserRow.id.in_(user_ids)))
    return {row.id: row.display_name for row in rows}


def store_refresh_token(
    session: Session,
    *,
    user_id: int,
    token_hash: str,
    at: datetime,
    ttl: timedelta,
    family: str,
) -> None:
    session.add(
        RefreshTokenRow(user_id=user_id, token_hash=token_hash, expires_at=at + ttl, family=family)
    )
    session.flush()


@dataclass(frozen=True)
class Rotation:
    account: Account
    family: str


def use_refresh_token(
    session: Session, *, token_hash: str, at: datetime, request_id: str | None
) -> Rotation:
    """Spend a refresh token (rotation: each is valid once). One conditional UPDATE: of
    several requests presenting it at once exactly one spends it (PostgreSQL: the others wait
    on the row's lock, then find it spent). A spent token presented again is a reuse (RFC 9700,
    OAuth 2.0 Security BCP 4.14.2): the whole family it belongs to is revoked, the login that
    started it must be made again, and the reuse is audited."""
    spent = session.execute(
        update(RefreshTokenRow)
        .where(
            RefreshTokenRow.token_hash == token_hash,
            RefreshTokenRow.revoked_at.is_(None),
            RefreshTokenRow.expires_at > at,
        )
        .values(revoked_at=at, rotated_at=at)
        .returning(RefreshTokenRow.user_id, RefreshTokenRow.family, RefreshTokenRow.id)
    ).first()
    if spent is None:
        _revoke_family_on_reuse(session, token_hash=token_hash, at=at, request_id=request_id)
        raise Unauthenticated("auth.refresh_invalid", "刷新令牌无效或已过期，请重新登录")
    user = session.get_one(UserRow, spent.user_id)
    if not user.active:
        session.rollback()
        raise Unauthenticated("auth.refresh_invalid", "刷新令牌无效或已过期，请重新登录")
    return Rotation(_account(session, user), spent.family or f"t{spent.id}")


def _revoke_family_on_reuse(
    session: Session, *, token_hash: str, at: datetime, request_id: str | None
) -> None:
    row = session.scalar(select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash))
    if row is None or row.rotated_at is None:
        session.rollback()  # unknown, expired or logged out: nothing more to do
        return
    family = row.family or f"t{row.id}"
    revoked = session.execute(
        update(RefreshTokenRow)
        .where(
            or_(RefreshTokenRow.family == family, RefreshTokenRow.id == row.id),
            RefreshTokenRow.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
    user = session.get_one(UserRow, row.user_id)
    record_on(
        session,
        RefreshTokenReused(
            actor=f"user:{user.username}",
            at=at,
            entity_id=user.id,
            org_path=_org_path(session, user.org_id),
            after={"family": family, "revoked": int(revoked.rowcount or 0)},  # type: ignore[attr-defined]
            request_id=request_id,
        ),
    )
    session.commit()


def revoke_refresh_tokens(session: Session, *, user_id: int, at: datetime) -> None:
    session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=at)
    )


def end_sessions(session: Session, row: UserRow, *, at: datetime) -> None:
    """Every session of the account ends: its refresh tokens are revoked and the access tokens
    issued before this second are refused (api.deps.AccountStates)."""
    revoke_refresh_tokens(session, user_id=row.id, at=at)
    row.tokens_valid_after = at.replace(microsecond=0)


def set_password(session: Session, user_id: int, password_hash: str, *, at: datetime) -> UserRow:
    """A new password: every session of the account ends, its lockout counters are cleared."""
    row = session.get_one(UserRow, user_id)
    row.password_hash = password_hash
    unlock(session, row.username)
    end_sessions(session, row, at=at)
    session.flush()
    return row


@dataclass(frozen=True)
class AccountState:
    active: bool
    tokens_valid_after: datetime | None


def account_state(session: Session, user_id: int) -> AccountState | None:
    """Whether a signed-in user's tokens still hold: None for an account that is gone."""
    row = session.execute(
        select(UserRow.active, UserRow.tokens_valid_after).where(UserRow.id == user_id)
    ).first()
    return None if row is None else AccountState(bool(row.active), row.tokens_valid_after)


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
    created_by_user_id: int,
    at: datetime,
) -> ApiKey:
    row = ApiKeyRow(
        name=name,
        prefix=prefix,
        secret_hash=secret_hash,
        org_id=org_id,
        permissions=sorted(p.value for p in permissions),
        created_by=created_by,
        created_by_user_id=created_by_user_id,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return _key(session, row)


def find_api_key(session: Session, prefix: str) -> tuple[ApiKey, str, bool] | None:
    """(the key, its secret's hash, whether the account that made it is still active)."""
    found = session.execute(
        select(ApiKeyRow, UserRow.active)
        .outerjoin(UserRow, UserRow.id == ApiKeyRow.created_by_user_id)
        .where(ApiKeyRow.prefix == prefix)
    ).first()
    if found is None:
        return None
    row, maker_active = found
    made_by_active = row.created_by_user_id is None or bool(maker_active)
    return _key(session, row), row.secret_hash, made_by_active


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
