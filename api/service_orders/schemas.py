"""The service-orders feature's request and response bodies (服务订单)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.common import ExternalId, Id, StrictIn, Text
from api.paging import Page
from domain.issues.model import Rating
from domain.service_orders.model import (
    ACTION_LABELS,
    KIND_LABELS,
    RATING_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    OrderAction,
    OrderPhoto,
    OrderSource,
    OrderStatus,
    ServiceKind,
    ServiceOrder,
    TimelineEntry,
)
from domain.service_orders.rules import Suggestion
from persistence.service_orders.queries import OrderContext, OrderSummary

# ── in ────────────────────────────────────────────────────────────────────────────────────────


class OrderIn(StrictIn):
    """点单. ``kind`` has no default: the kind of service must be chosen."""

    kind: ServiceKind | None = Field(
        description="服务类型（必选，无默认）："
        + "、".join(f"{k.value} {v}" for k, v in KIND_LABELS.items())
    )
    text: Text = Field(min_length=1, max_length=500, description="需要什么服务")


class MemberOrderIn(OrderIn):
    client_ref: ExternalId | None = Field(
        default=None, description="客户端为这次点单生成的编号：重发时返回原订单"
    )


class DispatchIn(StrictIn):
    member_id: Id = Field(description="派给哪位党员（见 suggestions）")
    note: Text = Field(default="", max_length=500)


class RedispatchIn(StrictIn):
    member_id: Id
    reason: Text = Field(min_length=1, max_length=500)


class NoteIn(StrictIn):
    note: Text = Field(default="", max_length=500)


class ReasonIn(StrictIn):
    reason: Text = Field(min_length=1, max_length=500)


class CompleteIn(StrictIn):
    note: Text = Field(min_length=1, max_length=2000, description="服务情况")


class RateIn(StrictIn):
    rating: Rating = Field(
        description="satisfied 满意 / basically_satisfied 基本满意 / dissatisfied 不满意"
    )
    reason: Text = Field(default="", max_length=500, description="不满意时必填")


# ── out ───────────────────────────────────────────────────────────────────────────────────────


class EntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: OrderAction
    action_label: str
    from_status: OrderStatus | None
    to_status: OrderStatus
    to_status_label: str
    note: str
    member_id: int | None
    member_name: str | None
    due: datetime | None

    @classmethod
    def of(cls, e: TimelineEntry, names: dict[int, str]) -> EntryOut:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            action_label=ACTION_LABELS[e.action],
            from_status=e.from_status,
            to_status=e.to_status,
            to_status_label=STATUS_LABELS[e.to_status],
            note=e.note,
            member_id=e.member_id,
            member_name=names.get(e.member_id) if e.member_id else None,
            due=e.due,
        )


class OrderHouseholdOut(BaseModel):
    id: int
    head_name: str = Field(description="户主姓名（无权查看时脱敏）")
    address: str | None
    phone: str | None


class OrderOut(BaseModel):
    id: int
    kind: ServiceKind
    kind_label: str
    text: str
    source: OrderSource
    source_label: str
    status: OrderStatus
    status_label: str
    allowed_actions: list[OrderAction]
    household: OrderHouseholdOut
    grid_org_id: int
    grid_name: str
    area_org_id: int
    ordered_by: str
    ordered_at: datetime
    assignee_id: int | None
    assignee_name: str | None
    taker_id: int | None
    taker_name: str | None
    step: str | None
    step_label: str | None
    due: datetime | None
    overdue: bool
    note: str | None
    rating: Rating | None
    rating_label: str | None
    rating_reason: str
    version: int
    timeline: list[EntryOut]
    duplicate: bool = False

    @classmethod
    def of(
        cls, o: ServiceOrder, ctx: OrderContext, *, now: datetime, duplicate: bool = False
    ) -> OrderOut:
        names = ctx.member_names
        return cls(
            id=o.id,
            kind=o.kind,
            kind_label=KIND_LABELS[o.kind],
            text=o.text,
            source=o.source,
            source_label=SOURCE_LABELS[o.source],
            status=o.status,
            status_label=STATUS_LABELS[o.status],
            allowed_actions=list(o.allowed_actions()),
            household=OrderHouseholdOut(
                id=o.household_id, head_name=ctx.head_name, address=ctx.address, phone=ctx.phone
            ),
            grid_org_id=o.grid.id,
            grid_name=ctx.grid_name,
            area_org_id=o.area.id,
            ordered_by=o.ordered_by,
            ordered_at=o.ordered_at,
            assignee_id=o.assignee,
            assignee_name=names.get(o.assignee) if o.assignee else None,
            taker_id=o.taker,
            taker_name=names.get(o.taker) if o.taker else None,
            step=o.clock.step.value if o.clock else None,
            step_label=STEP_LABELS[o.clock.step] if o.clock else None,
            due=o.deadline,
            overdue=o.is_overdue(now),
            note=o.note,
            rating=o.rating,
            rating_label=RATING_LABELS[o.rating] if o.rating else None,
            rating_reason=o.rating_reason,
            version=len(o.timeline),
            timeline=[EntryOut.of(e, names) for e in o.timeline],
            duplicate=duplicate,
        )


class OrderItemOut(BaseModel):
    id: int
    kind: ServiceKind
    kind_label: str
    text: str
    source: OrderSource
    status: OrderStatus
    status_label: str
    household_id: int
    head_name: str = Field(description="户主姓名（无权查看时脱敏）")
    grid_org_id: int
    grid_name: str
    assignee_id: int | None
    assignee_name: str | None
    taker_id: int | None
    taker_name: str | None
    due: datetime | None
    overdue: bool
    ordered_at: datetime
    updated_at: datetime
    rating: Rating | None
    version: int

    @classmethod
    def of(cls, s: OrderSummary) -> OrderItemOut:
        return cls(
            **s.__dict__,
            kind_label=KIND_LABELS[s.kind],
            status_label=STATUS_LABELS[s.status],
        )


class OrderPage(Page[OrderItemOut]):
    pass


class SuggestionOut(BaseModel):
    member_id: int
    name: str
    org_id: int
    matching_skills: list[str] = Field(description="与服务类型相符的特长")
    distance_m: int | None = Field(description="党员住址到农户的距离（米）；任一方无位置时为 null")
    load: int = Field(description="手头未完成的订单数")

    @classmethod
    def of(cls, s: Suggestion) -> SuggestionOut:
        return cls(
            member_id=s.member_id,
            name=s.name,
            org_id=s.org_id,
            matching_skills=list(s.matching_skills),
            distance_m=s.distance_m,
            load=s.load,
        )


class OrderPhotoOut(BaseModel):
    id: int
    order_id: int
    content_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    url: str
    created_at: datetime
    duplicate: bool = Field(default=False, description="同一 client_uuid 已上传过：未再存一份")

    @classmethod
    def of(cls, p: OrderPhoto, *, duplicate: bool = False) -> OrderPhotoOut:
        return cls(
            id=p.id,
            order_id=p.order_id,
            content_type=p.content_type,
            size_bytes=p.size_bytes,
            width=p.width,
            height=p.height,
            sha256=p.sha256,
            url=f"/api/v1/service-orders/{p.order_id}/photos/{p.id}",
            created_at=p.created_at,
            duplicate=duplicate,
        )


class ServiceKindOut(BaseModel):
    code: ServiceKind
    label: str


class CardOrderKindsOut(BaseModel):
    kinds: list[ServiceKindOut]
    per_day: int = Field(description="每张联心卡每天最多预约次数")


class PublicEntryOut(BaseModel):
    """A timeline entry as the card page shows it: what and when, not who (no accounts)."""

    at: datetime
    action: OrderAction
    action_label: str
    to_status_label: str


class PublicOrderOut(BaseModel):
    """An order as its household sees it on the card page: no personal data, the member who
    serves named by his name only."""

    id: int
    kind: ServiceKind
    kind_label: str
    text: str
    status: OrderStatus
    status_label: str
    member_name: str | None = Field(description="接单或被派单的党员")
    due: datetime | None
    note: str | None
    rating: Rating | None
    rating_label: str | None
    can_rate: bool
    can_cancel: bool
    ordered_at: datetime
    progress: list[PublicEntryOut]

    @classmethod
    def of(cls, o: ServiceOrder, names: dict[int, str]) -> PublicOrderOut:
        serving = o.taker or o.assignee
        allowed = o.allowed_actions()
        return cls(
            id=o.id,
            kind=o.kind,
            kind_label=KIND_LABELS[o.kind],
            text=o.text,
            status=o.status,
            status_label=STATUS_LABELS[o.status],
            member_name=names.get(serving) if serving else None,
            due=o.deadline,
            note=o.note,
            rating=o.rating,
            rating_label=RATING_LABELS[o.rating] if o.rating else None,
            can_rate=OrderAction.RATE in allowed,
            can_cancel=OrderAction.CANCEL in allowed,
            ordered_at=o.ordered_at,
            progress=[
                PublicEntryOut(
                    at=e.at,
                    action=e.action,
                    action_label=ACTION_LABELS[e.action],
                    to_status_label=STATUS_LABELS[e.to_status],
                )
                for e in o.timeline
            ],
        )
