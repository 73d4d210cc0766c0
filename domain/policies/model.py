"""Policies and who may be entitled to them (政策明白卡 / 政策落实到户, Xiangtan seed:
村党组织全面梳理每家每户可享受的政策，引导群众及时办理；联户党员干部跟踪落实情况).

A policy's eligibility rule is data, not code: a small JSON expression, validated when the
policy is saved, e.g. 高龄补贴 —

    {"field": "max_age", "op": ">=", "value": 80}

and combinations with ``all`` / ``any`` / ``not``:

    {"all": [{"field": "categories", "op": "has", "value": "dibao"},
             {"field": "size", "op": ">=", "value": 3}]}

Facts about a household may be missing (nobody recorded its residents' birth dates): a
condition on them is then *unknown*, not false, and the household shows as 待核实 (to be
checked on the next visit) rather than being silently left out.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from domain.kernel.errors import Conflict, Invalid


class RuleField(StrEnum):
    CATEGORIES = "categories"
    SIZE = "size"
    MAX_AGE = "max_age"
    MIN_AGE = "min_age"
    CHILDREN = "children"
    ELDERLY = "elderly"


FIELD_LABELS: Final = {
    RuleField.CATEGORIES: "户类",
    RuleField.SIZE: "家庭人口",
    RuleField.MAX_AGE: "户内最年长者年龄",
    RuleField.MIN_AGE: "户内最年幼者年龄",
    RuleField.CHILDREN: "未满18岁人数",
    RuleField.ELDERLY: "60岁及以上人数",
}
_RANGES: Final = {
    RuleField.SIZE: (0, 100),
    RuleField.MAX_AGE: (0, 150),
    RuleField.MIN_AGE: (0, 150),
    RuleField.CHILDREN: (0, 100),
    RuleField.ELDERLY: (0, 100),
}
COMPARISONS: Final[dict[str, Callable[[int, int], bool]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_SHOWN_OP: Final = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
CATEGORY_OPS: Final = {"has": "含", "has_any": "含任一", "has_none": "不含"}
MAX_DEPTH: Final = 6
MAX_NODES: Final = 64
ADULT_AGE: Final = 18
ELDERLY_AGE: Final = 60


# --- the rule tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class Compare:
    field: RuleField
    op: str
    value: int


@dataclass(frozen=True)
class CategoryTest:
    op: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class AllOf:
    items: tuple[Rule, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Rule, ...]


@dataclass(frozen=True)
class NotRule:
    item: Rule


Rule = Compare | CategoryTest | AllOf | AnyOf | NotRule


@dataclass
class _Parser:
    categories: Collection[str] | None  # None: any code (a rule read back from storage)
    errors: list[dict[str, str]] = field(default_factory=list)
    nodes: int = 0

    def fail(self, where: str, message: str) -> None:
        self.errors.append({"field": where, "message": message})

    def parse(self, data: Any, where: str, depth: int) -> Rule | None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.fail(where, f"规则过长：最多 {MAX_NODES} 个条件")
            return None
        if depth > MAX_DEPTH:
            self.fail(where, f"规则嵌套过深：最多 {MAX_DEPTH} 层")
            return None
        if not isinstance(data, dict):
            self.fail(where, "每个条件须是对象")
            return None
        groups = [k for k in ("all", "any", "not") if k in data]
        if groups:
            if len(data) != 1:
                self.fail(where, f"“{groups[0]}”须单独成一个对象")
                return None
            return self._group(groups[0], data[groups[0]], where, depth)
        return self._leaf(data, where)

    def _group(self, kind: str, body: Any, where: str, depth: int) -> Rule | None:
        if kind == "not":
            inner = self.parse(body, f"{where}.not", depth + 1)
            return NotRule(inner) if inner is not None else None
        if not isinstance(body, list) or not body:
            self.fail(f"{where}.{kind}", "须是非空的条件列表")
            return None
        items = [self.parse(x, f"{where}.{kind}[{i}]", depth + 1) for i, x in enumerate(body)]
        if any(i is None for i in items):
            return None
        kept = tuple(i for i in items if i is not None)
        return AllOf(kept) if kind == "all" else AnyOf(kept)

    def _leaf(self, data: dict[str, Any], where: str) -> Rule | None:
        extra = set(data) - {"field", "op", "value"}
        if extra:
            self.fail(f"{where}.{sorted(extra)[0]}", "不认识的键；条件只有 field、op、value")
            return None
        raw = data.get("field")
        try:
            # Only a string names a field: str() of a list or an object must not slip through.
            name = RuleField(raw) if isinstance(raw, str) else None
        except ValueError:
            name = None
        if name is None:
            known = "、".join(f.value for f in RuleField)
            self.fail(f"{where}.field", f"不认识的字段 {raw!r}；可用：{known}")
            return None
        op, value = data.get("op"), data.get("value")
        if name is RuleField.CATEGORIES:
            return self._categories(op, value, where)
        # JSON may put a list or an object here: unhashable, so checked as a string first.
        if not isinstance(op, str) or op not in COMPARISONS:
            self.fail(f"{where}.op", f"比较须是 {'、'.join(COMPARISONS)} 之一")
            return None
        low, high = _RANGES[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"{where}.value", f"{FIELD_LABELS[name]}须是 {low}–{high} 的整数")
            return None
        return Compare(name, op, value)

    def _categories(self, op: Any, value: Any, where: str) -> Rule | None:
        if not isinstance(op, str) or op not in CATEGORY_OPS:
            self.fail(f"{where}.op", f"户类的比较须是 {'、'.join(CATEGORY_OPS)} 之一")
            return None
        if op == "has":
            codes = [value] if isinstance(value, str) else []
        else:
            codes = value if isinstance(value, list) and len(value) <= 20 else []
        if not codes:
            expected = "一个户类代码" if op == "has" else "1–20 个户类代码的列表"
            self.fail(f"{where}.value", f"须是{expected}")
            return None
        for i, code in enumerate(codes):
            if not isinstance(code, str):
                self.fail(f"{where}.value[{i}]", "户类代码须是字符串")
                return None
        unknown = [c for c in codes if self.categories is not None and c not in self.categories]
        if unknown:
            self.fail(f"{where}.value", f"未知的户类：{unknown[0]}")
            return None
        return CategoryTest(op, tuple(codes))


def parse_rule(data: Any, *, categories: Collection[str] | None) -> Rule:
    """The rule tree of a JSON expression; every mistake is reported with where it is
    (``rule.all[1].value``)."""
    parser = _Parser(categories)
    rule = parser.parse(data, "rule", 1)
    if parser.errors or rule is None:
        first = parser.errors[0]
        raise Invalid(
            "policy.bad_rule",
            f"资格规则有误：{first['message']}",
            field=first["field"],
            errors=parser.errors,
        )
    return rule


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """Back to the stored JSON form (a rule read from storage was validated when saved)."""
    match rule:
        case Compare(name, op, value):
            return {"field": name.value, "op": op, "value": value}
        case CategoryTest(op, codes):
            return {
                "field": "categories",
                "op": op,
                "value": codes[0] if op == "has" else list(codes),
            }
        case AllOf(items):
            return {"all": [rule_to_data(i) for i in items]}
        case AnyOf(items):
            return {"any": [rule_to_data(i) for i in items]}
        case NotRule(item):
            return {"not": rule_to_data(item)}
    raise AssertionError(rule)


def categories_of(rule: Rule) -> set[str]:
    """Every category code the rule reads."""
    match rule:
        case CategoryTest(_, codes):
            return set(codes)
        case AllOf(items) | AnyOf(items):
            return set().union(*(categories_of(i) for i in items))
        case NotRule(item):
            return categories_of(item)
    return set()


def describe(rule: Rule, labels: Mapping[str, str]) -> str:
    """The rule in plain Chinese, as printed on a 政策明白卡."""
    match rule:
        case Compare(name, op, value):
            return f"{FIELD_LABELS[name]} {_SHOWN_OP[op]} {value}"
        case CategoryTest(op, codes):
            return f"户类{CATEGORY_OPS[op]}{'、'.join(labels.get(c, c) for c in codes)}"
        case AllOf(items):
            return "（" + " 且 ".join(describe(i, labels) for i in items) + "）"
        case AnyOf(items):
            return "（" + " 或 ".join(describe(i, labels) for i in items) + "）"
        case NotRule(item):
            return f"并非{describe(item, labels)}"
    raise AssertionError(rule)


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFacts:
    """What a rule may look at. ``ages`` is None when no resident has been recorded."""

    categories: frozenset[str]
    size: int
    ages: tuple[int, ...] | None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def facts_of(
    categories: frozenset[str], size: int, births: Sequence[date], *, today: date
) -> HouseholdFacts:
    ages = tuple(sorted(age_on(b, today) for b in births)) if births else None
    return HouseholdFacts(categories, size, ages)


def _value(facts: HouseholdFacts, name: RuleField) -> int | None:
    if name is RuleField.SIZE:
        return facts.size
    if facts.ages is None:
        return None
    if name is RuleField.MAX_AGE:
        return facts.ages[-1]
    if name is RuleField.MIN_AGE:
        return facts.ages[0]
    if name is RuleField.CHILDREN:
        return sum(a < ADULT_AGE for a in facts.ages)
    return sum(a >= ELDERLY_AGE for a in facts.ages)


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    UNKNOWN = "unknown"
    NOT_ELIGIBLE = "not_eligible"


ELIGIBILITY_LABELS: Final = {
    Eligibility.ELIGIBLE: "符合条件",
    Eligibility.UNKNOWN: "待核实（信息不全）",
    Eligibility.NOT_ELIGIBLE: "不符合",
}


@dataclass(frozen=True)
class Outcome:
    eligibility: Eligibility
    reasons: tuple[str, ...]  # each condition looked at, with what the household has


def _eval(
    rule: Rule, facts: HouseholdFacts, labels: Mapping[str, str], out: list[str]
) -> bool | None:
    """Kleene's three-valued logic: None is 'not known'."""
    match rule:
        case Compare(name, op, value):
            have = _value(facts, name)
            text = f"{FIELD_LABELS[name]} {_SHOWN_OP[op]} {value}"
            if have is None:
                out.append(f"{text}：未登记家庭成员出生日期，待核实")
                return None
            result = COMPARISONS[op](have, value)
            out.append(f"{text}：{'满足' if result else '不满足'}（现为 {have}）")
            return result
        case CategoryTest(op, codes):
            present = [c for c in codes if c in facts.categories]
            result = {"has": bool(present), "has_any": bool(present), "has_none": not present}[op]
            names = "、".join(labels.get(c, c) for c in codes)
            out.append(f"户类{CATEGORY_OPS[op]}{names}：{'满足' if result else '不满足'}")
            return result
        case AllOf(items):
            results = [_eval(i, facts, labels, out) for i in items]
            return False if False in results else None if None in results else True
        case AnyOf(items):
            results = [_eval(i, facts, labels, out) for i in items]
            return True if True in results else None if None in results else False
        case NotRule(item):
            inner = _eval(item, facts, labels, out)
            return None if inner is None else not inner
    raise AssertionError(rule)


