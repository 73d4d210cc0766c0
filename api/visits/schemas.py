from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.common import (
    WHOLE_LOCATION_SCHEMA,
    ClientUuid,
    Id,
    IsoAwareDateTime,
    Latitude,
    Longitude,
    StrictIn,
    Text,
    check_whole_location,
)
from api.paging import Page
from domain.registers.member import location_of
from domain.visits.model import (
    EDIT_WINDOW,
    VISIT_MODE_LABELS,
    Compliance,
    DueItem,
    Flag,
    IdleMember,
    Visit,
    VisitMode,
    flag_label,
)

FLAG_KIND = (
    "必记事项：四个必记为 suggestion 意见建议、difficulty 困难问题、dispute 邻里纠纷、"
    "disaster 家庭灾害事故；本地联户模式另设的必记以其名称为代码。可记的事项见 "
    "GET /households/{id}/visit-flags（该户所在层级的联户模式 visit_log_flags）"
)


class FlagIn(StrictIn):
    kind: Text = Field(min_length=1, max_length=20, description=FLAG_KIND)
    text: Text = Field(min_length=1, max_length=1000)


class VisitIn(StrictIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra=WHOLE_LOCATION_SCHEMA)

    member_id: Id
    household_id: Id
    visited_at: IsoAwareDateTime
    mode: VisitMode
    notes: Text = Field(default="", max_length=4000)
    flags: list[FlagIn] = Field(default_factory=list, max_length=10)
    checklist: list[Text] = Field(default_factory=list, max_length=10)
    lat: Latitude | None = None
    lng: Longitude | None = None
    client_uuid: ClientUuid | None = Field(
        default=None,
        description="离线客户端生成的 UUID（不分大小写，可不带连字符）；重复提交只记一次",
    )

    @model_validator(mode="after")
    def _whole_location(self) -> VisitIn:
        check_whole_location(type(self).__name__, self.lat, self.lng)
        return self

    def to_domain(self) -> Visit:
        return Visit(
            id=0,
            member_id=self.member_id,
            household_id=self.household_id,
            visited_at=self.visited_at,
            mode=self.mode,
            notes=self.notes,
            flags=tuple(Flag(f.kind, f.text) for f in self.flags),
            checklist=tuple(dict.fromkeys(self.checklist)),  # an item ticked twice is one tick
            location=location_of(self.lat, self.lng),
        )


class VisitChange(StrictIn):
    visited_at: IsoAwareDateTime | None = None
    mode: VisitMode | None = None
    notes: Text | None = Field(default=None, max_length=4000)
    flags: list[FlagIn] | None = Field(default=None, max_length=10)
    checklist: list[Text] | None = Field(default=None, max_length=10)

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in self.model_fields_set:
            value = getattr(self, key)
            if value is None:
                continue
            if key == "flags":
                value = tuple(Flag(f.kind, f.text) for f in value)
            elif key == "checklist":
                value = tuple(dict.fromkeys(value))
            out[key] = value
        return out


class FlagOut(BaseModel):
    kind: str
    label: str
    text: str


class VisitOut(BaseModel):
    id: int
    member_id: int
    household_id: int
    visited_at: datetime
    mode: VisitMode
    mode_label: str
    notes: str
    flags: list[FlagOut]
    checklist: list[str]
    amends_id: int | None = Field(description="补充更正：被更正的原记录")
    sync_note: str | None = None
    duplicate: bool = False
    created_at: datetime | None = Field(description="记录（或同步到）服务器的时间")
    editable_until: datetime | None = Field(
        description="此前可直接修改（PATCH）；之后只能补充更正（amendments）"
    )

    @classmethod
    def from_domain(cls, v: Visit, *, duplicate: bool = False) -> VisitOut:
        return cls(
            id=v.id,
            member_id=v.member_id,
            household_id=v.household_id,
            visited_at=v.visited_at,
            mode=v.mode,
            mode_label=VISIT_MODE_LABELS[v.mode],
            notes=v.notes,
            flags=[FlagOut(kind=f.kind, label=flag_label(f.kind), text=f.text) for f in v.flags],
            checklist=list(v.checklist),
            amends_id=v.amends_id,
            sync_note=v.sync_note,
            duplicate=duplicate,
            created_at=v.created_at,
            editable_until=v.created_at + EDIT_WINDOW if v.created_at else None,
        )


class DueOut(BaseModel):
    household_id: int
    vulnerable: bool
    last_visit: datetime | None
    due_at: datetime | None
    overdue_days: int | None

    @classmethod
    def from_domain(cls, item: DueItem, now: datetime) -> DueOut:
        return cls(
            household_id=item.household_id,
            vulnerable=item.vulnerable,
            last_visit=item.last_visit,
            due_at=item.due_at,
            overdue_days=item.overdue_days(now),
        )


class DueListOut(BaseModel):
    cadence_days: int
    data: list[DueOut]


class CadenceOut(BaseModel):
    cadence_days: int = Field(description="走访周期（天）")
    households: int = Field(description="按此周期考核的农户数")
    visited_within_cadence: int = Field(description="其中周期内走访过的农户数")


class ComplianceOut(BaseModel):
    cadence_days: int = Field(
        description="本区域自身的走访周期（天）；下级另设周期的，"
        "其农户按所在组织的周期考核，见 cadences"
    )
    households: int = Field(description="区域内农户数")
    visited_within_cadence: int = Field(
        description="周期内走访过的农户数（各户按所在组织适用的走访周期）"
    )
    coverage_rate: float = Field(description="周期内走访率")
    members: int = Field(description="区域内（按党员所属组织）目前有联系户的党员数")
    members_visiting_this_month: int = Field(description="其中本月有走访记录的党员数")
    participation_rate: float = Field(description="党员参与率：本月有走访的联户党员占比")
    cadences: list[CadenceOut] = Field(
        default_factory=list,
        description="各走访周期下的农户数与周期内走访数，周期短的在前；下级未另设周期时只有一项，"
        "区域内没有农户时为空",
    )

    @classmethod
    def from_domain(cls, cadence: int, c: Compliance) -> ComplianceOut:
        return cls(
            cadence_days=cadence,
            households=c.households,
            visited_within_cadence=c.visited_within_cadence,
            coverage_rate=round(c.coverage_rate, 4),
            members=c.members,
            members_visiting_this_month=c.members_visiting_this_month,
            participation_rate=round(c.participation_rate, 4),
            cadences=[
                CadenceOut(
                    cadence_days=g.cadence_days,
                    households=g.households,
                    visited_within_cadence=g.visited_within_cadence,
                )
                for g in c.by_cadence
            ],
        )


class IdleMemberOut(BaseModel):
    member_id: int
    name: str
    org_id: int
    org_name: str
    households: int = Field(description="目前联系的农户数")
    last_visit: datetime | None = Field(description="最近一次走访时间；从未走访为 null")

    @classmethod
    def from_domain(cls, m: IdleMember) -> IdleMemberOut:
        return cls(
            member_id=m.member_id,
            name=m.name,
            org_id=m.org_id,
            org_name=m.org_name,
            households=m.households,
            last_visit=m.last_visit,
        )


class IdleMemberPage(Page[IdleMemberOut]):
    total: int = Field(
        description="本月未走访的联户党员数（不带 q 时等于 members − members_visiting_this_month）"
    )
