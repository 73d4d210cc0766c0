"""Schemes (联户模式): the five real schemes of the seeds as presets with their parameters.

A county selects a preset and may override parameters; every lower level inherits, and may
override again (the nearest binding wins, key by key). Later features read their figures from the
effective ``SchemeParams`` of an area, never from constants of their own.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from domain.kernel.errors import Invalid, RuleBroken
from domain.kernel.org import OrgLevel
from domain.registers.household import Category
from domain.visits.model import FLAG_LABELS


class SchemeCode(StrEnum):
    ONE_SIX_N = "one_six_n"  # 1+6+N 党员联系户 — Huiji
    XIANFENG_HULIAN = "xianfeng_hulian"  # 先锋户联 — Xiaolin, Cixi
    YILIAN_SANHUI = "yilian_sanhui"  # 一联三会 — Jiaxing
    WUGE_DAOHU = "wuge_daohu"  # 五个到户 — Xiangtan
    SILIAN = "silian"  # 四联 — Mohe


class AssignmentUnit(StrEnum):
    HOUSEHOLD = "household"
    BUILDING = "building"  # 楼栋 mode in communities


_log = logging.getLogger(__name__)

# The kinds of matter an issue may be (问题类别, 分类): codes with their names. A scheme offers
# some of them (issue_categories); the first six are every scheme's default (ours: the issue's
# 基础设施, 环境卫生, 矛盾纠纷, 民生救助, 政策咨询, and 其他).
ISSUE_CATEGORIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "infrastructure": "基础设施",
        "sanitation": "环境卫生",
        "dispute": "矛盾纠纷",
        "relief": "民生救助",
        "policy": "政策咨询",
        "other": "其他",
        "safety": "安全隐患",
        "employment": "就业创业",
        "education_health": "教育医疗",
        "elderly_care": "养老助残",
    }
)
DEFAULT_ISSUE_CATEGORIES: Final = (
    "infrastructure",
    "sanitation",
    "dispute",
    "relief",
    "policy",
    "other",
)

# A scheme that gives no visit cadence (四联) is judged monthly in due lists and compliance:
# ours, not a seed's; a county sets visit_cadence_days to its own.
DEFAULT_CADENCE_DAYS: Final = 30

_MUST_ATTEND_5: Final = ("红白大事", "邻里纠纷", "生病住院", "代办事项", "思想波动")
# 四个必记 (seeds/jiaxing-yilian-sanhui.txt), in the words visits label them with.
_FOUR_MUST_RECORD: Final = tuple(FLAG_LABELS.values())
DEFAULT_VISIT_LOG_FLAGS: Final = _FOUR_MUST_RECORD


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
    # The issue flow (问题办理): the kinds of matter offered (codes of ISSUE_CATEGORIES), the
    # time limits in working days that differ from the flow's own (``step/tier`` or
    # ``step/tier/category``: domain.issues.rules.DEFAULT_DAYS), the warning's share.
    issue_categories: tuple[str, ...] = DEFAULT_ISSUE_CATEGORIES
    issue_time_limits: Mapping[str, int] = field(default_factory=dict)
    issue_warn_percent: int = 70

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "meeting_cadence_days", MappingProxyType(dict(self.meeting_cadence_days))
        )
        object.__setattr__(self, "point_rules", MappingProxyType(dict(self.point_rules)))
        object.__setattr__(
            self, "issue_time_limits", MappingProxyType(dict(self.issue_time_limits))
        )
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
        """These parameters with ``overrides`` applied; unknown keys, wrong types and values out
        of their range (``RANGES``, ``ITEMS``) are refused."""
        return dataclasses.replace(self, **check_overrides(overrides))

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["meeting_cadence_days"] = dict(self.meeting_cadence_days)
        out["point_rules"] = dict(self.point_rules)
        out["issue_time_limits"] = dict(self.issue_time_limits)
        return out


_FIELDS: Final = {f.name: f for f in dataclasses.fields(SchemeParams)}
_TUPLE_ITEM: Final[dict[str, type]] = {"escalation_levels": OrgLevel}


@dataclass(frozen=True)
class Range:
    """The values a numeric parameter may take, and how a refusal names it."""

    label: str
    low: float
    high: float
    unit: str = ""

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high  # NaN compares false with anything: refused

    def message(self) -> str:
        unit = f" {self.unit}" if self.unit else " "
        return f"{self.label}须在 {self.low:g} 至 {self.high:g}{unit}之间"


# Every number a scheme fixes stays near where the seeds put it, with room for what a county
# could sensibly ask, and where what reads it keeps working: a cadence or a deadline becomes a
# timedelta from today (a date past year 9999 is an OverflowError), the loads and pairing
# counts become the solver's int64 arrays, the weights the costs of its network (metres ×
# weight must stay far inside OR-Tools' cost range, and the bonuses below the 10⁵ of a
# member's own request, which they must not outrank). Every preset lies inside (a test says
# so). The console's inputs (frontend/src/admin/lib/schemeTuning.ts) use the same figures.
RANGES: Final[Mapping[str, Range]] = MappingProxyType(
    {
        "households_min": Range("每人最少联系户数", 0, 500, "户"),
        "households_max": Range("每人最多联系户数", 1, 500, "户"),
        # 1+6+N: every two weeks; the others monthly (ours, see BASIS); 四联: none given.
        "visit_cadence_days": Range("走访周期", 1, 365, "天"),
        "elderly_pairing_min": Range("结对老党员最少人数", 0, 10, "人"),
        "elderly_pairing_max": Range("结对老党员最多人数", 0, 10, "人"),
        "buildings_min": Range("每人最少联系楼栋数", 0, 100, "栋"),
        "checklist_period_months": Range("清单周期", 1, 12, "个月"),
        "must_attend_deadline_hours": Range("必到事项时限", 1, 720, "小时"),
        "distance_weight": Range("距离权重", 0, 100),
        "kinship_bonus": Range("亲缘加分", 0, 10_000),
        "interest_bonus": Range("兴趣加分", 0, 10_000),
        "issue_warn_percent": Range("问题预警比例", 1, 99, "%"),
    }
)
# The values of the mapping parameters, each entry.
ENTRY_RANGES: Final[Mapping[str, Range]] = MappingProxyType(
    {
        "meeting_cadence_days": Range("会议周期", 1, 365, "天"),
        "point_rules": Range("积分", -100, 100, "分"),
        "issue_time_limits": Range("问题办理时限", 1, 365, "个工作日"),
    }
)


@dataclass(frozen=True)
class Items:
    """How many entries a list or mapping parameter may hold and how long each name may be."""

    label: str
    count: int
    length: int

    def message(self) -> str:
        return f"{self.label}最多 {self.count} 项，每项 1–{self.length} 个字，不能含控制字符"


# Lengths follow where the names end up: a must-attend kind is stored in a column of 20
# characters, a category code in one of 40; a visit ticks at most 10 checklist items.
ITEMS: Final[Mapping[str, Items]] = MappingProxyType(
    {
        "checklist": Items("清单事项", 10, 50),
        "must_attend_events": Items("必到事项", 10, 20),
        "visit_log_flags": Items("必记事项", 10, 20),
        "escalation_levels": Items("上报层级", len(OrgLevel), 20),
        "vulnerable_categories": Items("优先联系的户类", 20, 40),
        "meeting_cadence_days": Items("会议", 10, 40),
        "point_rules": Items("积分规则", 20, 40),
        "issue_categories": Items("问题类别", len(ISSUE_CATEGORIES), 30),
        "issue_time_limits": Items("问题办理时限", 100, 60),
    }
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _good_name(value: Any, most: int) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= most
        and value.strip() != ""
        and (value.isprintable())
    )


class _OutOfRange(Invalid):
    """A number of the right type outside its range: storage clamps it on reading (below)."""

    def __init__(self, key: str, limits: Range, value: float) -> None:
        super().__init__("scheme.out_of_range", limits.message(), field=f"overrides.{key}")
        self.limits = limits
        self.value = value


def _coerce(key: str, value: Any) -> Any:
    if key not in _FIELDS:
        raise Invalid("scheme.unknown_parameter", f"未知的参数：{key}", field=f"overrides.{key}")
    default = getattr(PRESETS[SchemeCode.ONE_SIX_N].params, key)
    bad = Invalid("scheme.bad_parameter_type", f"参数 {key} 的类型不正确", field=f"overrides.{key}")
    limits = RANGES.get(key)
    if key == "visit_cadence_days":
        if value is None:
            return value
        if not _is_int(value):
            raise bad
    elif isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise bad
    elif isinstance(default, StrEnum):
        try:
            return type(default)(value)
        except ValueError:
            raise bad from None
    elif isinstance(default, int):
        if not _is_int(value):
            raise bad
    elif isinstance(default, float):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise bad
        value = float(value)
    elif isinstance(default, tuple):
        return _coerce_items(key, value, bad)
    elif isinstance(default, Mapping):
        return _coerce_entries(key, value, bad)
    else:  # pragma: no cover - every field type is handled above
        raise bad
    if limits is not None and not limits.holds(value):
        raise _OutOfRange(key, limits, value)
    return value


def _coerce_items(key: str, value: Any, bad: Invalid) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise bad
    items = ITEMS[key]
    if len(value) > items.count or not all(_good_name(v, items.length) for v in value):
        raise Invalid("scheme.bad_items", items.message(), field=f"overrides.{key}")
    if key == "issue_categories" and (
        not value or not all(v in ISSUE_CATEGORIES for v in value) or len(set(value)) < len(value)
    ):
        known = "、".join(f"{c}（{label}）" for c, label in ISSUE_CATEGORIES.items())
        raise Invalid(
            "scheme.bad_items",
            f"问题类别须为以下代码之一（至少一项，不重复）：{known}",
            field=f"overrides.{key}",
        )
    item = _TUPLE_ITEM.get(key)
    try:
        return tuple(item(v) for v in value) if item else tuple(value)
    except ValueError:
        raise bad from None


def _coerce_entries(key: str, value: Any, bad: Invalid) -> dict[str, int]:
    ok = isinstance(value, Mapping) and all(
        isinstance(k, str) and _is_int(v) for k, v in value.items()
    )
    if not ok:
        raise bad
    items, limits = ITEMS[key], ENTRY_RANGES[key]
    if len(value) > items.count or not all(_good_name(k, items.length) for k in value):
        raise Invalid("scheme.bad_items", items.message(), field=f"overrides.{key}")
    if key == "issue_time_limits":
        for name in value:
            if not _limit_key(name):
                raise Invalid(
                    "scheme.bad_items",
                    f"时限 {name} 的写法应为 步骤/层级 或 步骤/层级/类别，步骤为 accept、handle、"
                    "feedback，层级为 grid、village、township、county",
                    field=f"overrides.{key}",
                )
    for name, number in value.items():
        if not limits.holds(number):
            raise Invalid(
                "scheme.out_of_range",
                f"{name}：{limits.message()}",
                field=f"overrides.{key}",
            )
    return dict(value)


ISSUE_STEPS: Final = ("accept", "handle", "feedback")  # 受理 / 办理 / 反馈
ISSUE_TIERS: Final = ("grid", "village", "township", "county")


def _limit_key(name: str) -> bool:
    """``step/tier`` or ``step/tier/category`` (a category of ISSUE_CATEGORIES)."""
    parts = name.split("/")
    return (
        len(parts) in (2, 3)
        and parts[0] in ISSUE_STEPS
        and parts[1] in ISSUE_TIERS
        and (len(parts) == 2 or parts[2] in ISSUE_CATEGORIES)
    )


def check_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Each override understood and within its range, else the refusal naming it
    (``overrides.<parameter>``); returns them as the parameters' types."""
    return {key: _coerce(key, value) for key, value in overrides.items()}


