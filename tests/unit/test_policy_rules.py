"""Policy eligibility rules as data (政策明白卡, seeds/xiangtan-wuge-daohu.txt): parsing with
exact error locations, three-valued evaluation, plain-Chinese descriptions, delivery order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import Conflict, Invalid
from domain.policies.model import (
    DeliveryStatus,
    Eligibility,
    advance,
    describe,
    evaluate,
    facts_of,
    parse_rule,
    rule_to_data,
)

CATS = {"dibao": "低保", "wubao": "五保", "empty_nest_elderly": "空巢老人"}
TODAY = date(2026, 11, 25)
ELDERLY_ALLOWANCE = {"field": "max_age", "op": ">=", "value": 80}  # 高龄补贴


def facts(
    cats: frozenset[str] = frozenset(), size: int = 2, births: list[date] | None = None
) -> Any:
    return facts_of(frozenset(cats), size, births or [], today=TODAY)


def test_elderly_allowance_counts_a_resident_turning_80_on_their_birthday() -> None:
    rule = parse_rule(ELDERLY_ALLOWANCE, categories=CATS)
    turned = evaluate(rule, facts(births=[date(1946, 11, 25), date(1980, 1, 1)]), CATS)
    not_yet = evaluate(rule, facts(births=[date(1946, 11, 26)]), CATS)
    assert turned.eligibility is Eligibility.ELIGIBLE
    assert turned.reasons == ("户内最年长者年龄 ≥ 80：满足（现为 80）",)
    assert not_yet.eligibility is Eligibility.NOT_ELIGIBLE


def test_missing_residents_make_an_age_rule_unknown_not_false() -> None:
    rule = parse_rule(ELDERLY_ALLOWANCE, categories=CATS)
    assert evaluate(rule, facts(), CATS).eligibility is Eligibility.UNKNOWN
    # …but a conjunction that already fails on known facts is simply not met.
    both = parse_rule(
        {"all": [{"field": "size", "op": ">", "value": 5}, ELDERLY_ALLOWANCE]}, categories=CATS
    )
    assert evaluate(both, facts(size=2), CATS).eligibility is Eligibility.NOT_ELIGIBLE
    either = parse_rule(
        {"any": [{"field": "categories", "op": "has", "value": "dibao"}, ELDERLY_ALLOWANCE]},
        categories=CATS,
    )
    assert evaluate(either, facts(frozenset({"dibao"})), CATS).eligibility is Eligibility.ELIGIBLE


def test_categories_children_and_elderly_counts() -> None:
    rule = parse_rule(
        {
            "all": [
                {"field": "categories", "op": "has_any", "value": ["dibao", "wubao"]},
                {"field": "children", "op": ">=", "value": 1},
                {"not": {"field": "categories", "op": "has", "value": "empty_nest_elderly"}},
            ]
        },
        categories=CATS,
    )
    family = facts(frozenset({"dibao"}), 3, [date(1980, 5, 1), date(2015, 3, 3), date(1950, 1, 1)])
    assert evaluate(rule, family, CATS).eligibility is Eligibility.ELIGIBLE
    assert describe(rule, CATS) == (
        "（户类含任一低保、五保 且 未满18岁人数 ≥ 1 且 并非户类含空巢老人）"
    )
    assert rule_to_data(rule)["all"][0] == {
        "field": "categories",
        "op": "has_any",
        "value": ["dibao", "wubao"],
    }


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        ([], "rule", "每个条件须是对象"),
        ({"field": "income", "op": ">", "value": 1}, "rule.field", "不认识的字段"),
        ({"field": "size", "op": "~", "value": 1}, "rule.op", "比较须是"),
        ({"field": "size", "op": ">", "value": "3"}, "rule.value", "0–100 的整数"),
        ({"field": "size", "op": ">", "value": True}, "rule.value", "整数"),
        ({"field": "max_age", "op": ">", "value": 999}, "rule.value", "0–150"),
        ({"field": "size", "op": ">", "value": 1, "extra": 1}, "rule.extra", "不认识的键"),
        ({"all": []}, "rule.all", "非空"),
        ({"all": [ELDERLY_ALLOWANCE], "any": []}, "rule", "单独"),
        (
            {"any": [ELDERLY_ALLOWANCE, {"field": "categories", "op": "has", "value": "rich"}]},
            "rule.any[1].value",
            "未知的户类",
        ),
        ({"field": "categories", "op": "has_any", "value": "dibao"}, "rule.value", "列表"),
        ({"field": "categories", "op": ">=", "value": "dibao"}, "rule.op", "户类的比较"),
        # JSON of the wrong type anywhere is a mistake at its place, never a crash.
        ({"field": "size", "op": [">"], "value": 1}, "rule.op", "比较须是"),
        ({"field": "size", "op": {}, "value": 1}, "rule.op", "比较须是"),
        ({"field": "size", "op": None, "value": 1}, "rule.op", "比较须是"),
        ({"field": "categories", "op": {}}, "rule.op", "户类的比较"),
        ({"field": "categories", "op": ["has"], "value": "dibao"}, "rule.op", "户类的比较"),
        ({"field": ["size"], "op": ">", "value": 1}, "rule.field", "不认识的字段"),
        ({"field": {"size": 1}, "op": ">", "value": 1}, "rule.field", "不认识的字段"),
        ({"field": None, "op": ">", "value": 1}, "rule.field", "不认识的字段"),
        ({"op": ">", "value": 1}, "rule.field", "不认识的字段"),
        ({"field": "size", "op": ">", "value": {"n": 1}}, "rule.value", "整数"),
        ({"field": "size", "op": ">", "value": [1]}, "rule.value", "整数"),
        ({"field": "size", "op": ">", "value": None}, "rule.value", "整数"),
        ({"field": "size", "op": ">", "value": 1.5}, "rule.value", "整数"),
        ({"field": "categories", "op": "has", "value": ["dibao"]}, "rule.value", "一个户类代码"),
        ({"field": "categories", "op": "has", "value": {}}, "rule.value", "一个户类代码"),
        ({"field": "categories", "op": "has", "value": None}, "rule.value", "一个户类代码"),
        ({"field": "categories", "op": "has_any", "value": {}}, "rule.value", "列表"),
        ({"field": "categories", "op": "has_any", "value": ["x"] * 21}, "rule.value", "列表"),
        (
            {"field": "categories", "op": "has_none", "value": ["dibao", {"a": 1}]},
            "rule.value[1]",
            "须是字符串",
        ),
        ({"field": "categories", "op": "has_any", "value": [["dibao"]]}, "rule.value[0]", "字符串"),
        ({"all": {"field": "size", "op": ">", "value": 1}}, "rule.all", "非空的条件列表"),
        ({"any": "size"}, "rule.any", "非空的条件列表"),
        ({"all": None}, "rule.all", "非空的条件列表"),
        ({"not": None}, "rule.not", "每个条件须是对象"),
        ({"not": [ELDERLY_ALLOWANCE]}, "rule.not", "每个条件须是对象"),
        ({"all": [ELDERLY_ALLOWANCE, None]}, "rule.all[1]", "每个条件须是对象"),
        ({"any": [ELDERLY_ALLOWANCE, "size > 1"]}, "rule.any[1]", "每个条件须是对象"),
        ({"all": [ELDERLY_ALLOWANCE, 3]}, "rule.all[1]", "每个条件须是对象"),
        (None, "rule", "每个条件须是对象"),
        ("max_age >= 80", "rule", "每个条件须是对象"),
    ],
)
def test_malformed_rules_name_the_place(data: Any, where: str, message: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_rule(data, categories=CATS)
    assert err.value.code == "policy.bad_rule"
    assert err.value.field == where and message in err.value.message


def test_every_mistake_is_listed_and_deep_or_long_rules_are_refused() -> None:
    with pytest.raises(Invalid) as err:
        parse_rule(
            {"all": [{"field": "x"}, {"field": "size", "op": "<", "value": -1}]}, categories=CATS
        )
    assert [e["field"] for e in err.value.errors] == ["rule.all[0].field", "rule.all[1].value"]
    deep: dict[str, Any] = ELDERLY_ALLOWANCE
    for _ in range(7):
        deep = {"not": deep}
    with pytest.raises(Invalid, match="嵌套过深"):
        parse_rule(deep, categories=CATS)
    with pytest.raises(Invalid, match="规则过长"):
        parse_rule({"any": [ELDERLY_ALLOWANCE] * 70}, categories=CATS)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
key_or_any = st.one_of(
    st.sampled_from(["size", "categories", "max_age", ">", "has", "has_any", "dibao"]), json_values
)
shaped = st.recursive(
    st.dictionaries(st.sampled_from(["field", "op", "value"]), key_or_any),
    lambda inner: st.one_of(
        st.builds(lambda k, xs: {k: xs}, st.sampled_from(["all", "any", "not"]), json_values),
        st.builds(lambda k, xs: {k: xs}, st.sampled_from(["all", "any"]), st.lists(inner)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=6,
)


@given(st.one_of(json_values, shaped))
def test_any_json_is_a_rule_or_a_located_mistake_never_a_crash(data: Any) -> None:
    try:
        rule = parse_rule(data, categories=CATS)
    except Invalid as err:
        assert err.code == "policy.bad_rule"
        assert err.field is not None and err.field.startswith("rule")
        return
    assert parse_rule(rule_to_data(rule), categories=CATS) == rule


leaf = st.one_of(
    st.builds(
        lambda f, o, v: {"field": f, "op": o, "value": v},
        st.sampled_from(["size", "max_age", "min_age", "children", "elderly"]),
        st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
        st.integers(0, 100),
    ),
    st.builds(
        lambda c: {"field": "categories", "op": "has", "value": c}, st.sampled_from(sorted(CATS))
    ),
)
rules = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=8,
)


@given(
    rules,
    st.lists(st.dates(date(1900, 1, 1), TODAY), max_size=6),
    st.sets(st.sampled_from(sorted(CATS))),
)
def test_round_trip_and_known_facts_never_give_unknown(
    data: Any, births: list[date], cats: set[str]
) -> None:
    try:
        rule = parse_rule(data, categories=CATS)
    except Invalid:
        return  # depth limits
    assert parse_rule(rule_to_data(rule), categories=CATS) == rule
    outcome = evaluate(rule, facts(frozenset(cats), 3, births), CATS)
    if births:
        assert outcome.eligibility is not Eligibility.UNKNOWN


def test_delivery_moves_forward_only_and_never_for_an_excluded_household() -> None:
    at = datetime(2026, 11, 25, tzinfo=UTC)
    kw: dict[str, Any] = {"policy_id": 1, "household_id": 2, "note": "", "actor": "u", "at": at}
    applied = advance(None, DeliveryStatus.APPLIED, eligibility=Eligibility.UNKNOWN, **kw)
    assert applied.applied_at == at and applied.explained_at is None  # a step may be skipped
    with pytest.raises(Conflict) as back:
        advance(applied, DeliveryStatus.EXPLAINED, eligibility=Eligibility.ELIGIBLE, **kw)
    assert back.value.code == "policy.delivery_backwards"
    with pytest.raises(Conflict) as excluded:
        advance(None, DeliveryStatus.EXPLAINED, eligibility=Eligibility.NOT_ELIGIBLE, **kw)
    assert excluded.value.code == "policy.not_eligible"
