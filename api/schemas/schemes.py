from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import StrictIn
from domain.scheme import PRESETS, EffectiveScheme, Scheme, SchemeCode


class SchemeOut(BaseModel):
    code: SchemeCode
    name: str
    region: str
    source: str
    params: dict[str, Any]

    @classmethod
    def from_domain(cls, s: Scheme) -> SchemeOut:
        return cls(
            code=s.code, name=s.name, region=s.region, source=s.source, params=s.params.as_dict()
        )


class SchemeBindingIn(StrictIn):
    scheme: SchemeCode | None = Field(default=None, description="选择的模式；下级可留空只覆盖参数")
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="覆盖的参数，键为参数名；每个参数有取值范围（如走访周期 1 至 365 天、"
        "必到事项时限 1 至 720 小时），超出时 422 并指明 overrides.参数名",
    )


class EffectiveSchemeOut(BaseModel):
    org_id: int
    code: SchemeCode
    name: str
    params: dict[str, Any]
    defined_at: list[int]

    @classmethod
    def from_domain(cls, org_id: int, e: EffectiveScheme) -> EffectiveSchemeOut:
        return cls(
            org_id=org_id,
            code=e.code,
            name=PRESETS[e.code].name,
            params=e.params.as_dict(),
            defined_at=list(e.defined_at),
        )