def evaluate(rule: Rule, facts: HouseholdFacts, labels: Mapping[str, str]) -> Outcome:
    reasons: list[str] = []
    result = _eval(rule, facts, labels, reasons)
    eligibility = (
        Eligibility.UNKNOWN
        if result is None
        else Eligibility.ELIGIBLE
        if result
        else Eligibility.NOT_ELIGIBLE
    )
    return Outcome(eligibility, tuple(reasons))


# --- policies and their delivery ------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    id: int
    org_id: int
    org_path: str
    code: str
    name: str
    summary: str
    rule: Rule
    active: bool = True


class DeliveryStatus(StrEnum):
    """政策落实到户, in order."""

    EXPLAINED = "explained"
    APPLIED = "applied"
    RECEIVED = "received"


DELIVERY_LABELS: Final = {
    DeliveryStatus.EXPLAINED: "已宣讲",
    DeliveryStatus.APPLIED: "已申请",
    DeliveryStatus.RECEIVED: "已享受",
}
# The lifecycle as a table: forward only, a step may be skipped (a household may apply
# unprompted), a status may be set again (with a new note). Going back is refused: a correction
# is a new note, the history stays.
DELIVERY_TRANSITIONS: Final[Mapping[DeliveryStatus, frozenset[DeliveryStatus]]] = {
    DeliveryStatus.EXPLAINED: frozenset(DeliveryStatus),
    DeliveryStatus.APPLIED: frozenset({DeliveryStatus.APPLIED, DeliveryStatus.RECEIVED}),
    DeliveryStatus.RECEIVED: frozenset({DeliveryStatus.RECEIVED}),
}


