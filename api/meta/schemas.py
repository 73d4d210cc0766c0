"""The meta feature's request and response bodies."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.common import Label


class EnumsOut(BaseModel):
    org_levels: list[Label]
    member_roles: list[Label]
    account_roles: list[Label]
    permissions: list[Label]
    exemption_reasons: list[Label]
    categories: list[Label] = Field(description="内置户类（各县可另行登记，见 /categories）")
    relations: list[Label] = Field(description="家庭成员与户主的关系")
    household_statuses: list[Label] = Field(description="农户在册状态（迁出、归档）")
    visit_modes: list[Label]
    visit_flags: list[Label] = Field(description="四个必记")
    event_statuses: list[Label] = Field(description="五必到事项的到场情况")
    delivery_statuses: list[Label] = Field(description="政策落实到户，按先后顺序")
    assignment_reasons: list[Label] = Field(description="包户方案中联系对的理由")
    schemes: list[Label] = Field(description="内置联户模式（参数见 /schemes）")
    audit_actions: list[Label] = Field(description="操作日志中的操作")
