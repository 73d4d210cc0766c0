from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Id, StrictIn
from domain.assignment import REASON_LABELS, Pair, Reason, TieKind
from domain.services.assignments import ProposalMode


class ProposalIn(StrictIn):
    org_id: Id = Field(description="区域：网格、村/社区、乡镇或县")
    mode: ProposalMode = Field(
        default=ProposalMode.FULL, description="full 全新方案；replan 只调整受影响的农户"
    )


class ProposalOut(BaseModel):
    id: int
    org_id: int
    scheme: str
    status: str
    mode: str
    created_by: str
    report: dict[str, Any]


class ReasonOut(BaseModel):
    code: Reason
    label: str


class PairOut(BaseModel):
    household_id: int
    head_name: str
    member_id: int
    member_name: str
    distance_m: int | None
    reasons: list[ReasonOut]

    @classmethod
    def from_domain(cls, pair: Pair, member_name: str, head_name: str) -> PairOut:
        return cls(
            household_id=pair.household_id,
            head_name=head_name,
            member_id=pair.member_id,
            member_name=member_name,
            distance_m=pair.distance_m,
            reasons=[ReasonOut(code=r, label=REASON_LABELS[r]) for r in pair.reasons],
        )


class PairPage(BaseModel):
    data: list[PairOut]
    total: int
    limit: int
    offset: int


class MoveIn(StrictIn):
    household_id: Id
    member_id: Id


class EditIn(StrictIn):
    moves: list[MoveIn] = Field(default_factory=list, max_length=500)
    swaps: list[tuple[Id, Id]] = Field(default_factory=list, max_length=500)


class ViolationOut(BaseModel):
    code: str
    message: str
    member_id: int | None
    household_id: int | None


class EditOut(BaseModel):
    violations: list[ViolationOut]


class PublishIn(StrictIn):
    accept_shortfalls: bool = Field(default=False, description="明知仍有未覆盖或超负担，仍然发布")


class PublishOut(BaseModel):
    started: int = Field(description="新建立的联系")
    kept: int = Field(description="保持不变的联系")


class ContactOut(BaseModel):
    member_id: int
    member_name: str
    started_on: date
    ended_on: date | None
    reasons: list[ReasonOut]


class RequestsIn(StrictIn):
    household_ids: list[Id] = Field(max_length=50)


class TieIn(StrictIn):
    household_id: Id
    kind: TieKind


class TieOut(BaseModel):
    household_id: int
    kind: TieKind


class PartnerOut(BaseModel):
    member_id: int
    name: str
    side: str = Field(description="elderly：结对的老党员；contact：联系本人的党员")
    since: date


class ProposalSummaryOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    scheme: str
    status: str
    mode: str
    created_by: str
    created_at: datetime
    published_at: datetime | None


class ProposalPage(BaseModel):
    data: list[ProposalSummaryOut]
    total: int
    limit: int
    offset: int
