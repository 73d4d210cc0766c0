"""The policies feature's request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from api.common import Bool, IsoDate, OrgNameStr, StrictIn, Text
from api.households.schemas import HouseholdOut
from api.paging import Page
from domain.policies.model import (
    DELIVERY_LABELS,
    Delivery,
    DeliveryStatus,
    Eligibility,
    Policy,
    describe,
    rule_to_data,
)
from domain.registers.household import Relation

RULE_DOC = (
    "资格规则（JSON）：条件 {field, op, value}，field 为 categories（op: has / has_any / has_none）"
    "或 size、max_age、min_age、children、elderly（op: == != < <= > >=，value 为整数）；"
    "用 {all: [...]}、{any: [...]}、{not: {...}} 组合。例：高龄补贴 "
    '{"field": "max_age", "op": ">=", "value": 80}'
)


class PolicyIn(StrictIn):
    code: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="本组织内唯一的政策代码")
    name: OrgNameStr
    summary: Text = Field(default="", max_length=4000, description="政策内容、办理渠道")
    rule: dict[str, Any] = Field(description=RULE_DOC)
    active: Bool = True


class PolicyChange(StrictIn):
    name: OrgNameStr | None = None
    summary: Text | None = Field(default=None, max_length=4000)
    rule: dict[str, Any] | None = Field(default=None, description=RULE_DOC)
    active: Bool | None = None

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set if getattr(self, k) is not None}


class PolicyOut(BaseModel):
    id: int
    org_id: int
    code: str
    name: str
    summary: str
    rule: dict[str, Any]
    rule_text: str = Field(description="规则的中文表述，印在政策明白卡上")
    active: bool

    @classmethod
    def from_domain(cls, p: Policy, labels: dict[str, str]) -> PolicyOut:
        return cls(
            id=p.id,
            org_id=p.org_id,
            code=p.code,
            name=p.name,
            summary=p.summary,
            rule=rule_to_data(p.rule),
            rule_text=describe(p.rule, labels),
            active=p.active,
        )


class DeliveryIn(StrictIn):
    status: DeliveryStatus = Field(description="explained 已宣讲、applied 已申请、received 已享受")
    note: Text = Field(default="", max_length=1000)


class DeliveryOut(BaseModel):
    status: DeliveryStatus
    status_label: str
    explained_at: datetime | None
    applied_at: datetime | None
    received_at: datetime | None
    note: str
    updated_by: str
    updated_at: datetime

    @classmethod
    def from_domain(cls, d: Delivery | None) -> DeliveryOut | None:
        if d is None:
            return None
        return cls(
            status=d.status,
            status_label=DELIVERY_LABELS[d.status],
            explained_at=d.explained_at,
            applied_at=d.applied_at,
            received_at=d.received_at,
            note=d.note,
            updated_by=d.updated_by,
            updated_at=d.updated_at,
        )


class EntitlementOut(BaseModel):
    policy: PolicyOut
    eligibility: Eligibility
    eligibility_label: str
    reasons: list[str]
    delivery: DeliveryOut | None


class MatchOut(BaseModel):
    household: HouseholdOut
    eligibility: Eligibility
    eligibility_label: str
    reasons: list[str]
    delivery: DeliveryOut | None


class MatchPage(Page[MatchOut]):
    policy: PolicyOut
    counts: dict[str, int] = Field(
        description="该区域全部适用农户的汇总：eligible、unknown、not_eligible 与各落实状态"
    )
    households_hidden: bool = Field(
        description="规则涉及敏感户类而调用者无个人信息权限：只给汇总数，不列逐户名单"
    )


class ResidentIn(StrictIn):
    relation: Relation
    birth_date: IsoDate
    gender: str | None = Field(default=None, pattern=r"^(男|女)$")


class ResidentsIn(StrictIn):
    residents: list[ResidentIn] = Field(max_length=30)


class ResidentOut(BaseModel):
    relation: Relation
    relation_label: str
    age: int
    birth_date: date | None = Field(description="无个人信息权限时不返回")
    gender: str | None
