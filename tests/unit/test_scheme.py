from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from domain.kernel.errors import Invalid
from domain.kernel.org import OrgLevel
from domain.schemes.model import (
    PRESETS,
    RANGES,
    Basis,
    SchemeBinding,
    SchemeCode,
    effective_scheme,
    figure_keys,
)


def test_one_six_n_asks_at_least_six_households_and_a_visit_every_two_weeks() -> None:
    # seeds/huiji-1plus6plusN.txt: 每两周至少1次; at least 6 households, 2–3 elderly members.
    p = PRESETS[SchemeCode.ONE_SIX_N].params
    assert p.households_min == 6
    assert p.visit_cadence_days == 14
    assert (p.elderly_pairing_min, p.elderly_pairing_max) == (2, 3)
    assert p.buildings_min == 6
    assert len(p.checklist) == 5 and p.checklist[0] == "上级政策宣讲到户"


def test_yilian_sanhui_gives_each_member_five_to_ten_households() -> None:
    # seeds/jiaxing-yilian-sanhui.txt: 每名农村党员联系5—10户群众; 民情分析会 every two months.
    p = PRESETS[SchemeCode.YILIAN_SANHUI].params
    assert (p.households_min, p.households_max) == (5, 10)
    assert p.meeting_cadence_days["analysis"] == 60


def test_xianfeng_hulian_is_about_ten_households() -> None:
    # seeds/xiaolin-xianfeng-hulian.txt: 原则上每个党员联系10户左右.
    p = PRESETS[SchemeCode.XIANFENG_HULIAN].params
    assert p.households_min <= 10 <= p.households_max


def test_all_five_schemes_are_presets() -> None:
    assert set(PRESETS) == set(SchemeCode)


def test_a_lower_level_inherits_the_county_scheme_and_its_overrides() -> None:
    chain = [
        SchemeBinding(1, SchemeCode.YILIAN_SANHUI, {"households_max": 12}),
        SchemeBinding(2, None, {"visit_cadence_days": 20}),
    ]
    eff = effective_scheme(chain)
    assert eff is not None
    assert eff.code is SchemeCode.YILIAN_SANHUI
    assert (eff.params.households_max, eff.params.visit_cadence_days) == (12, 20)
    assert eff.defined_at == (1, 2)


def test_the_nearest_override_wins() -> None:
    chain = [
        SchemeBinding(1, SchemeCode.ONE_SIX_N, {"households_max": 12}),
        SchemeBinding(2, None, {"households_max": 9}),
    ]
    eff = effective_scheme(chain)
    assert eff is not None and eff.params.households_max == 9


def test_no_scheme_chosen_anywhere_gives_none() -> None:
    assert effective_scheme([SchemeBinding(2, None, {"households_max": 9})]) is None


def test_unknown_parameter_is_refused_naming_it() -> None:
    with pytest.raises(Invalid) as err:
        SchemeBinding(1, SchemeCode.ONE_SIX_N, {"households_maximum": 9})
    assert err.value.field == "overrides.households_maximum"


def test_wrong_parameter_type_is_refused() -> None:
    with pytest.raises(Invalid) as err:
        SchemeBinding(1, SchemeCode.ONE_SIX_N, {"households_max": "ten"})
    assert err.value.code == "scheme.bad_parameter_type"


def test_minimum_above_maximum_is_refused() -> None:
    with pytest.raises(Invalid) as err:
        PRESETS[SchemeCode.ONE_SIX_N].params.with_overrides({"households_max": 3})
    assert err.value.code == "scheme.min_above_max"


def test_escalation_levels_override_is_parsed_into_levels() -> None:
    params = PRESETS[SchemeCode.WUGE_DAOHU].params.with_overrides(
        {"escalation_levels": ["village", "township"]}
    )
    assert params.escalation_levels == (OrgLevel.VILLAGE, OrgLevel.TOWNSHIP)


