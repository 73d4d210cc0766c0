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

from domain.errors import Invalid, RuleBroken
from domain.household import Category
from domain.org import OrgLevel
from domain.visit import FLAG_LABELS


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

# A scheme that gives no visit cadence (四联) is judged monthly in due lists and compliance:
# ours, not a seed's; a county sets visit_cadence_days to its own.
DEFAULT_CADENCE_DAYS: Final = 30

_MUST_ATTEND_5: Final = ("红白大事", "邻里纠纷", "生病住院", "代办事项", "思想波动")
# 四个必记 (seeds/jiaxing-yilian-sanhui.txt), in the words visits label them with.
_FOUR_MUST_RECORD: Final = tuple(FLAG_LABELS.values())


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
        """These parameters with ``overrides`` applied; unknown keys, wrong types and values out
        of their range (``RANGES``, ``ITEMS``) are refused."""
        return dataclasses.replace(self, **check_overrides(overrides))

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["meeting_cadence_days"] = dict(self.meeting_cadence_days)
        out["point_rules"] = dict(self.point_rules)
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
    }
)
# The values of the mapping parameters, each entry.
ENTRY_RANGES: Final[Mapping[str, Range]] = MappingProxyType(
    {
        "meeting_cadence_days": Range("会议周期", 1, 365, "天"),
        "point_rules": Range("积分", -100, 100, "分"),
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
    for name, number in value.items():
        if not limits.holds(number):
            raise Invalid(
                "scheme.out_of_range",
                f"{name}：{limits.message()}",
                field=f"overrides.{key}",
            )
    return dict(value)


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


def check_level_overrides(level: OrgLevel, overrides: Mapping[str, Any]) -> None:
    """What one level may set. 楼栋 mode (``community_unit``) is a community's own: the seed
    (seeds/huiji-1plus6plusN.txt) gives it to communities with few members and many residents,
    not to every community of a county or township, nor to a grid of one."""
    if "community_unit" in overrides and level is not OrgLevel.COMMUNITY:
        raise Invalid(
            "scheme.community_only",
            "按楼栋联系只能由社区自己设置（党员较少、群众较多的社区），不能在其他层级设置",
            field="overrides.community_unit",
        )


@dataclass(frozen=True)
class Scheme:
    code: SchemeCode
    name: str
    region: str
    source: str  # the seed document the figures come from
    params: SchemeParams


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
    for binding in bindings_root_first:
        if binding.scheme is not None:
            code, params, used = binding.scheme, PRESETS[binding.scheme].params, []
        if params is None:
            continue
        if binding.overrides:
            try:
                params = params.with_overrides(binding.overrides)
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
    return EffectiveScheme(code, params, tuple(used))


def required_scheme(
    bindings_root_first: Iterable[SchemeBinding], *, field: str = "org_id", strict: bool = False
) -> EffectiveScheme:
    """The effective scheme, or the rule that an area needs one before anything is planned."""
    found = effective_scheme(bindings_root_first, strict=strict)
    if found is None:
        raise RuleBroken("scheme.not_selected", "该组织及其上级尚未选择联户模式", field=field)
    return found
