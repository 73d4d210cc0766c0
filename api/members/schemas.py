from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.common import (
    WHOLE_LOCATION_SCHEMA,
    Bool,
    ExternalId,
    Id,
    IsoDate,
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
from domain.registers.masking import mask_phone
from domain.registers.member import (
    EXEMPTION_LABELS,
    MEMBER_ROLE_LABELS,
    Exemption,
    ExemptionReason,
    Member,
    MemberRole,
    location_of,
)


class ExemptionIn(StrictIn):
    reason: ExemptionReason
    decided_by: NameStr
    decided_on: IsoDate
    note: Text | None = Field(default=None, max_length=200)

    def to_domain(self) -> Exemption:
        return Exemption(self.reason, self.decided_by, self.decided_on, self.note)


class ExemptionOut(BaseModel):
    reason: ExemptionReason
    reason_label: str
    decided_by: str
    decided_on: date
    note: str | None


class MemberFields(StrictIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra=WHOLE_LOCATION_SCHEMA)

    gender: str | None = Field(default=None, pattern="^(男|女)$")
    birth_date: IsoDate | None = None
    phone: Phone | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    skills: list[NameStr] = Field(default_factory=list, max_length=20)
    in_service: Bool = False
    reported_community_id: Id | None = None
    exemption: ExemptionIn | None = None
    external_id: ExternalId | None = None

    @model_validator(mode="after")
    def _whole_location(self) -> MemberFields:
        check_whole_location(type(self).__name__, self.lat, self.lng)
        return self


class MemberIn(MemberFields):
    org_id: Id
    name: NameStr
    role: MemberRole = MemberRole.MEMBER

    def to_domain(self) -> Member:
        return Member(
            id=0,
            org_id=self.org_id,
            name=self.name,
            role=self.role,
            gender=self.gender,
            birth_date=self.birth_date,
            phone=self.phone,
            location=location_of(self.lat, self.lng),
            skills=tuple(self.skills),
            in_service=self.in_service,
            reported_community_id=self.reported_community_id,
            exemption=self.exemption.to_domain() if self.exemption else None,
            external_id=self.external_id,
        )


class MemberUpdate(StrictIn):
    """Only the fields sent are changed; ``exemption: null`` withdraws an exemption."""

    org_id: Id | None = None
    name: NameStr | None = None
    role: MemberRole | None = None
    gender: str | None = Field(default=None, pattern="^(男|女)$")
    birth_date: IsoDate | None = None
    phone: Phone | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    skills: list[NameStr] | None = Field(default=None, max_length=20)
    in_service: Bool | None = None
    reported_community_id: Id | None = None
    exemption: ExemptionIn | None = None
    external_id: ExternalId | None = None

    def changes(self, current: Member) -> dict[str, Any]:
        sent = self.model_dump(exclude_unset=True)
        out: dict[str, Any] = {}
        for key in sent:
            value = getattr(self, key)
            if key in ("lat", "lng"):
                continue
            if key == "skills":
                value = tuple(value or ())
            elif key == "exemption":
                value = value.to_domain() if value else None
            elif key in ("org_id", "name", "role", "in_service") and value is None:
                continue
            out[key] = value
        if "lat" in sent or "lng" in sent:
            out["location"] = merged_location(sent, self.lat, self.lng, current.location)
        return out


class MemberOut(BaseModel):
    id: int
    org_id: int
    name: str
    role: MemberRole
    role_label: str
    gender: str | None
    birth_date: date | None
    phone: str | None
    phone_masked: bool
    lat: float | None
    lng: float | None
    skills: list[str]
    in_service: bool
    reported_community_id: int | None
    exempt: bool
    exemption: ExemptionOut | None
    external_id: str | None

    @classmethod
    def from_domain(cls, m: Member, scope: Scope) -> MemberOut:
        personal = scope.sees_personal_data
        ex = m.exemption
        return cls(
            id=m.id,
            org_id=m.org_id,
            name=m.name,
            role=m.role,
            role_label=MEMBER_ROLE_LABELS[m.role],
            gender=m.gender,
            birth_date=m.birth_date,
            phone=m.phone if personal else mask_phone(m.phone),
            phone_masked=not personal and m.phone is not None,
            lat=m.location.lat if m.location and personal else None,
            lng=m.location.lng if m.location and personal else None,
            skills=list(m.skills),
            in_service=m.in_service,
            reported_community_id=m.reported_community_id,
            exempt=ex is not None,
            exemption=ExemptionOut(
                reason=ex.reason,
                reason_label=EXEMPTION_LABELS[ex.reason],
                decided_by=ex.decided_by,
                decided_on=ex.decided_on,
                note=ex.note,
            )
            if ex
            else None,
            external_id=m.external_id,
        )


class MemberPage(Page[MemberOut]):
    pass
