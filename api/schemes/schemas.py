from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.common import StrictIn
from domain.schemes.model import (
    BASIS_LABELS,
    PRESETS,
    Basis,
    EffectiveScheme,
    FigureBasis,
    Scheme,
    SchemeCode,
    figure_label,
)


class FigureOut(BaseModel):
    """Where one figure of a scheme comes from."""

    basis: Basis = Field(
        description="seed：种子材料原文给出（quote 为原文）；default：我们的默认值，种子未给出，"
        "由各县调整；local：本级或上级组织的设置"
    )
    basis_label: str = Field(description="依据、默认或本地设置")
    label: str = Field(description="参数名称")
    quote: str | None = Field(default=None, description="种子材料原文（basis 为 seed 时）")
    note: str | None = Field(default=None, description="默认值的说明（如何从种子的表述取值）")


def _figures(found: dict[str, FigureBasis]) -> dict[str, FigureOut]:
    return {
        key: FigureOut(
            basis=b.basis,
            basis_label=BASIS_LABELS[b.basis],
            label=figure_label(key),
            quote=b.quote,
            note=b.note,
        )
        for key, b in found.items()
    }


FIGURES = (
    "每个参数的依据，键为参数名；会议周期、积分规则按项给出（如 meeting_cadence_days.analysis）"
)


class SchemeOut(BaseModel):
    code: SchemeCode
    name: str
    region: str
    source: str
    params: dict[str, Any]
    figures: dict[str, FigureOut] = Field(description=FIGURES)

    @classmethod
    def from_domain(cls, s: Scheme) -> SchemeOut:
        return cls(
            code=s.code,
            name=s.name,
            region=s.region,
            source=s.source,
            params=s.params.as_dict(),
            figures=_figures(s.basis()),
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
    figures: dict[str, FigureOut] = Field(description=FIGURES)

    @classmethod
    def from_domain(cls, org_id: int, e: EffectiveScheme) -> EffectiveSchemeOut:
        return cls(
            org_id=org_id,
            code=e.code,
            name=PRESETS[e.code].name,
            params=e.params.as_dict(),
            defined_at=list(e.defined_at),
            figures=_figures(e.basis()),
        )