def stored_overrides(org_id: int, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides as read back from storage, made usable: a number written before the ranges
    were checked (a cadence of 3,000,000 days) is clamped to the nearest end of its range, so
    the area keeps working on the closest figure allowed; one that cannot be read at all (an
    unknown parameter, a wrong type, a NaN that the database returns as null) is left out, so
    the level inherits it from above. Each adjustment is logged; the figures in force are what
    GET /org-units/{id}/scheme shows, and saving the level again replaces what is stored."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        try:
            out[key] = _coerce(key, value)
            continue
        except _OutOfRange as err:
            if not math.isnan(err.value):
                nearest = min(max(err.value, err.limits.low), err.limits.high)
                out[key] = float(nearest) if isinstance(err.value, float) else int(nearest)
        except Invalid:
            pass
        _log.warning(
            "scheme override %s=%r stored on org %s is not allowed: %s",
            key,
            value,
            org_id,
            f"read as {out[key]!r}" if key in out else "left out",
        )
    return out


# Parameters no feature reads yet (the issue flow's levels, the meetings, the points): a county
# setting them would believe they work. Refused until the issue that reads them lands.
NOT_YET_SUPPORTED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "escalation_levels": "问题逐级上报（问题流转）",
        "meeting_cadence_days": "会议",
        "point_rules": "积分",
    }
)


