"""Domain errors. Each carries a stable machine code; the API decides the HTTP status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """Base of every refusal the domain makes. ``code`` is stable and documented for clients."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.errors = list(errors)


class NotFound(DomainError):
    """The thing does not exist, or lies outside the caller's scope (never leaks which)."""


class Forbidden(DomainError):
    """The caller is known but their role or scope does not allow this."""


class Unauthenticated(DomainError):
    """No valid credentials: missing, expired or tampered token, unknown key."""


class Locked(DomainError):
    """Too many failed logins: the account is locked for a while."""

    def __init__(self, code: str, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(code, message)
        self.retry_after_seconds = retry_after_seconds


class RuleBroken(DomainError):
    """The request is well-formed but breaks a rule of the domain (a cyclic move, a bad level)."""


class Invalid(DomainError):
    """Input that fails validation (bad rows of an import, an unknown category …)."""


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate external id, a stale version)."""


class TooLarge(DomainError):
    """An upload beyond the configured size limit."""


class UnsupportedMedia(DomainError):
    """A request body in a format the endpoint does not take."""
