from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.access import Scope
from domain.masking import mask_snapshot


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
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
        out = cls.model_validate(row, from_attributes=True)
        if scope.sees_personal_data:
            return out
        return out.model_copy(
            update={"before": mask_snapshot(out.before), "after": mask_snapshot(out.after)}
        )


class AuditPage(BaseModel):
    data: list[AuditOut]
    total: int
    limit: int
    offset: int