@pytest.mark.parametrize("code", list(SchemeCode))
def test_every_preset_lies_within_the_bounds(code: SchemeCode) -> None:
    # The preset's own figures given back as overrides pass every range and every list bound.
    params = PRESETS[code].params
    assert params.with_overrides(params.as_dict()) == params
    for key, limits in RANGES.items():
        value = getattr(params, key)
        assert value is None or limits.holds(value), (code, key, value)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("visit_cadence_days", 3_000_000, "走访周期须在 1 至 365 天之间"),
        ("visit_cadence_days", 0, "走访周期须在 1 至 365 天之间"),
        ("must_attend_deadline_hours", 70_080_000, "必到事项时限须在 1 至 720 小时之间"),
        ("must_attend_deadline_hours", 0, "必到事项时限须在 1 至 720 小时之间"),
        ("households_max", 2**70, "每人最多联系户数须在 1 至 500 户之间"),
        ("households_min", -1, "每人最少联系户数须在 0 至 500 户之间"),
        ("elderly_pairing_max", 10**9, "结对老党员最多人数须在 0 至 10 人之间"),
        ("elderly_pairing_min", 10**9, "结对老党员最少人数须在 0 至 10 人之间"),
        ("buildings_min", 10**6, "每人最少联系楼栋数须在 0 至 100 栋之间"),
        ("checklist_period_months", 120, "清单周期须在 1 至 12 个月之间"),
        ("distance_weight", math.nan, "距离权重须在 0 至 100 之间"),
        ("distance_weight", math.inf, "距离权重须在 0 至 100 之间"),
        ("distance_weight", 1e308, "距离权重须在 0 至 100 之间"),
        ("distance_weight", -1.0, "距离权重须在 0 至 100 之间"),
        ("kinship_bonus", 1e300, "亲缘加分须在 0 至 10000 之间"),
        ("interest_bonus", -math.inf, "兴趣加分须在 0 至 10000 之间"),
    ],
)
def test_a_number_out_of_its_range_is_refused_naming_the_range(
    key: str, value: float, message: str
) -> None:
    with pytest.raises(Invalid) as err:
        SchemeBinding(1, SchemeCode.ONE_SIX_N, {key: value})
    assert (err.value.code, err.value.field, err.value.message) == (
        "scheme.out_of_range",
        f"overrides.{key}",
        message,
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("checklist", [f"事项{i}" for i in range(11)]),
        ("checklist", ["  "]),
        ("must_attend_events", ["一" * 21]),  # the event's kind column holds 20 characters
        ("must_attend_events", ["红白\x00大事"]),
        ("vulnerable_categories", ["x" * 41]),
        ("escalation_levels", ["village"] * 9),
        ("meeting_cadence_days", {f"m{i}": 30 for i in range(11)}),
        ("meeting_cadence_days", {"monthly": 10**9}),
        ("point_rules", {"visit": 10**6}),
    ],
)
def test_lists_and_mappings_are_bounded_too(key: str, value: object) -> None:
    with pytest.raises(Invalid) as err:
        SchemeBinding(1, SchemeCode.ONE_SIX_N, {key: value})
    assert err.value.field == f"overrides.{key}"
    assert err.value.code in ("scheme.bad_items", "scheme.out_of_range")


def test_the_ends_of_each_range_are_accepted() -> None:
    params = PRESETS[SchemeCode.ONE_SIX_N].params.with_overrides(
        {
            "visit_cadence_days": 365,
            "must_attend_deadline_hours": 720,
            "households_min": 500,
            "households_max": 500,
            "elderly_pairing_min": 10,
            "elderly_pairing_max": 10,
            "distance_weight": 0,
            "kinship_bonus": 10_000,
        }
    )
    assert (params.visit_cadence_days, params.distance_weight) == (365, 0.0)
    low = PRESETS[SchemeCode.ONE_SIX_N].params.with_overrides(
        {"visit_cadence_days": 1, "must_attend_deadline_hours": 1, "households_min": 0}
    )
    assert low.must_attend_deadline_hours == 1


def test_a_lower_level_may_lower_the_maximum_its_own_scheme_allows() -> None:
    # Checked against the chain it belongs to, not against 1+6+N's minimum of 6.
    chain = [
        SchemeBinding(1, SchemeCode.YILIAN_SANHUI, {}),
        SchemeBinding(2, None, {"households_max": 5}),
    ]
    eff = effective_scheme(chain)
    assert eff is not None and (eff.params.households_min, eff.params.households_max) == (5, 5)


