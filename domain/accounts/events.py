"""Accounts and keys: created, changed, unlocked; sign-ins, their failures, password changes and
refresh-token reuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Accounts and keys ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class UserCreated(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class UserUpdated(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class UserUnlocked(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.UNLOCK


@dataclass(frozen=True, kw_only=True)
class UserLoggedIn(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.LOGIN


@dataclass(frozen=True, kw_only=True)
class LoginFailed(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.LOGIN_FAILED


@dataclass(frozen=True, kw_only=True)
class PasswordChanged(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.PASSWORD_CHANGE


@dataclass(frozen=True, kw_only=True)
class RefreshTokenReused(Change):
    """A spent refresh token presented again: its whole family revoked (RFC 9700)."""

    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.REFRESH_REUSE


@dataclass(frozen=True, kw_only=True)
class ApiKeyCreated(Change):
    entity: ClassVar[str] = "api_key"
    action: ClassVar[str] = AuditAction.KEY_CREATE


@dataclass(frozen=True, kw_only=True)
class ApiKeyRevoked(Change):
    entity: ClassVar[str] = "api_key"
    action: ClassVar[str] = AuditAction.KEY_REVOKE


# An account's events by their audit action (sign-in, its failures, password and lock changes).
USER_EVENTS: Final[dict[AuditAction, type[Change]]] = {
    e.action: e  # type: ignore[misc]
    for e in (
        UserCreated,
        UserUpdated,
        UserUnlocked,
        UserLoggedIn,
        LoginFailed,
        PasswordChanged,
        RefreshTokenReused,
    )
}
