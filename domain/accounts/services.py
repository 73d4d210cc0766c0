"""Accounts' use cases: administering accounts and API keys within the caller's subtree, and the
sign-in flow: login with the lockout rule (登录失败锁定), refresh-token rotation with reuse
detection, logout and the change of one's own password. Each write is audited from its event."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.accounts.events import (
    ApiKeyCreated,
    ApiKeyRevoked,
    LoginFailed,
    PasswordChanged,
    RefreshTokenReused,
    UserCreated,
    UserLoggedIn,
    UserUnlocked,
    UserUpdated,
)
from domain.accounts.model import (
    Account,
    ApiKey,
    LoginAttempt,
    NewAccount,
    NewApiKey,
    RefreshGrant,
    SpentToken,
)
from domain.accounts.ports import Passwords
from domain.accounts.rules import ANY_CLIENT, LockoutPolicy, lock_message, password_problem
from domain.kernel.access import ROLE_PERMISSIONS, Permission, Role, Scope
from domain.kernel.errors import Forbidden, Invalid, Locked, NotFound, Unauthenticated
from domain.kernel.unit_of_work import UnitOfWork

# ── Administering accounts ────────────────────────────────────────────────────────────────────


def _may_grant(scope: Scope, role: Role) -> None:
    """Administrators come from the installation's own administrators; nobody else hands out a
    role that can do more than they can (e.g. read personal data)."""
    if role is Role.ADMIN and scope.org_path != "/":
        raise Forbidden("user.admin_requires_admin", "只有系统管理员能创建管理员", field="role")
    if not ROLE_PERMISSIONS[role] <= scope.permissions:
        raise Forbidden("user.role_escalation", "不能授予比自己权限更大的角色", field="role")


def _acceptable_password(password: str, username: str, *, field: str = "password") -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise Invalid("user.weak_password", problem, field=field)


def _home_path(uow: UnitOfWork, scope: Scope, org_id: int | None) -> str:
    """The org path of an account's home: an org unit in the caller's subtree, or (no unit)
    the whole installation, which only its own administrators reach."""
    if org_id is not None:
        return uow.orgs.get(org_id, scope).path
    if not scope.covers("/"):
        raise NotFound("org.not_found", "组织不存在", field="org_id")
    return "/"


def _shown_name(display_name: str | None) -> str | None:
    """A display name as stored: trimmed; blank is none (lists then show the member's name)."""
    return (display_name or "").strip() or None


def create_user(
    uow: UnitOfWork,
    scope: Scope,
    new: NewAccount,
    *,
    password: str,
    passwords: Passwords,
    at: datetime,
) -> Account:
    scope.require(Permission.USER_ADMIN)
    _acceptable_password(password, new.username)
    with uow:
        path = _home_path(uow, scope, new.org_id)
        if new.member_id is not None:
            uow.members.get(new.member_id, scope)
        _may_grant(scope, new.role)
        new = dataclasses.replace(new, display_name=_shown_name(new.display_name))
        account = uow.accounts.add(new, password_hash=passwords.hash(password), at=at)
        uow.emit(
            UserCreated(
                actor=scope.actor,
                entity_id=account.id,
                org_path=path,
                at=at,
                after=account.record(),
            )
        )
        uow.commit()
        return account


def update_user(
    uow: UnitOfWork,
    scope: Scope,
    user_id: int,
    changes: Mapping[str, Any],
    *,
    password: str | None,
    passwords: Passwords,
    at: datetime,
) -> Account:
    """Change an account's ``role``, ``org_id``, ``member_id`` (None: unlinked),
    ``display_name`` or ``active``, as far as ``changes`` names them, and reset its password
    when one is given. A new password or a deactivation ends every session of the account."""
    scope.require(Permission.USER_ADMIN)
    with uow:
        before = uow.accounts.get(user_id, scope)
        if password is not None:
            _acceptable_password(password, before.username)
        _may_grant(scope, before.role)  # no one edits an account mightier than their own
        after = dataclasses.replace(before, **changes)
        if "role" in changes:
            _may_grant(scope, after.role)
        if "org_id" in changes:
            after = dataclasses.replace(after, org_path=_home_path(uow, scope, after.org_id))
        if "member_id" in changes and after.member_id is not None:
            uow.members.get(after.member_id, scope)
        if "display_name" in changes:
            after = dataclasses.replace(after, display_name=_shown_name(after.display_name))
        uow.accounts.update(after)
        if password is not None:
            _new_password(uow, after, passwords.hash(password), at=at)
        elif "active" in changes and not after.active:
            uow.accounts.end_sessions(user_id, at=at)
        after = uow.accounts.get(user_id, scope)  # as stored (its name may be its member's)
        uow.emit(
            UserUpdated(
                actor=scope.actor,
                entity_id=user_id,
                org_path=after.org_path,
                at=at,
                before=before.record(),
                after={**after.record(), "password_reset": password is not None},
            )
        )
        uow.commit()
        return after


def _new_password(uow: UnitOfWork, account: Account, password_hash: str, *, at: datetime) -> None:
    """A new password: every session of the account ends, its lockout counters are cleared."""
    uow.accounts.set_password(account.id, password_hash)
    uow.accounts.unlock(account.username)
    uow.accounts.end_sessions(account.id, at=at)


@dataclasses.dataclass(frozen=True)
class Unlocked:
    account: Account
    cleared: int  # the lockout counters removed


def unlock_user(uow: UnitOfWork, scope: Scope, user_id: int, *, at: datetime) -> Unlocked:
    """Lift every login lock and failure count of the account, from every address."""
    scope.require(Permission.USER_ADMIN)
    with uow:
        account = uow.accounts.get(user_id, scope)
        _may_grant(scope, account.role)  # no one acts on an account mightier than their own
        cleared = uow.accounts.unlock(account.username)
        uow.emit(
            UserUnlocked(
                actor=scope.actor,
                entity_id=account.id,
                org_path=account.org_path,
                at=at,
                after={"cleared": cleared},
            )
        )
        uow.commit()
        return Unlocked(account, cleared)


# ── API keys ──────────────────────────────────────────────────────────────────────────────────


def create_api_key(
    uow: UnitOfWork, scope: Scope, key: NewApiKey, *, made_by_user_id: int, at: datetime
) -> ApiKey:
    """Only a signed-in user makes keys (a key cannot make keys that outlive it), and a key
    dies with its maker's account (api.deps); it holds no permission its maker lacks."""
    scope.require(Permission.USER_ADMIN)
    with uow:
        path = uow.orgs.get(key.org_id, scope).path
        if not key.permissions <= scope.permissions:
            raise Forbidden(
                "api_key.permission_escalation",
                "不能授予自己没有的权限："
                + "、".join(sorted(p.value for p in key.permissions - scope.permissions)),
                field="permissions",
            )
        made = uow.accounts.add_key(
            key, created_by=scope.actor, created_by_user_id=made_by_user_id, at=at
        )
        uow.emit(
            ApiKeyCreated(
                actor=scope.actor,
                entity_id=made.id,
                org_path=path,
                at=at,
                after={
                    "name": made.name,
                    "prefix": made.prefix,
                    "permissions": sorted(p.value for p in key.permissions),
                },
            )
        )
        uow.commit()
        return made


def revoke_api_key(uow: UnitOfWork, scope: Scope, key_id: int, *, at: datetime) -> ApiKey:
    scope.require(Permission.USER_ADMIN)
    with uow:
        key = uow.accounts.get_key(key_id, scope)
        revoked = uow.accounts.revoke_key(key.id, at=at)
        uow.emit(
            ApiKeyRevoked(
                actor=scope.actor,
                entity_id=key.id,
                org_path=key.org_path,
                at=at,
                before={"prefix": key.prefix},
            )
        )
        uow.commit()
        return revoked


# ── Signing in ────────────────────────────────────────────────────────────────────────────────


def _locked(retry_after_seconds: int) -> Locked:
    return Locked(
        "auth.account_locked",
        lock_message(retry_after_seconds),
        retry_after_seconds=retry_after_seconds,
    )


def _claim(uow: UnitOfWork, attempt: LoginAttempt, *, policy: LockoutPolicy, at: datetime) -> None:
    """Claim one password check before making it, or raise Locked; committed at once, so the
    claim stands whatever the check finds (a success gives it back). Each counter (this
    address, every address) is claimed by one atomic conditional update: however many guesses
    arrive at once, at most the policy's number are ever checked before the lock holds."""
    with uow:
        for client, allowed in policy.limits(attempt.client):
            if not uow.accounts.claim_attempt(attempt.username, client, allowed=allowed, at=at):
                until = uow.accounts.locked_until(attempt.username, client)
                # No lock yet: the last attempts allowed are being checked right now.
                wait = (until - at) if until is not None else policy.lock_for
                raise _locked(max(1, math.ceil(wait.total_seconds())))
        uow.commit()


def _check(
    uow: UnitOfWork,
    attempt: LoginAttempt,
    *,
    policy: LockoutPolicy,
    passwords: Passwords,
    at: datetime,
) -> Account:
    """The claimed password check, inside an open unit of work. Wrong (or the username unknown):
    the claim stays a failure, a counter that has used up its attempts locks, a known account's
    failure is audited, all committed; raises 429 when this failure locked the login from the
    address, else 401. Right: the failures from the address and the count from everywhere start
    again; nothing committed yet."""
    stored = uow.accounts.password_hash_of(attempt.username)
    # the same work for an unknown username as for a real check (timing), and the same answer
    right = passwords.verify(stored or passwords.unknown_user_hash, attempt.password)
    account = uow.accounts.by_username(attempt.username)
    if right and stored is not None and account is not None:
        uow.accounts.clear_failures(attempt.username, (attempt.client, ANY_CLIENT), at=at)
        return account
    locked = False
    for client, allowed in policy.limits(attempt.client):
        until = at + policy.lock_for
        hit = uow.accounts.lock_when_used_up(
            attempt.username, client, allowed=allowed, until=until, at=at
        )
        locked = locked or hit
    if account is not None:
        uow.emit(
            LoginFailed(
                # the actor as every other entry of this user names it
                actor=f"user:{attempt.username}",
                at=at,
                entity_id=account.id,
                org_path=account.org_path,
                after={"client": attempt.client, "locked": True}
                if locked
                else {"client": attempt.client},
            )
        )
    uow.commit()
    if locked:
        raise _locked(int(policy.lock_for.total_seconds()))
    raise Unauthenticated("auth.bad_credentials", "用户名或密码错误")


def _new_family(grant: RefreshGrant) -> str:
    """A sign-in starts a family of refresh tokens, named after its first token (the digest of
    a random token: no two sign-ins share it)."""
    return grant.token_hash[:16]


def log_in(
    uow: UnitOfWork,
    attempt: LoginAttempt,
    *,
    policy: LockoutPolicy,
    passwords: Passwords,
    grant: RefreshGrant,
    at: datetime,
) -> Account:
    """The lockout rule around one password check (domain.accounts.rules.LockoutPolicy): the
    attempt is claimed first, so parallel guesses cannot outrun the lock; an unknown username
    is counted and refused exactly as a wrong password is, so the answers do not tell which
    usernames exist. A success stores ``grant``, the first refresh token of a new family."""
    _claim(uow, attempt, policy=policy, at=at)
    with uow:
        account = _check(uow, attempt, policy=policy, passwords=passwords, at=at)
        uow.emit(
            UserLoggedIn(
                actor=f"user:{account.username}",
                at=at,
                entity_id=account.id,
                org_path=account.org_path,
                after={"client": attempt.client},
            )
        )
        uow.accounts.add_refresh_token(account.id, grant, family=_new_family(grant))
        uow.commit()
        return account


def change_password(
    uow: UnitOfWork,
    attempt: LoginAttempt,
    *,
    new_password: str,
    policy: LockoutPolicy,
    passwords: Passwords,
    grant: RefreshGrant,
    at: datetime,
) -> Account:
    """One's own password, changed on the current one (``attempt``), which is checked as a
    login is (it counts towards the lock). Every other session ends; ``grant`` starts the one
    the change is made from again."""
    _acceptable_password(new_password, attempt.username, field="new_password")
    if new_password == attempt.password:
        raise Invalid("user.same_password", "新密码不能与当前密码相同", field="new_password")
    _claim(uow, attempt, policy=policy, at=at)
    with uow:
        try:
            account = _check(uow, attempt, policy=policy, passwords=passwords, at=at)
        except Unauthenticated:
            raise Invalid(
                "auth.wrong_password", "当前密码不正确", field="current_password"
            ) from None
        _new_password(uow, account, passwords.hash(new_password), at=at)
        uow.emit(
            PasswordChanged(
                actor=f"user:{account.username}",
                at=at,
                entity_id=account.id,
                org_path=account.org_path,
            )
        )
        uow.accounts.add_refresh_token(account.id, grant, family=_new_family(grant))
        uow.commit()
        return account


def _refresh_invalid() -> Unauthenticated:
    return Unauthenticated("auth.refresh_invalid", "刷新令牌无效或已过期，请重新登录")


def _spend(uow: UnitOfWork, token_hash: str, *, at: datetime) -> tuple[SpentToken, Account]:
    """Spend a refresh token (rotation: each is valid once), inside an open unit of work. Of
    several requests presenting it at once exactly one spends it. A spent token presented again
    is a reuse (RFC 9700, OAuth 2.0 Security BCP 4.14.2): the whole family it belongs to is
    revoked, the login that started it must be made again, and the reuse is audited."""
    spent = uow.accounts.spend_refresh_token(token_hash, at=at)
    if spent is None:
        reused = uow.accounts.rotated_token(token_hash)
        if reused is not None:  # else unknown, expired or logged out: nothing more to do
            _revoke_family(uow, reused, at=at)
        raise _refresh_invalid()
    account = uow.accounts.by_id(spent.user_id)
    if not account.active:
        raise _refresh_invalid()  # rolled back: the token stays unspent
    return spent, account


def _revoke_family(uow: UnitOfWork, reused: SpentToken, *, at: datetime) -> None:
    revoked = uow.accounts.revoke_family(reused, at=at)
    account = uow.accounts.by_id(reused.user_id)
    uow.emit(
        RefreshTokenReused(
            actor=f"user:{account.username}",
            at=at,
            entity_id=account.id,
            org_path=account.org_path,
            after={"family": reused.family, "revoked": revoked},
        )
    )
    uow.commit()


def refresh(uow: UnitOfWork, token_hash: str, *, grant: RefreshGrant, at: datetime) -> Account:
    """A refresh token exchanged for ``grant``, the next of its family."""
    with uow:
        spent, account = _spend(uow, token_hash, at=at)
        uow.accounts.add_refresh_token(account.id, grant, family=spent.family)
        uow.commit()
        return account


def log_out(uow: UnitOfWork, token_hash: str, *, at: datetime) -> bool:
    """Every refresh token of the account whose token this is revoked; False when the token
    was no longer valid (a reuse is still detected and revoked as on a refresh)."""
    try:
        with uow:
            _, account = _spend(uow, token_hash, at=at)
            uow.accounts.revoke_refresh_tokens(account.id, at=at)
            uow.commit()
            return True
    except Unauthenticated:
        return False
