"""Masking (脱敏, domain/masking.py) at its edges: snapshots, phones of every length,
addresses and names."""

from __future__ import annotations

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