def check_level_overrides(level: OrgLevel, overrides: Mapping[str, Any]) -> None:
    """What one level may set. 楼栋 mode (``community_unit``) is a community's own: the seed
    (seeds/huiji-1plus6plusN.txt) gives it to communities with few members and many residents,
    not to every community of a county or township, nor to a grid of one. The settings nothing
    reads yet (``NOT_YET_SUPPORTED``) are refused rather than stored silently."""
    for key, feature in NOT_YET_SUPPORTED.items():
        if key in overrides:
            raise Invalid(
                "scheme.not_yet_supported",
                f"参数 {key}（{PARAM_LABELS[key]}）暂不能设置：{feature}功能尚未上线，"
                "设置了也不会生效",
                field=f"overrides.{key}",
            )
    if "community_unit" in overrides and level is not OrgLevel.COMMUNITY:
        raise Invalid(
            "scheme.community_only",
            "按楼栋联系只能由社区自己设置（党员较少、群众较多的社区），不能在其他层级设置",
            field="overrides.community_unit",
        )


class Basis(StrEnum):
    """Where a figure of a scheme comes from."""

    SEED = "seed"  # the seed document says it: its words are quoted
    DEFAULT = "default"  # ours, where the seed gives no figure: for the county to tune
    LOCAL = "local"  # set by a level of the tree (an override), in an effective scheme


