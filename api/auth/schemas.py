from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.common import Bool, Id, StrictIn, Text
from api.paging import Page
from domain.accounts.model import Account, ApiKey, NewAccount
from domain.accounts.rules import MIN_PASSWORD_LENGTH
from domain.kernel.access import Permission, Role


class LoginIn(StrictIn):
    username: Text = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class RefreshIn(StrictIn):
    refresh_token: Text = Field(min_length=10, max_length=200)


class PasswordChangeIn(StrictIn):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=256,
        description="至少 10 个字符，含字母、数字、符号中的至少两类，不含用户名，不是常见密码",
    )


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    role: Role
    org_id: int | None
    member_id: int | None


class MeOut(BaseModel):
    actor: str
    display_name: str = Field(description="姓名：账户的显示名，否则所关联党员的姓名，否则账号")
    org_path: str
    permissions: list[Permission]
    member_id: int | None


class UserIn(StrictIn):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
    role: Role
    org_id: Id
    member_id: Id | None = None
    display_name: Text | None = Field(
        default=None, max_length=50, description="姓名（列表中显示）；不填则用党员姓名或账号"
    )

    def to_domain(self) -> NewAccount:
        return NewAccount(
            username=self.username,
            role=self.role,
            org_id=self.org_id,
            member_id=self.member_id,
            display_name=self.display_name,
        )


class UserUpdate(StrictIn):
    """Only the fields sent change; ``member_id: null`` unlinks the member."""

    role: Role | None = None
    org_id: Id | None = None
    member_id: Id | None = None
    display_name: Text | None = Field(
        default=None, max_length=50, description="姓名；null 或空则用所关联党员的姓名或账号"
    )
    active: Bool | None = None
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=256)

    def changes(self) -> dict[str, Any]:
        """The account's fields sent (the password apart); a role, home or state sent as null
        is left as it is, a member or display name sent as null is removed."""
        sent = self.model_fields_set - {"password"}
        clearable = {"member_id", "display_name"}
        return {
            name: getattr(self, name)
            for name in sorted(sent)
            if name in clearable or getattr(self, name) is not None
        }


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str | None = Field(description="设定的姓名；未设定为空")
    name: str = Field(description="显示的姓名：设定的姓名，否则所关联党员的姓名，否则账号")
    role: Role
    org_id: int | None
    member_id: int | None
    active: bool
    locked_until: datetime | None = Field(
        default=None, description="登录锁定到何时（在某个地址或所有地址上）；未锁定为 null"
    )

    @classmethod
    def of(cls, account: Account, locked_until: datetime | None = None) -> UserOut:
        return cls(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            name=account.name or account.username,
            role=account.role,
            org_id=account.org_id,
            member_id=account.member_id,
            active=account.active,
            locked_until=locked_until,
        )


class UserPage(Page[UserOut]):
    pass


class ApiKeyIn(StrictIn):
    name: Text = Field(min_length=1, max_length=100)
    org_id: Id = Field(description="the key reaches this org unit's subtree only")
    permissions: list[Permission] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    org_id: int
    permissions: list[Permission]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            org_id=key.org_id,
            permissions=sorted(key.permissions),
            created_by=key.created_by,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="the full key, shown only this once")
