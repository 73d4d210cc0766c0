from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.common import (
    WHOLE_LOCATION_SCHEMA,
    ExternalId,
    Id,
    LabelStr,
    Latitude,
    Longitude,
    NameStr,
    Phone,
    StrictIn,
    Text,
    check_whole_location,
    merged_location,
)
from api.paging import Page
from domain.kernel.access import Scope
from domain.registers.household import SENSITIVE_CATEGORIES, Household, HouseholdStatus
from domain.registers.masking import mask_address, mask_phone
from domain.registers.member import location_of
from domain.registers.services import HouseholdChanged


class HouseholdIn(StrictIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra=WHOLE_LOCATION_SCHEMA)

    org_id: Id = Field(description="所属网格 id")
    head_name: NameStr
    size: int = Field(default=1, ge=1, le=99)
    building: Text | None = Field(default=None, max_length=50)
    address: Text | None = Field(default=None, max_length=200)
    phone: Phone | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    categories: list[Text] = Field(default_factory=list, max_length=20)
    external_id: ExternalId | None = None

    @model_validator(mode="after")
    def _whole_location(self) -> HouseholdIn:
        check_whole_location(type(self).__name__, self.lat, self.lng)
        return self

    def to_domain(self) -> Household:
        return Household(
            id=0,
            org_id=self.org_id,
            head_name=self.head_name,
            size=self.size,
            building=self.building,
            address=self.address,
            phone=self.phone,
            location=location_of(self.lat, self.lng),
            categories=frozenset(self.categories),
            external_id=self.external_id,
        )


class HouseholdUpdate(StrictIn):
    org_id: Id | None = None
    head_name: NameStr | None = None
    size: int | None = Field(default=None, ge=1, le=99)
    building: Text | None = Field(default=None, max_length=50)
    address: Text | None = Field(default=None, max_length=200)
    phone: Phone | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    categories: list[Text] | None = Field(default=None, max_length=20)
    external_id: ExternalId | None = None
    status: HouseholdStatus | None = Field(
        default=None,
        description="在册 active、已迁出 moved_out、已归档 archived。迁出或归档的农户离开待走访"
        "清单、达标统计、包户方案与同步，其联系结束，记录仍可查阅",
    )

    def changes(self, current: Household) -> dict[str, Any]:
        sent = self.model_dump(exclude_unset=True)
        out: dict[str, Any] = {}
        for key in sent:
            value = getattr(self, key)
            if key in ("lat", "lng"):
                continue
            if key in ("org_id", "head_name", "size", "status") and value is None:
                continue
            out[key] = frozenset(value or ()) if key == "categories" else value
        if "lat" in sent or "lng" in sent:
            out["location"] = merged_location(sent, self.lat, self.lng, current.location)
        return out


class HouseholdOut(BaseModel):
    id: int
    org_id: int
    head_name: str
    size: int
    building: str | None
    address: str | None
    phone: str | None
    masked: bool = Field(
        description="true when phone, address, location and sensitive categories are masked"
    )
    lat: float | None
    lng: float | None
    categories: list[str]
    external_id: str | None
    status: HouseholdStatus = Field(description="在册 active、已迁出 moved_out、已归档 archived")

    @classmethod
    def from_domain(cls, h: Household, scope: Scope) -> HouseholdOut:
        personal = scope.sees_personal_data
        cats = sorted(h.categories)
        return cls(
            id=h.id,
            org_id=h.org_id,
            head_name=h.head_name,
            size=h.size,
            building=h.building,
            address=h.address if personal else mask_address(h.address),
            phone=h.phone if personal else mask_phone(h.phone),
            masked=not personal,
            lat=h.location.lat if h.location and personal else None,
            lng=h.location.lng if h.location and personal else None,
            categories=cats if personal else [c for c in cats if c not in SENSITIVE_CATEGORIES],
            external_id=h.external_id,
            status=h.status,
        )


class EndedAssignmentOut(BaseModel):
    member_id: int
    member_name: str


class HouseholdChangedOut(HouseholdOut):
    ended_assignment: EndedAssignmentOut | None = Field(
        default=None,
        description="这次修改结束的联系（迁往他村、迁出或归档时）：原联系党员",
    )

    @classmethod
    def of(cls, changed: HouseholdChanged, scope: Scope) -> HouseholdChangedOut:
        ended = changed.ended_assignment
        return cls(
            **HouseholdOut.from_domain(changed.household, scope).model_dump(),
            ended_assignment=EndedAssignmentOut(
                member_id=ended.member_id, member_name=ended.member_name
            )
            if ended is not None
            else None,
        )


class HouseholdPage(Page[HouseholdOut]):
    pass


class CategoryIn(StrictIn):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: LabelStr


class CategoryOut(BaseModel):
    code: str
    label: str
    builtin: bool
    sensitive: bool