BASIS_LABELS: Final = {Basis.SEED: "依据", Basis.DEFAULT: "默认", Basis.LOCAL: "本地设置"}


@dataclass(frozen=True)
class FigureBasis:
    basis: Basis
    quote: str | None = None  # the seed's own words (SEED)
    note: str | None = None  # how a default was read from vaguer words of the seed


# What each parameter is called in the console and in a figure's label.
PARAM_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "households_min": "每人最少联系户数",
        "households_max": "每人最多联系户数",
        "visit_cadence_days": "走访周期（天）",
        "elderly_pairing_min": "结对老党员最少人数",
        "elderly_pairing_max": "结对老党员最多人数",
        "community_unit": "社区联系单位（户或楼栋）",
        "buildings_min": "每人最少联系楼栋数",
        "checklist": "到户清单",
        "checklist_period_months": "清单周期（月）",
        "must_attend_events": "必到事项",
        "must_attend_deadline_hours": "必到事项时限（小时）",
        "visit_log_flags": "民情日志必记事项",
        "escalation_levels": "问题上报层级",
        "meeting_cadence_days": "会议周期（天）",
        "vulnerable_categories": "两委干部优先联系的户类",
        "distance_weight": "距离权重",
        "kinship_bonus": "亲缘加分",
        "interest_bonus": "兴趣加分",
        "borrow_across_grids": "可跨网格借调党员",
        "point_rules": "积分规则",
        "issue_categories": "问题类别",
        "issue_time_limits": "问题办理时限（工作日）",
        "issue_warn_percent": "问题预警比例（%）",
    }
)
ENTRY_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "branch_monthly": "支部每月例会",
        "reconciliation_monthly": "网格支部每月对账交流会",
        "analysis": "民情分析会",
        "assignment": "民事交办会",
        "evaluation": "民主评议会",
        "briefing_weekly": "民情碰头会",
        "analysis_monthly": "民情分析会",
        "visit": "走访",
        "must_attend": "必到事项到场",
        "issue_solved": "解决问题",
    }
)


