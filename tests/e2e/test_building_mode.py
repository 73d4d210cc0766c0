"""楼栋 mode is a community's own setting (seeds/huiji-1plus6plusN.txt): “社区党员较少,群众较多的,
分包联系至少6个楼栋群众” — only a community with few members and many residents plans by
buildings, and its members are then judged by buildings, not households."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import World, a_household, assign

API = "/api/v1"


def buildings(world: World, count: int, per_building: int) -> dict[str, list[int]]:
    """``count`` buildings of ``per_building`` households each on the community's grid G3."""
    return {
        f"{b}栋": [
            a_household(world.app, world.org["G3"], f"住户{b}-{k}", building=f"{b}栋")
            for k in range(per_building)
        ]
        for b in range(1, count + 1)
    }


def put_scheme(client: TestClient, world: World, org: str, body: dict[str, Any]) -> Any:
    return client.put(
        f"{API}/org-units/{world.org[org]}/scheme", json=body, headers=world.headers(Role.ADMIN)
    )


def test_one_six_n_plans_a_community_by_buildings_only_when_the_community_sets_it_huiji_seed(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    assert put_scheme(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    buildings(world, 12, 2)  # 24 households in 12 buildings, and h4 outside any: one member, m3
    res = client.post(f"{API}/assignment-proposals", json={"org_id": world.org["V2"]}, headers=h)
    assert res.status_code == 201, res.text
    (short,) = res.json()["report"]["shortfalls"]  # by households: 25 for one member of 6–15
    assert (short["units"], short["uncovered_count"]) == (25, 10)

    res = put_scheme(client, world, "V2", {"overrides": {"community_unit": "building"}})
    assert res.status_code == 200, res.text
    res = client.post(f"{API}/assignment-proposals", json={"org_id": world.org["V2"]}, headers=h)
    report = res.json()["report"]
    assert report["shortfalls"] == [] and report["households"] == 25  # 13 units: 12 buildings + h4


def test_building_mode_is_refused_on_a_level_that_is_not_a_community_huiji_seed(
    client: TestClient, world: World
) -> None:
    assert put_scheme(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    for org in ("C", "T2", "V1", "G3"):
        res = put_scheme(client, world, org, {"overrides": {"community_unit": "building"}})
        assert res.status_code == 422, (org, res.text)
        assert res.json()["code"] == "scheme.community_only"
        assert res.json()["field"] == "overrides.community_unit"


def test_the_coverage_report_judges_a_building_mode_community_by_buildings_huiji_seed(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    assert put_scheme(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    res = put_scheme(client, world, "V2", {"overrides": {"community_unit": "building"}})
    assert res.status_code == 200, res.text
    m3 = world.member["m3"]
    for households in buildings(world, 6, 3).values():  # 18 households, 6 buildings
        for household in households:
            assign(world.app, m3, household)
    for area in ("V2", "T2"):  # the community itself, and the township above it
        body = client.get(f"{API}/org-units/{world.org[area]}/coverage", headers=h).json()
        # 6 buildings: within 1+6+N's 6 or more buildings, though 18 households are over 15
        assert m3 not in body["over_loaded"]["ids"] and m3 not in body["under_loaded"]["ids"]
        assert body["building_bounds"] == {"low": 6, "high": 15}
        assert body["building_communities"]["ids"] == [world.org["V2"]]
    body = client.get(f"{API}/org-units/{world.org['T1']}/coverage", headers=h).json()
    assert body["building_bounds"] is None and body["building_communities"]["count"] == 0


def test_a_building_mode_member_with_too_few_buildings_is_under_loaded_huiji_seed(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    assert put_scheme(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    assert (
        put_scheme(client, world, "V2", {"overrides": {"community_unit": "building"}}).status_code
        == 200
    )
    m3 = world.member["m3"]
    for households in buildings(world, 3, 3).values():  # 9 households, but only 3 buildings
        for household in households:
            assign(world.app, m3, household)
    body = client.get(f"{API}/org-units/{world.org['V2']}/coverage", headers=h).json()
    assert body["under_loaded"]["ids"] == [m3]
