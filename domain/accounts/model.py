"""Accounts (账户), the refresh tokens of their sessions and the platforms' API keys (接口密钥).

Roles and permissions are the kernel's (domain.kernel.access); password hashing and token
signing are the API's (api.security), reached through the ports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.kernel.access import Permission, Role
from domain.kernel.events import JsonValue


@dataclass(frozen=True)
class Account:
    """A login account: its role over one org subtree (``org_path``; ``/`` and no ``org_id``:
    the whole installation), optionally linked to the member (党员) it belongs to.

    ``name`` is how lists show the person: the display name set, else the linked member's name,
    else the username."""

    id: int
    username: str
    role: Role
    org_id: int | None
    org_path: str
    member_id: int | None
    active: bool = True
    display_name: str | None = None
    name: str = ""

    def record(self) -> dict[str, JsonValue]:
        """The account as the API answers a write and the audit log keeps it (before/after)."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "name": self.name or self.username,
            "role": self.role.value,
            "org_id": self.org_id,
            "member_id": self.member_id,
            "active": self.active,
            "locked_until": None,  # a write's answer does not read the login locks
        }


@dataclass(frozen=True, kw_only=True)
class NewAccount:
    """An account to create (its password apart: only its hash is ever stored)."""

    username: str
    role: Role
    org_id: int | None
    member_id: int | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class LoginAttempt:
    """One sign-in: the username and password given, from ``client`` (the address the
    lockout's per-address counter is kept for)."""

    username: str
    password: str
    client: str


@dataclass(frozen=True)
class RefreshGrant:
    """The refresh token a sign-in or a refresh hands out: only its digest is stored; the token
    itself is given to the client once."""

    token_hash: str
    expires_at: datetime


@dataclass(frozen=True)
class SpentToken:
    """A refresh token exchanged for the next one: whose it was, and the family (the sign-in
    it descends from by rotation) the next one continues; a token older than families is a
    family of its own (``token_id``)."""

    user_id: int
    family: str
    token_id: int


@dataclass(frozen=True)
class ApiKey:
    """A platform's key: it reaches ``org_path``'s subtree with ``permissions``, and dies with
    the account that made it (api.deps)."""

    id: int
    name: str
    prefix: str
    org_id: int
    org_path: str
    permissions: frozenset[Permission]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class NewApiKey:
    """A key to store: its lookup prefix and the digest of the full key (shown only once)."""

    name: str
    prefix: str
    secret_hash: str
    org_id: int
    permissions: frozenset[Permission]