def test_overrides_stored_before_the_bounds_are_clamped_or_left_out_on_reading(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stored = SchemeBinding.stored(
        7,
        SchemeCode.ONE_SIX_N,
        {
            "visit_cadence_days": 3_000_000,
            "must_attend_deadline_hours": 70_080_000,
            "households_max": 2**70,
            "elderly_pairing_max": 10**9,
            "distance_weight": math.inf,
            "kinship_bonus": math.nan,  # no nearest figure: inherited
            "interest_bonus": None,  # how PostgreSQL gives a NaN back
            "households_maximum": 9,  # not a parameter
            "checklist": ["一" * 60],
        },
    )
    assert stored.overrides == {
        "visit_cadence_days": 365,
        "must_attend_deadline_hours": 720,
        "households_max": 500,
        "elderly_pairing_max": 10,
        "distance_weight": 100.0,
    }
    eff = effective_scheme([stored])
    assert eff is not None
    assert eff.params.kinship_bonus == PRESETS[SchemeCode.ONE_SIX_N].params.kinship_bonus
    assert eff.params.checklist == PRESETS[SchemeCode.ONE_SIX_N].params.checklist
    assert "visit_cadence_days=3000000 stored on org 7" in caplog.text
    assert "kinship_bonus=nan stored on org 7 is not allowed: left out" in caplog.text


def test_valid_stored_overrides_are_read_as_written() -> None:
    overrides = {"households_max": 12, "visit_cadence_days": 20, "distance_weight": 2}
    assert SchemeBinding.stored(1, None, overrides).overrides == {
        "households_max": 12,
        "visit_cadence_days": 20,
        "distance_weight": 2.0,
    }


def test_xianfeng_hulian_is_placed_in_xiaolin_town_as_its_seed_says() -> None:
    # seeds/xiaolin-xianfeng-hulian.txt: “逍林镇党委以“两学一做”学习教育活动为契机…” — 逍林镇
    # (Xiaolin, Cixi), not 小林镇.
    region = PRESETS[SchemeCode.XIANFENG_HULIAN].region
    assert region == "浙江慈溪逍林镇"
    assert "小林" not in region


def test_silian_preset_invents_no_member_to_household_rule_mohe_seed() -> None:
    # seeds/mohe-silian.txt pairs four kinds (處級領導↔工作點, 科級干部↔貧困戶, 在職黨員↔責任區,
    # 機關↔共建村); “每年至少兩次深入共建村” is organs visiting villages, not a member's cadence
    # for households, and the seed gives no number of households per member.
    p = PRESETS[SchemeCode.SILIAN].params
    assert p.visit_cadence_days is None
    assert p.households_min == 0  # no least number: nobody is under-loaded by a made-up figure
    assert p.households_max == RANGES["households_max"].high  # nor over-loaded
    assert 180 not in p.as_dict().values()


# The seed documents (Chinese news and case reports) are kept beside the project, not in it.
SEEDS = Path(os.environ.get("LIANHU_SEEDS_DIR", "/work/shared/seeds"))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
@pytest.mark.parametrize("code", list(SchemeCode))
def test_every_figure_marked_seed_quotes_its_seed_file_word_for_word(code: SchemeCode) -> None:
    scheme = PRESETS[code]
    text = (SEEDS / Path(scheme.source).name).read_text(encoding="utf-8")
    for key, figure in scheme.basis().items():
        if figure.basis is Basis.SEED:
            assert figure.quote and figure.quote in text, (code, key, figure.quote)


@pytest.mark.parametrize("code", list(SchemeCode))
def test_every_figure_of_every_preset_is_marked_seed_or_default(code: SchemeCode) -> None:
    scheme = PRESETS[code]
    marked = scheme.basis()
    assert list(marked) == figure_keys(scheme.params)
    assert {f.basis for f in marked.values()} <= {Basis.SEED, Basis.DEFAULT}
    assert all(f.quote for f in marked.values() if f.basis is Basis.SEED)
    assert set(scheme.seed_quotes) | set(scheme.notes) <= set(marked)


@pytest.mark.parametrize(
    ("code", "key"),
    [
        # seeds/huiji-1plus6plusN.txt: “至少6户” — no most
        (SchemeCode.ONE_SIX_N, "households_max"),
        # seeds/jiaxing-yilian-sanhui.txt: “经常”, “适时召开” — no 30, 60 or 180 days
        (SchemeCode.YILIAN_SANHUI, "visit_cadence_days"),
        (SchemeCode.YILIAN_SANHUI, "meeting_cadence_days.assignment"),
        (SchemeCode.YILIAN_SANHUI, "meeting_cadence_days.evaluation"),
        # seeds/xiangtan-wuge-daohu.txt: “一联多” — no most, no 30 days
        (SchemeCode.WUGE_DAOHU, "households_max"),
        (SchemeCode.WUGE_DAOHU, "visit_cadence_days"),
        # no seed gives the 五必到's hours, the checklist's period or points
        *((c, "must_attend_deadline_hours") for c in SchemeCode),
        *((c, "checklist_period_months") for c in SchemeCode),
        (SchemeCode.ONE_SIX_N, "point_rules.visit"),
        (SchemeCode.ONE_SIX_N, "point_rules.must_attend"),
        (SchemeCode.XIANFENG_HULIAN, "point_rules.issue_solved"),
    ],
)
def test_the_figures_no_seed_gives_are_marked_ours_to_tune(code: SchemeCode, key: str) -> None:
    assert PRESETS[code].basis()[key].basis is Basis.DEFAULT


def test_the_figures_the_seeds_give_are_marked_seed() -> None:
    # seeds/huiji-1plus6plusN.txt “每两周至少1次”; seeds/jiaxing-yilian-sanhui.txt “每两个月召开
    # 一次“民情分析会””, “5—10户”.
    assert PRESETS[SchemeCode.ONE_SIX_N].basis()["visit_cadence_days"].basis is Basis.SEED
    jiaxing = PRESETS[SchemeCode.YILIAN_SANHUI].basis()
    assert jiaxing["meeting_cadence_days.analysis"].basis is Basis.SEED
    assert jiaxing["households_min"].basis is jiaxing["households_max"].basis is Basis.SEED


def test_a_figure_a_level_sets_is_local_in_the_scheme_in_force() -> None:
    found = effective_scheme(
        [
            SchemeBinding(1, SchemeCode.ONE_SIX_N, {}),
            SchemeBinding(2, None, {"households_max": 12}),
        ]
    )
    assert found is not None
    marked = found.basis()
    assert marked["households_max"].basis is Basis.LOCAL
    assert marked["visit_cadence_days"].basis is Basis.SEED
