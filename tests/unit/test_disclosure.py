"""The disclosure rule (双向公示) on plain values: what a card and the board may show."""

from __future__ import annotations

import pytest

from domain.disclosure.model import (
    Audience,
    CardFacts,
    ContactMember,
    card_url,
    check_disclosure_area,
    disclose_card,
    hand_out_label,
    looks_like_token,
    new_card_token,
    sheet_order,
    village_board,
)
from domain.kernel.access import Role, Scope
from domain.kernel.errors import RuleBroken
from domain.kernel.org import OrgLevel, OrgUnit

ZHANG = ContactMember(id=1, name="张三", phone="13900001111", services=("水电维修",))
LI = ContactMember(id=2, name="李四", phone="13900002222", services=())
VILLAGE = OrgUnit(id=3, name="李家村", level=OrgLevel.VILLAGE, parent_id=2, path="/1/2/3/")


def facts(household_id: int, head: str, member: ContactMember | None) -> CardFacts:
    return CardFacts(household_id, head, village="李家村", grid="第1网格", member=member)


def test_public_card_masks_the_head_and_the_members_phone() -> None:
    card = disclose_card(facts(1, "欧阳明月", ZHANG), Audience.PUBLIC)
    assert card.head_name == "欧**月"
    assert card.member is not None
    assert (card.member.name, card.member.phone) == ("张三", "*******1111")
    assert card.member.services == ("水电维修",) and card.phone_masked


def test_printed_card_carries_the_members_full_phone_but_still_masks_the_head() -> None:
    card = disclose_card(facts(1, "赵一", ZHANG), Audience.CARD_HOLDER)
    assert card.member is not None and card.member.phone == "13900001111"
    assert card.head_name == "赵*" and not card.phone_masked


def test_only_callers_with_personal_data_get_the_printed_card_audience() -> None:
    secretary = Scope.for_role(role=Role.BRANCH_SECRETARY, org_path="/1/", actor="t")
    cadre = Scope.for_role(role=Role.COUNTY_CADRE, org_path="/1/", actor="t")
    assert Audience.of(secretary) is Audience.CARD_HOLDER
    assert Audience.of(cadre) is Audience.PUBLIC


def test_board_groups_households_by_member_in_name_order_and_only_counts_the_uncovered() -> None:
    board = village_board(
        VILLAGE,
        [
            facts(1, "赵一", ZHANG),
            facts(2, "钱二", LI),
            facts(3, "孙三", None),
            facts(4, "周四", ZHANG),
        ],
    )
    assert [e.member.name for e in board.entries] == ["张三", "李四"]
    assert [h.head_name for h in board.entries[0].households] == ["赵*", "周*"]
    assert [e.household_count for e in board.entries] == [2, 1]
    assert (board.household_count, board.uncovered) == (3, 1)
    assert {e.member.phone for e in board.entries} == {"*******1111", "*******2222"}


def test_sheet_puts_households_without_a_member_last_in_register_order() -> None:
    given = [facts(1, "a", None), facts(2, "b", ZHANG), facts(3, "c", None), facts(4, "d", LI)]
    assert [f.household_id for f in sheet_order(given)] == [2, 4, 1, 3]


@pytest.mark.parametrize("level", [OrgLevel.COUNTY, OrgLevel.TOWNSHIP, OrgLevel.PARTY_GROUP])
def test_boards_are_per_village_community_or_grid(level: OrgLevel) -> None:
    with pytest.raises(RuleBroken) as refused:
        check_disclosure_area(OrgUnit(1, "x", level, None, "/1/"))
    assert refused.value.code == "disclosure.area_level"
    for ok in (OrgLevel.VILLAGE, OrgLevel.COMMUNITY, OrgLevel.GRID):
        check_disclosure_area(OrgUnit(1, "x", ok, None, "/1/"))


def test_card_tokens_are_long_random_and_url_safe() -> None:
    made = {new_card_token() for _ in range(100)}
    assert len(made) == 100
    assert all(len(t) == 32 and looks_like_token(t) for t in made)
    for garbage in ("", "short", "x" * 65, "../../etc/passwd", "abc def ghi jkl mno", "令牌" * 10):
        assert not looks_like_token(garbage)


def test_card_url_joins_the_public_base_and_the_token() -> None:
    assert card_url("https://lianhu.example.cn/", "tok") == "https://lianhu.example.cn/c/tok"


def test_a_printed_card_names_its_household_by_code_and_building_the_public_one_does_not() -> None:
    facts = CardFacts(7, "赵一", "李家村", "第1网格", None, code="H001", building="3幢")
    assert hand_out_label(facts) == "户编号 H001 · 3幢"
    assert disclose_card(facts, Audience.CARD_HOLDER).label == "户编号 H001 · 3幢"
    assert disclose_card(facts, Audience.PUBLIC).label == ""
    uncoded = CardFacts(7, "赵一", "李家村", "第1网格", None)
    assert hand_out_label(uncoded) == "农户编号 #7"
