"""Users, login throttling, refresh tokens and API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, JsonType, Timestamp


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(CodeType, unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    # NULL: the whole installation (a system administrator above every county).
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # The person's name as lists show it (报告人, the console's header); NULL: the linked
    # member's name, else the username (persistence/people.py).
    display_name: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    # Access tokens issued before this (a password changed or reset) are refused.
    tokens_valid_after: Mapped[datetime | None] = mapped_column(Timestamp())


class LoginThrottleRow(Base):
    """Failed logins of a username from one client address, or from all (client ``*``): the
    counters of the lockout rule (domain.accounts.LockoutPolicy). Kept by username, not by
    account, so that an unknown username is refused exactly as a known one is."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())


class RefreshTokenRow(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(CodeType, unique=True)
    expires_at: Mapped[datetime] = mapped_column(Timestamp())
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # The login it descends from by rotation: a spent token presented again revokes them all.
    family: Mapped[str | None] = mapped_column(String(32), index=True)
    # Set when the token was exchanged for the next one (as opposed to revoked by a logout).
    rotated_at: Mapped[datetime | None] = mapped_column(Timestamp())


class ApiKeyRow(Base):
    """Platform clients' keys: only a SHA-256 of the secret is stored (the secret is random and
    long, so a slow hash adds nothing but latency on every request)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    permissions: Mapped[list[str]] = mapped_column(JsonType)
    created_by: Mapped[str] = mapped_column(String(100))
    # The account that made it: the key stops working when that account is deactivated.
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp())
