"""The change feed's schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.kernel.access import Scope
from domain.registers.masking import mask_snapshot
from persistence.outbox.queries import ChangeRecord

CURSOR_PATTERN = r"^[0-9]{1,19}\.[0-9]{1,19}$"


class ChangeOut(BaseModel):
    cursor: str = Field(description="此条变更的位置；下次从这里继续：?after=<cursor>")
    type: str = Field(description="事件名称，如 VisitLogged、HouseholdMoved、MustAttendReported")
    kind: Literal["upsert", "delete", "removed"] = Field(
        description="upsert：新增或修改；delete：已删除（仅余编号）；"
        "removed：记录移出调用方的组织范围（如农户迁往其他村），对调用方而言等同删除"
    )
    entity: str = Field(description="记录类型，如 household、visit、member")
    entity_id: str | None
    version: int | None = Field(description="变更后记录的版本号；只应用比本地更新的版本")
    org_path: str | None = Field(description="记录所在组织路径；removed 时不返回")
    actor: str
    occurred_at: datetime
    data: dict[str, Any] | None = Field(
        description="事件内容（before/after 等）；无个人信息权限时电话、住址脱敏，位置、出生日期"
        "与敏感户类不返回；delete 与 removed 时不返回"
    )

    @classmethod
    def from_record(cls, record: ChangeRecord, scope: Scope) -> ChangeOut:
        row = record.row
        gone = record.removed or row.tombstone
        kind: Literal["upsert", "delete", "removed"] = (
            "removed" if record.removed else "delete" if row.tombstone else "upsert"
        )
        return cls(
            cursor=str(record.cursor),
            type=row.type,
            kind=kind,
            entity=row.entity,
            entity_id=row.entity_id,
            version=row.version,
            org_path=None if record.removed else row.org_path,
            actor=row.actor,
            occurred_at=row.occurred_at,
            data=None
            if gone
            else row.payload
            if scope.sees_personal_data
            else mask_snapshot(row.payload),
        )


class ChangePage(BaseModel):
    data: list[ChangeOut]
    next: str = Field(description="下一页的 after；没有新变更时与请求的 after 相同，可稍后再用")
    has_more: bool = Field(description="是否还有更多变更（为 true 时立即用 next 继续）")