def figure_keys(params: SchemeParams) -> list[str]:
    """Every figure of a scheme: each parameter, and each entry of a mapping parameter
    (``meeting_cadence_days.analysis``) — one meeting's cadence may be the seed's and the next
    ours."""
    keys: list[str] = []
    for name, value in params.as_dict().items():
        if isinstance(value, Mapping):
            keys += [f"{name}.{entry}" for entry in value]
        else:
            keys.append(name)
    return keys


def figure_label(key: str) -> str:
    name, _, entry = key.partition(".")
    label = PARAM_LABELS.get(name, name)
    return f"{label}：{ENTRY_LABELS.get(entry, entry)}" if entry else label


@dataclass(frozen=True)
class Scheme:
    code: SchemeCode
    name: str
    region: str
    source: str  # the seed document the figures come from
    params: SchemeParams
    # The figures the seed itself gives, each with its words as the seed file has them; every
    # other figure is ours (Basis.DEFAULT), to be tuned by the county. ``notes`` say how a
    # default was read from vaguer words (“10户左右”, “经常”).
    seed_quotes: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def basis(
        self, params: SchemeParams | None = None, overridden: Iterable[str] = ()
    ) -> dict[str, FigureBasis]:
        """Each figure of the preset (or of ``params``, the scheme in force somewhere) marked
        seed (with the quote) or default; a parameter in ``overridden`` (set by a level of the
        tree) is local, with all its entries."""
        local = set(overridden)
        out: dict[str, FigureBasis] = {}
        for key in figure_keys(params or self.params):
            if key.partition(".")[0] in local:
                out[key] = FigureBasis(Basis.LOCAL)
            elif key in self.seed_quotes:
                out[key] = FigureBasis(Basis.SEED, quote=self.seed_quotes[key])
            else:
                out[key] = FigureBasis(Basis.DEFAULT, note=self.notes.get(key))
        return out


