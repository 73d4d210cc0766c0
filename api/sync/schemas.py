"""The sync feature's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from api.common import ClientUuid, Id, IsoAwareDateTime, StrictIn, Text
from api.households.schemas import HouseholdOut
from api.must_attend.schemas import EventOut
from api.visits.schemas import DueListOut, VisitIn, VisitOut


class AttendanceOp(VisitIn):
    """到场 for a must-attend event: the visit's fields and the event."""

    event_id: Id


class VisitRef(StrictIn):
    """A visit by its server id, or by the uuid its offline client gave it."""

    visit_id: Id | None = None
    visit_uuid: ClientUuid | None = None

    @model_validator(mode="after")
    def _one_reference(self) -> VisitRef:
        if (self.visit_id is None) == (self.visit_uuid is None):
            raise ValueError("须给出 visit_id 或 visit_uuid 之一")
        return self


class ChecklistTickOp(VisitRef):
    items: list[Text] = Field(min_length=1, max_length=10)
    recorded_at: IsoAwareDateTime | None = Field(
        default=None,
        description="在手机上勾选的时间（离线时）：24 小时修改期按此时间判断；"
        "不得晚于现在、早于走访时间",
    )


class IssueDraftOp(VisitRef):
    kind: Text = Field(min_length=1, max_length=20, description="要上报的那一项必记")


class SyncBatchIn(StrictIn):
    # Any, not dict: an item that is not even an object is refused alone (``_parse``), the good
    # operations around it kept, where a list of objects refused the whole batch.
    operations: list[Any] = Field(
        max_length=500,
        description="每项 {uuid, kind, payload}。kind：visit（走访，含清单勾选）、"
        "attendance（必到事项到场：走访字段加 event_id）、checklist_tick（给已记录的走访补勾"
        "清单：visit_id 或 visit_uuid，加 items）、issue_draft（把走访中记录的一项问题上报："
        "visit_id 或 visit_uuid，加 kind）、issue（离线提出问题：title、text，可选 "
        "household_id、org_id、category；uuid 即其 client_ref，重发不重复）。按顺序逐项处理，"
        "同一批中后面的操作可引用前面走访的 uuid。",
    )


class SyncResult(BaseModel):
    index: int
    uuid: str | None
    status: Literal["applied", "duplicate", "rejected"]
    id: int | None = Field(
        default=None,
        description="写入或找到的记录：visit→走访，attendance→必到事项，checklist_tick→走访，"
        "issue_draft→问题草稿",
    )
    visit_id: int | None = Field(
        default=None, description="该操作所属的走访记录（照片等随后上传到这里）"
    )
    code: str | None = None
    field: str | None = None
    message: str | None = None
    note: str | None = None


class SyncBatchOut(BaseModel):
    applied: int
    duplicate: int
    rejected: int
    results: list[SyncResult]


class PullNext(BaseModel):
    """The parameters of the same pull's next page (with the same ``since``)."""

    until: datetime
    after_household: int
    after_visit: int


class PullOut(BaseModel):
    cursor: datetime = Field(
        description="下次拉取时作为 since 传回（比本次截止时间早 5 分钟，以免漏掉其间提交的写入；"
        "重复收到的记录按 id 覆盖即可）"
    )
    households: list[HouseholdOut]
    visits: list[VisitOut]
    due: DueListOut | None = Field(description="本人的待走访清单（仅第一页）")
    tasks: list[EventOut] | None = Field(
        default=None, description="本人待到场的必到事项，全部（仅第一页；非党员账号为空）"
    )
    more: bool = Field(
        False, description="还有未取完的变化：带上 next 的参数（与同一 since）再拉一页"
    )
    next: PullNext | None = None