@dataclass(frozen=True)
class Delivery:
    policy_id: int
    household_id: int
    status: DeliveryStatus
    explained_at: datetime | None
    applied_at: datetime | None
    received_at: datetime | None
    note: str
    updated_by: str
    updated_at: datetime


def advance(
    current: Delivery | None,
    status: DeliveryStatus,
    *,
    policy_id: int,
    household_id: int,
    eligibility: Eligibility,
    note: str,
    actor: str,
    at: datetime,
) -> Delivery:
    """Move a delivery forward (a step may be skipped: a household may apply unprompted).
    Going back is refused — a correction is a new note, the history stays — and so is
    delivering to a household the rule excludes."""
    if eligibility is Eligibility.NOT_ELIGIBLE:
        raise Conflict(
            "policy.not_eligible", "按政策规则该户不符合条件，不能登记落实", field="household_id"
        )
    if current is not None and status not in DELIVERY_TRANSITIONS[current.status]:
        raise Conflict(
            "policy.delivery_backwards",
            f"已是“{DELIVERY_LABELS[current.status]}”，不能退回“{DELIVERY_LABELS[status]}”",
            field="status",
        )
    stamps = {s: getattr(current, f"{s.value}_at") if current else None for s in DeliveryStatus}
    stamps[status] = stamps[status] or at
    return Delivery(
        policy_id=policy_id,
        household_id=household_id,
        status=status,
        explained_at=stamps[DeliveryStatus.EXPLAINED],
        applied_at=stamps[DeliveryStatus.APPLIED],
        received_at=stamps[DeliveryStatus.RECEIVED],
        note=note or (current.note if current else ""),
        updated_by=actor,
        updated_at=at,
    )