PRESETS: Final[dict[SchemeCode, Scheme]] = {
    # seeds/huiji-1plus6plusN.txt: at least 6 households plus 2–3 elderly/infirm members; at
    # least 6 buildings where a community has few members and many residents (社区党员较少,
    # 群众较多的) — so buildings_min is the preset's, but 楼栋 mode is each such community's own
    # setting (community_unit on the community, check_level_overrides), never the county's;
    # a visit or call at least every two weeks; 五到户 + 五必到.
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
        seed_quotes={
            "households_min": "每名责任党员分包联系至少6户群众",
            "elderly_pairing_min": "2-3名年老体弱、行动不便的党员",
            "elderly_pairing_max": "2-3名年老体弱、行动不便的党员",
            "buildings_min": "社区党员较少,群众较多的,分包联系至少6个楼栋群众",
            "visit_cadence_days": "责任党员每两周至少1次登门走访、电话联系",
            "checklist": "上级政策宣讲到户、支部决议传达到户、志愿服务发动到户、意见建议征集到户、"
            "困难帮扶解决到户",
            "must_attend_events": "联系户红白大事必到、邻里纠纷必到、生病住院必到、代办事项必到、"
            "思想波动必到",
            "escalation_levels": "村党组织定期召开会议研究讨论各党支部(党小组)上报的群众问题",
            "meeting_cadence_days.branch_monthly": "每月党员在党支部(党小组)会上汇报本人包户"
            "工作开展情况",
            "vulnerable_categories": "“两委”党员干部重点包户困难群众、留守儿童、孤寡老人",
        },
        notes={
            "households_max": "种子只规定“至少6户”，未给上限",
            "point_rules.visit": "种子要求“联系群众的频次和服务内容以积分制量化”，未给分值",
            "point_rules.must_attend": "种子未给分值",
            "point_rules.issue_solved": "种子未给分值",
        },
    ),
    # seeds/xiaolin-xianfeng-hulian.txt: about 10 households each (就近就亲就便), 1–2 visits a
    # month, five duties, five-step issue flow, monthly 对账交流会, borrowing within the village.
    SchemeCode.XIANFENG_HULIAN: Scheme(
        SchemeCode.XIANFENG_HULIAN,
        "先锋户联",
        "浙江慈溪逍林镇",
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
        seed_quotes={
            "visit_cadence_days": "每月1-2次的联户走访活动",
            "checklist": "宣传政策、反映民意、化解矛盾、服务大局、参与共治",
            "escalation_levels": "难以解决的逐级反馈给联系网格的镇村干部",
            "meeting_cadence_days.reconciliation_monthly": "由网格支部每月召开一次“对账交流会”",
            "borrow_across_grids": "按照全村党员包干联系全村所有农户的总体要求",
        },
        notes={
            "households_min": "据种子“原则上每个党员联系10户左右”取 8",
            "households_max": "据种子“原则上每个党员联系10户左右”取 12",
            "checklist_period_months": "种子的对账交流会每月一次，清单按月统计",
        },
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
        seed_quotes={
            "households_min": "每名农村党员联系5—10户群众",
            "households_max": "每名农村党员联系5—10户群众",
            "visit_log_flags": "联系农户反映的意见建议必记、联系农户的困难问题必记、"
            "联系农户的邻里纠纷必记、联系农户的家庭灾害事故必记",
            "meeting_cadence_days.analysis": "每两个月召开一次“民情分析会”",
        },
        notes={
            "visit_cadence_days": "种子只说“经常深入联系户走访交流”，未给周期",
            "meeting_cadence_days.assignment": "种子说“适时召开”民事交办会，未给周期",
            "meeting_cadence_days.evaluation": "种子未给民主评议会的周期",
            "escalation_levels": "种子由村“两委”办理，未说上报乡镇",
        },
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
        seed_quotes={
            "households_min": "采取“一联一”“一联多”等形式",
            "checklist": "党员联系到户、民情走访到户、政策落实到户、产业对接到户、精准服务到户",
            "escalation_levels": "小事不出村、大事不出乡、难事不出县",
            "meeting_cadence_days.briefing_weekly": "每周召开民情碰头会",
            "meeting_cadence_days.analysis_monthly": "每月召开民情分析会",
            "vulnerable_categories": "低保五保户、重病重残户、空巢老人户等特殊群体",
        },
        notes={
            "households_max": "种子说“一联多”，未给上限",
            "visit_cadence_days": "种子未给党员走访联系户的周期",
        },
    ),
    # seeds/mohe-silian.txt: pairs of four kinds (leaders ↔ work points, 科级 cadres ↔ poor and
    # disabled households, in-service members ↔ posts, organs ↔ villages) — its own feature (the
    # evaluation issue). The seed gives no member → household figure: no least or most number
    # of households (0 and the range's top: nobody judged by a made-up load) and no visit
    # cadence (its “每年至少两次” is organs visiting villages); a county sets its own.
    SchemeCode.SILIAN: Scheme(
        SchemeCode.SILIAN,
        "四联",
        "黑龙江漠河",
        "seeds/mohe-silian.txt",
        SchemeParams(
            households_min=0,
            households_max=int(RANGES["households_max"].high),
            visit_cadence_days=None,
            vulnerable_categories=(Category.HARDSHIP, Category.SERIOUS_ILLNESS_DISABILITY),
        ),
        seed_quotes={"vulnerable_categories": "科級干部聯系貧困戶(貧困生、殘疾戶)"},
        notes={
            "households_min": "种子未给每名党员联系的户数：不设下限",
            "households_max": "种子未给每名党员联系的户数：不设上限",
            "visit_cadence_days": "种子的“每年至少兩次”是机关走访共建村，不是党员走访联系户；"
            f"未设周期时按 {DEFAULT_CADENCE_DAYS} 天统计",
        },
    ),
}


