"""The audit log (操作日志): every write says who, when, what, before and after. Append-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final


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
    PUBLISH = "publish"  # a draft roster made the one in force (包户方案发布)
    AMEND = "amend"  # a visit corrected after its edit window (补充更正), the original kept


AUDIT_ACTION_LABELS: Final[dict[AuditAction, str]] = {
    AuditAction.CREATE: "新增",
    AuditAction.UPDATE: "修改",
    AuditAction.DELETE: "删除",
    AuditAction.MOVE: "移动",
    AuditAction.IMPORT: "导入",
    AuditAction.LOGIN: "登录",
    AuditAction.LOGIN_FAILED: "登录失败",
    AuditAction.KEY_CREATE: "创建密钥",
    AuditAction.KEY_REVOKE: "吊销密钥",
    AuditAction.PUBLISH: "发布",
    AuditAction.AMEND: "补充更正",
    AuditAction.UNLOCK: "解除锁定",
    AuditAction.PASSWORD_CHANGE: "修改密码",
    AuditAction.REFRESH_REUSE: "刷新令牌被重复使用",
}


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
