"""Masking (脱敏, domain/registers/masking.py) at its edges: snapshots, phones of every length,
addresses and names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.registers.masking import mask_address, mask_name, mask_phone, mask_snapshot


def test_a_masked_snapshot_masks_phones_and_addresses_at_any_depth() -> None:
    snap = {
        "phone": "13812345678",
        "address": "李家村3组12号",
        "residents": [{"relation": "head", "birth_date": "1950-01-01"}],
        "nested": {"members": [{"phone": "0571-87654321"}]},
    }
    assert mask_snapshot(snap) == {
        "phone": mask_phone("13812345678"),
        "address": mask_address("李家村3组12号"),
        "residents": [{"relation": "head", "birth_date": None}],
        "nested": {"members": [{"phone": mask_phone("0571-87654321")}]},
    }


def test_a_masked_snapshot_leaves_out_locations_and_the_sensitive_categories() -> None:
    snap = {
        "location": [30.1, 120.2],
        "lat": 30.1,
        "lng": 120.2,
        "categories": ["dibao", "wubao", "party_member", "hardship"],
    }
    assert mask_snapshot(snap) == {
        "location": None,
        "lat": None,
        "lng": None,
        "categories": ["party_member"],
    }


def test_a_masked_snapshot_keeps_what_is_not_personal_and_absent_values() -> None:
    snap = {"id": 3, "head_name": "赵一", "size": 4, "phone": None, "note": "13812345678"}
    assert mask_snapshot(snap) == snap
    assert mask_snapshot(None) is None


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _shown_digits(phone: str) -> int:
    masked = mask_phone(phone)
    assert masked is not None and len(masked) == len(phone)
    # every character kept in place is shown; a digit replaced by * is hidden
    return sum(1 for a, b in zip(phone, masked, strict=True) if a.isdigit() and a == b)


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_a_masked_phone_hides_at_least_half_of_its_digits_whatever_its_length(
    phone: str,
) -> None:
    assert _shown_digits(phone) * 2 <= len(phone)


@given(
    st.lists(st.text(alphabet="0123456789", min_size=1, max_size=8), min_size=1, max_size=4),
    st.sampled_from(["-", " ", ""]),
    st.booleans(),
)
def test_a_masked_phone_with_separators_hides_at_least_half_of_its_digits(
    parts: list[str], sep: str, plus: bool
) -> None:
    phone = ("+" if plus else "") + sep.join(parts)
    masked = mask_phone(phone)
    assert masked is not None
    shown = _digits(masked)
    assert len(shown) * 2 <= len(_digits(phone))
    assert [c for c in masked if not c.isdigit() and c != "*"] == [
        c for c in phone if not c.isdigit()
    ]  # the separators stay where they were


def test_a_masked_mobile_number_shows_only_its_last_four_digits() -> None:
    assert mask_phone("13812345678") == "*******5678"


def test_a_masked_seven_digit_landline_shows_three_of_seven_digits() -> None:
    assert mask_phone("5551234") == "****234"


def test_a_masked_eight_digit_landline_shows_four_of_eight_digits() -> None:
    assert mask_phone("87654321") == "****4321"


def test_a_masked_landline_with_area_code_and_dash_keeps_the_dash() -> None:
    assert mask_phone("0571-87654321") == "****-****4321"
    assert mask_phone("010-5551234") == "***-***1234"


def test_a_masked_phone_of_one_or_two_digits_shows_at_most_one() -> None:
    assert mask_phone("7") == "*"
    assert mask_phone("12") == "*2"
    assert mask_phone("123") == "**3"


def test_an_absent_phone_stays_absent() -> None:
    assert mask_phone(None) is None
    assert mask_phone("") == ""


# ── Addresses and names at their edges ────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("李家村3组12号东", "李家村3****"),  # 9 characters: half of them, 4
        ("李家村3组12号东屋", "李家村3组****"),  # 10: 5
        ("李家村3组12号东屋西", "李家村3组****"),  # 11: 5
        ("李家村三组十二号东屋西厢", "李家村三组十****"),  # 12: six, the most ever kept
        ("李家村三组十二号东屋西厢房", "李家村三组十****"),  # 13: still six
        ("李家村三组十二号东屋西厢房间", "李家村三组十****"),  # 14: six, not seven
        ("李村", "李****"),  # 2: 1
        ("村", "村****"),  # 1: at least one is kept
    ],
)
def test_a_masked_address_keeps_half_of_it_and_never_more_than_six_characters(
    address: str, masked: str
) -> None:
    assert mask_address(address) == masked


def test_an_absent_address_stays_absent() -> None:
    assert mask_address(None) is None
    assert mask_address("") == ""


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张", "张"), ("张三", "张*"), ("张小三", "张*三"), ("欧阳明月", "欧**月"), ("", "")],
)
def test_a_public_name_keeps_its_first_and_last_character_only(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_masked_snapshot_masks_a_phone_stored_as_a_number_and_inside_tuples() -> None:
    assert mask_snapshot({"phone": 13812345678}) == {"phone": "*******5678"}
    assert mask_snapshot(({"lat": 1.0},)) == [{"lat": None}]
    assert mask_snapshot({"birth_date": "1950-01-01", "gender": "女"}) == {
        "birth_date": None,
        "gender": "女",
    }
    assert mask_snapshot({"categories": "dibao"}) == {"categories": "dibao"}
    assert mask_snapshot({"members": [{"categories": ["wubao", "x"]}]}) == {
        "members": [{"categories": ["x"]}]
    }


def test_a_masked_phone_keeps_a_plus_and_spaces_in_place() -> None:
    assert mask_phone("+86 138 1234 5678") == "+** *** **** 5678"
