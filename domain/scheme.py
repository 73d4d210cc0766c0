"""Schemes (联户模式): the five real schemes of the seeds as presets with their parameters.

A county selects a preset and may override parameters; every lower level inherits, and may
override again (the nearest binding wins, key by key). Later features read their figures from the
effective ``SchemeParams`` of an area, never from constants of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from domain.errors import Invalid, RuleBroken
from domain.household import Category
from domain.org import OrgLevel


class SchemeCode(StrEnum):
    ONE_SIX_N = "one_six_n"  # 1+6+N 党员联系户 — Huiji
    XIANFENG_HULIAN = "xianfeng_hulian"  # 先锋户联 — Xiaolin, Cixi
    YILIAN_SANHUI = "yilian_sanhui"  # 一联三会 — Jiaxing
    WUGE_DAOHU = "wuge_daohu"  # 五个到户 — Xiangtan
    SILIAN = "silian"  # 四联 — Mohe


class AssignmentUnit(StrEnum):
    HOUSEHOLD = "household"
    BUILDING = "building"  # 楼栋 mode in communities


_MUST_ATTEND_5: Final = ("红白大事", "邻里纠纷", "生病住院", "代办事项", "思想波动")
_FOUR_MUST_RECORD: Final = ("意见建议", "困难问题", "邻里纠纷", "家庭变故或意外")


@dataclass(frozen=True)
class SchemeParams:
    """Every parameter a scheme fixes. Field names are the keys of overrides."""

    households_min: int
    households_max: int
    visit_cadence_days: int | None
    elderly_pairing_min: int = 0
    elderly_pairing_max: int = 0
    community_unit: AssignmentUnit = AssignmentUnit.HOUSEHOLD
    buildings_min: int = 0
    checklist: tuple[str, ...] = ()
    checklist_period_months: int = 3
    must_attend_events: tuple[str, ...] = ()
    must_attend_deadline_hours: int = 48
    visit_log_flags: tuple[str, ...] = _FOUR_MUST_RECORD
    escalation_levels: tuple[OrgLevel, ...] = (OrgLevel.VILLAGE, OrgLevel.TOWNSHIP, OrgLevel.COUNTY)
    meeting_cadence_days: Mapping[str, int] = field(default_factory=dict)
    vulnerable_categories: tuple[str, ...] = (
        Category.HARDSHIP,
        Category.LEFT_BEHIND_CHILDREN,
        Category.LONELY_ELDERLY,
    )
    distance_weight: float = 1.0
    kinship_bonus: float = 500.0
    interest_bonus: float = 200.0
    borrow_across_grids: bool = False
    point_rules: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "meeting_cadence_days", MappingProxyType(dict(self.meeting_cadence_days))
        )
        object.__setattr__(self, "point_rules", MappingProxyType(dict(self.point_rules)))
        self._check()

    def _check(self) -> None:
        if self.households_min < 0:
            raise Invalid("scheme.bad_value", "最少联系户数不能为负", field="households_min")
        if self.households_max < max(1, self.households_min):
            raise Invalid(
                "scheme.min_above_max", "最多联系户数须不小于最少联系户数", field="households_max"
            )
        if self.elderly_pairing_max < self.elderly_pairing_min or self.elderly_pairing_min < 0:
            raise Invalid(
                "scheme.min_above_max", "结对老党员人数范围无效", field="elderly_pairing_max"
            )
        if self.visit_cadence_days is not None and self.visit_cadence_days < 1:
            raise Invalid("scheme.bad_value", "走访周期至少 1 天", field="visit_cadence_days")
        if self.checklist_period_months not in (1, 2, 3, 6, 12):
            raise Invalid(
                "scheme.bad_value",
                "清单周期须为 1、2、3、6 或 12 个月",
                field="checklist_period_months",
            )

    def with_overrides(self, overrides: Mapping[str, Any]) -> SchemeParams:
        """These parameters with ``overrides`` applied; unknown keys and wrong types are refused."""
        changes = {key: _coerce(key, value) for key, value in overrides.items()}
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["meeting_cadence_days"] = dict(self.meeting_cadence_days)
        out["point_rules"] = dict(self.point_rules)
        return out


_FIELDS: Final = {f.name: f for f in dataclasses.fields(SchemeParams)}
_TUPLE_ITEM: Final[dict[str, type]] = {"escalation_levels": OrgLevel}


def _coerce(key: str, value: Any) -> Any:
    if key not in _FIELDS:
        raise Invalid("scheme.unknown_parameter", f"未知的参数：{key}", field=f"overrides.{key}")
    default = getattr(PRESETS[SchemeCode.ONE_SIX_N].params, key)
    bad = Invalid("scheme.bad_parameter_type", f"参数 {key} 的类型不正确", field=f"overrides.{key}")
    if key == "visit_cadence_days":
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise bad
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise bad
    if isinstance(default, StrEnum):
        try:
            return type(default)(value)
        except ValueError:
            raise bad from None
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise bad
    if isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise bad
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise bad
        item = _TUPLE_ITEM.get(key)
        try:
            return tuple(item(v) for v in value) if item else tuple(value)
        except ValueError:
            raise bad from None
    if isinstance(default, Mapping):
        ok = isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in value.items()
        )
        if not ok:
            raise bad
        return dict(value)
    raise bad  # pragma: no cover - every field type is handled above


@dataclass(frozen=True)
class Scheme:
    code: SchemeCode
    name: str
    region: str
    source: str  # the seed document the figures come from
    params: SchemeParams


PRESETS: Final[dict[SchemeCode, Scheme]] = {
    # seeds/huiji-1plus6plusN.txt: at least 6 households plus 2–3 elderly/infirm members; in
    # communities at least 6 buildings; a visit or call at least every two weeks; 五到户 + 五必到.
    SchemeCode.ONE_SIX_N: Scheme(
        SchemeCode.ONE_SIX_N,
        "1+6+N 党员联系户",
        "河南郑州惠济区",
        "seeds/huiji-1plus6plusN.txt",
        SchemeParams(
            households_min=6,
            households_max=15,
            visit_cadence_days=14,
            elderly_pairing_min=2,
            elderly_pairing_max=3,
            community_unit=AssignmentUnit.BUILDING,
            buildings_min=6,
            checklist=(
                "上级政策宣讲到户",
                "支部决议传达到户",
                "志愿服务发动到户",
                "意见建议征集到户",
                "困难帮扶解决到户",
            ),
            must_attend_events=_MUST_ATTEND_5,
            escalation_levels=(OrgLevel.VILLAGE,),
            meeting_cadence_days={"branch_monthly": 30},
            point_rules={"visit": 1, "must_attend": 2, "issue_solved": 3},
        ),
    ),
    # seeds/xiaolin-xianfeng-hulian.txt: about 10 households each (就近就亲就便), 1–2 visits a
    # month, five duties, five-step issue flow, monthly 对账交流会, borrowing within the village.
    SchemeCode.XIANFENG_HULIAN: Scheme(
        SchemeCode.XIANFENG_HULIAN,
        "先锋户联",
        "浙江慈溪小林镇",
        "seeds/xiaolin-xianfeng-hulian.txt",
        SchemeParams(
            households_min=8,
            households_max=12,
            visit_cadence_days=30,
            checklist=("宣传政策", "反映民意", "化解矛盾", "服务大局", "参与共治"),
            checklist_period_months=1,
            escalation_levels=(OrgLevel.VILLAGE, OrgLevel.TOWNSHIP),
            meeting_cadence_days={"reconciliation_monthly": 30},
            borrow_across_grids=True,
            point_rules={"visit": 1, "issue_solved": 3},
        ),
    ),
    # seeds/jiaxing-yilian-sanhui.txt: 5–10 households, 民情日志 with 四个必记, 民情分析会 every
    # two months, then 民事交办会 and 民主评议会; old, sick and disabled members are exempt.
    SchemeCode.YILIAN_SANHUI: Scheme(
        SchemeCode.YILIAN_SANHUI,
        "一联三会",
        "浙江嘉兴",
        "seeds/jiaxing-yilian-sanhui.txt",
        SchemeParams(
            households_min=5,
            households_max=10,
            visit_cadence_days=30,
            escalation_levels=(OrgLevel.VILLAGE, OrgLevel.TOWNSHIP),
            meeting_cadence_days={"analysis": 60, "assignment": 60, "evaluation": 180},
        ),
    ),
    # seeds/xiangtan-wuge-daohu.txt: 一联一 or 一联多, weekly 民情碰头会, monthly 民情分析会,
    # 小事不出村、大事不出乡、难事不出县, special groups (低保五保、重病重残、空巢老人) first.
    SchemeCode.WUGE_DAOHU: Scheme(
        SchemeCode.WUGE_DAOHU,
        "五个到户",
        "湖南湘潭",
        "seeds/xiangtan-wuge-daohu.txt",
        SchemeParams(
            households_min=1,
            households_max=10,
            visit_cadence_days=30,
            checklist=(
                "党员联系到户",
                "民情走访到户",
                "政策落实到户",
                "产业对接到户",
                "精准服务到户",
            ),
            escalation_levels=(OrgLevel.VILLAGE, OrgLevel.TOWNSHIP, OrgLevel.COUNTY),
            meeting_cadence_days={"briefing_weekly": 7, "analysis_monthly": 30},
            vulnerable_categories=(
                Category.DIBAO,
                Category.WUBAO,
                Category.SERIOUS_ILLNESS_DISABILITY,
                Category.EMPTY_NEST_ELDERLY,
            ),
        ),
    ),
    # seeds/mohe-silian.txt: pairs of four kinds; organs visit their partner villages at least
    # twice a year; remote, offline for months in winter; leaders solve problems on site.
    SchemeCode.SILIAN: Scheme(
        SchemeCode.SILIAN,
        "四联",
        "黑龙江漠河",
        "seeds/mohe-silian.txt",
        SchemeParams(
            households_min=1,
            households_max=5,
            visit_cadence_days=180,
            escalation_levels=(OrgLevel.TOWNSHIP, OrgLevel.COUNTY),
            vulnerable_categories=(Category.HARDSHIP, Category.SERIOUS_ILLNESS_DISABILITY),
        ),
    ),
}


@dataclass(frozen=True)
class SchemeBinding:
    """A scheme choice or parameter override set on one org unit."""

    org_id: int
    scheme: SchemeCode | None
    overrides: Mapping[str, Any]

    def __post_init__(self) -> None:
        # Validate overrides now, so a bad binding is refused when written, not when read.
        PRESETS[self.scheme or SchemeCode.ONE_SIX_N].params.with_overrides(self.overrides)


@dataclass(frozen=True)
class EffectiveScheme:
    code: SchemeCode
    params: SchemeParams
    defined_at: tuple[int, ...]  # org ids whose bindings contributed, root first


def effective_scheme(bindings_root_first: Iterable[SchemeBinding]) -> EffectiveScheme | None:
    """Walk the bindings from the root down: a preset restarts the parameters, overrides apply in
    order so the nearest level wins. None when no level chose a scheme."""
    code: SchemeCode | None = None
    params: SchemeParams | None = None
    used: list[int] = []
    for binding in bindings_root_first:
        if binding.scheme is not None:
            code, params, used = binding.scheme, PRESETS[binding.scheme].params, []
        if params is None:
            continue
        if binding.overrides:
            params = params.with_overrides(binding.overrides)
        used.append(binding.org_id)
    if code is None or params is None:
        return None
    return EffectiveScheme(code, params, tuple(used))


def required_scheme(
    bindings_root_first: Iterable[SchemeBinding], *, field: str = "org_id"
) -> EffectiveScheme:
    """The effective scheme, or the rule that an area needs one before anything is planned."""
    found = effective_scheme(bindings_root_first)
    if found is None:
        raise RuleBroken("scheme.not_selected", "该组织及其上级尚未选择联户模式", field=field)
    return found
