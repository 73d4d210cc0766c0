from __future__ import annotations

import dataclasses
from datetime import date, datetime

from pydantic import BaseModel, Field

from api.common import Bool, Id, StrictIn
from api.paging import Page
from domain.assignment.model import REASON_LABELS, Pair, Reason, TieKind
from domain.assignment.services import Coverage, ProposalMode


class ProposalIn(StrictIn):
    org_id: Id = Field(description="区域：网格、村/社区、乡镇或县")
    mode: ProposalMode = Field(
        default=ProposalMode.FULL, description="full 全新方案；replan 只调整受影响的农户"
    )


class ViolationOut(BaseModel):
    code: str
    message: str = Field(
        description="中文说明，指明党员或农户，如：党员 张三：联系 25 个，超过上限 20"
    )
    member_id: int | None
    household_id: int | None
    member_name: str | None = None
    household_name: str | None = None


class ShortfallOut(BaseModel):
    """A grid the rules cannot be met in, with what would fix it."""

    grid_id: int
    message: str
    units: int
    members: int
    low: int
    high: int
    uncovered_count: int
    uncovered: list[int] = Field(description="未覆盖的农户（最多列 100 个）")
    under_loaded: list[int]
    options: list[str] = Field(description="可选的解决办法")


class UnhonouredOut(BaseModel):
    member_id: int
    household_id: int
    why: str


class NoLocationOut(BaseModel):
    members_count: int
    members: list[int]
    households_count: int
    households: list[int]


class ProposalReportOut(BaseModel):
    """What the draft's builder found: size, cost, shortfalls, unmet requests, violations."""

    mode: str
    feasible: bool
    households: int
    members: int
    pairs: int
    cost: float
    distance_total_m: int
    shortfalls: list[ShortfallOut]
    unhonoured_requests: list[UnhonouredOut]
    no_location: NoLocationOut
    elderly_pairs: list[list[int]] = Field(description="1+6+N：[联系党员, 老党员] 结对")
    violations: list[ViolationOut]


class ProposalOut(BaseModel):
    id: int
    org_id: int
    scheme: str
    status: str
    mode: str
    created_by: str
    created_by_name: str = Field(description="生成人的姓名")
    report: ProposalReportOut


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


class PairPage(Page[PairOut]):
    pass


class MoveIn(StrictIn):
    household_id: Id
    member_id: Id


class EditIn(StrictIn):
    moves: list[MoveIn] = Field(default_factory=list, max_length=500)
    swaps: list[tuple[Id, Id]] = Field(default_factory=list, max_length=500)


class EditOut(BaseModel):
    violations: list[ViolationOut]


class PublishIn(StrictIn):
    accept_shortfalls: Bool = Field(default=False, description="明知仍有未覆盖或超负担，仍然发布")


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


class ListedOut(BaseModel):
    count: int
    ids: list[int] = Field(description="最多列 100 个")


class BoundsOut(BaseModel):
    low: int
    high: int


class CoverageOut(BaseModel):
    """覆盖与负担报告 of the published roster."""

    org_id: int
    households: int
    covered: int
    members: int = Field(description="可联户的党员（未免除）")
    bounds: BoundsOut
    uncovered: ListedOut
    under_loaded: ListedOut
    over_loaded: ListedOut
    vulnerable_without_cadre: ListedOut = Field(description="困难户无两委干部联系")
    exempt_members: ListedOut
    building_bounds: BoundsOut | None = Field(
        description="按楼栋联系的社区，其党员按楼栋数计负担（单位：栋）；区域内没有则为空"
    )
    building_communities: ListedOut = Field(description="按楼栋联系（楼栋模式）的社区")

    @classmethod
    def from_domain(cls, c: Coverage) -> CoverageOut:
        return cls.model_validate(dataclasses.asdict(c))


class ProposalSummaryOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    scheme: str
    status: str
    mode: str
    created_by: str
    created_by_name: str = Field(description="生成人的姓名")
    created_at: datetime
    published_at: datetime | None


class ProposalPage(Page[ProposalSummaryOut]):
    pass
