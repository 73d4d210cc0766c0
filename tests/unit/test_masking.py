"""Masking (脱敏, domain/masking.py) at its edges: snapshots, phones of every length,
addresses and names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.masking import mask_address, mask_phone, mask_snapshot


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
