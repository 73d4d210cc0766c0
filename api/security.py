"""Credentials: argon2 password hashes, short-lived signed access tokens, API key secrets."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.kernel.access import Role
from domain.kernel.errors import Unauthenticated

_hasher = PasswordHasher()
ALGORITHM = "HS256"
API_KEY_PREFIX = "lh"
_ORG_PATH = re.compile(r"^/(\d+/)*$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the username is unknown, so timing does not reveal which
# usernames exist.
DUMMY_HASH = _hasher.hash("not-a-real-password")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    username: str
    role: Role
    org_path: str
    member_id: int | None
    # when the token was issued (its iat), as read from a token; not used when issuing one
    issued_at: int = 0


def issue_access_token(claims: AccessClaims, *, secret: str, at: datetime, ttl: timedelta) -> str:
    return _encode(claims, "access", secret=secret, at=at, ttl=ttl)


def read_access_token(token: str, *, secret: str, at: datetime) -> AccessClaims:
    return _claims(_decode(token, "access", secret=secret, at=at))


def issue_link_token(
    claims: AccessClaims, purpose: str, target: int, *, secret: str, at: datetime, ttl: timedelta
) -> str:
    """A short-lived link that carries the caller's rights for one thing only (``purpose`` on
    ``target``, e.g. printing one village's cards): a page a browser opens without a header."""
    return _encode(claims, f"link:{purpose}", secret=secret, at=at, ttl=ttl, target=target)


def read_link_token(
    token: str, purpose: str, *, secret: str, at: datetime
) -> tuple[AccessClaims, int]:
    payload = _decode(token, f"link:{purpose}", secret=secret, at=at)
    target = payload.get("tgt")
    if not isinstance(target, int):
        raise Unauthenticated("auth.token_invalid", "令牌无效或已被篡改")
    return _claims(payload), target


def _encode(
    claims: AccessClaims,
    typ: str,
    *,
    secret: str,
    at: datetime,
    ttl: timedelta,
    target: int | None = None,
) -> str:
    payload: dict[str, Any] = {
        "sub": str(claims.user_id),
        "name": claims.username,
        "role": claims.role.value,
        "org": claims.org_path,
        "mid": claims.member_id,
        "typ": typ,
        "iat": int(at.timestamp()),
        "exp": int((at + ttl).timestamp()),
    }
    if target is not None:
        payload["tgt"] = target
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def _decode(token: str, typ: str, *, secret: str, at: datetime) -> dict[str, Any]:
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "typ"], "verify_exp": False},
        )
    except jwt.PyJWTError:
        raise Unauthenticated("auth.token_invalid", "令牌无效或已被篡改") from None
    exp = payload["exp"]  # a NumericDate (RFC 7519): a number, never a string or a boolean
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not math.isfinite(exp):
        raise Unauthenticated("auth.token_invalid", "令牌无效或已被篡改")
    # Expiry is checked against the injected clock, not the wall clock, so tests can move time.
    if payload.get("typ") != typ or int(exp) <= int(at.timestamp()):
        raise Unauthenticated("auth.token_expired", "令牌已过期，请重新登录")
    if not _ORG_PATH.match(str(payload.get("org", ""))):
        raise Unauthenticated("auth.token_invalid", "令牌无效或已被篡改")
    return payload


def _claims(payload: dict[str, Any]) -> AccessClaims:
    try:
        return AccessClaims(
            user_id=int(payload["sub"]),
            username=str(payload["name"]),
            role=Role(payload["role"]),
            org_path=str(payload["org"]),
            member_id=payload.get("mid"),
            issued_at=int(payload.get("iat") or 0),
        )
    except (KeyError, ValueError, TypeError):
        raise Unauthenticated("auth.token_invalid", "令牌无效或已被篡改") from None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, lookup prefix, secret hash to store)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    full = f"{API_KEY_PREFIX}_{prefix}_{secret}"
    return full, prefix, sha256(full)


def split_api_key(full: str) -> str:
    """The lookup prefix of a presented key, or Unauthenticated when it is not shaped like one."""
    parts = full.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        raise Unauthenticated("auth.api_key_invalid", "API 密钥无效")
    return parts[1]


def same_secret(full: str, stored_hash: str) -> bool:
    return hmac.compare_digest(sha256(full), stored_hash)
