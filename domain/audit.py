"""The audit log (操作日志): every write says who, when, what, before and after. Append-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MOVE = "move"
    IMPORT = "import"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    UNLOCK = "unlock"
    PASSWORD_CHANGE = "password_change"
    REFRESH_REUSE = "refresh_reuse"
    KEY_CREATE = "key_create"
    KEY_REVOKE = "key_revoke"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: AuditAction
    entity: str
    entity_id: str | None
    org_path: str | None  # where in the tree it happened; auditors read their own subtree
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    request_id: str | None = None
