from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.paging import Page
from domain.audit.model import AUDIT_ACTION_LABELS
from domain.kernel.access import Scope
from domain.registers.masking import mask_snapshot

_LABELS: dict[str, str] = {a.value: label for a, label in AUDIT_ACTION_LABELS.items()}


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    action_label: str = Field(description="操作的中文名称（新增、修改、发布 …）")
    entity: str
    entity_id: str | None
    org_path: str | None
    before: dict[str, Any] | None = Field(
        description="修改前；无个人信息权限时电话、住址脱敏，位置、出生日期与敏感户类不返回"
    )
    after: dict[str, Any] | None = Field(description="修改后；脱敏规则同 before")
    request_id: str | None

    @classmethod
    def from_row(cls, row: Any, scope: Scope) -> AuditOut:
        """An audit row as ``scope`` may read it: snapshots masked without personal:read."""
        personal = scope.sees_personal_data
        return cls(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            action_label=_LABELS.get(row.action, row.action),
            entity=row.entity,
            entity_id=row.entity_id,
            org_path=row.org_path,
            before=row.before if personal else mask_snapshot(row.before),
            after=row.after if personal else mask_snapshot(row.after),
            request_id=row.request_id,
        )


class AuditPage(Page[AuditOut]):
    pass
