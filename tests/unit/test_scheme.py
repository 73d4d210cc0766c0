from __future__ import annotations

import pytest

from domain.errors import Invalid
from domain.org import OrgLevel
from domain.scheme import PRESETS, SchemeBinding, SchemeCode, effective_scheme


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
