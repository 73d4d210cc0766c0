from __future__ import annotations

from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import World


def test_county_cadre_lists_all_households_of_the_county(client: TestClient, world: World) -> None:
    res = client.get("/api/v1/households", headers=world.headers(Role.COUNTY_CADRE))
    assert res.status_code == 200, res.text
    assert res.json()["total"] == 4


def test_member_sees_only_the_households_they_look_after(client: TestClient, world: World) -> None:
    res = client.get("/api/v1/households", headers=world.headers(Role.MEMBER))
    assert res.status_code == 200, res.text
    assert sorted(h["external_id"] for h in res.json()["data"]) == ["H1", "H2"]
