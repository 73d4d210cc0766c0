"""A scheme's parameters stay within bounds: an absurd override is refused with 422 naming it
and its range, and nothing is stored; overrides stored before the bounds existed are read
clamped (or left out when unreadable), so no request of the area fails on them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.kernel.access import Role
from persistence.schemes.tables import SchemeBindingRow
from tests.builders import World
from tests.e2e.test_disclosure import issue

API = "/api/v1"


def put_scheme(client: TestClient, world: World, org: str, body: str) -> Any:
    # Raw JSON: NaN and 1e400 (infinity) are what a client can send that json= would not.
    return client.put(
        f"{API}/org-units/{world.org[org]}/scheme",
        content=body,
        headers={**world.headers(Role.ADMIN), "Content-Type": "application/json"},
    )


def store_overrides(world: World, org: str, overrides: dict[str, Any]) -> None:
    """Overrides as a database written before the bounds may hold them."""
    with world.app.state.session_factory() as s:
        row = s.get(SchemeBindingRow, world.org[org])
        assert row is not None
        row.overrides = overrides
        s.commit()


def the_area_works(client: TestClient, world: World) -> None:
    """Every request the fuzzing found failing on an absurd figure answers normally."""
    h, member = world.headers(Role.ADMIN), world.headers(Role.MEMBER)
    res = client.get(f"{API}/org-units/{world.org['V1']}/compliance", headers=h)
    assert res.status_code == 200, res.text
    res = client.get(f"{API}/members/{world.member['m1']}/due", headers=h)
    assert res.status_code == 200, res.text
    res = client.get(f"{API}/sync/pull", headers=member)
    assert res.status_code == 200, res.text
    res = client.post(
        f"{API}/households/{world.household['h2']}/events", json={"kind": "红白大事"}, headers=h
    )
    assert res.status_code == 201, res.text
    token = issue(client, world)["token"]
    res = client.post(f"{API}/public/cards/{token}/events", json={"kind": "生病住院"})
    assert res.status_code == 201, res.text
    res = client.post(f"{API}/assignment-proposals", json={"org_id": world.org["V1"]}, headers=h)
    assert res.status_code == 201, res.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ('{"visit_cadence_days": 3000000}', "visit_cadence_days", "走访周期须在 1 至 365 天之间"),
        (
            '{"must_attend_deadline_hours": 70080000}',
            "must_attend_deadline_hours",
            "必到事项时限须在 1 至 720 小时之间",
        ),
        ('{"distance_weight": NaN}', "distance_weight", "距离权重须在 0 至 100 之间"),
        ('{"distance_weight": 1e400}', "distance_weight", "距离权重须在 0 至 100 之间"),
        ('{"distance_weight": 1e308}', "distance_weight", "距离权重须在 0 至 100 之间"),
        (
            '{"households_max": 1180591620717411303424}',
            "households_max",
            "每人最多联系户数须在 1 至 500 户之间",
        ),
        (
            '{"elderly_pairing_max": 1000000000}',
            "elderly_pairing_max",
            "结对老党员最多人数须在 0 至 10 人之间",
        ),
        ('{"kinship_bonus": 1e300}', "kinship_bonus", "亲缘加分须在 0 至 10000 之间"),
    ],
)
def test_an_absurd_override_is_refused_naming_its_range_and_nothing_is_stored(
    client: TestClient, world: World, overrides: str, field: str, message: str
) -> None:
    h = world.headers(Role.ADMIN)
    assert put_scheme(client, world, "C", '{"scheme": "one_six_n"}').status_code == 200
    before = client.get(f"{API}/org-units/{world.org['V1']}/scheme", headers=h).json()
    res = put_scheme(client, world, "V1", f'{{"overrides": {overrides}}}')
    assert res.status_code == 422, res.text
    problem = res.json()
    assert (problem["code"], problem["field"]) == ("scheme.out_of_range", f"overrides.{field}")
    assert problem["detail"] == message
    assert client.get(f"{API}/org-units/{world.org['V1']}/scheme", headers=h).json() == before
    with world.app.state.session_factory() as s:
        assert s.get(SchemeBindingRow, world.org["V1"]) is None


def test_the_widest_figures_allowed_keep_every_request_working(
    client: TestClient, world: World
) -> None:
    assert put_scheme(client, world, "C", '{"scheme": "one_six_n"}').status_code == 200
    widest = {
        "visit_cadence_days": 365,
        "must_attend_deadline_hours": 720,
        "households_max": 500,
        "elderly_pairing_min": 10,
        "elderly_pairing_max": 10,
        "distance_weight": 100,
        "kinship_bonus": 10_000,
        "interest_bonus": 10_000,
    }
    res = put_scheme(client, world, "V1", json.dumps({"overrides": widest}))
    assert res.status_code == 200, res.text
    the_area_works(client, world)


def test_overrides_stored_before_the_bounds_are_read_clamped_and_break_nothing(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    assert put_scheme(client, world, "C", '{"scheme": "one_six_n"}').status_code == 200
    assert put_scheme(client, world, "V1", '{"overrides": {}}').status_code == 200
    store_overrides(
        world,
        "V1",
        {
            "visit_cadence_days": 3_000_000,
            "must_attend_deadline_hours": 70_080_000,
            "households_max": 2**62,
            "elderly_pairing_max": 10**9,
            "distance_weight": None,  # a NaN, as PostgreSQL gives it back
            "kinship_bonus": 1e300,
        },
    )
    eff = client.get(f"{API}/org-units/{world.org['V1']}/scheme", headers=h)
    assert eff.status_code == 200, eff.text
    params = eff.json()["params"]
    assert (params["visit_cadence_days"], params["must_attend_deadline_hours"]) == (365, 720)
    assert (params["households_max"], params["elderly_pairing_max"]) == (500, 10)
    assert (params["distance_weight"], params["kinship_bonus"]) == (1.0, 10_000.0)
    compliance = client.get(f"{API}/org-units/{world.org['V1']}/compliance", headers=h).json()
    assert compliance["cadence_days"] == 365
    the_area_works(client, world)
    # The level can still be saved over and reset.
    res = put_scheme(client, world, "V1", '{"overrides": {"visit_cadence_days": 20}}')
    assert res.status_code == 200 and res.json()["params"]["visit_cadence_days"] == 20
    res = client.delete(f"{API}/org-units/{world.org['V1']}/scheme", headers=h)
    assert res.status_code == 204


def put_json(client: TestClient, world: World, org: str, body: dict[str, Any]) -> Any:
    return put_scheme(client, world, org, json.dumps(body))


def effective(client: TestClient, world: World, org: str) -> Any:
    res = client.get(f"{API}/org-units/{world.org[org]}/scheme", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    return res.json()["params"]


def test_a_change_above_that_breaks_a_villages_own_figures_is_refused_naming_the_village(
    client: TestClient, world: World
) -> None:
    """The county raised the least number of households above a village's own most: accepted,
    and every request of the village was a 422 from then on."""
    assert put_json(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    assert put_json(client, world, "V1", {"overrides": {"households_max": 7}}).status_code == 200
    res = put_json(client, world, "C", {"scheme": "one_six_n", "overrides": {"households_min": 9}})
    assert res.status_code == 409, res.text
    body = res.json()
    assert body["code"] == "scheme.conflicts_below" and body["field"] == "households_max"
    assert [(e["org_id"], e["code"]) for e in body["errors"]] == [
        (world.org["V1"], "scheme.min_above_max")
    ]
    assert "请先修改下级的设置" in body["detail"]
    assert effective(client, world, "C")["households_min"] == 6  # nothing was stored
    assert effective(client, world, "V1")["households_max"] == 7
    # a preset whose least the village's own most is below (先锋户联: 8 to 12) is refused alike
    res = put_json(client, world, "C", {"scheme": "xianfeng_hulian"})
    assert res.status_code == 409 and res.json()["code"] == "scheme.conflicts_below"
    assert put_json(client, world, "C", {"scheme": "yilian_sanhui"}).status_code == 200
    assert effective(client, world, "V1")["households_max"] == 7


def test_removing_a_level_whose_figures_a_level_below_relies_on_is_refused(
    client: TestClient, world: World
) -> None:
    assert put_json(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    assert put_json(client, world, "T1", {"overrides": {"households_max": 30}}).status_code == 200
    assert put_json(client, world, "V1", {"overrides": {"households_min": 20}}).status_code == 200
    res = client.delete(
        f"{API}/org-units/{world.org['T1']}/scheme", headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 409 and res.json()["code"] == "scheme.conflicts_below"
    assert effective(client, world, "V1")["households_max"] == 30  # the township's stays


def test_a_villages_stored_figures_that_no_longer_fit_above_are_left_out_not_failed_on(
    client: TestClient, world: World
) -> None:
    """Figures stored before such changes were refused: the village works on the figures from
    above (logged) instead of answering 422 to every request."""
    assert put_json(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    assert put_json(client, world, "V1", {"overrides": {"households_max": 8}}).status_code == 200
    store_overrides(world, "C", {"households_min": 9})
    params = effective(client, world, "V1")
    assert (params["households_min"], params["households_max"]) == (9, 15)
    the_area_works(client, world)