@dataclass(frozen=True)
class SchemeBinding:
    """A scheme choice or parameter override set on one org unit."""

    org_id: int
    scheme: SchemeCode | None
    overrides: Mapping[str, Any]

    def __post_init__(self) -> None:
        # Validate each override now, so a bad one is refused when written, not when read. How
        # they combine (a maximum below the minimum) depends on the levels above: the chain is
        # checked as a whole when the binding is written (services.schemes.bind).
        check_overrides(self.overrides)

    @classmethod
    def stored(
        cls, org_id: int, scheme: SchemeCode | None, overrides: Mapping[str, Any]
    ) -> SchemeBinding:
        """A binding as storage holds it, written perhaps before the ranges were checked: made
        usable by ``stored_overrides`` rather than refused, so no request of the area fails on
        it."""
        return cls(org_id, scheme, stored_overrides(org_id, overrides))


@dataclass(frozen=True)
class EffectiveScheme:
    code: SchemeCode
    params: SchemeParams
    defined_at: tuple[int, ...]  # org ids whose bindings contributed, root first
    overridden: frozenset[str] = frozenset()  # parameters a level set over the preset

    def basis(self) -> dict[str, FigureBasis]:
        """Each figure in force: the preset's seed or default, or set by a level (local)."""
        return PRESETS[self.code].basis(self.params, self.overridden)


def effective_scheme(
    bindings_root_first: Iterable[SchemeBinding], *, strict: bool = False
) -> EffectiveScheme | None:
    """Walk the bindings from the root down: a preset restarts the parameters, overrides apply in
    order so the nearest level wins. None when no level chose a scheme.

    A level's overrides that do not fit with the levels above (its own most below the least
    set above it, stored before such changes were refused) are left out with a warning, so the
    level works on the figures from above instead of failing every request; ``strict`` (when a
    binding is written) raises the refusal instead."""
    code: SchemeCode | None = None
    params: SchemeParams | None = None
    used: list[int] = []
    overridden: set[str] = set()
    for binding in bindings_root_first:
        if binding.scheme is not None:
            code, params, used = binding.scheme, PRESETS[binding.scheme].params, []
            overridden = set()
        if params is None:
            continue
        if binding.overrides:
            try:
                params = params.with_overrides(binding.overrides)
                overridden |= set(binding.overrides)
            except Invalid as err:
                if strict:
                    raise
                _log.warning(
                    "scheme overrides %r on org %s do not fit the levels above (%s): left out",
                    dict(binding.overrides),
                    binding.org_id,
                    err.message,
                )
                if binding.scheme is None:
                    continue
        used.append(binding.org_id)
    if code is None or params is None:
        return None
    return EffectiveScheme(code, params, tuple(used), frozenset(overridden))


def required_scheme(
    bindings_root_first: Iterable[SchemeBinding], *, field: str = "org_id", strict: bool = False
) -> EffectiveScheme:
    """The effective scheme, or the rule that an area needs one before anything is planned."""
    found = effective_scheme(bindings_root_first, strict=strict)
    if found is None:
        raise RuleBroken("scheme.not_selected", "该组织及其上级尚未选择联户模式", field=field)
    return found
