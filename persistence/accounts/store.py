"""Accounts, the lockout's counters, refresh tokens and API keys (domain.accounts.ports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, delete, or_, select, update
from sqlalchemy.orm import Session

from domain.accounts.model import (
    Account,
    ApiKey,
    NewAccount,
    NewApiKey,
    RefreshGrant,
    SpentToken,
)
from domain.kernel.access import Permission, Role, Scope
from domain.kernel.errors import Conflict, NotFound
from persistence.accounts.names import SHOWN_NAME
from persistence.accounts.tables import ApiKeyRow, LoginThrottleRow, RefreshTokenRow, UserRow
from persistence.insert_or_skip import insert_or_skip
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import MemberRow

# ── Accounts ──────────────────────────────────────────────────────────────────────────────────


def accounts_select() -> Select[UserRow, str, Any]:
    """Users with their home's path (NULL: the whole installation) and their shown name."""
    return (
        select(UserRow, OrgUnitRow.path, SHOWN_NAME)
        .outerjoin(OrgUnitRow, OrgUnitRow.id == UserRow.org_id)
        .outerjoin(MemberRow, MemberRow.id == UserRow.member_id)
    )


def account_to_domain(row: UserRow, path: str | None, name: str | None) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        org_id=row.org_id,
        org_path=path or "/",
        member_id=row.member_id,
        active=row.active,
        display_name=row.display_name,
        name=name or row.username,
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
    display_name: str | None = None,
) -> Account:
    """Store an account, unaudited: the store's insert, also what tests and the benchmark seed
    accounts with (a use case creates one through domain.accounts.services.create_user)."""
    if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise Conflict("user.username_taken", f"用户名 {username} 已存在", field="username")
    row = UserRow(
        username=username,
        password_hash=password_hash,
        role=role.value,
        org_id=org_id,
        member_id=member_id,
        display_name=display_name,
        active=True,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return SqlAccountStore(session).by_id(row.id)


class SqlAccountStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _one(self, *where: Any) -> Account | None:
        found = self.session.execute(accounts_select().where(*where)).first()
        return None if found is None else account_to_domain(*found)

    def get(self, user_id: int, scope: Scope) -> Account:
        account = self._one(UserRow.id == user_id)
        if account is None or not scope.covers(account.org_path):
            raise NotFound("user.not_found", f"账户 {user_id} 不存在", field="user_id")
        return account

    def by_username(self, username: str) -> Account | None:
        return self._one(UserRow.username == username)

    def by_id(self, user_id: int) -> Account:
        account = self._one(UserRow.id == user_id)
        if account is None:
            raise NotFound("user.not_found", f"账户 {user_id} 不存在", field="user_id")
        return account

    def add(self, account: NewAccount, *, password_hash: str, at: datetime) -> Account:
        return create_user(
            self.session,
            username=account.username,
            password_hash=password_hash,
            role=account.role,
            org_id=account.org_id,
            member_id=account.member_id,
            display_name=account.display_name,
            at=at,
        )

    def update(self, account: Account) -> None:
        self.session.execute(
            update(UserRow)
            .where(UserRow.id == account.id)
            .values(
                role=account.role.value,
                org_id=account.org_id,
                member_id=account.member_id,
                display_name=account.display_name,
                active=account.active,
            )
        )

    def password_hash_of(self, username: str) -> str | None:
        row = self.session.execute(
            select(UserRow.password_hash, UserRow.active).where(UserRow.username == username)
        ).first()
        return row.password_hash if row is not None and row.active else None

    def set_password(self, user_id: int, password_hash: str) -> None:
        self.session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    def end_sessions(self, user_id: int, *, at: datetime) -> None:
        """Its refresh tokens are revoked and the access tokens issued before this second are
        refused (api.deps.AccountStates)."""
        self.revoke_refresh_tokens(user_id, at=at)
        self.session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(tokens_valid_after=at.replace(microsecond=0))
        )

    # ── The lockout's counters ────────────────────────────────────────────────────────────────

    def claim_attempt(self, username: str, client: str, *, allowed: int, at: datetime) -> bool:
        """One conditional UPDATE: on PostgreSQL a concurrent claim waits on the row's lock and
        then reads the new count, on SQLite writers take turns. An expired lock starts the
        count again at this attempt."""
        self.session.execute(
            insert_or_skip(
                self.session.connection(),
                LoginThrottleRow,
                LoginThrottleRow.username,
                LoginThrottleRow.client,
            ).values(username=username, client=client, failures=0, updated_at=at)
        )
        expired = and_(
            LoginThrottleRow.locked_until.is_not(None), LoginThrottleRow.locked_until <= at
        )
        claimed = self.session.execute(
            update(LoginThrottleRow)
            .where(
                LoginThrottleRow.username == username,
                LoginThrottleRow.client == client,
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
        return claimed is not None

    def locked_until(self, username: str, client: str) -> datetime | None:
        return self.session.scalar(
            select(LoginThrottleRow.locked_until).where(
                LoginThrottleRow.username == username, LoginThrottleRow.client == client
            )
        )

    def lock_when_used_up(
        self, username: str, client: str, *, allowed: int, until: datetime, at: datetime
    ) -> bool:
        hit = self.session.execute(
            update(LoginThrottleRow)
            .where(
                LoginThrottleRow.username == username,
                LoginThrottleRow.client == client,
                LoginThrottleRow.failures >= allowed,
                LoginThrottleRow.locked_until.is_(None),
            )
            .values(locked_until=until, updated_at=at)
            .returning(LoginThrottleRow.id)
        ).first()
        return hit is not None

    def clear_failures(self, username: str, clients: Sequence[str], *, at: datetime) -> None:
        self.session.execute(
            update(LoginThrottleRow)
            .where(LoginThrottleRow.username == username, LoginThrottleRow.client.in_(clients))
            .values(failures=0, locked_until=None, updated_at=at)
        )

    def unlock(self, username: str) -> int:
        result = self.session.execute(
            delete(LoginThrottleRow).where(LoginThrottleRow.username == username)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # ── Refresh tokens ────────────────────────────────────────────────────────────────────────

    def add_refresh_token(self, user_id: int, grant: RefreshGrant, *, family: str) -> None:
        self.session.add(
            RefreshTokenRow(
                user_id=user_id,
                token_hash=grant.token_hash,
                expires_at=grant.expires_at,
                family=family,
            )
        )
        self.session.flush()

    def spend_refresh_token(self, token_hash: str, *, at: datetime) -> SpentToken | None:
        """One conditional UPDATE: of several requests presenting the token at once exactly one
        spends it (PostgreSQL: the others wait on the row's lock, then find it spent)."""
        spent = self.session.execute(
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
            return None
        return SpentToken(spent.user_id, spent.family or f"t{spent.id}", spent.id)

    def rotated_token(self, token_hash: str) -> SpentToken | None:
        row = self.session.scalar(
            select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        )
        if row is None or row.rotated_at is None:
            return None
        return SpentToken(row.user_id, row.family or f"t{row.id}", row.id)

    def revoke_family(self, token: SpentToken, *, at: datetime) -> int:
        revoked = self.session.execute(
            update(RefreshTokenRow)
            .where(
                or_(RefreshTokenRow.family == token.family, RefreshTokenRow.id == token.token_id),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return int(revoked.rowcount or 0)  # type: ignore[attr-defined]

    def revoke_refresh_tokens(self, user_id: int, *, at: datetime) -> None:
        self.session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # ── API keys ──────────────────────────────────────────────────────────────────────────────

    def add_key(
        self, key: NewApiKey, *, created_by: str, created_by_user_id: int | None, at: datetime
    ) -> ApiKey:
        row = ApiKeyRow(
            name=key.name,
            prefix=key.prefix,
            secret_hash=key.secret_hash,
            org_id=key.org_id,
            permissions=sorted(p.value for p in key.permissions),
            created_by=created_by,
            created_by_user_id=created_by_user_id,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return key_to_domain(row, self.session.get_one(OrgUnitRow, row.org_id).path)

    def get_key(self, key_id: int, scope: Scope) -> ApiKey:
        found = self.session.execute(keys_select().where(ApiKeyRow.id == key_id)).first()
        if found is None or not scope.covers(found[1]):
            raise NotFound("api_key.not_found", f"API 密钥 {key_id} 不存在", field="key_id")
        return key_to_domain(*found)

    def revoke_key(self, key_id: int, *, at: datetime) -> ApiKey:
        self.session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        row, path = self.session.execute(keys_select().where(ApiKeyRow.id == key_id)).one()
        return key_to_domain(row, path)


def keys_select() -> Select[ApiKeyRow, str]:
    """API keys with the path of the org unit they reach."""
    return select(ApiKeyRow, OrgUnitRow.path).join(OrgUnitRow, OrgUnitRow.id == ApiKeyRow.org_id)


def key_to_domain(row: ApiKeyRow, path: str) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        org_id=row.org_id,
        org_path=path,
        permissions=frozenset(Permission(p) for p in row.permissions),
        created_by=row.created_by,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


# ── What every authenticated request reads (api.deps) ─────────────────────────────────────────


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


def find_api_key(session: Session, prefix: str) -> tuple[ApiKey, str, bool] | None:
    """(the key, its secret's hash, whether the account that made it is still active)."""
    found = session.execute(
        select(ApiKeyRow, OrgUnitRow.path, UserRow.active)
        .join(OrgUnitRow, OrgUnitRow.id == ApiKeyRow.org_id)
        .outerjoin(UserRow, UserRow.id == ApiKeyRow.created_by_user_id)
        .where(ApiKeyRow.prefix == prefix)
    ).first()
    if found is None:
        return None
    row, path, maker_active = found
    made_by_active = row.created_by_user_id is None or bool(maker_active)
    return key_to_domain(row, path), row.secret_hash, made_by_active
