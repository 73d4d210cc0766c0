"""The audit log masks personal data like every other read: an auditor (no ``personal:read``)
reads before/after snapshots with phones and addresses masked by ``domain.masking``, locations
and birth dates left out and the sensitive categories (低保, 五保 …) removed."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from domain.kernel.access import Role
from domain.registers.masking import mask_address, mask_phone
from tests.builders import World

API = "/api/v1"
PHONE, NEW_PHONE = "13812340001", "0571-87654321"
ADDRESS, NEW_ADDRESS = "李家村5组28号", "李家村6组3号东屋"
LAT, LNG = 30.123456, 120.654321


def audit(client: TestClient, world: World, role: Role, **params: str) -> list[dict[str, Any]]:
    res = client.get(f"{API}/audit", params={"limit": "200", **params}, headers=world.headers(role))
    assert res.status_code == 200, res.text
    rows: list[dict[str, Any]] = res.json()["data"]
    return rows


def _changes(client: TestClient, world: World) -> int:
    """A household created, updated, given residents; a member created with a location; a
    visit logged with one. Every snapshot carries personal data."""
    admin = world.headers(Role.ADMIN)
    res = client.post(
        f"{API}/households",
        json={
            "org_id": world.org["G1"],
            "head_name": "冯九",
            "phone": PHONE,
            "address": ADDRESS,
            "lat": LAT,
            "lng": LNG,
            "categories": ["dibao", "wubao"],
        },
        headers=admin,
    )
    assert res.status_code == 201, res.text
    hid: int = res.json()["id"]
    res = client.patch(
        f"{API}/households/{hid}",
        json={
            "phone": NEW_PHONE,
            "address": NEW_ADDRESS,
            "categories": ["hardship", "party_member"],
        },
        headers=admin,
    )
    assert res.status_code == 200, res.text
    res = client.put(
        f"{API}/households/{hid}/residents",
        json={"residents": [{"relation": "head", "birth_date": "1951-04-17"}]},
        headers=admin,
    )
    assert res.status_code == 200, res.text
    res = client.post(
        f"{API}/members",
        json={
            "org_id": world.org["V1"],
            "name": "陈十",
            "phone": "13700009999",
            "lat": LAT,
            "lng": LNG,
        },
        headers=admin,
    )
    assert res.status_code == 201, res.text
    res = client.post(
        f"{API}/visits",
        json={
            "member_id": world.member["m1"],
            "household_id": world.household["h1"],
            "visited_at": "2026-11-25T01:30:00+00:00",
            "mode": "home",
            "lat": LAT,
            "lng": LNG,
        },
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201, res.text
    return hid


RAW = (
    PHONE,
    NEW_PHONE,
    ADDRESS,
    NEW_ADDRESS,
    "13700009999",
    "dibao",
    "wubao",
    "1951-04-17",
    "hardship",
    str(LAT),
    str(LNG),
)


def test_the_auditor_reads_audit_snapshots_with_personal_data_masked(
    client: TestClient, world: World
) -> None:
    hid = _changes(client, world)
    rows = audit(client, world, Role.AUDITOR)
    text = json.dumps(rows, ensure_ascii=False)
    for raw in RAW:
        assert raw not in text, raw
    by_entity = {(r["entity"], r["action"], r["entity_id"]): r for r in rows}
    created = by_entity[("household", "create", str(hid))]["after"]
    assert created["phone"] == mask_phone(PHONE)
    assert created["address"] == mask_address(ADDRESS)
    assert created["location"] is None
    assert created["categories"] == []
    updated = by_entity[("household", "update", str(hid))]
    assert updated["before"]["phone"] == mask_phone(PHONE)
    assert updated["after"]["phone"] == mask_phone(NEW_PHONE)
    assert updated["after"]["address"] == mask_address(NEW_ADDRESS)
    assert updated["after"]["categories"] == ["party_member"]  # 困难群众 is sensitive
    residents = by_entity[("household_residents", "update", str(hid))]["after"]["residents"]
    assert residents == [{"relation": "head", "birth_date": None, "gender": None}]


def test_a_caller_with_personal_read_reads_audit_snapshots_unmasked(
    client: TestClient, world: World
) -> None:
    hid = _changes(client, world)
    rows = audit(client, world, Role.ADMIN, entity="household", entity_id=str(hid))
    created = next(r for r in rows if r["action"] == "create")["after"]
    assert created["phone"] == PHONE
    assert created["address"] == ADDRESS
    assert created["categories"] == ["dibao", "wubao"]
    assert created["location"] == [LAT, LNG]
